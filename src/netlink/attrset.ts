/**
 * The one netlink attribute codec, driven by attribute-set descriptions (the YNL idea): each
 * family is described once as data (src/families/), and encoding, decoding, event records,
 * traces and extack offsets all work from that description. A set is compiled on first use into
 * an id-indexed table, so a lookup per attribute is an array read. Pure: no I/O.
 */
import { AttributeWriter, decodeAttributes, forEachAttribute, NLA_HDRLEN, NLA_TYPE_MASK, NetlinkDecodeError, type RawAttribute, readCString } from './message.js';
import { readU64LE, subarrayOf, writeU16BE, writeU32BE, writeU64LE } from '../util/bytes.js';
import { formatIPv6 } from '../util/inet.js';
import type { DisplayHint, StructField, StructSpec } from './describe.js';

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
  /** How a person reads the value (address, flags, names...): data for traces and records. */
  hint?: DisplayHint;
}

/** An attribute set: its members, or (an indexed array) one element kind every member has. */
export interface AttributeSetSpec {
  readonly name: string;
  readonly attributes: readonly AttributeSpec[];
  /** Indexed arrays (nlctrl's ops, groups, policies): every member is this, its type its index. */
  readonly element?: Omit<AttributeSpec, 'id' | 'name'>;
}

export function defineAttributeSet(name: string, attributes: AttributeSpec[]): AttributeSetSpec {
  return { name, attributes };
}

/** Members that share a kind (and hint), by name -> id: `...ofKind('u32', { mtu: 4, link: 5 })`. */
export function ofKind(kind: AttributeKind, ids: Readonly<Record<string, number>>, hint?: DisplayHint): AttributeSpec[] {
  // A plain loop: every family's module calls this at every start.
  const specs: AttributeSpec[] = [];
  for (const name in ids) specs.push(hint ? { id: ids[name]!, name, kind, hint } : { id: ids[name]!, name, kind });
  return specs;
}

/** A set whose members are all `element`, numbered by their index. */
export function defineArraySet(name: string, element: Omit<AttributeSpec, 'id' | 'name'>): AttributeSetSpec {
  return { name, attributes: [], element };
}

/** A set compiled for lookups: members by id (array) and by name. */
interface CompiledSet {
  byId: (AttributeSpec | undefined)[];
  byName: Map<string, AttributeSpec>;
}

const compiled = new WeakMap<AttributeSetSpec, CompiledSet>();

function compile(set: AttributeSetSpec): CompiledSet {
  let table = compiled.get(set);
  if (!table) {
    table = { byId: [], byName: new Map() };
    for (const a of set.attributes) {
      table.byId[a.id] = a;
      table.byName.set(a.name, a);
    }
    compiled.set(set, table);
  }
  return table;
}

/** The member of `set` with type `id`: a named one, an array element (`[id]`), or undefined. */
export function attributeSpec(set: AttributeSetSpec, id: number): AttributeSpec | undefined {
  const spec = compile(set).byId[id];
  if (spec || !set.element) return spec;
  return { ...set.element, id, name: `[${id}]` };
}

export function attributeByName(set: AttributeSetSpec, name: string): AttributeSpec | undefined {
  return compile(set).byName.get(name);
}

/**
 * Wire kinds as small numbers, so the one value switch below stays monomorphic; the last two
 * read addresses as text, for records whose set hints so (compileRecordDecoder).
 */
const enum Code {
  U8,
  U16,
  U32,
  U64,
  S32,
  BE16,
  BE32,
  Other,
  IPv4Text,
  IPv6Text,
}
const codeOf: Record<AttributeKind, Code> = { u8: Code.U8, u16: Code.U16, u32: Code.U32, u64: Code.U64, s32: Code.S32, be16: Code.BE16, be32: Code.BE32, binary: Code.Other, string: Code.Other, nest: Code.Other, pad: Code.Other };
const sizeOfCode = [1, 2, 4, 8, 4, 2, 4, 0, 4, 16];

/** Bytes a fixed-size kind occupies; undefined for binary, string, nest and pad. */
export function fixedSize(kind: AttributeKind): number | undefined {
  const size = sizeOfCode[codeOf[kind]]!;
  return size === 0 ? undefined : size;
}

/**
 * The one reader of fixed-size values: the value of `code` at `at` (the caller checked the length).
 * Kept small (u64 is a call) so that V8 inlines it into the monitor's decode loop.
 */
function readFixed(code: Code, b: Uint8Array, at: number): number | bigint | string {
  switch (code) {
    case Code.U8:
      return b[at]!;
    case Code.U16:
      return b[at]! | (b[at + 1]! << 8);
    case Code.U32:
      return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
    case Code.U64:
      return readU64LE(b, at);
    case Code.S32:
      return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24);
    case Code.BE16:
      return (b[at]! << 8) | b[at + 1]!;
    case Code.BE32:
      return ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
    case Code.IPv4Text:
      return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
    case Code.IPv6Text:
      return formatIPv6(subarrayOf(b, at, at + 16));
    default:
      throw new Error('not a fixed-size kind');
  }
}

/** The integer of kind `kind` at `at` of `b`; the caller checked that its bytes are there. */
export function readInteger(kind: AttributeKind, b: Uint8Array, at: number): number | bigint {
  return readFixed(codeOf[kind], b, at) as number | bigint;
}

/** A struct field's value at `base` in `buf`: an integer by its kind, or a view of its bytes. The caller checked the size. */
export function readField(field: StructField, buf: Buffer, base = 0): number | bigint | Buffer {
  const at = base + field.offset;
  return field.kind === 'binary' ? buf.subarray(at, at + (field.size ?? 0)) : (readFixed(codeOf[field.kind], buf, at) as number | bigint);
}

/** A struct's fields as arrays, and an object with every field's name in order, made once per struct. */
interface StructReader {
  /** Cloned for each read: objects of one shape from the start, where adding each field to `{}` made reading a socket list several times slower. */
  template: Record<string, undefined>;
  names: string[];
  /** readFixed's code of each field, or -1 for bytes (a view). */
  codes: number[];
  offsets: number[];
  ends: number[];
}
const structReaders = new WeakMap<StructSpec, StructReader>();

function structReader(struct: StructSpec): StructReader {
  let reader = structReaders.get(struct);
  if (!reader) {
    const fields = struct.fields;
    reader = {
      template: Object.fromEntries(fields.map((f) => [f.name, undefined])),
      names: fields.map((f) => f.name),
      codes: fields.map((f) => (f.kind === 'binary' ? -1 : codeOf[f.kind])),
      offsets: fields.map((f) => f.offset),
      ends: fields.map((f) => f.offset + (f.kind === 'binary' ? (f.size ?? 0) : sizeOfCode[codeOf[f.kind]]!)),
    };
    structReaders.set(struct, reader);
  }
  return reader;
}

/** The fields of `struct` that `buf` holds whole; the others (a shorter copy from an older kernel lacks the later ones) are undefined. */
export function readStruct(struct: StructSpec, buf: Buffer): Record<string, number | bigint | Buffer | undefined> {
  const { template, names, codes, offsets, ends } = structReader(struct);
  const out: Record<string, number | bigint | Buffer | undefined> = { ...template };
  for (let i = 0; i < names.length; i++) {
    const end = ends[i]!;
    if (end > buf.length) continue;
    const code = codes[i]!;
    out[names[i]!] = code === -1 ? buf.subarray(offsets[i]!, end) : (readFixed(code, buf, offsets[i]!) as number | bigint);
  }
  return out;
}

export type AttributeValue = number | bigint | string | Buffer | DecodedAttributes;

/** Attributes of one set, by name; those the set does not know, or could not read, stay raw. */
export interface DecodedAttributes {
  values: Map<string, AttributeValue>;
  /** Unknown types, and known types whose length did not fit their kind: kept, never fatal. */
  unknown: RawAttribute[];
}

/** Decodes the attributes in `buf` as members of `set`. Throws NetlinkDecodeError only on broken TLV framing. */
export function decodeAttributeSet(set: AttributeSetSpec, buf: Buffer, shallow = false): DecodedAttributes {
  const decoded: DecodedAttributes = { values: new Map(), unknown: [] };
  const { byId } = compile(set);
  // Values are read where they lie: only bytes kept as bytes (binary, nests left shallow, what
  // is not understood) become views of their own, a cost in every reply.
  forEachAttribute(buf, (type, nested, start, end) => {
    const spec = byId[type] ?? (set.element === undefined ? undefined : attributeSpec(set, type));
    const value = spec ? decodeValueAt(spec, buf, start, end, shallow) : undefined;
    if (spec && value !== undefined) decoded.values.set(spec.name, value);
    else decoded.unknown.push({ type, nested, data: subarrayOf(buf, start, end), offset: start - NLA_HDRLEN });
  });
  return decoded;
}

/**
 * One attribute's value by its spec, from its bytes `start` to `end` of `buf`; undefined when they
 * do not fit the kind (kept raw). `shallow`: nests stay bytes.
 */
function decodeValueAt(spec: AttributeSpec, buf: Buffer, start: number, end: number, shallow: boolean): AttributeValue | undefined {
  const code = codeOf[spec.kind];
  // The kernel sends exact sizes; a longer integer is tolerated (read its first bytes), a shorter one is kept raw.
  if (code !== Code.Other) return end - start < sizeOfCode[code]! ? undefined : (readFixed(code, buf, start) as number | bigint);
  switch (spec.kind) {
    case 'binary':
      return spec.exactLength !== undefined && end - start < spec.exactLength ? undefined : subarrayOf(buf, start, end);
    case 'string':
      return readCString(buf, start, end);
    case 'nest':
      return shallow ? subarrayOf(buf, start, end) : decodeAttributeSet(spec.nested!(), subarrayOf(buf, start, end));
    default:
      return undefined;
  }
}

/**
 * A set compiled for decoding straight into a record (the monitor's hot path): per attribute type
 * the record's key and how its value is read (addresses hinted `ipv4`/`ipv6` as text).
 */
export interface RecordDecoder {
  keys: (string | undefined)[];
  codes: Code[];
  sizes: number[];
}

/**
 * Compiles `set` for decodeRecordAt; `keyOf` maps attribute names to record keys: every member
 * needs one, unless `only` (the record wants those members: the others are left unknown).
 */
export function compileRecordDecoder(set: AttributeSetSpec, keyOf: Readonly<Record<string, string>>, { only = false } = {}): RecordDecoder {
  const decoder: RecordDecoder = { keys: [], codes: [], sizes: [] };
  for (const spec of set.attributes) {
    const key = keyOf[spec.name];
    if (only && !key) continue;
    const code = spec.hint === 'ipv4' ? Code.IPv4Text : spec.hint === 'ipv6' ? Code.IPv6Text : codeOf[spec.kind];
    if (!key || code === Code.Other) throw new Error(`attribute ${set.name}.${spec.name} cannot be decoded into a record`);
    decoder.keys[spec.id] = key;
    decoder.codes[spec.id] = code;
    decoder.sizes[spec.id] = sizeOfCode[code]!;
  }
  return decoder;
}

/**
 * Decodes the attributes in `buf` from `start` to `end` into `record`: no views are made for the
 * common case, only for attributes kept in `unknown` (copies: the buffer may be reused).
 */
export function decodeRecordAt(decoder: RecordDecoder, buf: Buffer, start: number, end: number, record: Record<string, unknown>, unknown: RawAttribute[]): void {
  const { keys, codes, sizes } = decoder;
  let offset = start;
  while (offset + NLA_HDRLEN <= end) {
    const len = buf[offset]! | (buf[offset + 1]! << 8);
    const rawType = buf[offset + 2]! | (buf[offset + 3]! << 8);
    if (len < NLA_HDRLEN || offset + len > end) {
      throw new NetlinkDecodeError(`attribute type ${rawType & NLA_TYPE_MASK} at offset ${offset - start} has invalid length ${len}`);
    }
    const type = rawType & NLA_TYPE_MASK;
    const key = keys[type];
    const at = offset + NLA_HDRLEN;
    if (key !== undefined && len - NLA_HDRLEN >= sizes[type]!) {
      record[key] = readFixed(codes[type]!, buf, at);
    } else {
      const data = Uint8Array.prototype.slice.call(buf, at, offset + len) as Buffer;
      unknown.push({ type, nested: (rawType & 0x8000) !== 0, data, offset: offset - start });
    }
    offset += (len + 3) & ~3;
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
    const spec = attributeByName(set, name);
    if (!spec) throw new Error(`attribute set ${set.name} has no attribute "${name}"`);
    encodeValue(spec, value, writer);
  }
  return writer;
}

function encodeValue(spec: AttributeSpec, value: NonNullable<AttributeInput[string]>, writer: AttributeWriter): void {
  if (spec.kind === 'pad') return;
  if (spec.kind === 'nest') {
    writer.beginNest(spec.id);
    encodeAttributeSet(spec.nested!(), value as AttributeInput, writer);
    writer.endNest();
    return;
  }
  if (spec.kind === 'binary' || spec.kind === 'string') {
    if (spec.kind === 'string' && typeof value !== 'string') throw new Error(`attribute ${spec.name} needs a string`);
    if (spec.kind === 'binary' && !(value instanceof Uint8Array)) throw new Error(`attribute ${spec.name} needs bytes`);
    if (typeof value === 'string') writer.string(spec.id, value);
    else writer.put(spec.id, value as Uint8Array);
    return;
  }
  if (spec.kind === 'u64') {
    if (typeof value !== 'number' && typeof value !== 'bigint') throw new Error(`attribute ${spec.name} needs a number or bigint`);
    const b = Buffer.alloc(8);
    writeU64LE(b, BigInt(value));
    writer.put(spec.id, b);
    return;
  }
  if (typeof value !== 'number') throw new Error(`attribute ${spec.name} needs a number`);
  writeInteger(spec, value, writer);
}

/** The 8-, 16- and 32-bit kinds: host order through the writer, network order as bytes. */
function writeInteger(spec: AttributeSpec, value: number, writer: AttributeWriter): void {
  if (spec.kind === 'u8') writer.u8(spec.id, value);
  else if (spec.kind === 'u16') writer.u16(spec.id, value);
  else if (spec.kind === 'u32') writer.u32(spec.id, value);
  else if (spec.kind === 's32') writer.s32(spec.id, value);
  else {
    const b = Buffer.alloc(spec.kind === 'be16' ? 2 : 4);
    if (spec.kind === 'be16') writeU16BE(b, value);
    else writeU32BE(b, value >>> 0);
    writer.put(spec.id, b);
  }
}

/**
 * Names the attribute that starts at `target` within attribute bytes `buf` that begin at
 * `base` in the original message, e.g. `addr.port`. Used to explain an extack offset.
 */
export function attributePathAt(set: AttributeSetSpec | undefined, buf: Buffer, base: number, target: number): string | undefined {
  // A loop, not recursion: an unknown attribute flagged as nested is followed too, and a hostile
  // reply may nest thousands deep.
  const path: string[] = [];
  let current = set;
  let bytes = buf;
  let offset = base;
  for (;;) {
    let attrs: RawAttribute[];
    try {
      attrs = decodeAttributes(bytes);
    } catch {
      break;
    }
    const inside = attrs.find((attr) => offset + attr.offset <= target && target < offset + attr.offset + NLA_HDRLEN + attr.data.length);
    if (!inside) break;
    const start = offset + inside.offset;
    const spec = current && attributeSpec(current, inside.type);
    path.push(spec?.name ?? String(inside.type));
    if (start === target || !(spec ? spec.kind === 'nest' : inside.nested)) {
      if (start !== target) path.pop();
      break;
    }
    current = spec?.nested!();
    bytes = inside.data;
    offset = start + NLA_HDRLEN;
  }
  return path.length > 0 ? path.join('.') : undefined;
}

/** The set that the nest at `path` (e.g. `addr`) holds, walking from `set`; `set` itself for ''. */
function nestedSetAt(set: AttributeSetSpec | undefined, path: string): AttributeSetSpec | undefined {
  let current = set;
  for (const name of path === '' ? [] : path.split('.')) {
    const spec = current && attributeByName(current, name);
    current = spec?.kind === 'nest' ? spec.nested!() : undefined;
  }
  return current;
}

/** What an extack's offsets point at in the request that caused it, by attribute name. */
export interface ExtackNames {
  /** The attribute at the offset (`addr.port`). */
  attribute?: string;
  /** The missing attribute (`addr.family`), or its number when the set does not know it. */
  missingAttribute?: string;
  /** The set knows the missing attribute's name. */
  missingKnown?: boolean;
}

/**
 * Names what an extack points at in a request: `attrs` are the request's attribute bytes, found
 * at `attrsStart` from its nlmsghdr; `set` is their set (undefined: names are numbers).
 */
export function extackNames(set: AttributeSetSpec | undefined, attrs: Buffer, attrsStart: number, ack: { offset?: number; missingType?: number; missingNestOffset?: number }): ExtackNames {
  const names: ExtackNames = {};
  if (ack.offset !== undefined) {
    const path = attributePathAt(set, attrs, attrsStart, ack.offset);
    if (path !== undefined) names.attribute = path;
  }
  if (ack.missingType !== undefined) {
    // The missing attribute belongs to the top level, or to the nest MISS_NEST points at.
    const nestPath = ack.missingNestOffset === undefined ? '' : attributePathAt(set, attrs, attrsStart, ack.missingNestOffset);
    const nestSet = nestPath === undefined ? undefined : nestedSetAt(set, nestPath);
    const known = nestSet && attributeSpec(nestSet, ack.missingType)?.name;
    const name = known ?? String(ack.missingType);
    names.missingAttribute = nestPath ? `${nestPath}.${name}` : name;
    names.missingKnown = known !== undefined;
  }
  return names;
}
