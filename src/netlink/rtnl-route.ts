/**
 * Route lookups (RTM_GETROUTE, as `ip route get DST from SRC [oif DEV]`) in a namespace: the
 * kernel's own answer to whether a subflow from SRC can reach DST, policy rules included.
 * Encoding and decoding are pure.
 */
import { parseInet, formatInet } from '../util/inet.js';
import { readU32LE, subarrayOf } from '../util/bytes.js';
import { errnoName } from '../errno.js';
import { KernelError } from '../errors.js';
import { exchange, type TraceHook } from './exchange.js';
import { AttributeWriter, decodeAttributes, encodeMessage, NLM_F_ACK, NLM_F_REQUEST } from './message.js';
import { NETLINK_ROUTE, NetlinkTransport, type TransportOptions } from './transport.js';

export const RTM_NEWROUTE = 24;
export const RTM_GETROUTE = 26;
/** struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type (u8 each), flags (u32). */
const RTMSG_SIZE = 12;
const RTA_DST = 1;
const RTA_SRC = 2;
const RTA_OIF = 4;
const RTA_GATEWAY = 5;
const RTA_PREFSRC = 7;
const AF_INET = 2;
const AF_INET6 = 10;
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
  const header = Buffer.alloc(RTMSG_SIZE);
  header[0] = dst.family === 4 ? AF_INET : AF_INET6;
  header[1] = bits;
  header[2] = src ? bits : 0;
  const attrs = new AttributeWriter().put(RTA_DST, dst.bytes);
  if (src) attrs.put(RTA_SRC, src.bytes);
  if (query.oif) attrs.u32(RTA_OIF, query.oif);
  return encodeMessage({ type: RTM_GETROUTE, flags: NLM_F_REQUEST | NLM_F_ACK, seq, pid: 0 }, Buffer.concat([header, attrs.toBuffer()]));
}

/** An RTM_NEWROUTE payload -> the route's output interface, gateway and preferred source. Pure. */
export function decodeRouteReply(payload: Buffer): RouteAnswer {
  if (payload.length < RTMSG_SIZE) return { ok: true, oif: 0 };
  const family = payload[0] === AF_INET ? 4 : 6;
  const answer: RouteAnswer = { ok: true, oif: 0 };
  for (const attr of decodeAttributes(subarrayOf(payload, RTMSG_SIZE))) {
    if (attr.type === RTA_OIF && attr.data.length >= 4) answer.oif = readU32LE(attr.data, 0);
    const size = family === 4 ? 4 : 16;
    if ((attr.type === RTA_GATEWAY || attr.type === RTA_PREFSRC) && attr.data.length === size) {
      const text = formatInet({ family, bytes: attr.data });
      if (attr.type === RTA_GATEWAY) answer.gateway = text;
      else answer.prefsrc = text;
    }
  }
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
