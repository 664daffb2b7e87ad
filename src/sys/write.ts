/** write(2) to a file descriptor. */
import { writeSync } from 'node:fs';
import { SystemError } from '../errors.js';
import { loadedLibc } from './libc.js';

/**
 * write(2): writes the start of `bytes` to `fd` and returns how many bytes were written; throws
 * a SystemError (EAGAIN, EPIPE, ENOSPC, ...). Through libc once it is loaded for the kernel:
 * node:fs's writeSync is JavaScript that Node compiles on its first call in every process.
 * Before that (help, usage errors) through node:fs: loading koffi only to write would
 * cost far more, and an error must be printable even when koffi cannot be loaded.
 */
export function writeToFd(fd: number, bytes: Uint8Array): number {
  const libc = loadedLibc();
  if (!libc) {
    try {
      return writeSync(fd, bytes);
    } catch (err) {
      const errno = (err as NodeJS.ErrnoException).errno;
      throw typeof errno === 'number' ? new SystemError('write', Math.abs(errno)) : err;
    }
  }
  const written = libc.write(fd, bytes, bytes.length);
  if (written < 0) throw new SystemError('write', libc.errno());
  return written;
}
