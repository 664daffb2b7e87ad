/**
 * Live MPTCP connections and subflows of a network namespace, from NETLINK_SOCK_DIAG (inet_diag),
 * the interface `ss -M` and `ss -tiO` read.
 */
import { Errno } from '../errno.js';
import { KernelError, PermissionError } from '../errors.js';
import { dumpConsistently, type TraceHook } from '../netlink/exchange.js';
import type { ExtendedAck } from '../netlink/extack.js';
import { NETLINK_SOCK_DIAG, NetlinkTransport } from '../netlink/transport.js';
import { AF_INET, AF_INET6 } from '../families/mptcp-pm.js';
import type { Token } from '../mptcp/records.js';
import { decodeInetDiagMessage, encodeInetDiagRequest, type InetDiagSocket } from './inet-diag.js';
import { InetDiagAttr, IPPROTO_MPTCP, IPPROTO_TCP, SOCK_DIAG_BY_FAMILY } from '../families/sock-diag.js';
import { encodeFilterBytecode, type SocketFilter } from './inet-diag-bytecode.js';
import { assignSides, TCP_LISTEN, toConnection, toSubflow, type MptcpConnection, type MptcpSubflow } from './records.js';
import { checkAddress, checkOptional, checkToken, IFINDEX, PORT } from '../mptcp/ranges.js';

export interface SockDiagOptions {
  /** Network namespace name (as `ip -n`); the caller's namespace if absent. */
  netns?: string;
}

/**
 * Which sockets to list; every selector given must hold. Addresses, ports and the device are
 * selected by the kernel (inet_diag bytecode, as ss does), the token here.
 */
export interface DiagFilter extends SocketFilter {
  /** Only the connection with this token (or the subflows whose token-loc is this). */
  token?: Token;
}

const protocolNames: Record<number, string> = { [IPPROTO_TCP]: 'TCP', [IPPROTO_MPTCP]: 'MPTCP' };
const familyNames: Record<number, string> = { [AF_INET]: 'inet', [AF_INET6]: 'inet6' };

/**
 * Lists MPTCP connections and subflows over one NETLINK_SOCK_DIAG socket. Each listing dumps
 * both address families, reads every part until NLMSG_DONE, and restarts a dump the kernel flags
 * as interrupted. Kernel refusals are thrown as KernelError (PermissionError for EPERM).
 */
export class SockDiag {
  private seq: number;
  /** Set to see the raw traffic (e.g. `--debug`). */
  trace: TraceHook | undefined;

  private constructor(private readonly transport: NetlinkTransport) {
    this.seq = Math.floor(Date.now() / 1000) >>> 0;
  }

  /** Opens a sock_diag socket, inside `netns` when given. */
  static open(options: SockDiagOptions = {}): SockDiag {
    return new SockDiag(NetlinkTransport.open(NETLINK_SOCK_DIAG, { netns: options.netns }));
  }

  /** Wraps an open transport; a seam for unit tests that feed recorded replies. */
  static fromTransport(transport: NetlinkTransport): SockDiag {
    return new SockDiag(transport);
  }

  /**
   * MPTCP connections, listeners included, IPv4 then IPv6. Telling each one's `side` needs the
   * subflows too, so this also dumps the TCP sockets (see `assignSides`).
   */
  async listConnections(filter: DiagFilter = {}): Promise<MptcpConnection[]> {
    const token = checkFilter(filter);
    const bytecode = encodeFilterBytecode(filter);
    const sockets = (await this.dumpBothFamilies(IPPROTO_MPTCP, bytecode)).map(toConnection);
    const subflows = await this.listSubflows();
    let connections = assignSides(sockets, subflows);
    // A side told by a listener on the local port needs the listeners the filter may have left out.
    if (bytecode && connections.some((c) => c.sideEvidence === 'no-listener')) {
      connections = assignSides(sockets, subflows, (await this.dumpBothFamilies(IPPROTO_MPTCP, undefined, 1 << TCP_LISTEN)).map(toConnection));
    }
    return token === undefined ? connections : connections.filter((c) => c.token === token);
  }

  /** Every connection and every subflow, from one dump of each (what listConnections reads anyway). */
  async listConnectionsAndSubflows(): Promise<{ connections: MptcpConnection[]; subflows: MptcpSubflow[] }> {
    const sockets = await this.dumpBothFamilies(IPPROTO_MPTCP);
    const subflows = await this.listSubflows();
    return { connections: assignSides(sockets.map(toConnection), subflows), subflows };
  }

  /** MPTCP subflows (TCP sockets with the "mptcp" ULP, listeners excluded), IPv4 then IPv6. */
  async listSubflows(filter: DiagFilter = {}): Promise<MptcpSubflow[]> {
    const token = checkFilter(filter);
    const subflows: MptcpSubflow[] = [];
    for (const socket of await this.dumpBothFamilies(IPPROTO_TCP, encodeFilterBytecode(filter))) {
      const subflow = toSubflow(socket);
      if (subflow && (token === undefined || subflow.token === token)) subflows.push(subflow);
    }
    return subflows;
  }

  /** Closes the socket; the instance cannot be used afterwards. */
  async close(): Promise<void> {
    await this.transport.close();
  }

  private async dumpBothFamilies(protocol: number, bytecode?: Buffer, states?: number): Promise<InetDiagSocket[]> {
    return [...(await this.dump(AF_INET, protocol, bytecode, states)), ...(await this.dump(AF_INET6, protocol, bytecode, states))];
  }

  /** One complete dump; INET_DIAG_INFO is asked for because the kernel sends ULP info only with it. */
  private async dump(family: number, protocol: number, bytecode?: Buffer, states?: number): Promise<InetDiagSocket[]> {
    const operation = `SOCK_DIAG_BY_FAMILY dump of ${protocolNames[protocol] ?? protocol} ${familyNames[family] ?? family} sockets`;
    const messages = await dumpConsistently(this.transport, () => ({
      message: encodeInetDiagRequest(
        { family, protocol, extensions: [InetDiagAttr.INFO], ...(bytecode ? { bytecode } : {}), ...(states === undefined ? {} : { states }) },
        (this.seq = (this.seq + 1) >>> 0),
      ),
      operation,
      toError: (ack) => diagError(ack, operation, protocol),
      trace: this.trace,
    }));
    return messages.filter((m) => m.type === SOCK_DIAG_BY_FAMILY).map((m) => decodeInetDiagMessage(m.payload));
  }
}

/** A typed error for a refused dump; ENOENT there means the kernel has no handler for the protocol. */
function diagError(ack: ExtendedAck, operation: string, protocol: number): KernelError {
  const errno = -ack.error;
  let message = ack.message;
  if (message === undefined && errno === Errno.ENOENT) {
    message = protocol === IPPROTO_MPTCP ? 'no MPTCP socket diagnostics in this kernel (CONFIG_MPTCP, mptcp_diag)' : `no socket diagnostics for protocol ${protocol}`;
  }
  const details = { errno, operation, message, offset: ack.offset };
  return errno === Errno.EPERM ? new PermissionError(details) : new KernelError(details);
}

/** The filter checked (a token is a u32: 2**32 + 5 must not select token 5); its token, or undefined. */
function checkFilter(filter: DiagFilter): number | undefined {
  // The selectors are checked here too, before any dump: a library caller gets a UsageError.
  for (const end of ['src', 'dst'] as const) {
    const host = filter[end];
    if (host?.address !== undefined) checkAddress(host.address, `filter.${end}.address`);
    checkOptional(host?.port, `filter.${end}.port`, PORT);
  }
  checkOptional(filter.ifindex, 'filter.ifindex', IFINDEX);
  return filter.token === undefined ? undefined : checkToken(filter.token, 'filter.token');
}
