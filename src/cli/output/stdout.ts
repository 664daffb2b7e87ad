/**
 * Standard output and error written synchronously to file descriptors 1 and 2. No streams:
 * creating process.stdout is one of the larger costs of a start (bench/README.md), and a synchronous
 * write leaves each record in one piece before anything else (a signal, an exit) can run.
 */
import { Errno } from '../../errno.js';
import { SystemError } from '../../errors.js';
import { writeToFd } from '../../sys/write.js';
import { encodeText, subarrayOf } from '../../util/bytes.js';

/** A short pause when fd 1 is non-blocking and full (EAGAIN): the reader catches up. */
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Where ASCII text is encoded for a write, reused: a fresh array per line is memory outside V8's heap to allocate and free. */
let scratch: Uint8Array | undefined;
const SCRATCH_BYTES = 16 * 1024;

/** `text` as UTF-8: in the scratch array when it is ASCII and fits (valid until the next call). */
function bytesToWrite(text: string): Uint8Array {
  if (text.length > SCRATCH_BYTES) return encodeText(text);
  const bytes = (scratch ??= new Uint8Array(SCRATCH_BYTES));
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return encodeText(text);
    bytes[i] = code;
  }
  return subarrayOf(bytes, 0, text.length);
}

/** Writes all of `text` to `fd`; throws the write's SystemError (EPIPE, ENOSPC, ...). */
export function writeAll(fd: number, text: string): void {
  let bytes = bytesToWrite(text);
  while (bytes.length > 0) {
    try {
      bytes = subarrayOf(bytes, writeToFd(fd, bytes));
    } catch (err) {
      if (!(err instanceof SystemError && err.errno === Errno.EAGAIN)) throw err;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
