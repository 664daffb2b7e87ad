/**
 * Netlink messages and TLV attributes: pure encoding and decoding (no I/O).
 *
 * Layout (all host byte order, little-endian on the machines we target):
 *   nlmsghdr  { u32 len; u16 type; u16 flags; u32 seq; u32 pid }   16 bytes
 *   genlmsghdr{ u8 cmd; u8 version; u16 reserved }                   4 bytes
 *   nlattr    { u16 len; u16 type } + payload, padded to 4 bytes
 */
import { decodeText, encodeText, readU16LE, readU32LE, subarrayOf, writeI32LE, writeU16LE, writeU32LE } from '../util/bytes.js';

export const NLMSG_HDRLEN = 16;
export const GENL_HDRLEN = 4;
export const NLA_HDRLEN = 4;

export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;

export const NLM_F_REQUEST = 0x01;
export const NLM_F_MULTI = 0x02;
export const NLM_F_ACK = 0x04;
export const NLM_F_ECHO = 0x08;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_ROOT = 0x100;
export const NLM_F_MATCH = 0x200;
export const NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
/** In an NLMSG_ERROR: the echoed request was cut to its header. */
export const NLM_F_CAPPED = 0x100;
/** In an NLMSG_ERROR or NLMSG_DONE: extended-ACK TLVs follow. */
export const NLM_F_ACK_TLVS = 0x200;

export const NLA_F_NESTED = 0x8000;
export const NLA_F_NET_BYTEORDER = 0x4000;
export const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

export const align4 = (n: number): number => (n + 3) & ~3;

/** Raised when bytes do not form a valid netlink message or attribute stream. */
export class NetlinkDecodeError extends Error {
  override readonly name = 'NetlinkDecodeError';
}

export interface NetlinkHeader {
  type: number;
  flags: number;
  seq: number;
  pid: number;
}

/** One message of a datagram; `payload` is a view into the received bytes (no copy). */
export interface NetlinkMessage extends NetlinkHeader {
  /** Everything after the 16-byte header, excluding alignment padding. */
  payload: Buffer;
  /** Offset of the message's header in the datagram it came from. */
  offset: number;
}

/** A raw attribute: `type` has the NESTED/BYTEORDER bits stripped, `nested` tells if NLA_F_NESTED was set. */
export interface RawAttribute {
  type: number;
  nested: boolean;
  data: Buffer;
  /** Offset of the attribute header within the buffer it was parsed from. */
  offset: number;
}

/** Builds one complete netlink message around `payload`. */
export function encodeMessage(header: NetlinkHeader, payload: Uint8Array): Buffer {
  const out = messageWithHeader(header, payload.length);
  out.set(payload, NLMSG_HDRLEN);
  return out;
}

/** A generic netlink message: header, genl header (cmd, version) and `attributes`, in one allocation. */
export function encodeGenlMessage(header: NetlinkHeader, cmd: number, version: number, attributes: Uint8Array): Buffer {
  const out = messageWithHeader(header, GENL_HDRLEN + attributes.length);
  out[NLMSG_HDRLEN] = cmd;
  out[NLMSG_HDRLEN + 1] = version;
  out.set(attributes, NLMSG_HDRLEN + GENL_HDRLEN);
  return out;
}

/** A zeroed message of `payloadLength` bytes after its header, the header written. */
function messageWithHeader(header: NetlinkHeader, payloadLength: number): Buffer {
  const len = NLMSG_HDRLEN + payloadLength;
  const out = Buffer.alloc(align4(len));
  writeU32LE(out, len, 0);
  writeU16LE(out, header.type, 4);
  writeU16LE(out, header.flags, 6);
  writeU32LE(out, header.seq >>> 0, 8);
  writeU32LE(out, header.pid >>> 0, 12);
  return out;
}

/**
 * Splits a datagram into messages. A length that is too short or runs past the end is an error:
 * the kernel never sends one, so such bytes are corrupt, and stopping is safer than guessing.
 */
export function decodeMessages(datagram: Buffer): NetlinkMessage[] {
  const messages: NetlinkMessage[] = [];
  forEachMessage(datagram, (offset, length) => messages.push(decodeMessageAt(datagram, offset, length)));
  return messages;
}

/** The message at `offset` of `length` bytes (as forEachMessage gives them). */
export function decodeMessageAt(datagram: Buffer, offset: number, length: number): NetlinkMessage {
  return {
    type: readU16LE(datagram, offset + 4),
    flags: readU16LE(datagram, offset + 6),
    seq: readU32LE(datagram, offset + 8),
    pid: readU32LE(datagram, offset + 12),
    payload: subarrayOf(datagram, offset + NLMSG_HDRLEN, offset + length),
    offset,
  };
}

/**
 * The framing of {@link decodeMessages} (same checks, same errors) without making any views:
 * `visit` gets each message's offset and length (header included, padding not).
 */
export function forEachMessage(datagram: Buffer, visit: (offset: number, length: number) => void, size = datagram.length): void {
  let offset = 0;
  while (offset + NLMSG_HDRLEN <= size) {
    const len = readU32LE(datagram, offset);
    if (len < NLMSG_HDRLEN || offset + len > size) {
      throw new NetlinkDecodeError(`netlink message at offset ${offset} has invalid length ${len}`);
    }
    visit(offset, len);
    offset += align4(len);
  }
  if (offset < size) {
    throw new NetlinkDecodeError(`${size - offset} trailing bytes after the last netlink message`);
  }
}

/**
 * Parses the attributes in `buf` (normally a payload or a nest's data). Attributes whose length
 * field is impossible end the stream with an error; nothing is read outside `buf`.
 */
export function decodeAttributes(buf: Buffer): RawAttribute[] {
  const attrs: RawAttribute[] = [];
  forEachAttribute(buf, (type, nested, start, end) =>
    attrs.push({ type, nested, data: subarrayOf(buf, start, end), offset: start - NLA_HDRLEN }),
  );
  return attrs;
}

/**
 * The framing of {@link decodeAttributes} (same checks, same errors) without making any views:
 * `visit` gets each attribute's type (flags stripped), whether NLA_F_NESTED was set, and where
 * its payload starts and ends in `buf`.
 */
export function forEachAttribute(buf: Buffer, visit: (type: number, nested: boolean, start: number, end: number) => void): void {
  let offset = 0;
  while (offset + NLA_HDRLEN <= buf.length) {
    const len = readU16LE(buf, offset);
    const rawType = readU16LE(buf, offset + 2);
    if (len < NLA_HDRLEN || offset + len > buf.length) {
      throw new NetlinkDecodeError(`attribute type ${rawType & NLA_TYPE_MASK} at offset ${offset} has invalid length ${len}`);
    }
    visit(rawType & NLA_TYPE_MASK, (rawType & NLA_F_NESTED) !== 0, offset + NLA_HDRLEN, offset + len);
    offset += align4(len);
  }
}

/** Accumulates attributes; nests are opened and closed around their members. */
export class AttributeWriter {
  /** The attributes so far, written in place (a Buffer per attribute was most of a request's allocations). */
  private bytes = Buffer.alloc(64);
  private length = 0;
  /** Where each open nest's header starts. */
  private readonly openNests: number[] = [];

  /** Appends one attribute with `data` as its payload. */
  put(type: number, data: Uint8Array): this {
    // The header first: it may move the attributes to a larger buffer.
    const at = this.header(type, data.length);
    this.bytes.set(data, at);
    return this;
  }

  u8(type: number, value: number): this {
    const at = this.header(type, 1);
    this.bytes[at] = value & 0xff;
    return this;
  }

  u16(type: number, value: number): this {
    const at = this.header(type, 2);
    writeU16LE(this.bytes, value, at);
    return this;
  }

  u32(type: number, value: number): this {
    const at = this.header(type, 4);
    writeU32LE(this.bytes, value >>> 0, at);
    return this;
  }

  s32(type: number, value: number): this {
    const at = this.header(type, 4);
    writeI32LE(this.bytes, value, at);
    return this;
  }

  /** A NUL-terminated string, as the kernel's NLA_NUL_STRING / NLA_STRING want it. */
  string(type: number, value: string): this {
    return this.put(type, encodeText(`${value}\0`));
  }

  /** Opens a nest (NLA_F_NESTED set); members written until `endNest` belong to it. */
  beginNest(type: number): this {
    this.openNests.push(this.length);
    this.header(type | NLA_F_NESTED, 0);
    return this;
  }

  endNest(): this {
    const start = this.openNests.pop();
    if (start === undefined) throw new Error('endNest without beginNest');
    writeU16LE(this.bytes, this.length - start, start);
    return this;
  }

  toBuffer(): Buffer {
    if (this.openNests.length) throw new Error('unclosed attribute nest');
    return Uint8Array.prototype.slice.call(this.bytes, 0, this.length) as Buffer;
  }

  /**
   * Writes an attribute header for a payload of `size` bytes and makes room for it, padding
   * included (zeroed, as the buffer is made); returns where the payload goes.
   */
  private header(type: number, size: number): number {
    const at = this.length;
    const end = at + align4(NLA_HDRLEN + size);
    if (end > this.bytes.length) {
      const grown = Buffer.alloc(Math.max(end, this.bytes.length * 2));
      grown.set(this.bytes);
      this.bytes = grown;
    }
    writeU16LE(this.bytes, NLA_HDRLEN + size, at);
    writeU16LE(this.bytes, type, at + 2);
    this.length = end;
    return at + NLA_HDRLEN;
  }
}

/** A C string attribute's text: up to the first NUL (or the whole payload if there is none). */
export function readCString(data: Buffer, start = 0, end = data.length): string {
  let stop = start;
  while (stop < end && data[stop] !== 0) stop++;
  return decodeText(data, start, stop);
}

/** A generic netlink message: its genl header, and a view of its attributes. */
export interface GenlMessage {
  cmd: number;
  version: number;
  attributes: Buffer;
}

/** The generic netlink message at `offset` of `datagram`, `length` bytes with its nlmsghdr (as forEachMessage gives them). */
export function decodeGenlMessageAt(datagram: Buffer, offset: number, length: number): GenlMessage {
  const attributes = genlAttributesAt(offset, length);
  const at = offset + NLMSG_HDRLEN;
  return { cmd: datagram[at]!, version: datagram[at + 1]!, attributes: subarrayOf(datagram, attributes, offset + length) };
}

/** Where the attributes of the generic netlink message at `offset` (`length` bytes) start; throws if it has no genl header. */
export function genlAttributesAt(offset: number, length: number): number {
  const payload = length - NLMSG_HDRLEN;
  if (payload < GENL_HDRLEN) throw new NetlinkDecodeError(`generic netlink payload of ${payload} bytes has no header`);
  return offset + NLMSG_HDRLEN + GENL_HDRLEN;
}
