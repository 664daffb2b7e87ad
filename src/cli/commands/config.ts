/**
 * `config show|diff|apply|try|confirm|follow`: the namespace as a desired-state file, the plan
 * from here to a file, applying it all or nothing, applying it on probation (reverted unless
 * confirmed), and keeping it true as addresses come and go.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { applyConfig, restoreState, type ApplyTarget } from '../../config/apply.js';
import { followConfig } from '../../config/follow.js';
import { ConfigError, problemText, type DesiredConfig } from '../../config/model.js';
import { parseConfig, peekNetns } from '../../config/parse.js';
import { planConfig, type Change } from '../../config/plan.js';
import { changeJson, changeLine, planJson, planText, skipLine } from '../../config/render.js';
import { stateFile, stateYaml } from '../../config/show.js';
import { readState, readSysctls, writableSysctlKeys, type KnownState } from '../../config/state.js';
import { MptcpctlError, NetnsError, UsageError } from '../../errors.js';
import { isTerminal } from '../../sys/tty.js';
import { parseConfigArgs, type ConfigArgs, type ConfigVerb } from '../grammar/config.js';
import type { CommandContext } from '../context.js';
import { quote } from '../grammar/words.js';
import { watchNetns } from '../../sys/netns-watch.js';
import { ExitStatus } from '../output/error-report.js';
import { Session } from '../session.js';
import { sdNotify } from '../readiness.js';

/** `config diff` (and `apply --dry-run`) when the namespace differs from the file. */
// Batch files' lines are checked with it (their check in src/cli/table/commands.ts), through this module's lazy bundle.
export { parseConfigArgs };

export const EXIT_DIFFERS = 3;

/** `config try` ran out of time (or was interrupted): the state found was put back. */
export class NotConfirmedError extends MptcpctlError {
  override readonly name = 'NotConfirmedError';
}

export async function configCommand(ctx: CommandContext, verb: ConfigVerb, words: string[]): Promise<void> {
  const args = parseConfigArgs(verb, words);
  if (verb === 'show') return show(ctx, ctx.session);
  if (verb === 'confirm') return confirm(ctx, ctx.session.netns);
  const { config, session, known } = loadFile(ctx, args.file!);
  try {
    if (verb === 'diff' || (verb === 'apply' && args.dryRun)) return await diff(ctx, session, config, known);
    if (verb === 'apply') return await apply(ctx, session, config, known);
    if (verb === 'try') return await tryConfig(ctx, session, config, args, known);
    return await follow(ctx, session, config, args, known);
  } finally {
    if (session !== ctx.session) await session.close();
  }
}

/**
 * Reads and checks the file; every problem is printed (one line each, with its position) before
 * the usage error that ends the command. The namespace is -n's, else the file's `netns:`.
 * `known`: the namespace's settings, read to check the file's keys, for the command's first look
 * at the state (not read twice).
 */
function loadFile(ctx: CommandContext, file: string): { config: DesiredConfig; session: Session; known: KnownState } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${quote(file)}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const netns = ctx.session.netns ?? peekNetns(text);
  let sysctl: Map<string, string> | undefined;
  try {
    sysctl = readSysctls(netns);
  } catch {
    // No such namespace (said when it is opened) or no MPTCP settings: keys are then not checked here.
  }
  const config = checked(ctx, () => parseConfig(text, file, sysctl ? { sysctlKeys: writableSysctlKeys(sysctl) } : {}));
  if (ctx.session.netns !== undefined) config.netns = ctx.session.netns;
  const session = config.netns === ctx.session.netns ? ctx.session : new Session(config.netns, ctx.session.trace);
  return { config, session, known: sysctl && config.netns === netns ? { sysctl } : {} };
}

/** Runs `fn`; a ConfigError it throws goes through listProblems. */
function checked<T>(ctx: CommandContext, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    return listProblems(ctx, err);
  }
}

/** Rethrows `err`; a ConfigError with several problems is first printed one line per problem. */
function listProblems(ctx: CommandContext, err: unknown): never {
  if (!(err instanceof ConfigError) || err.problems.length === 1) throw err;
  for (const p of err.problems) ctx.note(`mptcpctl: ${problemText(p)}`);
  throw new UsageError(`${err.problems[0]!.file}: ${err.problems.length} problems (listed above); nothing was changed`);
}

async function target(session: Session): Promise<ApplyTarget> {
  const pm = await session.pathManager();
  return { pm, netns: session.netns, ...(session.trace ? { trace: session.trace } : {}) };
}

async function show(ctx: CommandContext, session: Session): Promise<void> {
  const t = await target(session);
  const file = stateFile(await readState(t.pm, t.netns, t.trace));
  ctx.write(ctx.out.format === 'json' ? `${JSON.stringify(file, null, ctx.out.pretty ? 2 : undefined)}\n` : stateYaml(file));
}

async function diff(ctx: CommandContext, session: Session, config: DesiredConfig, known: KnownState): Promise<void> {
  const t = await target(session);
  const state = await readState(t.pm, t.netns, t.trace, known, config);
  const plan = checked(ctx, () => planConfig(config, state));
  ctx.write(ctx.out.format === 'json' ? `${JSON.stringify(planJson(plan), null, ctx.out.pretty ? 2 : undefined)}\n` : planText(plan));
  if (plan.changes.length) throw new ExitStatus(EXIT_DIFFERS);
}

/** Applies, printing each change (or that there was none). Returns what apply returned. */
async function applyAndReport(ctx: CommandContext, t: ApplyTarget, config: DesiredConfig, known: KnownState): Promise<Awaited<ReturnType<typeof applyConfig>>> {
  const result = await applyConfig(config, t, { known }).catch((err: unknown) => listProblems(ctx, err));
  const { plan } = result;
  if (ctx.out.format === 'json') ctx.write(`${JSON.stringify({ ...planJson(plan), applied: true }, null, ctx.out.pretty ? 2 : undefined)}\n`);
  else {
    ctx.write(planText(plan));
    if (!plan.changes.length) ctx.write(`no change: the namespace is already as ${config.file} says\n`);
  }
  return result;
}

async function apply(ctx: CommandContext, session: Session, config: DesiredConfig, known: KnownState): Promise<void> {
  await applyAndReport(ctx, await target(session), config, known);
}

/** Where a waiting `config try` leaves its process id for `config confirm`. */
const TRY_DIR = '/run/mptcpctl';
const tryFile = (netns: string | undefined): string => `${TRY_DIR}/config-try${netns === undefined ? '' : `-${netns}`}.pid`;

/**
 * Applies, then waits for a confirmation (a key on the terminal, or `config confirm` from another
 * shell: SIGUSR1); without one within the timeout, or on SIGINT/SIGTERM, puts the state found back.
 */
async function tryConfig(ctx: CommandContext, session: Session, config: DesiredConfig, args: ConfigArgs, known: KnownState): Promise<void> {
  const t = await target(session);
  const result = await applyAndReport(ctx, t, config, known);
  if (!result.plan.changes.length) return;
  const pidFile = tryFile(t.netns);
  let settle: (confirmed: boolean) => void = () => undefined;
  const decided = new Promise<boolean>((resolve) => (settle = resolve));
  const onConfirm = (): void => settle(true);
  const onStop = (): void => settle(false);
  process.on('SIGUSR1', onConfirm);
  process.once('SIGINT', onStop);
  process.once('SIGTERM', onStop);
  const timer = setTimeout(onStop, args.timeoutSeconds * 1000);
  const stdin = isTerminal(0) ? process.stdin : undefined;
  try {
    mkdirSync(TRY_DIR, { recursive: true, mode: 0o700 });
    writeFileSync(pidFile, `${process.pid}\n`);
    if (stdin) {
      stdin.setRawMode?.(true);
      stdin.once('data', onConfirm);
      stdin.resume();
    }
    ctx.note(`mptcpctl: applied; press any key${stdin ? '' : ' (on a terminal)'} or run \`mptcpctl ${t.netns === undefined ? '' : `-n ${t.netns} `}config confirm\` within ${args.timeoutSeconds} s to keep it, or it is reverted`);
    if (await decided) {
      ctx.note('mptcpctl: confirmed: the new state is kept');
      return;
    }
    const problems = await restoreState(t, result.before, result.plan.changes.flatMap((c) => (c.kind === 'sysctl' ? [c.key] : [])));
    if (problems.length) throw new NotConfirmedError(`not confirmed; restoring the state found failed: ${problems.join('; ')}`);
    throw new NotConfirmedError(`not confirmed within ${args.timeoutSeconds} s (or interrupted): the state found was restored`);
  } finally {
    clearTimeout(timer);
    process.removeListener('SIGUSR1', onConfirm);
    process.removeListener('SIGINT', onStop);
    process.removeListener('SIGTERM', onStop);
    if (stdin) {
      stdin.removeListener('data', onConfirm);
      stdin.setRawMode?.(false);
      stdin.pause();
    }
    rmSync(pidFile, { force: true });
  }
}

/** Tells the waiting `config try` of this namespace to keep what it applied. */
function confirm(ctx: CommandContext, netns: string | undefined): void {
  let pid: number;
  try {
    pid = Number(readFileSync(tryFile(netns), 'utf8').trim());
  } catch {
    throw new NotConfirmedError(`no \`config try\` is waiting${netns === undefined ? '' : ` in network namespace ${netns}`}`);
  }
  try {
    process.kill(pid, 'SIGUSR1');
  } catch {
    throw new NotConfirmedError(`no \`config try\` is waiting${netns === undefined ? '' : ` in network namespace ${netns}`} (process ${pid} is gone)`);
  }
  if (ctx.verbose) ctx.note(`confirmed (process ${pid})`);
}

/** One log line per change, skip list and error: text, or JSON Lines under --json. */
function followLog(ctx: CommandContext): { change(c: Change): void; skipped(lines: string[], data: unknown[]): void; error(err: unknown): void; ready(): void } {
  const json = ctx.out.format === 'json';
  const time = (): string => new Date().toISOString();
  const line = (object: Record<string, unknown>): void => ctx.write(`${JSON.stringify({ time: time(), ...object })}\n`);
  const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
  return {
    change: (c) => (json ? line({ event: 'change', change: changeJson(c) }) : ctx.write(`${changeLine(c)}\n`)),
    skipped: (lines, data) => (json ? line({ event: 'skipped', skipped: data }) : ctx.write(lines.map((l) => `${l}\n`).join(''))),
    error: (err) => (json ? line({ event: 'error', error: message(err) }) : ctx.note(`mptcpctl: ${message(err)}`)),
    ready: () => (json ? line({ event: 'ready' }) : undefined),
  };
}

async function follow(ctx: CommandContext, session: Session, config: DesiredConfig, args: ConfigArgs, known: KnownState): Promise<void> {
  const t = await target(session);
  if (args.once) {
    await applyAndReport(ctx, t, config, known);
    return;
  }
  const log = followLog(ctx);
  const stop = new AbortController();
  const end = (): void => stop.abort();
  process.once('SIGINT', end);
  process.once('SIGTERM', end);
  let deleted = false;
  const unwatch = t.netns === undefined ? undefined : watchNetns(t.netns, () => {
    deleted = true;
    end();
  });
  try {
    await followConfig(config, t, {
      signal: stop.signal,
      resyncMs: args.resyncSeconds * 1000,
      onChange: log.change,
      onSkipped: (skipped) => log.skipped(skipped.map(skipLine), skipped),
      // A failed round has restored what it found; the next change or resync tries again.
      onError: (err) => (err instanceof ConfigError ? err.problems.forEach((p) => log.error(problemText(p))) : log.error(err)),
      onReady: () => {
        log.ready();
        sdNotify('READY=1');
      },
    });
  } finally {
    process.removeListener('SIGINT', end);
    process.removeListener('SIGTERM', end);
    unwatch?.();
    sdNotify('STOPPING=1');
  }
  if (deleted) throw new NetnsError(t.netns!, 'deleted while following (the follow has let go of it)');
}
