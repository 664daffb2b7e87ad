/**
 * Applying a plan, all or nothing: each change in order; if one fails, the state found before
 * (endpoints, limits, settings) is put back and the failure reported with what was restored.
 * After the last change the state is read back and planned again: anything left to do means the
 * kernel did not take the plan, which is treated as a failure too.
 */
import type { MptcpPm } from '../pm/client.js';
import { AddressFlag } from '../families/mptcp-pm.js';
import type { AddressInput } from '../mptcp/records.js';
import { MptcpctlError } from '../errors.js';
import type { TraceHook } from '../netlink/exchange.js';
import type { DesiredConfig, ObservedState, StaticEndpoint } from './model.js';
import { planConfig, type Change, type Plan, type PlanOptions } from './plan.js';
import { changeLine } from './render.js';
import { readState, writeSysctl, type KnownState } from './state.js';

/** Where changes go: the path-manager client and its namespace. */
export interface ApplyTarget {
  pm: MptcpPm;
  netns: string | undefined;
  trace?: TraceHook;
}

export interface ApplyResult {
  /** The plan that was carried out (empty: nothing to do). */
  plan: Plan;
  /** The state before. */
  before: ObservedState;
  /** The state after, as read back. */
  after: ObservedState;
}

/** A change failed (or the result did not match the plan); the state found was put back. */
export class ApplyError extends MptcpctlError {
  override readonly name = 'ApplyError';
  constructor(
    /** The change that failed; undefined when the read-back did not match. */
    readonly failed: Change | undefined,
    readonly cause: unknown,
    /** Whether the state found before was restored exactly. */
    readonly restored: boolean,
    /** What could not be put back, when `restored` is false. */
    readonly restoreProblems: string[],
  ) {
    const what = failed ? `"${changeLine(failed)}" failed: ${cause instanceof Error ? cause.message : String(cause)}` : `the state read back differs from the plan (${cause instanceof Error ? cause.message : String(cause)})`;
    super(restored ? `${what}; the state found was restored: nothing changed` : `${what}; restoring the state found failed too: ${restoreProblems.join('; ')}`);
  }
}

/** Carries out one change. */
export async function runChange(target: ApplyTarget, change: Change): Promise<void> {
  switch (change.kind) {
    case 'sysctl':
      return writeSysctl(target.netns, change.key, change.to);
    case 'limit':
      return target.pm.setLimits(change.name === 'subflows' ? { subflows: change.to } : { addAddrAccepted: change.to });
    case 'delete':
      return target.pm.deleteEndpoint(change.endpoint.id);
    case 'flags':
      return target.pm.setEndpointFlags({ id: change.endpoint.id, flags: change.to & (AddressFlag.backup | AddressFlag.fullmesh) });
    case 'add': {
      const e = change.endpoint;
      const input: AddressInput & { address: string } = { address: e.address, flags: e.flags };
      if (e.id !== undefined) input.id = e.id;
      if (e.port) input.port = e.port;
      if (e.ifindex) input.ifindex = e.ifindex;
      return target.pm.addEndpoint(input);
    }
  }
}

/** The changes as kernel requests: both limits go in one SET_LIMITS (the kernel sets them together or not at all). */
export function steps(changes: readonly Change[]): Change[][] {
  const out: Change[][] = [];
  for (const change of changes) {
    const last = out.at(-1);
    if (change.kind === 'limit' && last?.[0]?.kind === 'limit') last.push(change);
    else out.push([change]);
  }
  return out;
}

/** Carries out one step (one change, or the limits together). */
export async function runStep(target: ApplyTarget, step: readonly Change[]): Promise<void> {
  if (step.length === 1) return runChange(target, step[0]!);
  const limits: { subflows?: number; addAddrAccepted?: number } = {};
  for (const change of step) if (change.kind === 'limit') limits[change.name === 'subflows' ? 'subflows' : 'addAddrAccepted'] = change.to;
  return target.pm.setLimits(limits);
}

/** A state as a file that reproduces it exactly: its endpoints (ids, devices), limits and the given settings. */
export function stateAsConfig(state: ObservedState, sysctlKeys: Iterable<string>, file = 'the state found'): DesiredConfig {
  const at = { line: 0, column: 0 };
  const endpoints: StaticEndpoint[] = state.endpoints
    .filter((e) => !(e.flags & AddressFlag.implicit))
    .map((e) => ({ address: e.address, family: e.address.includes(':') ? 6 : 4, id: e.id, ifindex: e.ifindex, port: e.port, flags: e.flags, at }));
  const sysctl = new Map<string, string>();
  for (const key of sysctlKeys) {
    const value = state.sysctl.get(key);
    if (value !== undefined) sysctl.set(key, value);
  }
  return { file, limits: { subflows: state.limits.subflows, addAddrAccepted: state.limits.addAddrAccepted }, sysctl, endpoints, rules: [], unlisted: 'remove' };
}

/**
 * Puts `before` back: plans from the state now to it and carries that out, going on past
 * failures. Returns what could not be done (empty: restored, checked by reading back).
 */
export async function restoreState(target: ApplyTarget, before: ObservedState, sysctlKeys: Iterable<string>): Promise<string[]> {
  const keys = [...sysctlKeys];
  const wanted = stateAsConfig(before, keys);
  const problems: string[] = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    const plan = planConfig(wanted, await readState(target.pm, target.netns, target.trace, {}, wanted));
    if (!plan.changes.length) return [];
    problems.length = 0;
    for (const step of steps(plan.changes)) {
      try {
        await runStep(target, step);
      } catch (err) {
        problems.push(`${step.map(changeLine).join(', ')}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  const left = planConfig(wanted, await readState(target.pm, target.netns, target.trace, {}, wanted)).changes;
  return left.length ? (problems.length ? problems : left.map(changeLine)) : [];
}

/**
 * Plans `config` against the namespace and carries the plan out, all or nothing. `onChange` is
 * told of each change once it is done.
 */
export async function applyConfig(
  config: DesiredConfig,
  target: ApplyTarget,
  options: PlanOptions & { onChange?: (change: Change) => void; known?: KnownState } = {},
): Promise<ApplyResult> {
  const before = await readState(target.pm, target.netns, target.trace, options.known, config);
  const plan = planConfig(config, before, options);
  if (!plan.changes.length) return { plan, before, after: before };
  const sysctlKeys = plan.changes.flatMap((c) => (c.kind === 'sysctl' ? [c.key] : []));
  for (const step of steps(plan.changes)) {
    try {
      await runStep(target, step);
    } catch (err) {
      const problems = await restoreState(target, before, sysctlKeys).catch((e: unknown) => [e instanceof Error ? e.message : String(e)]);
      throw new ApplyError(step[0]!, err, problems.length === 0, problems);
    }
    for (const change of step) options.onChange?.(change);
  }
  // Checked by reading back what apply changes (endpoints, limits, settings it wrote), planned
  // from the same interfaces and addresses as the plan it carried out.
  const after = await readState(
    target.pm,
    target.netns,
    target.trace,
    { links: before.links, addresses: before.addresses, ...(sysctlKeys.length === 0 ? { sysctl: before.sysctl } : {}) },
    config,
  );
  const left = planConfig(config, after, options).changes;
  if (left.length) {
    const problems = await restoreState(target, before, sysctlKeys).catch((e: unknown) => [e instanceof Error ? e.message : String(e)]);
    throw new ApplyError(undefined, new Error(`still to do: ${left.map(changeLine).join(', ')}`), problems.length === 0, problems);
  }
  return { plan, before, after };
}
