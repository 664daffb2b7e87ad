/**
 * What `--debug` knows about the messages mptcpctl sends and receives: the mptcp_pm family (from
 * spec.ts), nlctrl, rtnetlink links and addresses, and sock_diag (inet_diag and netlink_diag).
 * Values the user thinks of as addresses, flags, tokens or errno names are shown that way,
 * after the plain number, so the bytes stay checkable.
 */
import { tokenText } from './output/token.js';
import { defineAttributeSet } from '../netlink/attrset.js';
import { errnoName } from '../errno.js';
import { nlctrlTraceSchema, opFlagNames, policyTypeNames } from '../netlink/nlctrl-spec.js';
import type { GenlFamilySchema, MessageLayout, StructSchema, TraceField, TraceSchema } from '../netlink/trace-decode.js';
import { NETLINK_GENERIC, NETLINK_ROUTE, NETLINK_SOCK_DIAG } from '../netlink/transport.js';
import { AddressFlag, addressFlagNames, attrSet, commandNames, FAMILY_NAME, requestSetOf } from '../mptcp/spec.js';
import { INET_DIAG_MSG_SIZE, INET_DIAG_REQ_PROTOCOL, INET_DIAG_REQ_V2_SIZE, inetDiagAttrSet, SOCK_DIAG_BY_FAMILY } from '../diag/inet-diag.js';
import { AF_NETLINK, NETLINK_DIAG_GROUPS, NETLINK_DIAG_MSG_SIZE, NETLINK_DIAG_REQ_SIZE } from '../diag/netlink-diag.js';
import { resetReasons } from './output/records/event-fields.js';
import { formatIPv4, formatIPv6 } from '../util/inet.js';
import { readI32LE, readU16BE, readU16LE, readU32LE } from '../util/bytes.js';

const mptcpPm: GenlFamilySchema = {
  name: FAMILY_NAME,
  commands: commandNames,
  // Replies (GET_ADDR, GET_LIMITS) use the `attr` set; requests the set of their operation.
  attributes: (cmd, direction) => (direction === 'send' ? requestSetOf(cmd) : attrSet),
};

const hex = (n: number): string => `0x${n.toString(16)}`;
const u8 = (b: Buffer, o: number): string => String(b[o]);
const u16 = (b: Buffer, o: number): string => String(readU16LE(b, o));
const u32 = (b: Buffer, o: number): string => String(readU32LE(b, o));
const s32 = (b: Buffer, o: number): string => String(readI32LE(b, o));
const be16 = (b: Buffer, o: number): string => String(readU16BE(b, o));
const family = (n: number): string => `${n}${n === 2 ? ' (AF_INET)' : n === 10 ? ' (AF_INET6)' : n === AF_NETLINK ? ' (AF_NETLINK)' : ''}`;
const ip = (fam: number, b: Buffer): string => (fam === 2 ? formatIPv4(b.subarray(0, 4)) : fam === 10 ? formatIPv6(b) : b.toString('hex'));

function struct(name: string, size: number, fields: (b: Buffer) => [string, string][]): StructSchema {
  return { name, size, fields: (b) => fields(b).map(([n, value]): TraceField => ({ name: n, value })) };
}

const ifinfomsg = struct('ifinfomsg', 16, (b) => [
  ['family', family(b[0]!)],
  ['type', u16(b, 2)],
  ['index', s32(b, 4)],
  ['flags', hex(readU32LE(b, 8))],
  ['change', hex(readU32LE(b, 12))],
]);

const ifaddrmsg = struct('ifaddrmsg', 8, (b) => [
  ['family', family(b[0]!)],
  ['prefixlen', u8(b, 1)],
  ['flags', hex(b[2]!)],
  ['scope', u8(b, 3)],
  ['index', s32(b, 4)],
]);

const rtmsg = struct('rtmsg', 12, (b) => [
  ['family', family(b[0]!)],
  ['dst_len', u8(b, 1)],
  ['src_len', u8(b, 2)],
  ['tos', u8(b, 3)],
  ['table', u8(b, 4)],
  ['protocol', u8(b, 5)],
  ['scope', u8(b, 6)],
  ['type', u8(b, 7)],
  ['flags', hex(readU32LE(b, 8))],
]);

const sockid = (b: Buffer, o: number, fam: number): [string, string][] => [
  ['sport', be16(b, o)],
  ['dport', be16(b, o + 2)],
  ['src', ip(fam, b.subarray(o + 4, o + 20))],
  ['dst', ip(fam, b.subarray(o + 20, o + 36))],
  ['if', u32(b, o + 36)],
  ['cookie', hex(readU32LE(b, o + 44) * 2 ** 32 + readU32LE(b, o + 40))],
];

const inetDiagReq = struct('inet_diag_req_v2', INET_DIAG_REQ_V2_SIZE, (b) => [
  ['family', family(b[0]!)],
  ['protocol', u8(b, 1)],
  ['ext', hex(b[2]!)],
  ['states', hex(readU32LE(b, 4))],
  ...sockid(b, 8, b[0]!),
]);

const inetDiagMsg = struct('inet_diag_msg', INET_DIAG_MSG_SIZE, (b) => [
  ['family', family(b[0]!)],
  ['state', u8(b, 1)],
  ['timer', u8(b, 2)],
  ['retrans', u8(b, 3)],
  ...sockid(b, 4, b[0]!),
  ['expires', u32(b, 52)],
  ['rqueue', u32(b, 56)],
  ['wqueue', u32(b, 60)],
  ['uid', u32(b, 64)],
  ['inode', u32(b, 68)],
]);

const netlinkDiagReq = struct('netlink_diag_req', NETLINK_DIAG_REQ_SIZE, (b) => [
  ['family', family(b[0]!)],
  ['protocol', u8(b, 1)],
  ['ino', u32(b, 4)],
  ['show', hex(readU32LE(b, 8))],
  ['cookie', hex(readU32LE(b, 16) * 2 ** 32 + readU32LE(b, 12))],
]);

const netlinkDiagMsg = struct('netlink_diag_msg', NETLINK_DIAG_MSG_SIZE, (b) => [
  ['family', family(b[0]!)],
  ['type', u8(b, 1)],
  ['protocol', u8(b, 2)],
  ['state', u8(b, 3)],
  ['portid', u32(b, 4)],
  ['dst_portid', u32(b, 8)],
  ['dst_group', u32(b, 12)],
  ['ino', u32(b, 16)],
  ['cookie', hex(readU32LE(b, 24) * 2 ** 32 + readU32LE(b, 20))],
]);

/** IFLA_* that carry something people read; the rest show by number. */
const linkSet = defineAttributeSet('ifla', [
  { id: 1, name: 'address', kind: 'binary' },
  { id: 2, name: 'broadcast', kind: 'binary' },
  { id: 3, name: 'ifname', kind: 'string' },
  { id: 4, name: 'mtu', kind: 'u32' },
  { id: 5, name: 'link', kind: 'u32' },
  { id: 6, name: 'qdisc', kind: 'string' },
  { id: 10, name: 'master', kind: 'u32' },
  { id: 13, name: 'txqlen', kind: 'u32' },
  { id: 16, name: 'operstate', kind: 'u8' },
  { id: 17, name: 'linkmode', kind: 'u8' },
  { id: 20, name: 'ifalias', kind: 'string' },
  { id: 27, name: 'group', kind: 'u32' },
  { id: 30, name: 'promiscuity', kind: 'u32' },
  { id: 31, name: 'num-tx-queues', kind: 'u32' },
  { id: 32, name: 'num-rx-queues', kind: 'u32' },
  { id: 33, name: 'carrier', kind: 'u8' },
]);

const addrSet = defineAttributeSet('ifa', [
  { id: 1, name: 'address', kind: 'binary' },
  { id: 2, name: 'local', kind: 'binary' },
  { id: 3, name: 'label', kind: 'string' },
  { id: 4, name: 'broadcast', kind: 'binary' },
  { id: 5, name: 'anycast', kind: 'binary' },
  { id: 6, name: 'cacheinfo', kind: 'binary' },
  { id: 7, name: 'multicast', kind: 'binary' },
  { id: 8, name: 'flags', kind: 'u32' },
  { id: 9, name: 'rt-priority', kind: 'u32' },
  { id: 10, name: 'target-netnsid', kind: 's32' },
  { id: 11, name: 'proto', kind: 'u8' },
]);

/** RTA_* of a route lookup (`connection explain`); addresses as raw bytes, like IFA_ADDRESS. */
const routeSet = defineAttributeSet('rta', [
  { id: 1, name: 'dst', kind: 'binary' },
  { id: 2, name: 'src', kind: 'binary' },
  { id: 3, name: 'iif', kind: 'u32' },
  { id: 4, name: 'oif', kind: 'u32' },
  { id: 5, name: 'gateway', kind: 'binary' },
  { id: 6, name: 'priority', kind: 'u32' },
  { id: 7, name: 'prefsrc', kind: 'binary' },
  { id: 15, name: 'table', kind: 'u32' },
  { id: 25, name: 'uid', kind: 'u32' },
]);

const inetDiagRequestSet = defineAttributeSet('inet-diag-req', [
  { id: 1, name: 'bytecode', kind: 'binary' },
  { id: INET_DIAG_REQ_PROTOCOL, name: 'protocol', kind: 'u32' },
]);

const netlinkDiagSet = defineAttributeSet('netlink-diag', [
  { id: 0, name: 'meminfo', kind: 'binary' },
  { id: NETLINK_DIAG_GROUPS, name: 'groups', kind: 'binary' },
  { id: 4, name: 'flags', kind: 'u32' },
]);

const routeLayouts = new Map<number, MessageLayout>([
  [16, { name: 'RTM_NEWLINK', header: ifinfomsg, attributes: linkSet }],
  [18, { name: 'RTM_GETLINK', header: ifinfomsg, attributes: linkSet }],
  [20, { name: 'RTM_NEWADDR', header: ifaddrmsg, attributes: addrSet }],
  [22, { name: 'RTM_GETADDR', header: ifaddrmsg, attributes: addrSet }],
  [24, { name: 'RTM_NEWROUTE', header: rtmsg, attributes: routeSet }],
  [26, { name: 'RTM_GETROUTE', header: rtmsg, attributes: routeSet }],
]);

function sockDiagLayout(type: number, payload: Buffer, direction: 'send' | 'receive'): MessageLayout | undefined {
  if (type !== SOCK_DIAG_BY_FAMILY) return undefined;
  const name = 'SOCK_DIAG_BY_FAMILY';
  if (payload[0] === AF_NETLINK) {
    return direction === 'send' ? { name, header: netlinkDiagReq } : { name, header: netlinkDiagMsg, attributes: netlinkDiagSet };
  }
  return direction === 'send' ? { name, header: inetDiagReq, attributes: inetDiagRequestSet } : { name, header: inetDiagMsg, attributes: inetDiagAttrSet };
}

/** Special renderings, after the plain value. */
function format(set: string, attr: string, data: Buffer, plain: string): string | undefined {
  const key = `${set}.${attr}`;
  switch (key) {
    case 'address.family':
    case 'event-attr.family':
      return family(Number(plain));
    case 'address.addr4':
    case 'event-attr.saddr4':
    case 'event-attr.daddr4':
      return data.length === 4 ? `${plain} (${formatIPv4(data)})` : undefined;
    case 'address.addr6':
    case 'event-attr.saddr6':
    case 'event-attr.daddr6':
      return data.length === 16 ? `${plain} (${formatIPv6(data)})` : undefined;
    case 'address.flags': {
      const n = Number(plain);
      const names = addressFlagNames.filter((f) => n & AddressFlag[f]);
      const rest = n & ~0x3f;
      return `${plain} (${[...names, ...(rest ? [hex(rest)] : [])].join('|') || 'none'})`;
    }
    case 'attr.token':
    case 'event-attr.token':
      return `${plain} (token ${tokenText(Number(plain))})`;
    case 'event-attr.error':
      return `${plain} (${errnoName(Number(plain))})`;
    case 'event-attr.reset-reason':
      return `${plain} (${resetReasons.get(Number(plain))?.name ?? 'unknown'})`;
    case 'ctrl-attr.family-id':
      return `${plain} (${hex(Number(plain))})`;
    case 'ctrl-op.op-flags':
      return `${plain} (${opFlagNames(Number(plain)).join('|') || 'none'})`;
    case 'ctrl-op.op-id':
      return commandNames.has(Number(plain)) ? `${plain} (mptcp_pm: ${commandNames.get(Number(plain))})` : undefined;
    case 'policy-attr.type':
      return `${plain} (${policyTypeNames.get(Number(plain)) ?? 'unknown'})`;
    case 'ifa.address':
    case 'ifa.local':
    case 'ifa.broadcast':
    case 'rta.dst':
    case 'rta.src':
    case 'rta.gateway':
    case 'rta.prefsrc':
      return data.length === 4 ? `${plain} (${formatIPv4(data)})` : data.length === 16 ? `${plain} (${formatIPv6(data)})` : undefined;
    case 'netlink-diag.groups': {
      const groups: number[] = [];
      for (let i = 0; i < data.length * 8; i++) if (data[i >> 3]! & (1 << (i & 7))) groups.push(i + 1);
      return `${plain} (groups ${groups.join(',') || 'none'})`;
    }
    default:
      return undefined;
  }
}

/** The schema `--debug` decodes with. */
export const traceSchema: TraceSchema = {
  protocols: new Map([
    [NETLINK_GENERIC, { name: 'generic', genl: true }],
    [NETLINK_ROUTE, { name: 'route', layout: (type: number) => routeLayouts.get(type) }],
    [NETLINK_SOCK_DIAG, { name: 'sock_diag', layout: sockDiagLayout }],
  ]),
  families: new Map([
    ['nlctrl', nlctrlTraceSchema],
    [FAMILY_NAME, mptcpPm],
  ]),
  format,
};
