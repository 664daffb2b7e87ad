/**
 * The npm package: `npm pack` holds the command, the built code with its types, the man page,
 * the completion scripts, README and LICENSE, and nothing else; installed globally (into a
 * throw-away prefix, as `npm install -g` on a clean machine) it gives a working `mptcpctl`,
 * `man mptcpctl` and the library.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const work = mkdtempSync(join(tmpdir(), 'mptcpctl-pack-'));
after(() => rmSync(work, { recursive: true, force: true }));

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };

/** npm, without the lifecycle scripts (the tests run after the build). */
function npm(...args: string[]): string {
  const r = spawnSync('npm', [...args, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `npm ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const allowed = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^bin\/mptcpctl$/,
  /^bin\/package\.json$/,
  /^dist\/mptcpctl(-lazy|-config)?\.cjs(\.cache|\.map)?$/,
  /^man\/mptcpctl\.8$/,
  /^completions\/(mptcpctl\.bash|_mptcpctl|mptcpctl\.fish)$/,
  /^systemd\/mptcpctl-(follow|apply)@\.service$/,
  /^build\/src\/.+\.(js|d\.ts)$/,
];

describe('npm package', () => {
  let tarball = '';

  test('npm pack: bin, built code, types, man page, completions, systemd units, README and LICENSE; nothing else', () => {
    const [packed] = JSON.parse(npm('pack', '--json', '--pack-destination', work)) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, packed!.filename);
    const files = packed!.files.map((f) => f.path);
    assert.deepEqual(files.filter((f) => !allowed.some((re) => re.test(f))), []);
    const required = ['bin/mptcpctl', 'bin/package.json', 'dist/mptcpctl.cjs', 'dist/mptcpctl.cjs.cache', 'dist/mptcpctl-lazy.cjs', 'dist/mptcpctl-lazy.cjs.cache', 'dist/mptcpctl.cjs.map', 'dist/mptcpctl-lazy.cjs.map', 'dist/mptcpctl-config.cjs', 'dist/mptcpctl-config.cjs.cache', 'dist/mptcpctl-config.cjs.map', 'build/src/index.js', 'build/src/index.d.ts', 'man/mptcpctl.8', 'completions/mptcpctl.bash', 'completions/_mptcpctl', 'completions/mptcpctl.fish', 'README.md', 'LICENSE'];
    assert.deepEqual(required.filter((f) => !files.includes(f)), []);
    // Every module has its declarations beside it.
    const js = files.filter((f) => f.endsWith('.js') && f.startsWith('build/'));
    assert.deepEqual(js.filter((f) => !files.includes(f.replace(/\.js$/, '.d.ts'))), []);
  });

  test('npm install -g of the tarball: mptcpctl, man mptcpctl, the library', () => {
    assert.ok(tarball, 'packed by the test before');
    const prefix = join(work, 'prefix');
    npm('install', '--global', '--prefix', prefix, '--prefer-offline', tarball);
    const env = { ...process.env, PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}:/usr/sbin:/usr/bin:/sbin:/bin`, MANPATH: join(prefix, 'share', 'man') };

    const version = spawnSync('mptcpctl', ['--version'], { env, encoding: 'utf8' });
    assert.equal(version.stdout, `${pkg.version}\n`, version.stderr);
    const bash = spawnSync('mptcpctl', ['completion', 'bash'], { env, encoding: 'utf8' });
    assert.equal(bash.stdout, readFileSync(join(prefix, 'lib', 'node_modules', pkg.name, 'completions', 'mptcpctl.bash'), 'utf8'));

    const where = spawnSync('man', ['-w', 'mptcpctl'], { env, encoding: 'utf8' });
    assert.equal(where.status, 0, where.stderr);
    // npm links the page into PREFIX/share/man/man8; man reports where the link points.
    assert.ok(existsSync(join(prefix, 'share', 'man', 'man8', 'mptcpctl.8')));
    assert.match(where.stdout.trim(), /\/mptcpctl\.8$/);
    const page = spawnSync('man', ['-P', 'cat', 'mptcpctl'], { env: { ...env, MANWIDTH: '80' }, encoding: 'utf8' });
    assert.equal(page.status, 0, page.stderr);
    assert.match(page.stdout, /mptcpctl - control the Linux kernel's MPTCP path manager/);

    const installed = join(prefix, 'lib', 'node_modules', pkg.name);
    assert.ok(existsSync(join(installed, 'build', 'src', 'index.d.ts')));
    const lib = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(join(installed, 'build/src/index.js'))}); console.log(typeof m.MptcpPm.open, typeof m.KernelError);`], { encoding: 'utf8' });
    assert.equal(lib.stdout, 'function function\n', lib.stderr);
    // The package's own name resolves through `exports`.
    const byName = spawnSync(process.execPath, ['--input-type=module', '-e', "const m = await import('mptcpctl'); console.log(typeof m.MptcpPm);"], { cwd: join(prefix, 'lib'), encoding: 'utf8' });
    assert.equal(byName.stdout, 'function\n', byName.stderr);
  });
});
