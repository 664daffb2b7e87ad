/** errno numbers to names and short descriptions (Linux, x86-64 and arm64 share these). */
import { lazyBuiltin } from './util/require.js';

const os = lazyBuiltin<typeof import('node:os')>('node:os');

/** Where Linux has two names for one number, the one the kernel's sources use. */
const preferred = new Set(['EOPNOTSUPP', 'EAGAIN', 'EDEADLK']);
let namesByNumber: Map<number, string> | undefined;

/** Built on first use: most runs never name an errno, and the table costs start-up time. */
function names(): Map<number, string> {
  if (namesByNumber) return namesByNumber;
  namesByNumber = new Map();
  for (const [name, value] of Object.entries(os().constants.errno)) {
    // Aliases (ENOTSUP = EOPNOTSUPP, EWOULDBLOCK = EAGAIN): the kernel's name wins, else the first.
    if (!namesByNumber.has(value) || preferred.has(name)) namesByNumber.set(value, name);
  }
  return namesByNumber;
}

/** Descriptions as glibc's strerror prints them, for the errnos this tool meets. */
const descriptions: Record<string, string> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ESRCH: 'No such process',
  EINTR: 'Interrupted system call',
  EIO: 'Input/output error',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EFAULT: 'Bad address',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  ENODEV: 'No such device',
  EINVAL: 'Invalid argument',
  ENOSPC: 'No space left on device',
  ERANGE: 'Numerical result out of range',
  EMSGSIZE: 'Message too long',
  EPROTONOSUPPORT: 'Protocol not supported',
  EOPNOTSUPP: 'Operation not supported',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENETDOWN: 'Network is down',
  ENETUNREACH: 'Network is unreachable',
  ECONNABORTED: 'Software caused connection abort',
  ECONNRESET: 'Connection reset by peer',
  ENOBUFS: 'No buffer space available',
  ETIMEDOUT: 'Connection timed out',
  ECONNREFUSED: 'Connection refused',
  EHOSTUNREACH: 'No route to host',
  EHOSTDOWN: 'Host is down',
  EPIPE: 'Broken pipe',
  ENOTSUP: 'Operation not supported',
};

/** `EPERM` for 1; `E123` for a number the table does not know. Accepts negative errnos too. */
export function errnoName(errno: number): string {
  const n = Math.abs(errno);
  return names().get(n) ?? `E${n}`;
}

/** `Operation not permitted` for 1; undefined when unknown. */
export function errnoDescription(errno: number): string | undefined {
  return descriptions[errnoName(errno)];
}

export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EBUSY: 16,
  EEXIST: 17,
  EINVAL: 22,
  ENOSPC: 28,
  EPIPE: 32,
  ERANGE: 34,
  EPROTONOSUPPORT: 93,
  EOPNOTSUPP: 95,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENOBUFS: 105,
  ECONNREFUSED: 111,
} as const;
