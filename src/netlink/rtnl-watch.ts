/**
 * rtnetlink notifications of interface and address changes (RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
 * RTNLGRP_IPV6_IFADDR), as `ip monitor link address` receives them. Only that something changed
 * is reported: who reacts reads the whole state again, which also covers lost notifications.
 */
import { NETLINK_ROUTE, NetlinkTransport, type TransportOptions } from './transport.js';
import { decodeMessages } from './message.js';
import { RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, RTNLGRP_LINK } from '../families/rtnl.js';

/** What arrived: message types (RTM_NEWADDR = 20, ...), or an overrun (some were lost). */
export type RouteChange = { kind: 'messages'; types: number[] } | { kind: 'overrun' };

/**
 * Calls `onChange` for each notification datagram in the namespace until `signal` aborts. The
 * socket is open (groups joined) when this returns, so no change after that is missed; the
 * promise settles when the watch has ended and its socket is closed.
 */
export function watchRoute(options: TransportOptions, signal: AbortSignal, onChange: (change: RouteChange) => void): Promise<void> {
  const transport = NetlinkTransport.open(NETLINK_ROUTE, { ...options, receiveBufferBytes: 1024 * 1024 });
  try {
    for (const group of [RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR]) transport.addMembership(group);
  } catch (err) {
    transport.closeSync();
    throw err;
  }
  return (async () => {
    try {
      while (!signal.aborted) {
        const result = await transport.receive(-1, signal);
        if (result.kind === 'overrun') onChange({ kind: 'overrun' });
        else if (result.kind === 'data') onChange({ kind: 'messages', types: decodeMessages(result.datagram).map((m) => m.type) });
      }
    } finally {
      await transport.close();
    }
  })();
}
