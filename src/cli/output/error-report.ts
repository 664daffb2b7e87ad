/**
 * The one place where errors become a stderr line and an exit status.
 *   0 success, 1 the kernel or the system refused, 2 usage error (nothing was sent).
 */
import {
  KernelError,
  MptcpctlError,
  PermissionError,
  SystemError,
  UsageError,
} from '../../errors.js';
import { Errno, errnoDescription } from '../../errno.js';
import { NetlinkDecodeError } from '../../netlink/message.js';
import { ExplainedKernelError } from '../explain.js';

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

export interface Report {
  /** One line, without the `mptcpctl: ` prefix; undefined when already printed (commander). */
  message: string | undefined;
  exitCode: number;
  /** The program is at fault (a bug, not the user, the kernel or the system): --debug shows its stack. */
  internal?: boolean;
}

/**
 * commander's errors (usage errors it has printed, or help and version shown), known by their
 * `commander.*` codes: importing CommanderError to test instanceof would load commander on every
 * run, and the direct route (direct.ts) does without it.
 */
function isCommanderError(err: unknown): err is Error & { code: string } {
  if (!(err instanceof Error)) return false;
  const { code } = err as { code?: unknown };
  return typeof code === 'string' && code.startsWith('commander.');
}

/** A command's own exit status where the task defines more than 0/1/2 (`config diff`: 3 = differs). */
export class ExitStatus extends Error {
  constructor(readonly status: number, message = '') {
    super(message);
  }
}

export function describeError(err: unknown): Report {
  if (err instanceof ExitStatus) return { message: err.message || undefined, exitCode: err.status };
  if (isCommanderError(err)) {
    const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
    return { message: undefined, exitCode: ok ? EXIT_OK : EXIT_USAGE };
  }
  if (err instanceof UsageError) return { message: err.message, exitCode: EXIT_USAGE };
  if (err instanceof PermissionError) {
    return {
      message: `${err.operation}: permission denied: CAP_NET_ADMIN is needed in the network namespace's user namespace (${err.errnoName})`,
      exitCode: EXIT_REFUSED,
    };
  }
  if (err instanceof KernelError) {
    const text = err.extackMessage ?? (err.missingAttribute ? `missing attribute ${err.missingAttribute}` : undefined);
    const hint = err instanceof ExplainedKernelError ? `: ${err.hint}` : '';
    return { message: `kernel refused ${err.operation}: ${text ?? err.message.replace(/ \[E[A-Z0-9]+\]$/, '')} (${err.errnoName})${hint}`, exitCode: EXIT_REFUSED };
  }
  if (err instanceof MptcpctlError || err instanceof NetlinkDecodeError) return { message: err.message, exitCode: EXIT_REFUSED };
  const message = err instanceof Error ? err.message : String(err);
  return { message: `internal error: ${message} (please report it; --debug shows the stack)`, exitCode: EXIT_REFUSED, internal: true };
}

/**
 * `text` as one printable line: control characters (newlines, ESC and the other C0/C1 codes)
 * become visible escapes. Every message goes through here before stderr, because parts of it
 * come from outside (argv words, namespace names, the kernel's extack text, commander's errors):
 * none of them may start a fake second line or send terminal escape sequences.
 */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/**
 * A failed write to standard output. A reader that went away (EPIPE: `| head`) is a normal
 * way to stop: exit 0, silently. Anything else (ENOSPC on a full disk, EIO) is reported: exit 1.
 */
export function describeOutputError(err: unknown): Report {
  if (err instanceof SystemError) {
    if (err.errno === Errno.EPIPE) return { message: undefined, exitCode: EXIT_OK };
    return { message: `cannot write to standard output: ${errnoDescription(err.errno) ?? 'write failed'} (${err.errnoName})`, exitCode: EXIT_REFUSED };
  }
  return { message: `cannot write to standard output: ${err instanceof Error ? err.message : String(err)}`, exitCode: EXIT_REFUSED };
}
