/**
 * Netlink datagrams -> a readable tree, for `--debug` traces and bug reports (pure, no I/O).
 *
 * Generic: it knows nlmsghdr, the generic netlink header, NLMSG_ERROR/NLMSG_DONE with their
 * extended ACK, and TLV attributes, and reads values with the codec (attrset.ts). What messages,
 * fixed headers and attributes are called comes from a TraceSchema the caller supplies (the CLI
 * builds one from the family descriptions), and so does the text of display hints, so this layer
 * imports nothing from above. Bytes the schema does not describe are still shown, by type number
 * and length, never dropped: a trace must show everything that crossed the socket.
 */
import { errnoName } from '../errno.js';
import { attributeSpec, extackNames, fixedSize, readField, readInteger, type AttributeKind, type AttributeSetSpec } from './attrset.js';
import type { DisplayHint, MessageLayout, StructSpec } from './describe.js';
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
import { readU16LE, readU32LE } from '../util/bytes.js';

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

/** The text of display hints: how the schema's owner shows addresses, flags, tokens... */
export interface HintText {
  /** What follows an attribute's plain value in parentheses (`10.0.1.3`, `signal|backup`); undefined: nothing. */
  attribute(hint: DisplayHint, data: Buffer, value: number | bigint | undefined): string | undefined;
  /** A struct field's whole text (`0x80`, `2 (AF_INET)`); `fields` are the struct's values, for addresses by family. */
  field(hint: DisplayHint, value: number | bigint | Buffer, fields: Readonly<Record<string, number | bigint | Buffer>>): string | undefined;
}

export interface TraceSchema {
  protocols: ReadonlyMap<number, ProtocolSchema>;
  /** Generic netlink families by name (nlctrl included). */
  families: ReadonlyMap<string, GenlFamilySchema>;
  hints?: HintText;
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

/** An attribute's value as text: the number, the quoted string or the bytes in hex; a wrong size is said. */
function plainValue(kind: AttributeKind, data: Buffer): { text: string; value?: number | bigint } {
  const size = fixedSize(kind);
  if (size !== undefined && data.length !== size) return { text: `${hexOf(data)} (expected ${size} bytes)` };
  if (size !== undefined) {
    const value = readInteger(kind, data, 0);
    return { text: String(value), value };
  }
  return { text: kind === 'string' ? JSON.stringify(readCString(data)) : hexOf(data) };
}

/** Decodes attribute bytes as members of `set` (undefined: all unknown), recursing into known nests. */
export function traceAttributes(buf: Buffer, set: AttributeSetSpec | undefined, hints?: HintText): TraceAttribute[] {
  const out: TraceAttribute[] = [];
  for (const attr of decodeAttributes(buf)) {
    const spec = set && attributeSpec(set, attr.type);
    const entry: TraceAttribute = { type: attr.type, length: 4 + attr.data.length, nestedFlag: attr.nested };
    if (spec) entry.name = spec.name;
    if (spec?.kind === 'nest') {
      try {
        entry.children = traceAttributes(attr.data, spec.nested!(), hints);
      } catch {
        entry.value = `${hexOf(attr.data)} (not a valid nest)`;
      }
    } else if (spec) {
      const plain = plainValue(spec.kind, attr.data);
      const extra = spec.hint && (spec.kind === 'binary' || plain.value !== undefined) ? hints?.attribute(spec.hint, attr.data, plain.value) : undefined;
      entry.value = extra === undefined ? plain.text : `${plain.text} (${extra})`;
    } else if (attr.nested) {
      // Unknown but flagged as a nest: show its members by number.
      try {
        entry.children = traceAttributes(attr.data, undefined, hints);
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

function decodeExtack(ack: ExtendedAck, state: TraceState, protocol: number): TraceExtack {
  const extack: TraceExtack = {};
  if (ack.message !== undefined) extack.message = ack.message;
  if (ack.missingType !== undefined) extack.missingType = ack.missingType;
  if (ack.missingNestOffset !== undefined) extack.missingNestOffset = ack.missingNestOffset;
  if (ack.offset !== undefined) extack.offset = ack.offset;
  const request = ack.requestSeq === undefined ? undefined : state.requests.get(`${protocol}/${ack.requestSeq}`);
  if (!request) return extack;
  const names = extackNames(request.set, request.bytes.subarray(request.attrsStart, readU32LE(request.bytes, 0)), request.attrsStart, ack);
  if (names.attribute !== undefined) extack.offsetAttribute = names.attribute;
  if (names.missingKnown) extack.missingAttribute = names.missingAttribute!;
  return extack;
}

/** A fixed header's fields as text, by their hints. */
function structFields(struct: StructSpec, payload: Buffer, hints?: HintText): TraceField[] {
  const values: Record<string, number | bigint | Buffer> = {};
  for (const field of struct.fields) values[field.name] = readField(field, payload);
  return struct.fields.map((field) => {
    const value = values[field.name]!;
    return { name: field.name, value: (field.hint && hints?.field(field.hint, value, values)) ?? (value instanceof Uint8Array ? hexOf(value) : String(value)) };
  });
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
      out.error = { code: ack.error, name: ack.error === 0 ? 'OK' : errnoName(ack.error), extack: decodeExtack(ack, state, protocol) };
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
    out.header = { name: layout.header.name, fields: structFields(layout.header, msg.payload, schema.hints) };
  }
  if (direction === 'send') state.requests.set(`${protocol}/${msg.seq}`, { bytes: requestBytes(msg), attrsStart: NLMSG_HDRLEN + headerSize, ...(layout?.attributes ? { set: layout.attributes } : {}) });
  try {
    if (msg.payload.length > headerSize) out.attributes = traceAttributes(msg.payload.subarray(headerSize), layout?.attributes, schema.hints);
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
    out.attributes = traceAttributes(attributes, set, schema.hints);
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
