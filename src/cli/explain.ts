/**
 * The one place for hints on kernel refusals that mean "wrong path manager". A userspace-PM
 * request for an unknown token gets `invalid token`, and one for a connection of the in-kernel PM
 * gets `userspace PM not selected`; neither says what the namespace uses or what to do. The
 * command wraps such a KernelError into an ExplainedKernelError, and output/error-report.ts prints the hint.
 */
import { KernelError, PermissionError } from '../errors.js';
import { readInNetns } from '../sys/netns.js';

/** The namespace's path-manager sysctl as read. */
export interface PathManagerSetting {
  /** `net.mptcp.path_manager` (Linux >= 6.15) or the older `net.mptcp.pm_type`. */
  sysctl: 'net.mptcp.path_manager' | 'net.mptcp.pm_type';
  /** The raw value: `kernel`/`userspace`, or `0`/`1` for pm_type. */
  value: string;
  /** True when it selects the userspace PM for new connections. */
  userspace: boolean;
}

/** The two refusals that a hint explains. */
export type TokenProblem = 'unknown token' | 'not userspace';

/** A KernelError with advice on what to do next. */
export class ExplainedKernelError extends KernelError {
  override readonly name = 'ExplainedKernelError';
  constructor(
    cause: KernelError,
    readonly hint: string,
  ) {
    super({
      errno: cause.errno,
      operation: cause.operation,
      message: cause.extackMessage,
      offset: cause.offset,
      attribute: cause.attribute,
      missingAttribute: cause.missingAttribute,
    });
  }
}

/** Which problem the kernel's extack message names, if any (6.1 wrote "invalid request; userspace PM not selected"). */
export function tokenProblem(extackMessage: string | undefined): TokenProblem | undefined {
  if (extackMessage?.includes('userspace PM not selected')) return 'not userspace';
  if (extackMessage === 'invalid token') return 'unknown token';
  return undefined;
}

/**
 * Reads the path-manager sysctl inside the namespace (`/proc/sys/net` shows the reading thread's
 * namespace, so it must be read from in there). Undefined when MPTCP has no such sysctl here.
 */
export function readPathManager(netns: string | undefined): PathManagerSetting | undefined {
  const read = (name: string): string | undefined => {
    try {
      return readInNetns(netns, `/proc/sys/net/mptcp/${name}`).trim();
    } catch (err) {
      // Only a missing or unreadable file is expected; a failed setns must not be hidden.
      if (typeof (err as NodeJS.ErrnoException).code === 'string') return undefined;
      throw err;
    }
  };
  const name = read('path_manager');
  if (name !== undefined) return { sysctl: 'net.mptcp.path_manager', value: name, userspace: name === 'userspace' };
  const type = read('pm_type');
  return type === undefined ? undefined : { sysctl: 'net.mptcp.pm_type', value: type, userspace: type === '1' };
}

/** "uses the ... path manager (sysctl = value)", the part of every hint that names the PM. */
function uses(setting: PathManagerSetting | undefined): string {
  if (!setting) return 'has no readable net.mptcp.path_manager or net.mptcp.pm_type';
  const inKernel = setting.value === 'kernel' || setting.value === '0';
  const kind = setting.userspace ? 'the userspace path manager' : inKernel ? 'the in-kernel path manager' : `path manager "${setting.value}"`;
  return `uses ${kind} (${setting.sysctl} = ${setting.value})`;
}

/**
 * The advice for `problem` (pure, so every wording is tested without a kernel). It never repeats
 * the token: anyone who has it can add subflows to the connection, and errors end up in logs.
 */
export function pathManagerHint(problem: TokenProblem, setting: PathManagerSetting | undefined, netns: string | undefined): string {
  const where = netns === undefined ? 'this network namespace' : `network namespace "${netns}"`;
  const sysctl = setting?.sysctl === 'net.mptcp.pm_type' ? 'net.mptcp.pm_type=1' : 'net.mptcp.path_manager=userspace';
  const enable = `\`${netns === undefined ? '' : `ip netns exec ${netns} `}sysctl -w ${sysctl}\``;
  if (problem === 'not userspace') {
    const inKernel = 'use `mptcpctl endpoint` and `mptcpctl limits` for it';
    return setting?.userspace
      ? `the connection is driven by the in-kernel path manager, although ${where} now ${uses(setting)}: the setting applies only to connections made after it; ${inKernel}, or reconnect`
      : `the connection is driven by the in-kernel path manager; ${where} ${uses(setting)}: ${inKernel}, or run ${enable} for new connections`;
  }
  return setting?.userspace
    ? `no MPTCP connection in ${where} has this token; the namespace ${uses(setting)}, and tokens are per namespace and per side: \`mptcpctl connection show\` lists them`
    : `no MPTCP connection in ${where} has this token, and the namespace ${uses(setting)}: userspace-PM commands need ${enable} before the connection is made`;
}

/**
 * Runs a request about connection `token`; a wrong-path-manager refusal comes back explained.
 * Without a token (in-kernel PM requests) errors pass unchanged.
 */
export async function withPathManagerHint<T>(netns: string | undefined, token: number | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const problem = err instanceof KernelError && !(err instanceof PermissionError) ? tokenProblem(err.extackMessage) : undefined;
    if (!problem || token === undefined) throw err;
    throw new ExplainedKernelError(err as KernelError, pathManagerHint(problem, readPathManager(netns), netns));
  }
}
