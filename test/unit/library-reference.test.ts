/**
 * The README's library reference against the package itself: every name src/index.ts exports,
 * values and types alike, is named in the README's Library section, every public member of
 * MptcpPm (from its declaration file) has a row in the reference table, and every row names a
 * member that exists. So a new export or method cannot go undocumented, nor a removed one stay.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as library from '../../src/index.js';
import { repoRoot } from '../helpers/paths.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const librarySection = readme.slice(readme.indexOf('\n## Library\n'), readme.indexOf('\n## Shell completion\n'));
const reference = librarySection.slice(librarySection.indexOf('\n### API reference\n'));

/** Every name exported by src/index.ts: `export { A, type B } from ...` and `export type { C } from ...`. */
function exportedNames(): string[] {
  const source = readFileSync(join(repoRoot, 'src/index.ts'), 'utf8');
  const names: string[] = [];
  for (const m of source.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(',')) {
      const name = part.trim().replace(/^type\s+/, '');
      if (name) names.push(name);
    }
  }
  return names;
}

/** The public members of MptcpPm, from its compiled declaration (private ones are marked there). */
function mptcpPmMembers(): string[] {
  const dts = readFileSync(join(repoRoot, 'build/src/pm/client.d.ts'), 'utf8');
  const body = dts.slice(dts.indexOf('export declare class MptcpPm {'));
  return [...body.matchAll(/^ {4}(?!private )(?:static )?(?:readonly )?(\w+)[(:<]/gm)].map((m) => m[1]!);
}

/** The code spans of `text`. */
const codeSpans = (text: string): string[] => [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);

describe('README library reference', () => {
  test('names every export of the package, in code', () => {
    const names = exportedNames();
    assert.ok(names.length > 40, `found ${names.length} exports`);
    const spans = codeSpans(librarySection);
    const missing = names.filter((name) => !spans.some((span) => new RegExp(`(^|[^\\w.])${name}\\b`).test(span)));
    assert.deepEqual(missing, []);
  });

  test('the exports it reads from src/index.ts are the package\'s runtime exports (values)', () => {
    const runtime = Object.keys(library).sort();
    assert.deepEqual(runtime.filter((name) => !exportedNames().includes(name)), []);
  });

  test('has a row for every public MptcpPm member, and every row is a member', () => {
    const members = mptcpPmMembers();
    assert.ok(members.includes('open') && members.includes('events') && members.includes('family'), members.join(', '));
    const table = reference.slice(reference.indexOf('| member |'), reference.indexOf('\n\n', reference.indexOf('| member |')));
    const rows = [...table.matchAll(/^\| `(?:static )?(\w+)[(:]/gm)].map((m) => m[1]!);
    assert.deepEqual([...rows].sort(), [...members].sort());
    for (const name of members.filter((n) => n !== 'family' && n !== 'open')) {
      assert.equal(typeof (library.MptcpPm.prototype as unknown as Record<string, unknown>)[name], 'function', name);
    }
  });
});
