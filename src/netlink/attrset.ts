/**
 * A small generic TLV codec driven by attribute-set descriptions (the YNL idea): a family is
 * described once as data, and encode/decode/extack-offset mapping work from that description.
 * Pure: no I/O.
 */
import { AttributeWriter, decodeAttributes, NLA_HDRLEN, type RawAttribute, readCString } from './message.js';
import { readI32LE, readU16BE, readU16LE, readU32BE, readU32LE, readU64LE, writeU16BE, writeU32BE, writeU64LE } from '../util/bytes.js';

/**
 * Wire types. `be16`/`be32` are network byte order; the plain integer kinds are host order
 * (little-endian here). `binary` is raw bytes; `nest` holds attributes of another set.
 */
export type AttributeKind = 'u8' | 'u16' | 'u32' | 'u64' | 's32' | 'be16' | 'be32' | 'binary' | 'string' | 'nest' | 'pad';

export interface AttributeSpec {
  id: number;
  name: string;
  kind: AttributeKind;
  /** For `nest`: the set its members belong to (a thunk, so sets can refer to each other). */
  nested?: () => AttributeSetSpec;
  /** For `binary`: the exact length the kernel requires, if any. */
  exactLength?: number;
}

export interface AttributeSetSpec {
  name: string;
  byId: ReadonlyMap<number, AttributeSpec>;
  byName: ReadonlyMap<string, AttributeSpec>;
}

export function defineAttributeSet(name: string, attributes: AttributeSpec[]): AttributeSetSpec {
  return {
    name,
    byId: new Map(attributes.map((a) => [a.id, a])),
    byName: new Map(attributes.map((a) => [a.name, a])),
  };
}

export type AttributeValue = number | bigint | string | Buffer | DecodedAttributes;

/** Attributes of one set, by name; those the set does not know, or could not read, stay raw. */
export interface DecodedAttributes {
  values: Map<string, AttributeValue>;
  /** Unknown types, and known types whose length did not fit their kind: kept, never fatal. */
  unknown: RawAttribute[];
}

const fixedLength: Partial<Record<AttributeKind, number>> = { u8: 1, u16: 2, u32: 4, u64: 8, s32: 4, be16: 2, be32: 4 };

/** Decodes the attributes in `buf` as members of `set`. Throws NetlinkDecodeError only on broken TLV framing. */
export function decodeAttributeSet(set: AttributeSetSpec, buf: Buffer): DecodedAttributes {
  const decoded: DecodedAttributes = { values: new Map(), unknown: [] };
  for (const attr of decodeAttributes(buf)) {
    const spec = set.byId.get(attr.type);
    const value = spec ? decodeValue(spec, attr.data) : undefined;
    if (spec && value !== undefined) decoded.values.set(spec.name, value);
    else decoded.unknown.push(attr);
  }
  return decoded;
}

function decodeValue(spec: AttributeSpec, data: Buffer): AttributeValue | undefined {
  const want = fixedLength[spec.kind];
  // The kernel sends exact sizes; a longer integer is tolerated (read its first bytes), a shorter one is kept raw.
  if (want !== undefined && data.length < want) return undefined;
  switch (spec.kind) {
    case 'u8':
      return data[0]!;
    case 'u16':
      return readU16LE(data, 0);
    case 'u32':
      return readU32LE(data, 0);
    case 'u64':
      return readU64LE(data, 0);
    case 's32':
      return readI32LE(data, 0);
    case 'be16':
      return readU16BE(data, 0);
    case 'be32':
      return readU32BE(data, 0);
    case 'binary':
      if (spec.exactLength !== undefined && data.length < spec.exactLength) return undefined;
      return data;
    case 'string':
      return readCString(data);
    case 'nest':
      return decodeAttributeSet(spec.nested!(), data);
    case 'pad':
      return undefined;
  }
}

/** A request's attributes by name, in the order they are to be sent. Nests are plain objects. */
export interface AttributeInput {
  [name: string]: number | bigint | string | Uint8Array | AttributeInput | undefined;
}

/**
 * Encodes `input` as members of `set`, in the object's key order; undefined values are skipped.
 * `for...in` rather than Object.entries: no array per attribute, on every request.
 */
export function encodeAttributeSet(set: AttributeSetSpec, input: AttributeInput, writer = new AttributeWriter()): AttributeWriter {
  for (const name in input) {
    if (!Object.hasOwn(input, name)) continue;
    const value = input[name];
    if (value === undefined) continue;
    const spec = set.byName.get(name);
    if (!spec) throw new Error(`attribute set ${set.name} has no attribute "${name}"`);
    encodeValue(spec, value, writer);
  }
  return writer;
}

function encodeValue(spec: AttributeSpec, value: NonNullable<AttributeInput[string]>, writer: AttributeWriter): void {
  const asNumber = (): number => {
    if (typeof value !== 'number') throw new Error(`attribute ${spec.name} needs a number`);
    return value;
  };
  switch (spec.kind) {
    case 'u8':
      writer.u8(spec.id, asNumber());
      return;
    case 'u16':
      writer.u16(spec.id, asNumber());
      return;
    case 'u32':
      writer.u32(spec.id, asNumber());
      return;
    case 's32':
      writer.s32(spec.id, asNumber());
      return;
    case 'u64': {
      const b = Buffer.alloc(8);
      if (typeof value !== 'number' && typeof value !== 'bigint') throw new Error(`attribute ${spec.name} needs a number or bigint`);
      writeU64LE(b, BigInt(value));
      writer.put(spec.id, b);
      return;
    }
    case 'be16': {
      const b = Buffer.alloc(2);
      writeU16BE(b, asNumber());
      writer.put(spec.id, b);
      return;
    }
    case 'be32': {
      const b = Buffer.alloc(4);
      writeU32BE(b, asNumber() >>> 0);
      writer.put(spec.id, b);
      return;
    }
    case 'binary':
      if (!(value instanceof Uint8Array)) throw new Error(`attribute ${spec.name} needs bytes`);
      writer.put(spec.id, value);
      return;
    case 'string':
      if (typeof value !== 'string') throw new Error(`attribute ${spec.name} needs a string`);
      writer.string(spec.id, value);
      return;
    case 'nest':
      writer.beginNest(spec.id);
      encodeAttributeSet(spec.nested!(), value as AttributeInput, writer);
      writer.endNest();
      return;
    case 'pad':
      return;
  }
}

/**
 * Names the attribute that starts at `target` within attribute bytes `buf` that begin at
 * `base` in the original message, e.g. `addr.port`. Used to explain an extack offset.
 */
export function attributePathAt(set: AttributeSetSpec, buf: Buffer, base: number, target: number): string | undefined {
  let attrs: RawAttribute[];
  try {
    attrs = decodeAttributes(buf);
  } catch {
    return undefined;
  }
  for (const attr of attrs) {
    const start = base + attr.offset;
    const spec = set.byId.get(attr.type);
    const name = spec?.name ?? String(attr.type);
    if (start === target) return name;
    const end = start + NLA_HDRLEN + attr.data.length;
    if (spec?.kind === 'nest' && target > start && target < end) {
      const inner = attributePathAt(spec.nested!(), attr.data, start + NLA_HDRLEN, target);
      return inner === undefined ? name : `${name}.${inner}`;
    }
  }
  return undefined;
}

/** The name of attribute `id` in `set`, or its number. */
export function attributeName(set: AttributeSetSpec, id: number): string {
  return set.byId.get(id)?.name ?? String(id);
}

/** The set that the nest at `path` (e.g. `addr`) holds, walking from `set`; `set` itself for ''. */
export function nestedSetAt(set: AttributeSetSpec, path: string): AttributeSetSpec | undefined {
  let current: AttributeSetSpec | undefined = set;
  for (const name of path === '' ? [] : path.split('.')) {
    const spec: AttributeSpec | undefined = current?.byName.get(name);
    current = spec?.kind === 'nest' ? spec.nested!() : undefined;
  }
  return current;
}
