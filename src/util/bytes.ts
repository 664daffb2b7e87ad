/**
 * Integer reads and writes on byte arrays, little- and big-endian, with Buffer's semantics
 * (arguments in the same order; a RangeError for an offset or value out of range).
 *
 * Why not Buffer's own methods: they are JavaScript inside Node, compiled on their first call in
 * every process, while these come compiled from mptcpctl's code cache (bench/README.md, start-up,
 * has what that cost).
 */

function checkOffset(bytes: Uint8Array, offset: number, size: number): void {
  if (!(offset >= 0 && offset + size <= bytes.length) || offset !== Math.floor(offset)) {
    throw new RangeError(`offset ${offset} is out of range for ${size} bytes in ${bytes.length}`);
  }
}

function checkValue(value: number, min: number, max: number): void {
  if (!(value >= min && value <= max)) throw new RangeError(`value ${value} is out of range (${min}..${max})`);
}

export function readU16LE(bytes: Uint8Array, offset = 0): number {
  checkOffset(bytes, offset, 2);
  return bytes[offset]! | (bytes[offset + 1]! << 8);
}

export function readU16BE(bytes: Uint8Array, offset = 0): number {
  checkOffset(bytes, offset, 2);
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

export function readU32LE(bytes: Uint8Array, offset = 0): number {
  checkOffset(bytes, offset, 4);
  return u32At(bytes, offset);
}

export function readI32LE(bytes: Uint8Array, offset = 0): number {
  checkOffset(bytes, offset, 4);
  return bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24);
}

export function readU32BE(bytes: Uint8Array, offset = 0): number {
  checkOffset(bytes, offset, 4);
  return bytes[offset]! * 0x1000000 + ((bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!);
}

export function readU64LE(bytes: Uint8Array, offset = 0): bigint {
  checkOffset(bytes, offset, 8);
  return (BigInt(u32At(bytes, offset + 4)) << 32n) | BigInt(u32At(bytes, offset));
}

/** Writes `value` at `offset`; returns the offset after it, as Buffer's methods do. */
export function writeU16LE(bytes: Uint8Array, value: number, offset = 0): number {
  checkOffset(bytes, offset, 2);
  checkValue(value, 0, 0xffff);
  bytes[offset] = value;
  bytes[offset + 1] = value >>> 8;
  return offset + 2;
}

export function writeI16LE(bytes: Uint8Array, value: number, offset = 0): number {
  checkOffset(bytes, offset, 2);
  checkValue(value, -0x8000, 0x7fff);
  bytes[offset] = value;
  bytes[offset + 1] = value >>> 8;
  return offset + 2;
}

export function writeU16BE(bytes: Uint8Array, value: number, offset = 0): number {
  checkOffset(bytes, offset, 2);
  checkValue(value, 0, 0xffff);
  bytes[offset] = value >>> 8;
  bytes[offset + 1] = value;
  return offset + 2;
}

export function writeU32LE(bytes: Uint8Array, value: number, offset = 0): number {
  checkOffset(bytes, offset, 4);
  checkValue(value, 0, 0xffffffff);
  setU32LE(bytes, value, offset);
  return offset + 4;
}

export function writeI32LE(bytes: Uint8Array, value: number, offset = 0): number {
  checkOffset(bytes, offset, 4);
  checkValue(value, -0x80000000, 0x7fffffff);
  setU32LE(bytes, value, offset);
  return offset + 4;
}

export function writeU32BE(bytes: Uint8Array, value: number, offset = 0): number {
  checkOffset(bytes, offset, 4);
  checkValue(value, 0, 0xffffffff);
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = value >>> 16;
  bytes[offset + 2] = value >>> 8;
  bytes[offset + 3] = value;
  return offset + 4;
}

export function writeU64LE(bytes: Uint8Array, value: bigint, offset = 0): number {
  checkOffset(bytes, offset, 8);
  if (value < 0n || value > 0xffffffffffffffffn) throw new RangeError(`value ${value} is out of range for 64 bits`);
  setU32LE(bytes, Number(value & 0xffffffffn), offset);
  setU32LE(bytes, Number(value >> 32n), offset + 4);
  return offset + 8;
}

/** Reads without checking: for callers that have checked the offset. */
function u32At(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16)) + bytes[offset + 3]! * 0x1000000;
}

function setU32LE(bytes: Uint8Array, value: number, offset: number): void {
  bytes[offset] = value;
  bytes[offset + 1] = value >>> 8;
  bytes[offset + 2] = value >>> 16;
  bytes[offset + 3] = value >>> 24;
}

/** UTF-8 text of `bytes[start, end)`; ASCII (all the names the kernel sends) without Buffer's toString. */
export function decodeText(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let text = '';
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte >= 0x80) return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
    text += String.fromCharCode(byte);
  }
  return text;
}

/** UTF-8 bytes of `text`; ASCII without Buffer.from. */
export function encodeText(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return Buffer.from(text, 'utf8');
    bytes[i] = code;
  }
  return bytes;
}

/**
 * `bytes.subarray(start, end)`: a view, no copy, of the same type (a Buffer of a Buffer), with
 * the same clamping. TypedArray's own method rather than Buffer's, which is JavaScript Node
 * compiles on its first call in every process.
 */
export function subarrayOf<T extends Uint8Array>(bytes: T, start: number, end?: number): T {
  return Uint8Array.prototype.subarray.call(bytes, start, end) as T;
}

/**
 * A copy of the first `length` bytes of `bytes`, from Node's buffer pool. A small TypedArray's own
 * slice lives on the JavaScript heap, and the first view made of it (a message's payload) moves
 * its bytes out again: that cost more than the copy itself (bench/library.mjs).
 */
export function copyOf(bytes: Uint8Array, length: number): Buffer {
  const copy = Buffer.allocUnsafe(length);
  // A reply or an ACK is a few dozen bytes: copied by hand rather than through a view of its own.
  if (length <= 256) for (let i = 0; i < length; i++) copy[i] = bytes[i]!;
  else copy.set(length === bytes.length ? bytes : subarrayOf(bytes, 0, length));
  return copy;
}
