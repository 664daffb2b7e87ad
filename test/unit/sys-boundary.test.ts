/**
 * The bottom of the layers, read from the sources: only src/sys/ loads koffi (native code
 * reaches the process in one folder), src/sys/ imports no layer above it, and the error types
 * (src/errors.ts, src/errno.ts), which every layer uses, import none at all.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

/** The folders of src/ above src/sys, which it must not import. */
const LAYERS = ['netlink', 'mptcp', 'pm', 'diag', 'config', 'cli'];
/** koffi's JS package, its subpaths, and its native packages. */
const KOFFI = /^(koffi(\/.*)?|@koromix\/koffi-.*)$/;

/** Every module a source names: static imports and re-exports, import(), require...('...'). */
function moduleSpecifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\b(?:from|import)\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\w*\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.push(m[1]!);
  return found;
}

/** The src/ folder (or `errors.ts`-like file) a relative specifier of `file` lands in. */
function topOf(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = normalize(join(dirname(file), specifier));
  return target.startsWith('src/') ? target.slice(4).split('/')[0] : target;
}

const sources = readdirSync(join(repoRoot, 'src'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => {
    const file = relative(repoRoot, join(repoRoot, 'src', f));
    return { file, specifiers: moduleSpecifiers(readFileSync(join(repoRoot, file), 'utf8')) };
  });

describe('src/sys is the bottom layer', () => {
  it('finds the imports it checks, of every kind', () => {
    const sample = `import type { X } from 'koffi';
      const k = requireHere('koffi') as typeof import('@koromix/koffi-linux-x64');
      export { y } from '../netlink/transport.js'; const { z } = await import('../cli/main.js');
      import './side-effect.js';`;
    assert.deepEqual(moduleSpecifiers(sample).sort(), ['../cli/main.js', '../netlink/transport.js', './side-effect.js', '@koromix/koffi-linux-x64', 'koffi', 'koffi'].sort());
    assert.equal(topOf('src/sys/netns.ts', '../netlink/transport.js'), 'netlink');
    assert.equal(topOf('src/sys/netns.ts', './libc.js'), 'sys');
  });

  it('only src/sys/ imports koffi', () => {
    const users = sources.filter((s) => s.specifiers.some((spec) => KOFFI.test(spec))).map((s) => s.file);
    assert.ok(users.length > 0, 'some file of src/ loads koffi');
    assert.deepEqual(users.filter((file) => !file.startsWith('src/sys/')), []);
  });

  it('src/sys/ imports no higher layer', () => {
    const sys = sources.filter((s) => s.file.startsWith('src/sys/'));
    assert.ok(sys.length >= 5, `src/sys/ has ${sys.length} files`);
    const upward = sys.flatMap((s) => s.specifiers.filter((spec) => LAYERS.includes(topOf(s.file, spec) ?? '')).map((spec) => `${s.file} -> ${spec}`));
    assert.deepEqual(upward, []);
  });

  it('the error types import no layer, src/sys included', () => {
    for (const file of ['src/errors.ts', 'src/errno.ts']) {
      const source = sources.find((s) => s.file === file);
      assert.ok(source, `${file} exists`);
      const layered = source.specifiers.filter((spec) => [...LAYERS, 'sys'].includes(topOf(file, spec) ?? ''));
      assert.deepEqual(layered, [], file);
    }
  });
});
