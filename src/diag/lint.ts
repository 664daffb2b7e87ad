/**
 * Lint rules over a status snapshot (pure): each finds one way the namespace's MPTCP
 * configuration silently fails, and says why it matters and the command that fixes it. The rules
 * are a table; `status` and `endpoint show --check` run them all.
 */
import type { Endpoint } from '../mptcp/records.js';
import { AddressFlag, AF_INET6, endpointFlags } from '../families/mptcp-pm.js';
import { parseInet, formatInet } from '../util/inet.js';
import type { StatusSnapshot } from './status.js';

export interface LintWarning {
  /** Stable identifier, e.g. `endpoint-address-missing` (for scripts and tests). */
  code: string;
  /** The endpoint the warning is about, if any. */
  endpointId?: number;
  /** What is wrong. */
  message: string;
  /** Why it matters. */
  why: string;
  /** The command that fixes it. */
  fix: string;
}

/** The endpoint flag bits that make the in-kernel PM open subflows from an endpoint. */
const SUBFLOW_SOURCES = AddressFlag.subflow | AddressFlag.fullmesh | AddressFlag.laminar;
/** The most the kernel allows for each limit (MPTCP_PM_ADDR_MAX). */
const LIMIT_MAX = 8;

/** How commands are written for this namespace. */
interface Cmd {
  mptcpctl(args: string): string;
  ip(args: string): string;
  sysctl(setting: string): string;
}

function commandsFor(netns: string | undefined): Cmd {
  return {
    mptcpctl: (args) => `mptcpctl ${netns === undefined ? '' : `-n ${netns} `}${args}`,
    ip: (args) => `ip ${netns === undefined ? '' : `-n ${netns} `}${args}`,
    sysctl: (setting) => `${netns === undefined ? '' : `ip netns exec ${netns} `}sysctl -w ${setting}`,
  };
}

/** `10.0.1.1 id 3`, as people recognise an endpoint. */
const label = (e: Endpoint): string => `endpoint ${e.address} id ${e.id}`;

/** `signal subflow` for the flags an `endpoint add` must repeat. */
const flagWords = (e: Endpoint): string =>
  endpointFlags
    .words(e.flags)
    .filter((n) => n !== 'implicit')
    .join(' ');

/** Canonical text with IPv4-mapped IPv6 (`::ffff:10.0.1.1`) read as the IPv4 address it is. */
export function canonical(address: string): string {
  const inet = parseInet(address);
  if (!inet) return address;
  const b = inet.bytes;
  if (inet.family === 6 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) {
    return formatInet({ family: 4, bytes: b.subarray(12) });
  }
  return formatInet(inet);
}

const isLinkLocal = (e: Endpoint): boolean => (e.family === AF_INET6 || e.address.includes(':')) && /^fe[89ab][0-9a-f]:/i.test(e.address);

/** The `endpoint add` that recreates `e` on device `dev` (the endpoint cannot be moved in place). */
function recreate(cmd: Cmd, e: Endpoint, dev: string): string {
  const flags = flagWords(e);
  const port = e.port ? ` port ${e.port}` : '';
  return `${cmd.mptcpctl(`endpoint delete id ${e.id}`)} && ${cmd.mptcpctl(`endpoint add ${e.address} dev ${dev} id ${e.id}${port}${flags ? ` ${flags}` : ''}`)}`;
}

type Rule = (s: StatusSnapshot, cmd: Cmd) => LintWarning[];

/** The interface that holds each local address, by canonical address text. */
function addressOwners(s: StatusSnapshot): Map<string, string> {
  const owners = new Map<string, string>();
  for (const a of s.addresses) owners.set(canonical(a.address), s.interfaces.get(a.ifindex) ?? `if${a.ifindex}`);
  return owners;
}

const inKernelPm = (s: StatusSnapshot): boolean => s.pathManager === undefined || s.pathManager.name === 'kernel';
const userspacePm = (s: StatusSnapshot): boolean => s.pathManager?.name === 'userspace';
/** Endpoints the user made (implicit ones are the kernel's own bookkeeping). */
const userEndpoints = (s: StatusSnapshot): Endpoint[] => s.endpoints.filter((e) => !(e.flags & AddressFlag.implicit));

const rules: Rule[] = [
  function mptcpDisabled(s, cmd) {
    if (s.enabled !== false) return [];
    return [
      {
        code: 'mptcp-disabled',
        message: 'MPTCP is disabled in this namespace (net.mptcp.enabled = 0)',
        why: 'programs that ask for MPTCP (IPPROTO_MPTCP) get an error or fall back to plain TCP, so nothing below applies',
        fix: cmd.sysctl('net.mptcp.enabled=1'),
      },
    ];
  },

  function familyMissing(s) {
    if (s.family) return [];
    return [
      {
        code: 'family-missing',
        message: 'the kernel has no mptcp_pm generic netlink family',
        why: 'without it no path manager can be configured: this kernel lacks MPTCP (CONFIG_MPTCP) or is older than 5.7',
        fix: 'use a kernel built with CONFIG_MPTCP=y (Linux >= 5.7)',
      },
    ];
  },

  function endpointAddressMissing(s, cmd) {
    const owners = addressOwners(s);
    return userEndpoints(s)
      .filter((e) => !owners.has(canonical(e.address)))
      .map((e) => ({
        code: 'endpoint-address-missing',
        endpointId: e.id,
        message: `${label(e)}: ${e.address} is not configured on any interface in this namespace`,
        why:
          e.flags & AddressFlag.signal
            ? 'the peer is told about an address nothing here answers on, so its joins to it fail'
            : 'the kernel cannot bind subflows to an address the namespace does not have, so no subflow starts from it',
        fix: `${cmd.ip(`addr add ${e.address}/${e.address.includes(':') ? 64 : 24} dev IFNAME`)} (or ${cmd.mptcpctl(`endpoint delete id ${e.id}`)})`,
      }));
  },

  function endpointDeviceGone(s, cmd) {
    const owners = addressOwners(s);
    return userEndpoints(s)
      .filter((e) => e.ifindex !== 0 && !s.interfaces.has(e.ifindex))
      .map((e) => ({
        code: 'endpoint-device-gone',
        endpointId: e.id,
        message: `${label(e)}: its device (ifindex ${e.ifindex}) no longer exists`,
        why: 'subflows from it are bound to a device that is gone, so they cannot be created',
        fix: recreate(cmd, e, owners.get(canonical(e.address)) ?? 'IFNAME'),
      }));
  },

  function linkLocalWithoutDev(s, cmd) {
    const owners = addressOwners(s);
    return userEndpoints(s)
      .filter((e) => e.ifindex === 0 && isLinkLocal(e))
      .map((e) => ({
        code: 'link-local-without-dev',
        endpointId: e.id,
        message: `${label(e)}: an IPv6 link-local address without "dev"`,
        why: 'a link-local address means nothing without its interface; the kernel cannot tell which link to use, so subflows from it fail',
        fix: recreate(cmd, e, owners.get(canonical(e.address)) ?? 'IFNAME'),
      }));
  },

  function endpointWithoutDev(s, cmd) {
    const owners = addressOwners(s);
    return userEndpoints(s)
      .filter((e) => e.ifindex === 0 && e.flags & SUBFLOW_SOURCES && !isLinkLocal(e) && owners.has(canonical(e.address)))
      .map((e) => ({
        code: 'endpoint-without-dev',
        endpointId: e.id,
        message: `${label(e)}: a subflow endpoint without "dev"`,
        why: `subflows from it leave through whatever interface the routing table picks for the peer (usually the default route's), not ${owners.get(canonical(e.address))} that owns ${e.address}, so the second path may not be used`,
        fix: recreate(cmd, e, owners.get(canonical(e.address))!),
      }));
  },

  function signalAndFullmesh(s, cmd) {
    return userEndpoints(s)
      .filter((e) => e.flags & AddressFlag.signal && e.flags & AddressFlag.fullmesh)
      .map((e) => {
        const kept = { ...e, flags: e.flags & ~AddressFlag.fullmesh };
        return {
          code: 'signal-fullmesh',
          endpointId: e.id,
          message: `${label(e)}: has both signal and fullmesh`,
          why: 'fullmesh makes subflows from an endpoint to every peer address and signal announces it; the kernel refuses the pair on new endpoints since Linux 5.15 and the in-kernel PM does not handle it consistently',
          fix: `${cmd.mptcpctl(`endpoint delete id ${e.id}`)} && ${cmd.mptcpctl(`endpoint add ${e.address} id ${e.id}${e.ifindex && s.interfaces.has(e.ifindex) ? ` dev ${s.interfaces.get(e.ifindex)}` : ''}${e.port ? ` port ${e.port}` : ''} ${flagWords(kept)}`)} (and a separate fullmesh endpoint if wanted)`,
        };
      });
  },

  function subflowsLimit(s, cmd) {
    if (!inKernelPm(s) || !s.limits) return [];
    const owners = addressOwners(s);
    const usable = userEndpoints(s).filter((e) => e.flags & SUBFLOW_SOURCES && owners.has(canonical(e.address)));
    if (s.limits.subflows >= usable.length || s.limits.subflows >= LIMIT_MAX) return [];
    const want = Math.min(usable.length, LIMIT_MAX);
    return [
      {
        code: 'subflows-limit',
        message: `the subflows limit is ${s.limits.subflows} but ${usable.length} subflow endpoint${usable.length === 1 ? '' : 's'} could be used`,
        why: `the in-kernel PM opens at most ${s.limits.subflows} additional subflow${s.limits.subflows === 1 ? '' : 's'} per connection, so ${s.limits.subflows === 0 ? 'no second subflow is ever created' : `${usable.length - s.limits.subflows} of those endpoints stay unused`}`,
        fix: cmd.mptcpctl(`limits set subflows ${want}`),
      },
    ];
  },

  function addAddrAcceptedZero(s, cmd) {
    if (!inKernelPm(s) || !s.limits || s.limits.addAddrAccepted !== 0) return [];
    const dropped = s.counters['AddAddrDrop'] ?? 0;
    return [
      {
        code: 'add-addr-accepted-zero',
        message: 'add_addr_accepted is 0',
        why: `every address a peer announces (ADD_ADDR) is ignored, so connections from here never open a subflow to a second peer address${dropped ? ` (${dropped} ADD_ADDR${dropped === 1 ? ' was' : 's were'} already dropped: MPTcpExtAddAddrDrop)` : ''}`,
        fix: cmd.mptcpctl(`limits set add_addr_accepted ${Math.max(1, Math.min(LIMIT_MAX, s.limits.subflows))}`),
      },
    ];
  },

  function userspaceWithoutListener(s, cmd) {
    if (!userspacePm(s) || s.eventListeners !== 0) return [];
    return [
      {
        code: 'userspace-no-listener',
        message: 'the userspace path manager is selected but nothing is subscribed to mptcp_pm_events',
        why: 'the kernel accepts joins (MP_JOIN) and announced addresses on userspace-PM connections only while some program listens to the events, so it drops them now',
        fix: `start the path-manager daemon, or keep ${cmd.mptcpctl('monitor')} running`,
      },
    ];
  },

  function endpointsUnderUserspace(s, cmd) {
    const endpoints = userEndpoints(s);
    if (!userspacePm(s) || endpoints.length === 0) return [];
    return [
      {
        code: 'endpoints-unused',
        message: `${endpoints.length} in-kernel PM endpoint${endpoints.length === 1 ? ' is' : 's are'} configured but the userspace path manager is selected`,
        why: 'endpoints and limits drive only the in-kernel PM; connections made while the userspace PM is selected ignore them',
        fix: `${cmd.mptcpctl('endpoint flush')} (or ${cmd.sysctl(`${s.pathManager?.sysctl === 'net.mptcp.pm_type' ? 'net.mptcp.pm_type=0' : 'net.mptcp.path_manager=kernel'}`)} for new connections)`,
      },
    ];
  },
];

/** Every warning for the snapshot, in rule order. */
export function lintStatus(snapshot: StatusSnapshot): LintWarning[] {
  const cmd = commandsFor(snapshot.netns);
  return rules.flatMap((rule) => rule(snapshot, cmd));
}
