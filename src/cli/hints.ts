/**
 * Hints for the in-kernel path manager's frequent refusals. The kernel's words are exact but
 * terse: "too many addresses or duplicate one: -16" does not say which id clashes with what, and
 * "create listen socket error: -99" does not say the address must exist here first. The hint is
 * appended to the same stderr line by output/error-report.ts (via ExplainedKernelError). The wording is pure
 * and tested with tables; the command supplies what it sent and the endpoints that exist.
 */
import type { Endpoint } from '../mptcp/records.js';
import { Errno } from '../errno.js';
import { KernelError, PermissionError } from '../errors.js';
import { ExplainedKernelError } from './explain.js';

/** What the refused request asked for. */
export interface RefusedRequest {
  address?: string;
  id?: number;
  port?: number;
  /** Limits as sent (SET_LIMITS). */
  subflows?: number;
  addAddrAccepted?: number;
}

export interface HintContext {
  netns: string | undefined;
  request: RefusedRequest;
  /** The endpoints as they are now (read after the refusal), to name the one that clashes. */
  endpoints: readonly Endpoint[];
}

/** The most endpoints per namespace and the highest limit value (MPTCP_PM_ADDR_MAX). */
const MAX = 8;

function ipCommand(netns: string | undefined, args: string): string {
  return `ip ${netns === undefined ? '' : `-n ${netns} `}${args}`;
}

function mptcpctl(netns: string | undefined, args: string): string {
  return `mptcpctl ${netns === undefined ? '' : `-n ${netns} `}${args}`;
}

const where = (netns: string | undefined): string => (netns === undefined ? 'this namespace' : `namespace "${netns}"`);

const idList = (endpoints: readonly Endpoint[]): string => (endpoints.length ? `ids in use: ${endpoints.map((e) => e.id).join(', ')}` : 'there are no endpoints');

/** The hint for a refused ADD_ADDR / DEL_ADDR / GET_ADDR / SET_FLAGS / SET_LIMITS, or undefined. Pure. */
export function inKernelHint(err: KernelError, ctx: HintContext): string | undefined {
  const { request: r, netns, endpoints } = ctx;
  const message = err.extackMessage ?? '';
  switch (err.operation) {
    case 'ADD_ADDR': {
      if (err.errno === Errno.EEXIST) {
        const same = endpoints.find((e) => e.address === r.address && e.port === (r.port ?? 0));
        return `${r.address}${r.port ? ` port ${r.port}` : ''} is already ${same ? `endpoint id ${same.id}` : 'an endpoint'} (a duplicate address, not a duplicate id); ${mptcpctl(netns, same ? `endpoint delete id ${same.id}` : 'endpoint show')} ${same ? 'removes it first' : 'lists them'}`;
      }
      if (err.errno === Errno.EBUSY) {
        const owner = endpoints.find((e) => e.id === r.id);
        return `id ${r.id} is already used${owner ? ` by ${owner.address}` : ''} (a duplicate id, not a duplicate address): choose another id, or leave id out and the kernel picks a free one`;
      }
      if (err.errno === Errno.ERANGE) {
        return `the in-kernel path manager holds at most ${MAX} endpoints per namespace and ${where(netns)} has ${endpoints.length || MAX}: delete one first (${mptcpctl(netns, 'endpoint delete id ID')})`;
      }
      if (err.errno === Errno.EADDRNOTAVAIL) {
        return `${r.address} is not configured in ${where(netns)}; an endpoint with a port makes the kernel listen on it, so add the address first (${ipCommand(netns, `addr add ${r.address}/${r.address?.includes(':') ? 64 : 24} dev IFNAME`)})`;
      }
      if (err.errno === Errno.EADDRINUSE) {
        return `port ${r.port} is already in use on ${r.address} (by another endpoint's listener or a program's socket): choose another port`;
      }
      return undefined;
    }
    case 'DEL_ADDR':
    case 'GET_ADDR':
      if (message === 'address not found') return `no endpoint has id ${r.id} (${idList(endpoints)}); \`${mptcpctl(netns, 'endpoint show')}\` lists them`;
      return undefined;
    case 'SET_FLAGS':
      if (message === 'address not found') {
        const what = r.address !== undefined ? `address ${r.address}${r.port ? ` port ${r.port}` : ''}` : `id ${r.id}`;
        return `no endpoint has ${what}; \`${mptcpctl(netns, 'endpoint show')}\` lists them`;
      }
      if (message === 'invalid addr flags') return 'fullmesh cannot be set on a signal (or implicit) endpoint: fullmesh is for subflow endpoints';
      return undefined;
    case 'SET_LIMITS': {
      if (!message.startsWith('limit greater than maximum')) return undefined;
      // The offset names the attribute the kernel objected to; say it with the user's keyword.
      const which = err.attribute === 'subflows' ? 'subflows' : err.attribute === 'rcv-add-addrs' ? 'add_addr_accepted' : undefined;
      const value = which === 'subflows' ? r.subflows : which === 'add_addr_accepted' ? r.addAddrAccepted : undefined;
      return `${which ? `${which} ${value} is too high: ` : ''}subflows and add_addr_accepted are each 0..${MAX}, and a refused set changes neither`;
    }
    default:
      return undefined;
  }
}

/**
 * Runs an in-kernel PM request; a refusal that a hint explains comes back as an
 * ExplainedKernelError. `endpoints` is only called after a refusal.
 */
export async function withInKernelHint<T>(
  netns: string | undefined,
  request: RefusedRequest,
  endpoints: () => Promise<Endpoint[]>,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof KernelError) || err instanceof PermissionError || err instanceof ExplainedKernelError) throw err;
    // Only the hints that name a clashing endpoint or the ids in use read the list (one more dump).
    const needed =
      (err.operation === 'ADD_ADDR' && ([Errno.EEXIST, Errno.EBUSY, Errno.ERANGE] as number[]).includes(err.errno)) ||
      ((err.operation === 'DEL_ADDR' || err.operation === 'GET_ADDR') && err.extackMessage === 'address not found');
    const list = needed ? await endpoints().catch(() => [] as Endpoint[]) : [];
    const hint = inKernelHint(err, { netns, request, endpoints: list });
    throw hint === undefined ? err : new ExplainedKernelError(err, hint);
  }
}
