/**
 * `connection explain`: for each MPTCP connection, every path it could have (each local endpoint
 * and its initial address x each peer address it is known to have) and one verdict per path:
 * the subflow exists, or why not. Pure: it reads only a gathered snapshot (explain-gather.ts), so
 * every rule is tested with tables. A verdict the kernel does not show for sure is marked
 * `likely`, and every verdict lists the evidence it was drawn from.
 */
import type { Endpoint, Limits } from '../mptcp/records.js';
import { AddressFlag, settableFlagNames } from '../families/mptcp-pm.js';
import type { InterfaceAddress } from '../netlink/rtnl-addr.js';
import type { LinkState } from '../netlink/rtnl-link.js';
import type { RouteAnswer, RouteQuery } from '../netlink/rtnl-route.js';
import { formatInet, parseInet } from '../util/inet.js';
import { canonical } from './lint.js';
import { MptcpInfoFlag } from './mptcp-info.js';
import type { MptcpConnection, MptcpSubflow } from './records.js';
import type { PathManagerInfo } from './status.js';
import { releaseVersion } from './status.js';

/** MPTcpExt counters: their values now, and how much each moved since the last look. */
export interface CounterEvidence {
  values: Record<string, number>;
  /** Increase since the previous `connection explain` of this namespace (every counter that moved). */
  moved: Record<string, number>;
  /** 'last-look': `moved` is since the previous run; 'none': no earlier run, `moved` is the whole count. */
  baseline: 'last-look' | 'none';
}

export interface ExplainSnapshot {
  netns?: string;
  kernelRelease: string;
  sysctls: Record<string, string>;
  /** net.mptcp.enabled; undefined when unreadable. */
  enabled: boolean | undefined;
  pathManager: PathManagerInfo | undefined;
  limits: Limits | undefined;
  endpoints: Endpoint[];
  links: Map<number, LinkState>;
  addresses: InterfaceAddress[];
  /** MPTCP connections that are not listeners. */
  connections: MptcpConnection[];
  subflows: MptcpSubflow[];
  /** Route lookups by routeKey(query). */
  routes: Map<string, RouteAnswer>;
  counters: CounterEvidence;
}

export interface Verdict {
  /** Stable identifier (the contract for scripts), e.g. `limit-subflows`. */
  code: string;
  /** True when the kernel does not show the cause for sure and this is the best reading of the evidence. */
  likely: boolean;
  /** One line: what is so. */
  message: string;
  /** The command (or action) that fixes it, when there is one. */
  fix?: string;
  /** What the verdict was drawn from. */
  evidence: string[];
}

export interface PathExplanation {
  /** Local address (an endpoint's, or the connection's initial one). */
  local: string;
  /** The endpoint id; 0 for the connection's initial local address. */
  localId: number;
  remote: string;
  /** 0: the peer's initial address; else the id the peer announced it with. */
  remoteId: number;
  verdict: Verdict;
}

export interface SubflowSummary {
  local: string;
  localPort: number;
  remote: string;
  remotePort: number;
  localId: number;
  remoteId: number;
  state: string;
  backup: boolean;
}

export interface ConnectionExplanation {
  connection: MptcpConnection;
  subflows: SubflowSummary[];
  /** What holds for the whole connection (fallback, path manager, limits of announced addresses). */
  notes: Verdict[];
  paths: PathExplanation[];
}

export interface Explanation {
  /** What holds for the namespace, also with no connection (MPTCP disabled). */
  namespace: Verdict[];
  connections: ConnectionExplanation[];
}

/** `dst ADDR[:PORT]`, `src ADDR[:PORT]` or `token TOKEN`. */
export interface ExplainFilter {
  token?: number;
  dst?: { address: string; port?: number };
  src?: { address: string; port?: number };
}

const IFA_F_DADFAILED = 0x08;
const IFA_F_TENTATIVE = 0x40;
/** Endpoint flags that make the in-kernel PM open subflows towards the peer's initial address. */
const TO_INITIAL = AddressFlag.subflow | AddressFlag.fullmesh;

/** How commands are written for the namespace. */
function cmds(netns: string | undefined) {
  const n = netns === undefined ? '' : `-n ${netns} `;
  return {
    mptcpctl: (args: string) => `mptcpctl ${n}${args}`,
    ip: (args: string) => `ip ${n}${args}`,
    sysctl: (setting: string) => `${netns === undefined ? '' : `ip netns exec ${netns} `}sysctl -w ${setting}`,
  };
}

export const routeKey = (q: RouteQuery): string => `${q.src ?? ''}>${q.dst}%${q.oif ?? 0}`;

const familyOf = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4);
const tokenHex = (token: number): string => (token >>> 0).toString(16).padStart(8, '0');
const hostPort = (address: string, port: number): string => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);

/** The connections the filter selects (listeners are never explained). Pure. */
export function selectConnections(connections: readonly MptcpConnection[], filter: ExplainFilter): MptcpConnection[] {
  const match = (want: { address: string; port?: number } | undefined, address: string, port: number): boolean =>
    !want || (canonical(want.address) === canonical(address) && (want.port === undefined || want.port === port));
  return connections.filter(
    (c) =>
      c.state !== 'LISTEN' &&
      (filter.token === undefined || c.token === filter.token >>> 0) &&
      match(filter.dst, c.remoteAddress, c.remotePort) &&
      match(filter.src, c.localAddress, c.localPort),
  );
}

/** A candidate path before its verdict. */
interface Candidate {
  local: string;
  endpoint?: Endpoint;
  /** The local id of a path known only from its subflow. */
  localId?: number;
  remote: string;
  remoteId: number;
}

/** The peer addresses a connection is known to have: its initial one, and those its join subflows reach. */
function peerAddresses(c: MptcpConnection, subflows: readonly MptcpSubflow[]): { address: string; id: number }[] {
  const peers = [{ address: canonical(c.remoteAddress), id: 0 }];
  for (const sf of subflows) {
    const address = canonical(sf.remoteAddress);
    if (!peers.some((p) => p.address === address)) peers.push({ address, id: sf.remoteId });
  }
  return peers;
}

/** Endpoints the user configured (implicit ones are the kernel's bookkeeping of foreign addresses). */
const userEndpoints = (s: Pick<ExplainSnapshot, 'endpoints'>): Endpoint[] => s.endpoints.filter((e) => !(e.flags & AddressFlag.implicit));

function candidates(s: Pick<ExplainSnapshot, 'endpoints' | 'subflows'>, c: MptcpConnection): Candidate[] {
  const subflows = s.subflows.filter((sf) => sf.token === c.token);
  const initialLocal = canonical(c.localAddress);
  const locals: { local: string; endpoint?: Endpoint }[] = [{ local: initialLocal }];
  for (const e of userEndpoints(s)) {
    const local = canonical(e.address);
    if (local === initialLocal) continue;
    locals.push({ local, endpoint: e });
  }
  const out: Candidate[] = [];
  for (const p of peerAddresses(c, subflows)) for (const l of locals) out.push({ ...l, remote: p.address, remoteId: p.id });
  // A subflow from an address that is neither an endpoint nor the initial one (the kernel let
  // routing pick the source, e.g. towards an announced address) is a path too.
  for (const sf of subflows) {
    const local = canonical(sf.localAddress);
    const remote = canonical(sf.remoteAddress);
    if (!out.some((x) => x.local === local && x.remote === remote)) out.push({ local, localId: sf.localId, remote, remoteId: sf.remoteId });
  }
  return out;
}

/**
 * The lookups that tell whether a subflow from `e` reaches `remote`: from its address, through its
 * device if it has one. A subflow bound to a device looks IPv6 routes up on that device only
 * (RT6_LOOKUP_F_IFACE), which RTM_GETROUTE does only without a source address: so for an IPv6
 * endpoint with a device, that lookup too. (IPv4 falls back to "on link" on a bound device.)
 */
function endpointRouteQueries(e: Endpoint, remote: string): RouteQuery[] {
  const local = canonical(e.address);
  const queries: RouteQuery[] = [{ dst: remote, src: local, ...(e.ifindex ? { oif: e.ifindex } : {}) }];
  if (e.ifindex && familyOf(local) === 6) queries.push({ dst: remote, oif: e.ifindex });
  return queries;
}

/** The route lookups explaining these connections needs: one per endpoint x peer address of the same family. Pure. */
export function routeQueries(s: Pick<ExplainSnapshot, 'endpoints' | 'subflows'>, connections: readonly MptcpConnection[]): RouteQuery[] {
  const queries = new Map<string, RouteQuery>();
  for (const c of connections) {
    for (const cand of candidates(s, c)) {
      if (!cand.endpoint || familyOf(cand.local) !== familyOf(cand.remote)) continue;
      for (const q of endpointRouteQueries(cand.endpoint, cand.remote)) queries.set(routeKey(q), q);
    }
  }
  return [...queries.values()];
}

/**
 * Counter evidence for a cause: each named counter that is not 0, with how much it moved since the
 * last look. Decisions read the totals (the same answer on every run); the movement says whether
 * it is still happening.
 */
function moved(s: ExplainSnapshot, ...names: string[]): { any: boolean; text: string[] } {
  const text = names
    .filter((n) => (s.counters.values[n] ?? 0) > 0)
    .map((n) => `MPTcpExt${n} ${s.counters.values[n]}${s.counters.baseline === 'last-look' ? ` (+${s.counters.moved[n] ?? 0} since the last look)` : ''}`);
  return { any: text.length > 0, text };
}

/** Whether the connection is run by the userspace PM, and the evidence. */
function userspaceEvidence(s: ExplainSnapshot, c: MptcpConnection): { userspace: boolean; likely: boolean; evidence: string[] } {
  const pm = s.pathManager;
  const evidence: string[] = [];
  if (pm) evidence.push(`${pm.sysctl} = ${s.sysctls[pm.sysctl] ?? pm.name}`);
  // MPTCP_INFO reports the in-kernel PM's limits only for its own connections.
  const limitsShown = c.subflowsMax > 0 || c.addAddrAcceptedMax > 0;
  const limitsSet = s.limits !== undefined && (s.limits.subflows > 0 || s.limits.addAddrAccepted > 0);
  if (limitsSet) evidence.push(`MPTCP_INFO ${limitsShown ? 'shows' : 'does not show'} the in-kernel limits (subflows_max ${c.subflowsMax}, add_addr_accepted_max ${c.addAddrAcceptedMax})`);
  if (limitsSet) return { userspace: !limitsShown, likely: false, evidence };
  // Limits at 0 tell nothing: the sysctl now is the best evidence (it applies from a connection's creation).
  return { userspace: pm?.name === 'userspace', likely: true, evidence: [...evidence, 'the in-kernel limits are 0, so MPTCP_INFO cannot tell which path manager the connection has'] };
}

/** Why a fallen-back connection fell back, from the counters that moved. */
function fallbackCause(s: ExplainSnapshot, c: MptcpConnection): Verdict {
  const cmd = cmds(s.netns);
  const evidence = ['MPTCP_INFO flags: fallback'];
  const synack = moved(s, 'MPCapableFallbackSYNACK');
  const ack = moved(s, 'MPCapableFallbackACK');
  const blackhole = moved(s, 'Blackhole', 'MPCapableSYNTXDisabled');
  const data = moved(s, 'DSSCorruptionFallback', 'DssFallback', 'MPCapableDataFallback', 'InfiniteMapRx', 'MD5SigFallback', 'SimultConnectFallback');
  if (blackhole.any) {
    return {
      code: 'fallback-tcp',
      likely: true,
      message: 'the connection fell back to plain TCP: blackhole detection had turned MPTCP off for new connections (MP_CAPABLE SYNs were being dropped on the way)',
      fix: `check the network for a middlebox dropping MPTCP options; ${cmd.sysctl('net.mptcp.blackhole_timeout=0')} turns the detection off (new connections)`,
      evidence: [...evidence, ...blackhole.text],
    };
  }
  if (synack.any && c.side === 'client') {
    return {
      code: 'fallback-tcp',
      likely: true,
      message: 'the connection fell back to plain TCP: the peer answered without MP_CAPABLE (MPTCP disabled or not used there, or a middlebox removed the option)',
      fix: 'on the peer: sysctl -w net.mptcp.enabled=1 and make its program use MPTCP (IPPROTO_MPTCP, e.g. `mptcpize run`); then open a new connection',
      evidence: [...evidence, ...synack.text],
    };
  }
  if (ack.any && c.side === 'server') {
    return {
      code: 'fallback-tcp',
      likely: true,
      message: "the connection fell back to plain TCP: the peer's third ACK carried no MP_CAPABLE (a middlebox removed it, or the peer fell back)",
      evidence: [...evidence, ...ack.text],
    };
  }
  if (data.any) {
    return {
      code: 'fallback-tcp',
      likely: true,
      message: 'the connection fell back to plain TCP after it started: MPTCP options were lost or data was altered on the way',
      evidence: [...evidence, ...data.text],
    };
  }
  return {
    code: 'fallback-tcp',
    likely: false,
    message: 'the connection fell back to plain TCP: no subflow can be added to it',
    fix: 'make sure both ends use MPTCP (net.mptcp.enabled=1, IPPROTO_MPTCP) and nothing on the way strips TCP options; then open a new connection',
    evidence: [...evidence, 'no fallback counter moved that names the cause'],
  };
}

/** Verdicts that hold for the whole connection. */
function connectionNotes(s: ExplainSnapshot, c: MptcpConnection): Verdict[] {
  const cmd = cmds(s.netns);
  const notes: Verdict[] = [];
  if (c.flags & MptcpInfoFlag.fallback) notes.push(fallbackCause(s, c));
  const us = userspaceEvidence(s, c);
  if (us.userspace) {
    notes.push({
      code: 'userspace-pm',
      likely: us.likely,
      message: 'the userspace path manager runs this connection: the kernel opens no subflow by itself, a daemon must ask for each',
      fix: `${cmd.mptcpctl(`subflow create token ${tokenHex(c.token)} local ADDRESS remote ${c.remoteAddress} port ${c.remotePort}`)}, or ${cmd.sysctl(`${s.pathManager?.sysctl === 'net.mptcp.pm_type' ? 'net.mptcp.pm_type=0' : 'net.mptcp.path_manager=kernel'}`)} for new connections`,
      evidence: us.evidence,
    });
  }
  if (!us.userspace && c.side === 'client') {
    const received = moved(s, 'AddAddr', 'AddAddrDrop');
    if (c.addAddrAcceptedMax === 0 && received.any) {
      notes.push({
        code: 'limit-add-addr-accepted',
        likely: true,
        message: 'the peer announced addresses (ADD_ADDR) but add_addr_accepted is 0 here: they are ignored, so no subflow goes to them',
        fix: `${cmd.mptcpctl(`limits set add_addr_accepted ${Math.max(1, c.subflowsMax)}`)} (new connections)`,
        evidence: [`MPTCP_INFO add_addr_accepted_max 0`, ...received.text],
      });
    } else if (c.addAddrAcceptedMax > 0 && c.addAddrAccepted >= c.addAddrAcceptedMax && moved(s, 'AddAddrDrop').any) {
      notes.push({
        code: 'limit-add-addr-accepted',
        likely: true,
        message: `this connection accepted ${c.addAddrAccepted} announced address${c.addAddrAccepted === 1 ? '' : 'es'}, the add_addr_accepted limit; further ones were dropped`,
        fix: `${cmd.mptcpctl(`limits set add_addr_accepted ${Math.min(8, c.addAddrAcceptedMax + 1)}`)} (new connections)`,
        evidence: [`MPTCP_INFO add_addr_accepted ${c.addAddrAccepted}, add_addr_accepted_max ${c.addAddrAcceptedMax}`, ...moved(s, 'AddAddrDrop').text],
      });
    }
  }
  return notes;
}

function mptcpDisabled(s: ExplainSnapshot): Verdict {
  return {
    code: 'mptcp-disabled',
    likely: false,
    message: 'MPTCP is disabled in this namespace: new sockets cannot use it (programs fall back to TCP or fail)',
    fix: `${cmds(s.netns).sysctl('net.mptcp.enabled=1')} (new connections)`,
    evidence: [`net.mptcp.enabled = ${s.sysctls['net.mptcp.enabled'] ?? '0'}`],
  };
}

/** The configured address `address`, if any. */
const findAddress = (s: ExplainSnapshot, address: string): InterfaceAddress | undefined => s.addresses.find((a) => canonical(a.address) === address);

/** Why no subflow can start from endpoint `e` at all (device, address), or undefined. */
function endpointProblem(s: ExplainSnapshot, e: Endpoint): Verdict | undefined {
  const cmd = cmds(s.netns);
  const label = `endpoint ${e.address} id ${e.id}`;
  if (e.ifindex !== 0) {
    const link = s.links.get(e.ifindex);
    if (!link) {
      return {
        code: 'endpoint-dev-missing',
        likely: false,
        message: `${label}: its device (ifindex ${e.ifindex}) no longer exists`,
        fix: `${cmd.mptcpctl(`endpoint delete id ${e.id}`)}, then add it again with the device that has ${e.address}`,
        evidence: [`endpoint ifindex ${e.ifindex}; no such interface (RTM_GETLINK)`],
      };
    }
    if (!link.up || !link.lowerUp) return devDown(s, label, link);
  }
  const address = findAddress(s, canonical(e.address));
  if (!address) {
    return {
      code: 'endpoint-address-gone',
      likely: false,
      message: `${label}: ${e.address} is not configured on any interface here, so subflows cannot be bound to it`,
      fix: `${cmd.ip(`addr add ${e.address}/${e.address.includes(':') ? 64 : 24} dev ${e.ifindex ? (s.links.get(e.ifindex)?.name ?? 'IFNAME') : 'IFNAME'}`)} (or ${cmd.mptcpctl(`endpoint delete id ${e.id}`)})`,
      evidence: [`no RTM_GETADDR entry for ${e.address}`, ...moved(s, 'MPJoinSynTxBindErr').text],
    };
  }
  const owner = s.links.get(address.ifindex);
  if (e.ifindex === 0 && owner && (!owner.up || !owner.lowerUp)) return devDown(s, label, owner);
  if (address.flags & IFA_F_TENTATIVE) {
    const dadFailed = (address.flags & IFA_F_DADFAILED) !== 0;
    const dev = owner?.name ?? 'IFNAME';
    return {
      code: 'endpoint-tentative',
      likely: false,
      message: `${label}: ${e.address} is tentative${dadFailed ? ' and its duplicate address detection failed (another host on the link has it)' : ' (duplicate address detection is still running)'}, so subflows cannot be bound to it`,
      fix: dadFailed
        ? `remove the duplicate ${e.address} from the other host on ${dev}, then ${cmd.ip(`addr del ${e.address}/${address.prefixLength} dev ${dev}`)} && ${cmd.ip(`addr add ${e.address}/${address.prefixLength} dev ${dev}`)} (new connections)`
        : 'wait for duplicate address detection to finish (new connections), or add the address with nodad',
      evidence: [`address flags:${dadFailed ? ' dadfailed' : ''} tentative (RTM_GETADDR)`, ...moved(s, 'MPJoinSynTxBindErr').text],
    };
  }
  return undefined;
}

function devDown(s: ExplainSnapshot, label: string, link: LinkState): Verdict {
  return {
    code: 'endpoint-dev-down',
    likely: false,
    message: `${label}: its device ${link.name} is ${link.up ? 'up but has no carrier (the other end of the link is down)' : 'down'}`,
    fix: link.up ? `bring the other end of ${link.name} up` : `${cmds(s.netns).ip(`link set ${link.name} up`)}`,
    evidence: [`${link.name}: ${link.up ? 'UP' : 'not UP'}, ${link.lowerUp ? 'LOWER_UP' : 'no LOWER_UP'} (RTM_GETLINK)`, ...moved(s, 'MPJoinSynTxConnectErr').text],
  };
}

/** The flags `endpoint add` needs for the endpoint to open this path. */
function flagProblem(s: ExplainSnapshot, e: Endpoint, remoteId: number): Verdict | undefined {
  const [major, minor] = releaseVersion(s.kernelRelease);
  const laminar = major > 6 || (major === 6 && minor >= 18);
  const wanted = remoteId === 0 ? TO_INITIAL : AddressFlag.fullmesh | (laminar ? AddressFlag.laminar : 0);
  if (e.flags & wanted) return undefined;
  const cmd = cmds(s.netns);
  const has = settableFlagNames().filter((n) => e.flags & AddressFlag[n]);
  const dev = e.ifindex ? s.links.get(e.ifindex)?.name : undefined;
  const keep = has.filter((n) => n === 'signal' || n === 'backup');
  const add = remoteId === 0 ? 'subflow' : laminar ? 'laminar' : 'fullmesh';
  const words = [...keep, add].filter((w) => !(w === 'fullmesh' && keep.includes('signal')));
  return {
    code: 'endpoint-no-subflow-flag',
    likely: false,
    message:
      remoteId === 0
        ? `endpoint ${e.address} id ${e.id} has ${has.length ? has.join(',') : 'no flags'} but not subflow (or fullmesh): the in-kernel PM opens no subflow from it`
        : `endpoint ${e.address} id ${e.id} is not fullmesh${laminar ? ' or laminar' : ''}: the in-kernel PM opens subflows to announced addresses only from those (else from the initial address)`,
    fix: `${cmd.mptcpctl(`endpoint delete id ${e.id}`)} && ${cmd.mptcpctl(`endpoint add ${e.address}${dev ? ` dev ${dev}` : ''} id ${e.id}${e.port ? ` port ${e.port}` : ''} ${words.join(' ')}`)} (new connections)`,
    evidence: [`endpoint flags: ${has.join(',') || 'none'}`],
  };
}

/**
 * The on-link network of ours that holds `remote` (`2001:db8:1::/64`), else `remote` itself: a
 * route for a bound subflow must not be more specific than the one other traffic to the peer
 * takes, or it would take that traffic too.
 */
function peerNetwork(s: ExplainSnapshot, remote: string): string {
  const peer = parseInet(remote);
  if (!peer) return remote;
  for (const a of s.addresses) {
    const mine = parseInet(a.address);
    if (!mine || mine.family !== peer.family || a.prefixLength >= peer.bytes.length * 8) continue;
    const net = Uint8Array.from(peer.bytes, (b, i) => b & (0xff << Math.max(0, 8 - Math.max(0, a.prefixLength - i * 8))) & 0xff);
    const same = net.every((b, i) => b === (mine.bytes[i]! & (0xff << Math.max(0, 8 - Math.max(0, a.prefixLength - i * 8))) & 0xff));
    if (same) return `${formatInet({ family: peer.family, bytes: net })}/${a.prefixLength}`;
  }
  return remote;
}

function routeProblem(s: ExplainSnapshot, e: Endpoint, remote: string): Verdict | undefined {
  const failed = endpointRouteQueries(e, remote)
    .map((q) => ({ q, answer: s.routes.get(routeKey(q)) }))
    .find((x) => x.answer && !x.answer.ok);
  if (!failed || !failed.answer || failed.answer.ok) return undefined;
  const answer = failed.answer;
  const cmd = cmds(s.netns);
  const dev = e.ifindex ? s.links.get(e.ifindex)?.name : s.links.get(findAddress(s, canonical(e.address))?.ifindex ?? -1)?.name;
  return {
    code: 'no-route',
    likely: false,
    message: `no route from ${e.address} to ${remote}${dev && e.ifindex ? ` through ${dev}` : ''}: the kernel refuses the lookup (${answer.errnoName})`,
    fix: failed.q.src
      ? `add a route to ${remote} that traffic from ${e.address} uses: ${cmd.ip(`route add ${remote} via GATEWAY dev ${dev ?? 'IFNAME'} table TABLE`)} (TABLE: the one \`ip rule\` picks for ${e.address}, main without policy routing; ${cmd.ip(`route get ${remote} from ${e.address}${dev && e.ifindex ? ` oif ${dev}` : ''}`)} shows the lookup)`
      : `add a route to ${remote} through ${dev ?? 'IFNAME'}, where subflows from this endpoint are bound: ${cmd.ip(`route add ${peerNetwork(s, remote)} via GATEWAY dev ${dev ?? 'IFNAME'} metric 1024`)} (GATEWAY: the next hop on ${dev ?? 'IFNAME'}; the high metric keeps other traffic on its current route)`,
    evidence: [`RTM_GETROUTE to ${remote}${failed.q.src ? ` from ${e.address}` : ''}${e.ifindex ? ` oif ${dev ?? e.ifindex}` : ''}: ${answer.errnoName}`, ...moved(s, 'MPJoinSynTxConnectErr').text],
  };
}

/** Everything here allows the path, yet it is missing: read the join counters for the peer's part. */
function unexplained(s: ExplainSnapshot, c: MptcpConnection, cand: Candidate): Verdict {
  const tried = moved(s, 'MPJoinSynTx');
  const refused = moved(s, 'MPRstTx', 'MPRstRx', 'MPJoinSynAckHMacFailure');
  const errors = moved(s, 'MPJoinSynTxBindErr', 'MPJoinSynTxCreatSkErr', 'MPJoinSynTxConnectErr');
  if (errors.any) {
    return {
      code: 'join-failed-here',
      likely: true,
      message: `a subflow was tried but failed here before its SYN left (bind, socket or connect error); the condition may have passed: new connections will try again`,
      evidence: errors.text,
    };
  }
  if (tried.any) {
    return {
      code: 'peer-limit',
      likely: true,
      message: `MP_JOIN was sent but the peer refused it: its subflows limit is probably reached (or its path manager rejects joins)`,
      fix: 'on the peer: mptcpctl limits set subflows N (N above its current value), then open a new connection',
      evidence: [...tried.text, ...(refused.any ? refused.text : ['no MPTcpExtMPJoinSynAckRx without a reset'])],
    };
  }
  if (cand.remoteId === 0) {
    return {
      code: 'peer-deny-join-id0',
      likely: true,
      message: `no MP_JOIN to the peer's initial address was tried although nothing here prevents it: the peer most likely set the C flag (deny_join_id0: net.mptcp.allow_join_initial_addr_port=0 there), which the kernel shows only in the CREATED/ESTABLISHED events (\`mptcpctl monitor\`)`,
      fix: 'on the peer: sysctl -w net.mptcp.allow_join_initial_addr_port=1 (new connections), or have it announce another address (endpoint add ADDRESS signal)',
      evidence: [
        'MPTcpExtMPJoinSynTx 0: no MP_JOIN was ever sent from this namespace',
        `connection ${c.state}, ${c.extraSubflows} extra subflows of ${c.subflowsMax}`,
        'or: the limits were raised after the connection was established (the in-kernel PM then does not try again; new connections will)',
      ],
    };
  }
  return {
    code: 'not-tried',
    likely: true,
    message: 'no subflow was tried on this path and nothing here explains it',
    evidence: ['MPTcpExtMPJoinSynTx 0: no MP_JOIN was ever sent from this namespace'],
  };
}

function summarize(sf: MptcpSubflow): SubflowSummary {
  return {
    local: canonical(sf.localAddress),
    localPort: sf.localPort,
    remote: canonical(sf.remoteAddress),
    remotePort: sf.remotePort,
    localId: sf.localId,
    remoteId: sf.remoteId,
    state: sf.state,
    backup: sf.backup,
  };
}

function pathVerdict(s: ExplainSnapshot, c: MptcpConnection, cand: Candidate, subflows: SubflowSummary[], blockers: Verdict[]): Verdict {
  const cmd = cmds(s.netns);
  // On the accepting side the peer joins a signalled address from whichever address it picks.
  const joinedHere = c.side === 'server' && cand.endpoint && cand.endpoint.flags & AddressFlag.signal;
  const existing = subflows.find((sf) => sf.local === cand.local && (sf.remote === cand.remote || joinedHere));
  if (existing) {
    return {
      code: 'subflow-exists',
      likely: false,
      message: `subflow ${hostPort(existing.local, existing.localPort)} -> ${hostPort(existing.remote, existing.remotePort)} ${existing.state} (id-loc ${existing.localId} id-rem ${existing.remoteId}${existing.backup ? ', backup' : ''})`,
      evidence: ['sock_diag: a TCP subflow with these addresses and this token'],
    };
  }
  if (!cand.endpoint && cand.remoteId === 0) {
    return { code: 'initial-subflow-closed', likely: false, message: 'the initial subflow is closed; the connection goes on over the others', evidence: ['sock_diag: no subflow between the initial addresses'] };
  }
  const blocker = blockers.find((b) => b.code === 'fallback-tcp' || b.code === 'userspace-pm');
  if (blocker) return { ...blocker, message: `see the connection: ${blocker.message}`, evidence: blocker.evidence };
  if (familyOf(cand.local) !== familyOf(cand.remote)) {
    return { code: 'family-mismatch', likely: false, message: `${cand.local} and ${cand.remote} are of different address families: no subflow can join them`, evidence: [] };
  }
  const e = cand.endpoint;
  if (!e) {
    const other = subflows.find((sf) => sf.remote === cand.remote);
    return {
      code: 'other-source-used',
      likely: false,
      message: `the peer's address ${cand.remote} is reached from ${other ? other.local : 'another local address'}: the in-kernel PM opens one subflow per announced address, from the fullmesh${releaseVersion(s.kernelRelease)[1] >= 18 || releaseVersion(s.kernelRelease)[0] > 6 ? ' or laminar' : ''} endpoints if any, else from the initial address`,
      evidence: [],
    };
  }
  if (c.side === 'server') {
    if (!(e.flags & AddressFlag.signal)) {
      return {
        code: 'server-side',
        likely: false,
        message: `this end accepted the connection: the in-kernel PM does not open subflows from the accepting side, the peer must join ${e.address} after it is announced`,
        fix: `${cmd.mptcpctl(`endpoint delete id ${e.id}`)} && ${cmd.mptcpctl(`endpoint add ${e.address}${e.ifindex && s.links.get(e.ifindex) ? ` dev ${s.links.get(e.ifindex)!.name}` : ''} id ${e.id} signal`)} (new connections)`,
        evidence: [`connection side: server (${c.sideEvidence})`, ...moved(s, 'MPJoinSynTxCreatSkErr').text],
      };
    }
    const problem = endpointProblem(s, e);
    if (problem) return problem;
    const echoed = moved(s, 'EchoAdd');
    const joins = moved(s, 'MPJoinSynRx', 'MPJoinRejected');
    if (c.addAddrSignal === 0) {
      return { code: 'not-announced', likely: false, message: `${e.address} has not been announced to the peer on this connection (yet)`, evidence: [`MPTCP_INFO add_addr_signal 0`] };
    }
    if (!echoed.any) {
      return {
        code: 'add-addr-not-echoed',
        likely: true,
        message: `${e.address} was announced but the peer never echoed it: the ADD_ADDR is lost or dropped on the way`,
        evidence: [`MPTCP_INFO add_addr_signal ${c.addAddrSignal}`, 'MPTcpExtEchoAdd 0', ...moved(s, 'AddAddrTx', 'AddAddrTxDrop').text],
      };
    }
    return {
      code: 'peer-limit',
      likely: true,
      message: `the peer got the announcement of ${e.address} but ${joins.any ? 'its join was refused here' : 'opened no subflow to it'}: its add_addr_accepted or subflows limit is probably 0 or reached${joins.any ? '' : ' (or it uses the userspace PM)'}`,
      fix: 'on the peer: mptcpctl limits set subflows N add_addr_accepted N (new connections)',
      evidence: [`MPTCP_INFO add_addr_signal ${c.addAddrSignal}`, ...echoed.text, ...(joins.any ? joins.text : ['MPTcpExtMPJoinSynRx 0'])],
    };
  }
  const problem = flagProblem(s, e, cand.remoteId) ?? endpointProblem(s, e) ?? routeProblem(s, e, cand.remote);
  if (problem) return problem;
  if (c.extraSubflows >= c.subflowsMax) {
    return {
      code: 'limit-subflows',
      likely: false,
      message: `this connection has ${c.extraSubflows} additional subflow${c.extraSubflows === 1 ? '' : 's'} and the subflows limit is ${c.subflowsMax}`,
      fix: `${cmd.mptcpctl(`limits set subflows ${Math.min(8, c.extraSubflows + 1)}`)} (new connections)`,
      evidence: [`MPTCP_INFO subflows ${c.extraSubflows}, subflows_max ${c.subflowsMax}`],
    };
  }
  return unexplained(s, c, cand);
}

/** Explains the selected connections of the snapshot. Pure. */
export function explainConnections(s: ExplainSnapshot, filter: ExplainFilter = {}): Explanation {
  const namespace: Verdict[] = s.enabled === false ? [mptcpDisabled(s)] : [];
  const blackhole = moved(s, 'Blackhole', 'MPCapableSYNTXDisabled');
  if ((s.counters.values['Blackhole'] ?? 0) > 0 && s.sysctls['net.mptcp.blackhole_timeout'] !== '0') {
    namespace.push({
      code: 'blackhole-detected',
      likely: true,
      message: 'blackhole detection found MP_CAPABLE SYNs dropped on the way and turns MPTCP off for new outgoing connections for a while (they fall back to TCP)',
      fix: `find the middlebox that drops MPTCP options; ${cmds(s.netns).sysctl('net.mptcp.blackhole_timeout=0')} turns the detection off`,
      evidence: [...blackhole.text, `net.mptcp.blackhole_timeout = ${s.sysctls['net.mptcp.blackhole_timeout'] ?? 'unknown'}`],
    });
  }
  const connections = selectConnections(s.connections, filter).map((c): ConnectionExplanation => {
    const subflows = s.subflows.filter((sf) => sf.token === c.token).map(summarize);
    const notes = connectionNotes(s, c);
    const paths = candidates(s, c).map((cand) => ({
      local: cand.local,
      localId: cand.endpoint?.id ?? cand.localId ?? 0,
      remote: cand.remote,
      remoteId: cand.remoteId,
      verdict: pathVerdict(s, c, cand, subflows, notes),
    }));
    return { connection: c, subflows, notes, paths };
  });
  return { namespace, connections };
}
