/**
 * Named network namespaces (/run/netns/NAME, as `ip netns` makes them): checking a name, running
 * code with this thread inside one, and reading or writing files there.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Errno, errnoName } from '../errno.js';
import { NetnsError, SystemError } from '../errors.js';
import { loadLibc } from './libc.js';
import { transportProbe } from './probe.js';
import { encodeText } from '../util/bytes.js';

const CLONE_NEWNET = 0x40000000;
const O_RDONLY = 0;
const O_NONBLOCK = 0x800;
const O_CLOEXEC = 0x80000;

/** Checks a namespace name the way `ip netns` does, before any path is built from it. */
export function checkNetnsName(name: string): string | undefined {
  if (name === '') return 'the name is empty';
  if (name === '.' || name === '..') return `"${name}" is not a namespace name`;
  if (name.includes('/')) return 'a name cannot contain "/" (give the name from `ip netns list`)';
  if (name.includes('\0')) return 'a name cannot contain a NUL byte';
  if (encodeText(name).length > 255) return 'the name is longer than 255 bytes';
  return undefined;
}

/**
 * Reads a text file from inside /run/netns/NAME (here when `netns` is undefined). Files under
 * /proc/sys/net belong to the network namespace of the thread that opens them, so this is how a
 * per-namespace setting such as net.mptcp.path_manager is read without a helper process.
 */
export function readInNetns(netns: string | undefined, path: string): string {
  if (netns === undefined) return readFileSync(path, 'utf8');
  return inNetns(netns, () => readFileSync(path, 'utf8'));
}

/**
 * Reads every readable file of directory `dir` from inside /run/netns/NAME (here when `netns` is
 * undefined), in one switch: how all net.mptcp.* settings of a namespace are read at once, and
 * the listing itself is the namespace's (newer kernels' settings show up without code changes).
 * Files that cannot be read (write-only, gone meanwhile) are left out.
 */
export function readDirInNetns(netns: string | undefined, dir: string): Map<string, string> {
  const readAll = (): Map<string, string> => {
    const files = new Map<string, string>();
    for (const name of readdirSync(dir).sort()) {
      try {
        files.set(name, readFileSync(`${dir}/${name}`, 'utf8'));
      } catch {
        // Not readable here: such a file has nothing to show.
      }
    }
    return files;
  };
  return netns === undefined ? readAll() : inNetns(netns, readAll);
}

/**
 * Writes a file from inside /run/netns/NAME (here when `netns` is undefined): how a per-namespace
 * setting under /proc/sys/net is set. A value the kernel refuses is a SystemError (EINVAL...).
 */
export function writeInNetns(netns: string | undefined, path: string, text: string): void {
  const write = (): void => {
    try {
      writeFileSync(path, text);
    } catch (err) {
      const errno = (err as NodeJS.ErrnoException).errno;
      throw typeof errno === 'number' ? new SystemError('write', Math.abs(errno), path) : err;
    }
  };
  if (netns === undefined) write();
  else inNetns(netns, write);
}

/**
 * Runs `fn` with this thread switched into /run/netns/NAME, and switches back afterwards, so
 * only sockets created (and files opened) inside `fn` belong to that namespace.
 */
export function inNetns<T>(name: string, fn: () => T): T {
  const lib = loadLibc();
  const problem = checkNetnsName(name);
  if (problem) throw new NetnsError(name, problem);
  transportProbe.guard?.({ netns: name });
  // O_NONBLOCK: a FIFO planted there must not block the open (setns then refuses it).
  const target = lib.open(`/run/netns/${name}`, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (target < 0) {
    const errno = lib.errno();
    throw new NetnsError(name, errno === Errno.ENOENT ? `not found (no /run/netns/${name}; see \`ip netns list\`)` : `cannot open /run/netns/${name} (${errnoName(errno)})`);
  }
  let original = -1;
  try {
    original = lib.open('/proc/thread-self/ns/net', O_RDONLY | O_CLOEXEC);
    if (original < 0) throw new SystemError('open', lib.errno(), '/proc/thread-self/ns/net');
    transportProbe.setns++;
    if (lib.setns(target, CLONE_NEWNET) < 0) {
      const errno = lib.errno();
      const needs = errno === Errno.EPERM ? 'entering a network namespace needs CAP_SYS_ADMIN: ' : '';
      throw errno === Errno.EINVAL
        ? new NetnsError(name, `/run/netns/${name} is not a network namespace`)
        : new NetnsError(name, `cannot enter it: ${needs}${new SystemError('setns', errno).message}`);
    }
    try {
      return fn();
    } finally {
      transportProbe.setns++;
      if (lib.setns(original, CLONE_NEWNET) < 0) {
        // Staying in the wrong namespace would silently misdirect everything after: stop here.
        throw new SystemError('setns', lib.errno(), 'returning to the original network namespace');
      }
    }
  } finally {
    lib.close(target);
    if (original >= 0) lib.close(original);
  }
}
