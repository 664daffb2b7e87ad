/**
 * Where koffi comes from. The one place that loads it; only src/sys/libc.ts imports this module.
 *
 * - Installed from npm (build/, dist/mptcpctl.cjs): koffi from node_modules, as usual.
 * - In the single executable (dist/mptcpctl, MPTCPCTL_SEA defined by scripts/build-binary.mjs):
 *   koffi's JS is bundled in, and its native module travels as the SEA asset `koffi.node`. A
 *   native module can only be loaded from a file, so it is written once to a private cache
 *   directory (atomically, named by its content hash) and loaded from there. The bundle build
 *   points koffi's own `require('@koromix/koffi-<platform>')` at {@link seaNativeModule}.
 */
import { closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { MptcpctlError } from '../errors.js';
import { lazyBuiltin, requireHere } from '../util/require.js';

type KoffiModule = typeof import('koffi');

/** node:crypto and node:os only where the single executable needs them: loading node:crypto is a start-up cost of its own. */
const crypto = lazyBuiltin<typeof import('node:crypto')>('node:crypto');
const os = lazyBuiltin<typeof import('node:os')>('node:os');

/** True only in the single-executable bundle (an esbuild define); undeclared elsewhere. */
declare const MPTCPCTL_SEA: boolean | undefined;
/** In the single executable: the first 16 hex digits of the asset's sha256, from the build. */
declare const MPTCPCTL_KOFFI_HASH: string | undefined;

/** The SEA asset that holds koffi's native module (see scripts/build-binary.mjs). */
export const KOFFI_ASSET = 'koffi.node';

/** koffi's native module could not be made loadable (every cache directory failed). */
export class NativeModuleError extends MptcpctlError {
  override readonly name = 'NativeModuleError';
}

let seaNative: unknown;

/** koffi, loaded on first use. */
export function loadKoffi(): KoffiModule {
  if (typeof MPTCPCTL_SEA !== 'undefined' && MPTCPCTL_SEA) {
    // Load the native part first: koffi swallows errors of its native require, and ours say more.
    seaNative ??= loadNativeFromAsset();
    // The native module exports koffi's whole API: use it directly, as for npm installs below
    // (koffi's JS entry point only adds its platform probing, slow at every start).
    const native = seaNative as Partial<KoffiModule>;
    if (typeof native.load === 'function' && typeof native.errno === 'function') return native as KoffiModule;
    // Bundled by esbuild in the SEA build (never reached from ESM, where `require` is undefined).
    return require('koffi') as KoffiModule;
  }
  return (loadPrebuiltDirectly() ?? requireHere('koffi')) as KoffiModule;
}

/**
 * The registry's prebuilt native module for glibc Linux, loaded directly. koffi's own entry
 * point picks between the glibc and musl builds by reading the Node binary's ELF headers, which
 * costs every start several times what loading the native module does (bench/README.md); the
 * native module exports the same API (koffi's wrapper only adds deprecation shims we do not use).
 * Anything unexpected (musl, another layout) falls back to koffi's own loader.
 */
function loadPrebuiltDirectly(): KoffiModule | undefined {
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64')) return undefined;
  const subpath = `@koromix/koffi-linux-${process.arch}/linux_${process.arch}/koffi.node`;
  try {
    const native = loadNative(subpath) as Partial<KoffiModule>;
    return typeof native.load === 'function' && typeof native.errno === 'function' ? (native as KoffiModule) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A native module of a package, from the first node_modules directory that has it, in require's
 * own search order, loaded with process.dlopen; else by require's full resolution. That reads
 * package.json files and resolves real paths at every start; this costs a stat or two.
 */
function loadNative(subpath: string): unknown {
  for (const dir of requireHere.resolve.paths(subpath) ?? []) {
    const file = join(dir, subpath);
    if (!existsSync(file)) continue;
    const module = { exports: {} };
    process.dlopen(module, file);
    return module.exports;
  }
  return requireHere(subpath);
}

/** What koffi's bundled JS receives for `require('@koromix/koffi-<platform>')` in the SEA build. */
export function seaNativeModule(): unknown {
  return seaNative;
}

/**
 * Cache directories in order of preference: per-login tmpfs, then the user's cache, then tmp
 * (with the uid in the name, as tmp is shared). Made one at a time: the first one normally
 * serves, and the later ones need node:os.
 */
export function* cacheDirectories(env: NodeJS.ProcessEnv = process.env): Generator<string> {
  const runtime = env['XDG_RUNTIME_DIR'];
  if (runtime && isAbsolute(runtime)) yield join(runtime, 'mptcpctl');
  const cacheHome = env['XDG_CACHE_HOME'];
  if (cacheHome && isAbsolute(cacheHome)) yield join(cacheHome, 'mptcpctl');
  else {
    const home = homeDirectory(env);
    if (home) yield join(home, '.cache', 'mptcpctl');
  }
  yield join(os().tmpdir(), `mptcpctl-${process.getuid?.() ?? 'user'}`);
}

/** $HOME as os.homedir() reads it first; os.homedir() itself (the passwd entry) without it. */
function homeDirectory(env: NodeJS.ProcessEnv): string | undefined {
  const fromEnv = env['HOME'];
  if (fromEnv && isAbsolute(fromEnv)) return fromEnv;
  try {
    const home = os().homedir();
    return home && isAbsolute(home) ? home : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes `dir` (mode 0700) and checks it is ours alone: a native module loaded from a directory
 * that someone else can write to would run their code as us.
 */
function privateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error('not a directory');
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) throw new Error(`owned by uid ${st.uid}, not ${uid}`);
  if (st.mode & 0o022) throw new Error(`writable by others (mode ${(st.mode & 0o777).toString(8)})`);
}

/**
 * `dir/name` holding `bytes`: reused if present (the name carries the content hash, and files
 * only appear there whole), else written to a temporary name, synced, and renamed into place, so
 * a concurrent start never loads a half-written file.
 */
export function writeCached(dir: string, name: string, bytes: Uint8Array): string {
  privateDirectory(dir);
  const file = join(dir, name);
  try {
    if (statSync(file).size === bytes.length) return file;
  } catch {
    // not there yet
  }
  // pid + time is unique enough for a name opened with O_EXCL ('wx'); no need for node:crypto.
  const temp = join(dir, `.${name}.${process.pid}.${process.hrtime.bigint().toString(36)}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, file);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(temp);
    } catch {
      // nothing to clean
    }
    throw err;
  }
  return file;
}

/** dlopen's words when the file system refuses to map code (mount option noexec). */
function isNoexec(err: unknown): boolean {
  return err instanceof Error && /failed to map segment|operation not permitted/i.test(err.message);
}

/** Writes the asset to the first usable cache directory and loads it with process.dlopen. */
function loadNativeFromAsset(): unknown {
  // node:sea exists only inside a single executable (and Node >= 20.12).
  const sea = require('node:sea') as typeof import('node:sea');
  // The raw asset is a view of the executable's own bytes: getAsset would copy the whole native
  // module at every start, though it is written out only once.
  const bytes = new Uint8Array(sea.getRawAsset(KOFFI_ASSET) as ArrayBuffer);
  const hash = typeof MPTCPCTL_KOFFI_HASH === 'string' ? MPTCPCTL_KOFFI_HASH : crypto().createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const name = `koffi-${hash}.node`;
  const problems: string[] = [];
  let allNoexec = true;
  for (const dir of cacheDirectories()) {
    let file: string;
    try {
      file = writeCached(dir, name, bytes);
    } catch (err) {
      allNoexec = false;
      problems.push(`${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      continue;
    }
    const module = { exports: {} as unknown };
    try {
      process.dlopen(module, file);
      return module.exports;
    } catch (err) {
      if (!isNoexec(err)) throw new NativeModuleError(`cannot load koffi's native module from ${file}: ${(err as Error).message}`);
      problems.push(`${dir}: mounted noexec`);
    }
  }
  const why = allNoexec
    ? 'every candidate directory is on a file system mounted noexec'
    : 'no candidate directory was usable';
  throw new NativeModuleError(
    `cannot load koffi's native module: ${why} (${problems.join('; ')}); set XDG_RUNTIME_DIR or XDG_CACHE_HOME to a private directory on a file system that allows execution`,
  );
}
