/**
 * The libc functions this package calls, declared through koffi on first use (never at import
 * time). Only the files of src/sys call them; everything above works on Buffers and numbers.
 * koffi itself comes from koffi-loader.ts (node_modules, or the single binary's embedded copy).
 */
import { loadKoffi } from './koffi-loader.js';

export interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, addr: Buffer, len: number): number;
  getsockname(fd: number, addr: Buffer, len: number[]): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, len: number): number;
  getsockopt(fd: number, level: number, name: number, value: Buffer, len: number[]): number;
  connect(fd: number, addr: Buffer, len: number): number;
  send(fd: number, buf: Buffer, len: number, flags: number): number;
  recv(fd: number, buf: Buffer, len: number, flags: number): number;
  /** Declared on first use, as ioctl: a connected socket (every netlink request) needs only send and recv. */
  sendto(): (fd: number, buf: Buffer, len: number, flags: number, addr: Buffer, addrlen: number) => number;
  recvfrom(): (fd: number, buf: Buffer, len: number, flags: number, addr: Buffer, addrlen: Buffer) => number;
  poll: ((fds: Buffer, n: number, timeout: number) => number) & {
    async(fds: Buffer, n: number, timeout: number, cb: (err: unknown, result: number) => void): void;
  };
  open(path: string, flags: number): number;
  close(fd: number): number;
  setns(fd: number, nstype: number): number;
  isatty(fd: number): number;
  /** Declared on first use (only tables ask): each declaration is a cost to every start. */
  ioctl(): (fd: number, request: number, arg: Buffer) => number;
  write(fd: number, bytes: Uint8Array, length: number): number;
  errno(): number;
}

let libc: Libc | undefined;
let ioctl: ReturnType<Libc['ioctl']> | undefined;
let sendto: ReturnType<Libc['sendto']> | undefined;
let recvfrom: ReturnType<Libc['recvfrom']> | undefined;

/** Loads koffi and declares the libc functions on first use. */
export function loadLibc(): Libc {
  if (libc) return libc;
  const koffi = loadKoffi();
  const lib = koffi.load('libc.so.6');
  libc = {
    socket: lib.func('int socket(int, int, int)'),
    bind: lib.func('int bind(int, void *, uint32_t)'),
    getsockname: lib.func('int getsockname(int, void *, _Inout_ uint32_t *)'),
    setsockopt: lib.func('int setsockopt(int, int, int, void *, uint32_t)'),
    getsockopt: lib.func('int getsockopt(int, int, int, void *, _Inout_ uint32_t *)'),
    connect: lib.func('int connect(int, void *, uint32_t)'),
    send: lib.func('intptr_t send(int, void *, size_t, int)'),
    recv: lib.func('intptr_t recv(int, void *, size_t, int)'),
    sendto: () => (sendto ??= lib.func('intptr_t sendto(int, void *, size_t, int, void *, uint32_t)')),
    // addrlen as a plain pointer to 4 bytes: koffi's _Inout_ arrays cost more per call.
    recvfrom: () => (recvfrom ??= lib.func('intptr_t recvfrom(int, void *, size_t, int, void *, void *)')),
    poll: lib.func('int poll(void *, uint64_t, int)') as Libc['poll'],
    // The namespace files are opened here rather than with node:fs, whose JavaScript would be
    // compiled for these two calls at every start.
    open: lib.func('int open(const char *, int)'),
    close: lib.func('int close(int)'),
    isatty: lib.func('int isatty(int)'),
    ioctl: () => (ioctl ??= lib.func('int ioctl(int, unsigned long, void *)')),
    write: lib.func('intptr_t write(int, void *, size_t)'),
    setns: lib.func('int setns(int, int)'),
    errno: () => koffi.errno(),
  };
  return libc;
}

/** libc if something has loaded it already, else undefined (for callers that must not load it). */
export function loadedLibc(): Libc | undefined {
  return libc;
}
