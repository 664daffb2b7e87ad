/**
 * The vocabulary a protocol family is described in (src/families/ uses it): flag sets, name
 * tables, fixed structs and display hints, all plain data. Attribute sets are in attrset.ts, with
 * the codec that reads them. Pure.
 */
import { fixedSize, type AttributeKind, type AttributeSetSpec } from './attrset.js';

/**
 * How a person reads a value, as data; traces and renderers format it. A string names a kind of
 * value (`token` and `op-id` are formatted by whoever knows tokens and families, the CLI); an
 * object carries the names of a flag word or of an enum.
 */
export type DisplayHint =
  /** An IPv4 address (4 bytes, network order). */
  | 'ipv4'
  /** An IPv6 address (16 bytes). */
  | 'ipv6'
  /** IPv4 or IPv6 by length (4 or 16 bytes), or in a struct by its `family` field. */
  | 'inet'
  /** An AF_* value. */
  | 'address-family'
  /** Hexadecimal (a family id, a struct's flag word). */
  | 'hex'
  /** An errno value. */
  | 'errno'
  /** A bitmap of group numbers (bit n-1 = group n). */
  | 'groups'
  /** An MPTCP connection token. */
  | 'token'
  /** The operation id of a generic netlink family. */
  | 'op-id'
  | { flags: FlagSet }
  /** An enum; `unknown` is shown for a value without a name (nothing when absent). */
  | { names: ReadonlyMap<number, string>; unknown?: string };

/** A flag word: names with their bits, in the order they are printed. */
export interface FlagSet<Name extends string = string> {
  /** Name -> bit. */
  readonly bits: Readonly<Record<Name, number>>;
  readonly names: readonly Name[];
  /** Every known bit. */
  readonly mask: number;
  /** The names of the known bits set in `flags`. */
  words(flags: number): Name[];
  /** `signal|backup`, unknown bits as `0x..`, `none` for no bit. */
  describe(flags: number): string;
}

export function defineFlags<Name extends string>(bits: Readonly<Record<Name, number>>): FlagSet<Name> {
  const names = Object.keys(bits) as Name[];
  let mask = 0;
  for (const name of names) mask |= bits[name];
  const words = (flags: number): Name[] => names.filter((name) => (flags & bits[name]) !== 0);
  return {
    bits,
    names,
    mask,
    words,
    describe(flags) {
      const rest = flags & ~mask;
      return [...words(flags), ...(rest ? [`0x${(rest >>> 0).toString(16)}`] : [])].join('|') || 'none';
    },
  };
}

/** An enum's names by value, from `{ NAME: value }`. */
export function namesOf(values: Readonly<Record<string, number>>, prefix = ''): ReadonlyMap<number, string> {
  return lazyMap(() => new Map(Object.entries(values).map(([name, id]) => [id, prefix + name])));
}

/** A map that `build` makes on first use. */
export function lazyMap<K, V>(build: () => Map<K, V>): ReadonlyMap<K, V> {
  return new LazyMap(build);
}

/**
 * A map built on first use: the families describe far more than one command reads, and every
 * table built at import is a cost to every start.
 */
class LazyMap<K, V> implements ReadonlyMap<K, V> {
  private map: Map<K, V> | undefined;
  constructor(private readonly build: () => Map<K, V>) {}
  private get built(): Map<K, V> {
    return (this.map ??= this.build());
  }
  get size(): number {
    return this.built.size;
  }
  get(key: K): V | undefined {
    return this.built.get(key);
  }
  has(key: K): boolean {
    return this.built.has(key);
  }
  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    this.built.forEach((value, key) => fn.call(thisArg, value, key, this));
  }
  entries(): MapIterator<[K, V]> {
    return this.built.entries();
  }
  keys(): MapIterator<K> {
    return this.built.keys();
  }
  values(): MapIterator<V> {
    return this.built.values();
  }
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.built[Symbol.iterator]();
  }
}

/** Values numbered in order from `first`: `{ NAME: first, NEXT: first + 1, ... }`. */
export function numbered<Name extends string>(first: number, names: readonly Name[]): Readonly<Record<Name, number>> {
  return Object.fromEntries(names.map((name, i) => [name, first + i])) as Record<Name, number>;
}

/** One field of a fixed struct: `binary` fields give their size. */
export interface StructField {
  name: string;
  offset: number;
  kind: AttributeKind;
  size?: number;
  hint?: DisplayHint;
}

/** A fixed C struct (a message's header, or a payload such as mptcp_info). */
export interface StructSpec {
  name: string;
  size: number;
  fields: readonly StructField[];
}

/**
 * A fixed C struct from its members in order, `name:kind[:hint]` separated by white space: kinds
 * are the integer kinds (host order, or be16/be32), `bytesN` (N raw bytes) and `padN` (N bytes of
 * padding, written out where C leaves a hole). Offsets follow from the sizes.
 */
export function defineStruct(name: string, members: string): StructSpec {
  // Parsed on first use, for the same reason as LazyMap.
  let parsed: { size: number; fields: readonly StructField[] } | undefined;
  const layout = (): { size: number; fields: readonly StructField[] } => (parsed ??= parseMembers(name, members));
  return {
    name,
    get size() {
      return layout().size;
    },
    get fields() {
      return layout().fields;
    },
  };
}

function parseMembers(name: string, members: string): { size: number; fields: StructField[] } {
  const fields: StructField[] = [];
  let offset = 0;
  for (const member of members.trim().split(/\s+/)) {
    const [field, type = field, hint] = member.split(':') as [string, string?, DisplayHint?];
    const bytes = /^(bytes|pad)(\d+)$/.exec(type);
    const size = bytes ? Number(bytes[2]) : fixedSize(type as AttributeKind);
    if (size === undefined) throw new Error(`struct ${name}: ${member} has no size`);
    if (bytes?.[1] !== 'pad') fields.push({ name: field, offset, kind: bytes ? 'binary' : (type as AttributeKind), ...(bytes ? { size } : {}), ...(hint ? { hint } : {}) });
    offset += size;
  }
  return { size: offset, fields };
}

/** How one message type is laid out: its fixed header, then attributes of one set. */
export interface MessageLayout {
  name: string;
  header?: StructSpec;
  attributes?: AttributeSetSpec;
}

/** The group numbers set in a group bitmap (bit n-1 of the little-endian words = group n). */
export function groupsOf(bitmap: Uint8Array): number[] {
  const groups: number[] = [];
  for (let i = 0; i < bitmap.length * 8; i++) if (bitmap[i >> 3]! & (1 << (i & 7))) groups.push(i + 1);
  return groups;
}
