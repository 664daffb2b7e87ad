/**
 * Route lookups (RTM_GETROUTE, as `ip route get DST from SRC [oif DEV]`) in a namespace: the
 * kernel's own answer to whether a subflow from SRC can reach DST, policy rules included.
 * Encoding and decoding are pure.
 */
import { parseInet, formatInet } from '../util/inet.js';
import { errnoName } from '../errno.js';
import { KernelError } from '../errors.js';
import { decodeAttributeSet, encodeAttributeSet } from './attrset.js';
import { exchange, type TraceHook } from './exchange.js';
import { encodeMessage, NLM_F_ACK, NLM_F_REQUEST } from './message.js';
import { NETLINK_ROUTE, NetlinkTransport, type TransportOptions } from './transport.js';
import { AF_INET, AF_INET6 } from '../families/address-family.js';
import { routeSet, RTM_GETROUTE, RTM_NEWROUTE, rtmsg } from '../families/rtnl.js';

/** What a query between two address families gets (as from connect(2)). */
const EAFNOSUPPORT = 97;

export interface RouteQuery {
  /** Destination address (canonical text). */
  dst: string;
  /** Source address the subflow binds to. */
  src?: string;
  /** Output interface the subflow is bound to (an endpoint's `dev`), 0 for none. */
  oif?: number;
}

export type RouteAnswer =
  | { ok: true; oif: number; gateway?: string; prefsrc?: string }
  | { ok: false; errno: number; errnoName: string };

/** The RTM_GETROUTE request for `query`, or undefined when an address is not IPv4/IPv6 or the families differ. Pure. */
export function encodeRouteRequest(query: RouteQuery, seq: number): Buffer | undefined {
  const dst = parseInet(query.dst);
  const src = query.src === undefined ? undefined : parseInet(query.src);
  if (!dst || (query.src !== undefined && (!src || src.family !== dst.family))) return undefined;
  const bits = dst.family === 4 ? 32 : 128;
  // rtmsg: family, dst_len, src_len; the rest zero.
  const header = Buffer.alloc(rtmsg.size);
  header[0] = dst.family === 4 ? AF_INET : AF_INET6;
  header[1] = bits;
  header[2] = src ? bits : 0;
  const attrs = encodeAttributeSet(routeSet, { dst: dst.bytes, src: src?.bytes, oif: query.oif || undefined }).toBuffer();
  return encodeMessage({ type: RTM_GETROUTE, flags: NLM_F_REQUEST | NLM_F_ACK, seq, pid: 0 }, Buffer.concat([header, attrs]));
}

/** An RTM_NEWROUTE payload -> the route's output interface, gateway and preferred source. Pure. */
export function decodeRouteReply(payload: Buffer): RouteAnswer {
  if (payload.length < rtmsg.size) return { ok: true, oif: 0 };
  const family = payload[0] === AF_INET ? 4 : 6;
  const attrs = decodeAttributeSet(routeSet, payload.subarray(rtmsg.size)).values;
  const answer: RouteAnswer = { ok: true, oif: (attrs.get('oif') as number | undefined) ?? 0 };
  const address = (name: string): string | undefined => {
    const bytes = attrs.get(name) as Buffer | undefined;
    return bytes?.length === (family === 4 ? 4 : 16) ? formatInet({ family, bytes }) : undefined;
  };
  const gateway = address('gateway');
  const prefsrc = address('prefsrc');
  if (gateway !== undefined) answer.gateway = gateway;
  if (prefsrc !== undefined) answer.prefsrc = prefsrc;
  return answer;
}

/**
 * Looks up each query in the namespace over one socket. A refusal (ENETUNREACH, EHOSTUNREACH,
 * EINVAL for a source address the namespace does not have, ...) is an answer, not an error.
 */
export async function lookupRoutes(queries: readonly RouteQuery[], options: TransportOptions = {}, trace?: TraceHook): Promise<RouteAnswer[]> {
  if (queries.length === 0) return [];
  const transport = NetlinkTransport.open(NETLINK_ROUTE, options);
  try {
    let seq = Math.floor(Date.now() / 1000);
    const answers: RouteAnswer[] = [];
    for (const query of queries) {
      const message = encodeRouteRequest(query, ++seq);
      if (!message) {
        answers.push({ ok: false, errno: EAFNOSUPPORT, errnoName: errnoName(EAFNOSUPPORT) });
        continue;
      }
      try {
        const { replies } = await exchange(transport, {
          message,
          operation: 'RTM_GETROUTE',
          toError: (ack) => new KernelError({ errno: -ack.error, operation: 'RTM_GETROUTE', message: ack.message }),
          trace,
        });
        const reply = replies.find((m) => m.type === RTM_NEWROUTE);
        answers.push(reply ? decodeRouteReply(reply.payload) : { ok: true, oif: 0 });
      } catch (err) {
        if (!(err instanceof KernelError)) throw err;
        answers.push({ ok: false, errno: err.errno, errnoName: errnoName(err.errno) });
      }
    }
    return answers;
  } finally {
    await transport.close();
  }
}
