/**
 * The one place where errors become a stderr line and an exit status.
 *   0 success, 1 the kernel or the system refused, 2 usage error (nothing was sent).
 */
import { CommanderError } from 'commander';
import {
  FamilyMissingError,
  GroupMissingError,
  KernelError,
  MptcpctlError,
  NetnsError,
  PermissionError,
  UsageError,
} from '../netlink/errors.js';
import { NetlinkDecodeError } from '../netlink/message.js';
import { ExplainedKernelError } from './explain.js';

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

export interface Report {
  /** One line, without the `mptcpctl: ` prefix; undefined when already printed (commander). */
  message: string | undefined;
  exitCode: number;
}

export function describeError(err: unknown): Report {
  if (err instanceof CommanderError) {
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
  if (err instanceof NetnsError || err instanceof FamilyMissingError || err instanceof GroupMissingError) {
    return { message: err.message, exitCode: EXIT_REFUSED };
  }
  if (err instanceof MptcpctlError || err instanceof NetlinkDecodeError) return { message: err.message, exitCode: EXIT_REFUSED };
  const message = err instanceof Error ? err.message : String(err);
  return { message: `internal error: ${message} (please report it; --debug shows the stack)`, exitCode: EXIT_REFUSED };
}
