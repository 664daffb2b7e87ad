/**
 * families/mptcp-pm.ts against the kernel's own description of the family
 * (test/fixtures/kernel-spec/mptcp_pm.yaml, copied from Documentation/netlink/specs of 6.18/7.1):
 * every attribute set, operation and event has the spec's id, name, type and byte order, and
 * each operation the spec's attribute set. The description may add display hints; where it reads
 * an attribute differently from older specs (the errata of the kernel doc's "Surprises"), the
 * 6.18 spec is already right and codec.test.ts pins the bytes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { addressSet, attrSet, Command, endpointSet, eventAttrSet, EventType, FAMILY_NAME, repliesTo, requestSetOf } from '../../src/families/mptcp-pm.js';
import { subflowAttrSet } from '../../src/families/sock-diag.js';
import type { AttributeSetSpec } from '../../src/netlink/attrset.js';
import { fixturesDir } from '../helpers/paths.js';

interface SpecAttribute {
  name: string;
  type: string;
  value?: number;
  'byte-order'?: string;
  'nested-attributes'?: string;
  checks?: { 'exact-len'?: number; 'min-len'?: number };
}
interface Spec {
  name: string;
  'attribute-sets': { name: string; attributes: SpecAttribute[] }[];
  operations: { list: { name: string; value?: number; 'attribute-set'?: string; do?: { reply?: unknown } }[] };
  definitions: { name: string; entries: ({ name: string; value?: number } | string)[] }[];
}

const spec = parse(readFileSync(resolve(fixturesDir, 'kernel-spec/mptcp_pm.yaml'), 'utf8')) as Spec;

/** Entries numbered as YNL does: from `first` (attributes and operations 1, enums 0) or an explicit value, each next one + 1. */
function numberedEntries<T extends { value?: number }>(entries: T[], first: number): [number, T][] {
  let next = first;
  return entries.map((e) => {
    const value = e.value ?? next;
    next = value + 1;
    return [value, e];
  });
}

/** Our set as the spec would write it: id -> [name, type, byte order, nested set, length check]. */
function asSpec(set: AttributeSetSpec): Map<number, unknown[]> {
  const types: Record<string, [string, string?]> = { be16: ['u16', 'big-endian'], be32: ['u32', 'big-endian'] };
  return new Map(
    set.attributes.map((a) => {
      const [type, order] = types[a.kind] ?? [a.kind];
      return [a.id, [a.name, type, order, a.kind === 'nest' ? a.nested!().name : undefined, a.exactLength]];
    }),
  );
}

function fromSpec(name: string): Map<number, unknown[]> {
  const set = spec['attribute-sets'].find((s) => s.name === name);
  assert.ok(set, `the spec has no set ${name}`);
  return new Map(
    numberedEntries(set.attributes, 1)
      .filter(([, a]) => a.type !== 'unused')
      .map(([id, a]) => [id, [a.name, a.type, a['byte-order'], a['nested-attributes'], a.checks?.['exact-len'] ?? a.checks?.['min-len']]]),
  );
}

const constant = (name: string): string => name.toUpperCase().replaceAll('-', '_');

describe('mptcp_pm as the kernel spec describes it', () => {
  it('names the family', () => {
    assert.equal(spec.name, FAMILY_NAME);
  });

  for (const set of [addressSet, subflowAttrSet, endpointSet, attrSet, eventAttrSet]) {
    it(`attribute set ${set.name}: ids, names, types, byte orders and lengths`, () => {
      assert.deepEqual(asSpec(set), fromSpec(set.name));
    });
  }

  it('operations: ids and the attribute set of each', () => {
    const ops = numberedEntries(spec.operations.list, 1).filter(([, op]) => op.name !== 'unspec');
    assert.deepEqual(
      Object.entries(Command),
      ops.map(([id, op]) => [constant(op.name), id]),
    );
    for (const [id, op] of ops) assert.equal(requestSetOf(id).name, op['attribute-set'], op.name);
  });

  it('operations whose do has a reply (sent without asking for an ACK)', () => {
    const ops = numberedEntries(spec.operations.list, 1).filter(([, op]) => op.name !== 'unspec');
    assert.deepEqual(
      ops.filter(([id]) => repliesTo(id)).map(([, op]) => op.name),
      ops.filter(([, op]) => op.do?.reply !== undefined).map(([, op]) => op.name),
    );
    assert.deepEqual(ops.filter(([id]) => repliesTo(id)).map(([, op]) => op.name), ['get-addr', 'get-limits']);
  });

  it('event types: ids and names', () => {
    const events = spec.definitions.find((d) => d.name === 'event-type')!;
    const entries = numberedEntries(events.entries.map((e) => (typeof e === 'string' ? { name: e } : e)), 0).filter(([, e]) => e.name !== 'unspec');
    assert.deepEqual(
      Object.entries(EventType),
      entries.map(([id, e]) => [constant(e.name), id]),
    );
  });
});
