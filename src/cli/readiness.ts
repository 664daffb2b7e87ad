/**
 * Telling whoever started a long-running command that it is ready (the monitor: subscribed, so
 * no event is missed from then on), so a script or a service manager can wait for that instead
 * of sleeping: one line on a file descriptor the caller chose (`--ready-fd N`), and `READY=1`
 * to the service manager when NOTIFY_SOCKET is set (sd_notify(3): one datagram to that AF_UNIX
 * socket, an abstract one if the name starts with '@').
 */
import { closeSync, fstatSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { sendUnixDatagram } from '../sys/unix-datagram.js';
import { encodeText } from '../util/bytes.js';
import { quote } from './grammar/words.js';
import { writeAll } from './output/stdout.js';

/** What is written to the ready fd, and sent to NOTIFY_SOCKET. */
export const READY_LINE = 'READY=1\n';

/**
 * Checks `--ready-fd`'s value (pure but for asking whether the descriptor is open): an open
 * descriptor above the standard three, whose output would mix with the command's own.
 */
export function parseReadyFd(text: string, option = '--ready-fd'): number {
  if (!/^[0-9]{1,9}$/.test(text.trim())) throw new UsageError(`invalid ${option} ${quote(text)}: expected a file descriptor number (3 or above)`);
  const fd = Number(text);
  if (fd <= 2) throw new UsageError(`invalid ${option} ${fd}: 0, 1 and 2 are standard input, output and error; give a descriptor of its own (3 or above)`);
  try {
    fstatSync(fd);
  } catch {
    throw new UsageError(`invalid ${option} ${fd}: file descriptor ${fd} is not open (e.g. \`${option} 3 3>FILE\`)`);
  }
  return fd;
}

export interface NotifyOptions {
  /** Where NOTIFY_SOCKET is read (default: the process's environment). */
  env?: NodeJS.ProcessEnv;
  /** Called with a one-line description of each notification that failed (the command goes on). */
  warn?: (problem: string) => void;
}

/**
 * Says "ready": writes READY_LINE to `fd` and closes it (so a reader waiting for the end sees
 * it), and sends READY=1 to NOTIFY_SOCKET if set. A failure is passed to `warn` and does not
 * stop the command: whoever waits notices the missing line.
 */
export function notifyReady(fd?: number, options: NotifyOptions = {}): void {
  const warn = options.warn ?? (() => undefined);
  if (fd !== undefined) {
    try {
      writeAll(fd, READY_LINE);
    } catch (err) {
      warn(`--ready-fd ${fd}: ${(err as Error).message}`);
    }
    try {
      closeSync(fd);
    } catch {
      // Already closed by whatever failed above: nothing left to release.
    }
  }
  const env = options.env ?? process.env;
  try {
    sdNotify('READY=1', env);
  } catch (err) {
    warn(`NOTIFY_SOCKET ${quote(env['NOTIFY_SOCKET'] ?? '')}: ${(err as Error).message}`);
  }
}

/**
 * sd_notify(3) for services run by systemd (Type=notify): sends `state` (e.g. `READY=1`,
 * `STOPPING=1`) to the socket NOTIFY_SOCKET names; false when it is not set. Throws a
 * SystemError when the datagram cannot be sent.
 */
export function sdNotify(state: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const socket = env['NOTIFY_SOCKET'];
  if (!socket) return false;
  sendUnixDatagram(socket, encodeText(state));
  return true;
}
