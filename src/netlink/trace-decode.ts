/**
 * Netlink datagrams -> a readable tree, for `--debug` traces and bug reports (pure, no I/O).
 *
 * Generic: it knows nlmsghdr, the generic netlink header, NLMSG_ERROR/NLMSG_DONE with their
 * extended ACK, and TLV attributes. What messages, fixed headers and attributes are called comes
 * from a TraceSchema the caller supplies (the CLI builds one from the families it speaks), so this
 * layer imports nothing from above. Bytes the schema does not describe are still shown, by type
 * number and length, never dropped: a trace must show everything that crossed the socket.
 */
import { errnoName } from '../errno.js';
import type { AttributeSetSpec, AttributeSpec } from './attrset.js';
import { decodeDonePayload, decodeErrorPayload, type ExtendedAck } from './extack.js';
import {
  decodeAttributes,
  decodeMessages,
  encodeMessage,
  GENL_HDRLEN,
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  type NetlinkMessage,
  readCString,
} from './message.js';
import { readI32LE, readU16BE, readU16LE, readU32BE, readU32LE, readU64LE } from '../util/bytes.js';

export type TraceDirection = 'send' | 'receive';

/** One named field of a fixed header (ifinfomsg, inet_diag_req_v2, ...). */
export interface TraceField {
  name: string;
  value: string;
}

/** One attribute as it was on the wire, with its name and value when the schema knows them. */
export interface TraceAttribute {
  type: number;
  /** Undefined when the schema does not know this type here. */
  name?: string;
  /** The attribute's nla_len (header included, padding excluded). */
  length: number;
  /** NLA_F_NESTED was set. */
  nestedFlag: boolean;
  /** The value as text; absent for nests (see `children`). */
  value?: string;
  children?: TraceAttribute[];
}

/** The extended ACK of an error or DONE message. */
export interface TraceExtack {
  message?: string;
  offset?: number;
  /** The request attribute the offset points at, by name (`addr.port`), when the request was seen. */
  offsetAttribute?: string;
  missingType?: number;
  /** The missing attribute by name, when the request was seen. */
  missingAttribute?: string;
  missingNestOffset?: number;
}

export interface TraceMessage {
  length: number;
  type: number;
  /** `NLMSG_ERROR`, `RTM_NEWLINK`, `mptcp_pm`, ...; undefined when unknown. */
  typeName?: string;
  flags: number;
  flagNames: string[];
  seq: number;
  pid: number;
  /** Generic netlink header. */
  genl?: { cmd: number; cmdName?: string; version: number };
  /** A fixed header between nlmsghdr and the attributes, when the schema describes one. */
  header?: { name: string; fields: TraceField[] };
  attributes?: TraceAttribute[];
  /** NLMSG_ERROR / NLMSG_DONE. */
  error?: { code: number; name: string; extack: TraceExtack };
  /** The request header an NLMSG_ERROR echoes. */
  echoed?: { length: number; type: number; flags: number; seq: number; pid: number };
  /** Bytes that could not be decoded (broken framing): shown raw. */
  undecoded?: string;
}

/** A fixed struct at the start of a payload. */
export interface StructSchema {
  name: string;
  size: number;
  fields(payload: Buffer): TraceField[];
}

/** How one message type of a (non-generic) protocol is laid out; may depend on the payload. */
export interface MessageLayout {
  name: string;
  header?: StructSchema;
  attributes?: AttributeSetSpec;
}

export interface ProtocolSchema {
  /** e.g. `route`, `sock_diag`, `generic`. */
  name: string;
  /** Message type -> layout; for generic netlink this is unused (families are looked up instead). */
  layout?: (type: number, payload: Buffer, direction: TraceDirection) => MessageLayout | undefined;
  /** True for NETLINK_GENERIC: messages carry a genl header and belong to a family by type. */
  genl?: boolean;
}

/** A generic netlink family: its command names and the attribute set of each message. */
export interface GenlFamilySchema {
  name: string;
  commands: ReadonlyMap<number, string>;
  attributes(cmd: number, direction: TraceDirection): AttributeSetSpec | undefined;
  /**
   * Called with each decoded message of this family: nlctrl uses it to learn the ids of the
   * families it describes, so later messages of those families are named.
   */
  learn?(attributes: Buffer, state: TraceState): void;
}

/** Formats a value the schema wants shown specially (addresses, flags, tokens...). */
export type ValueFormatter = (set: string, attribute: string, data: Buffer, plain: string) => string | undefined;

export interface TraceSchema {
  protocols: ReadonlyMap<number, ProtocolSchema>;
  /** Generic netlink families by name (nlctrl included). */
  families: ReadonlyMap<string, GenlFamilySchema>;
  format?: ValueFormatter;
}

/** What a trace remembers between datagrams: family ids learnt and requests sent (for extack offsets). */
export class TraceState {
  /** Generic netlink family id -> name. nlctrl's id is fixed. */
  readonly familyIds = new Map<number, string>([[0x10, 'nlctrl']]);
  /** Requests by protocol and sequence number, to name the attribute an extack offset points at. */
  readonly requests = new Map<string, { bytes: Buffer; set?: AttributeSetSpec; attrsStart: number }>();
}

/** Longest raw value shown in full; longer blobs (link statistics...) are cut, with their size said. */
const MAX_HEX_BYTES = 64;

export function hexOf(data: Buffer): string {
  const shown = data.subarray(0, MAX_HEX_BYTES).toString('hex');
  return data.length > MAX_HEX_BYTES ? `${shown}... (${data.length} bytes)` : shown;
}

/** nlmsghdr flag names; the meaning of 0x100.. depends on whether the message is a request, a dump part or an ACK. */
function flagNames(flags: number, type: number, direction: TraceDirection): string[] {
  const names: string[] = [];
  const known: [number, string][] = [
    [0x01, 'REQUEST'],
    [0x02, 'MULTI'],
    [0x04, 'ACK'],
    [0x08, 'ECHO'],
    [0x10, 'DUMP_INTR'],
    [0x20, 'DUMP_FILTERED'],
  ];
  if (type === NLMSG_ERROR || type === NLMSG_DONE) known.push([NLM_F_CAPPED, 'CAPPED'], [NLM_F_ACK_TLVS, 'ACK_TLVS']);
  else if (direction === 'send') known.push([0x100, 'ROOT'], [0x200, 'MATCH'], [0x400, 'ATOMIC'], [0x800, 'APPEND']);
  let rest = flags;
  for (const [bit, name] of known) {
    if (flags & bit) {
      names.push(name);
      rest &= ~bit;
    }
  }
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names;
}

/** Sets that hold an indexed array of one element kind (nlctrl's ops, groups, policies). */
export interface ArraySetSpec extends AttributeSetSpec {
  element: AttributeSpec;
}

function specFor(set: AttributeSetSpec, type: number): AttributeSpec | undefined {
  const element = (set as Partial<ArraySetSpec>).element;
  return set.byId.get(type) ?? (element ? { ...element, id: type, name: `[${type}]` } : undefined);
}

function plainValue(spec: AttributeSpec, data: Buffer): string {
  const fixed: Record<string, number> = { u8: 1, u16: 2, u32: 4, u64: 8, s32: 4, be16: 2, be32: 4 };
  const want = fixed[spec.kind];
  if (want !== undefined && data.length !== want) return `${hexOf(data)} (expected ${want} bytes)`;
  switch (spec.kind) {
    case 'u8':
      return String(data[0]);
    case 'u16':
      return String(readU16LE(data, 0));
    case 'u32':
      return String(readU32LE(data, 0));
    case 'u64':
      return String(readU64LE(data, 0));
    case 's32':
      return String(readI32LE(data, 0));
    case 'be16':
      return String(readU16BE(data, 0));
    case 'be32':
      return String(readU32BE(data, 0));
    case 'string':
      return JSON.stringify(readCString(data));
    default:
      return hexOf(data);
  }
}

/** Decodes attribute bytes as members of `set` (undefined: all unknown), recursing into known nests. */
export function traceAttributes(buf: Buffer, set: AttributeSetSpec | undefined, format?: ValueFormatter): TraceAttribute[] {
  const out: TraceAttribute[] = [];
  for (const attr of decodeAttributes(buf)) {
    const spec = set && specFor(set, attr.type);
    const entry: TraceAttribute = { type: attr.type, length: 4 + attr.data.length, nestedFlag: attr.nested };
    if (spec) entry.name = spec.name;
    if (spec?.kind === 'nest') {
      try {
        entry.children = traceAttributes(attr.data, spec.nested!(), format);
      } catch {
        entry.value = `${hexOf(attr.data)} (not a valid nest)`;
      }
    } else if (spec) {
      const plain = plainValue(spec, attr.data);
      entry.value = format?.(set!.name, spec.name, attr.data, plain) ?? plain;
    } else if (attr.nested) {
      // Unknown but flagged as a nest: show its members by number.
      try {
        entry.children = traceAttributes(attr.data, undefined, format);
      } catch {
        entry.value = hexOf(attr.data);
      }
    } else {
      entry.value = hexOf(attr.data);
    }
    out.push(entry);
  }
  return out;
}

/** The dotted name path of the attribute starting at `target` (offset from the nlmsghdr). */
function pathAt(attrs: TraceAttribute[], start: number, target: number): string | undefined {
  let offset = start;
  for (const attr of attrs) {
    const label = attr.name ?? String(attr.type);
    if (offset === target) return label;
    if (attr.children && target > offset && target < offset + attr.length) {
      const inner = pathAt(attr.children, offset + 4, target);
      return inner === undefined ? label : `${label}.${inner}`;
    }
    offset += (attr.length + 3) & ~3;
  }
  return undefined;
}

function decodeExtack(ack: ExtendedAck, state: TraceState, protocol: number, format?: ValueFormatter): TraceExtack {
  const extack: TraceExtack = {};
  if (ack.message !== undefined) extack.message = ack.message;
  if (ack.missingType !== undefined) extack.missingType = ack.missingType;
  if (ack.missingNestOffset !== undefined) extack.missingNestOffset = ack.missingNestOffset;
  if (ack.offset !== undefined) extack.offset = ack.offset;
  const request = ack.requestSeq === undefined ? undefined : state.requests.get(`${protocol}/${ack.requestSeq}`);
  if (!request) return extack;
  try {
    const attrs = traceAttributes(request.bytes.subarray(request.attrsStart, readU32LE(request.bytes, 0)), request.set, format);
    const path = ack.offset === undefined ? undefined : pathAt(attrs, request.attrsStart, ack.offset);
    if (path !== undefined) extack.offsetAttribute = path;
    if (ack.missingType !== undefined) {
      // The missing attribute belongs to the top level, or to the nest MISS_NEST points at.
      const nestPath = ack.missingNestOffset === undefined ? '' : pathAt(attrs, request.attrsStart, ack.missingNestOffset);
      let set = request.set;
      for (const name of nestPath ? nestPath.split('.') : []) {
        const spec = set?.byName.get(name);
        set = spec?.kind === 'nest' ? spec.nested!() : undefined;
      }
      const name = set?.byId.get(ack.missingType)?.name;
      if (name !== undefined) extack.missingAttribute = nestPath ? `${nestPath}.${name}` : name;
    }
  } catch {
    // A request we could not decode cannot name the attribute; the numbers are still shown.
  }
  return extack;
}

function decodeOne(msg: NetlinkMessage, protocol: number, direction: TraceDirection, schema: TraceSchema, state: TraceState): TraceMessage {
  const out: TraceMessage = {
    length: NLMSG_HDRLEN + msg.payload.length,
    type: msg.type,
    flags: msg.flags,
    flagNames: flagNames(msg.flags, msg.type, direction),
    seq: msg.seq,
    pid: msg.pid,
  };
  const fail = (err: unknown, from: Buffer): TraceMessage => ({ ...out, undecoded: `${hexOf(from)} (${err instanceof Error ? err.message : String(err)})` });
  if (msg.type === NLMSG_ERROR || msg.type === NLMSG_DONE) {
    out.typeName = msg.type === NLMSG_ERROR ? 'NLMSG_ERROR' : 'NLMSG_DONE';
    try {
      const ack = msg.type === NLMSG_ERROR ? decodeErrorPayload(msg.payload, msg.flags) : decodeDonePayload(msg.payload, msg.flags);
      out.error = { code: ack.error, name: ack.error === 0 ? 'OK' : errnoName(ack.error), extack: decodeExtack(ack, state, protocol, schema.format) };
      // The request is answered: forget it, so a long batch does not pile requests up.
      state.requests.delete(`${protocol}/${msg.seq}`);
      if (msg.type === NLMSG_ERROR && msg.payload.length >= 4 + NLMSG_HDRLEN) {
        const p = msg.payload;
        out.echoed = { length: readU32LE(p, 4), type: readU16LE(p, 8), flags: readU16LE(p, 10), seq: readU32LE(p, 12), pid: readU32LE(p, 16) };
      }
    } catch (err) {
      return fail(err, msg.payload);
    }
    return out;
  }
  const proto = schema.protocols.get(protocol);
  if (proto?.genl) return decodeGenl(msg, out, protocol, direction, schema, state);
  const layout = proto?.layout?.(msg.type, msg.payload, direction);
  if (layout) out.typeName = layout.name;
  const headerSize = layout?.header?.size ?? 0;
  if (layout?.header) {
    if (msg.payload.length < headerSize) return fail(new Error(`shorter than ${layout.header.name}`), msg.payload);
    out.header = { name: layout.header.name, fields: layout.header.fields(msg.payload) };
  }
  if (direction === 'send') state.requests.set(`${protocol}/${msg.seq}`, { bytes: requestBytes(msg), attrsStart: NLMSG_HDRLEN + headerSize, ...(layout?.attributes ? { set: layout.attributes } : {}) });
  try {
    if (msg.payload.length > headerSize) out.attributes = traceAttributes(msg.payload.subarray(headerSize), layout?.attributes, schema.format);
  } catch (err) {
    return fail(err, msg.payload.subarray(headerSize));
  }
  return out;
}

/** A request's own bytes (header + payload), for naming extack offsets in its answer later. */
const requestBytes = (msg: NetlinkMessage): Buffer => encodeMessage(msg, msg.payload);

function decodeGenl(msg: NetlinkMessage, out: TraceMessage, protocol: number, direction: TraceDirection, schema: TraceSchema, state: TraceState): TraceMessage {
  const familyName = state.familyIds.get(msg.type);
  const family = familyName === undefined ? undefined : schema.families.get(familyName);
  out.typeName = familyName ?? `family 0x${msg.type.toString(16)}`;
  if (msg.payload.length < GENL_HDRLEN) return { ...out, undecoded: `${hexOf(msg.payload)} (no generic netlink header)` };
  const cmd = msg.payload[0]!;
  out.genl = { cmd, version: msg.payload[1]! };
  const cmdName = family?.commands.get(cmd);
  if (cmdName) out.genl.cmdName = cmdName;
  const set = family?.attributes(cmd, direction);
  const attributes = msg.payload.subarray(GENL_HDRLEN);
  if (direction === 'send') state.requests.set(`${protocol}/${msg.seq}`, { bytes: requestBytes(msg), attrsStart: NLMSG_HDRLEN + GENL_HDRLEN, ...(set ? { set } : {}) });
  try {
    out.attributes = traceAttributes(attributes, set, schema.format);
    family?.learn?.(attributes, state);
  } catch (err) {
    return { ...out, undecoded: `${hexOf(attributes)} (${err instanceof Error ? err.message : String(err)})` };
  }
  return out;
}

/** Decodes every message of one datagram that crossed a socket of netlink `protocol`. */
export function decodeDatagram(datagram: Buffer, protocol: number, direction: TraceDirection, schema: TraceSchema, state: TraceState): TraceMessage[] {
  let messages: NetlinkMessage[];
  try {
    messages = decodeMessages(datagram);
  } catch (err) {
    return [{ length: datagram.length, type: 0, flags: 0, flagNames: [], seq: 0, pid: 0, undecoded: `${hexOf(datagram)} (${err instanceof Error ? err.message : String(err)})` }];
  }
  return messages.map((msg) => decodeOne(msg, protocol, direction, schema, state));
}
