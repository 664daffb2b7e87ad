/** Terminal questions about a file descriptor, asked of libc. */
import { loadLibc } from './libc.js';
import { readU16LE } from '../util/bytes.js';

/** TIOCGWINSZ: struct winsize { u16 rows, cols, xpixel, ypixel } of a terminal. */
const TIOCGWINSZ = 0x5413;

/**
 * Whether `fd` is a terminal, as libc's isatty(3). Here rather than through node:tty, which
 * loads node:net with it at every start; libc is loaded for the kernel anyway.
 */
export function isTerminal(fd: number): boolean {
  return loadLibc().isatty(fd) === 1;
}

/** The width in columns of the terminal on `fd`, or undefined if it is not one or does not say. */
export function terminalColumns(fd: number): number | undefined {
  const winsize = Buffer.alloc(8);
  if (loadLibc().ioctl()(fd, TIOCGWINSZ, winsize) < 0) return undefined;
  return readU16LE(winsize, 2) || undefined;
}
