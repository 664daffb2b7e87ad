/**
 * The plan (pure): the smallest list of changes that takes a namespace from the state it is in
 * to the state a file describes. Endpoints are matched by address and port, so one that only
 * needs other backup/fullmesh bits is changed in place (its live subflows stay); what the
 * kernel cannot change (id, dev, other flags) is deleted and added again under the same id.
 * Order: sysctls, limits, deletions, flag changes, additions with a fixed id, then the rest (the
 * kernel picks their ids, which then cannot take one the file needs).
 */
import type { Endpoint } from '../mptcp/records.js';
import { AddressFlag, KNOWN_ADDRESS_FLAGS } from '../families/mptcp-pm.js';
import { ruleCandidates, type Skip } from './candidates.js';
import { ConfigError, MAX_ENDPOINTS, type ConfigProblem, type DesiredConfig, type ObservedState } from './model.js';

/** An endpoint as the plan wants it. */
export interface PlannedEndpoint {
  address: string;
  /** Undefined: the kernel picks. */
  id?: number;
  port: number;
  /** 0: no device. */
  ifindex: number;
  dev?: string;
  flags: number;
  /** `endpoints` (the list) or the rule's number. */
  source: 'endpoints' | number;
}

export type Change =
  | { kind: 'sysctl'; key: string; from: string | undefined; to: string }
  | { kind: 'limit'; name: 'subflows' | 'add_addr_accepted'; from: number; to: number }
  | { kind: 'delete'; endpoint: Endpoint; dev?: string; reason: string }
  | { kind: 'flags'; endpoint: Endpoint; to: number }
  | { kind: 'add'; endpoint: PlannedEndpoint };

export interface Plan {
  netns?: string;
  changes: Change[];
  /** Addresses the rules did not use, and why. */
  skipped: Skip[];
  /** Endpoints the file does not produce, left alone (`unlisted: keep`). */
  kept: Endpoint[];
  /** The endpoints the namespace will have (ids the kernel picks undefined). */
  endpoints: PlannedEndpoint[];
}

export interface PlanOptions {
  /**
   * With `unlisted: keep`: whether an endpoint not produced by the file is nevertheless the
   * file's to remove (one `follow` made earlier). Endpoints with an id in a rule's range always are.
   */
  owned?: (endpoint: Endpoint) => boolean;
}

/** Bits SET_FLAGS changes in place; any other difference needs delete + add. */
const CHANGEABLE = AddressFlag.backup | AddressFlag.fullmesh;
const FIXED = KNOWN_ADDRESS_FLAGS & ~CHANGEABLE & ~AddressFlag.implicit;

interface Want extends PlannedEndpoint {
  match?: Endpoint;
  range?: { from: number; to: number };
  line?: number;
}

export function planConfig(config: DesiredConfig, state: ObservedState, options: PlanOptions = {}): Plan {
  const nameOf = (index: number): string | undefined => (index ? (state.links.find((l) => l.index === index)?.name ?? `if${index}`) : undefined);
  const problems: ConfigProblem[] = [];
  const wants: Want[] = [];
  for (const s of config.endpoints) {
    let ifindex = s.ifindex ?? 0;
    if (s.ifindex === undefined && s.dev !== undefined) {
      const m = /^if([0-9]+)$/.exec(s.dev);
      ifindex = state.links.find((l) => l.name === s.dev)?.index ?? (m ? Number(m[1]) : 0);
      if (!ifindex) problems.push({ file: config.file, ...s.at, message: `dev ${s.dev} does not exist${config.netns ? ` in network namespace ${config.netns}` : ''}` });
    }
    const want: Want = { address: s.address, port: s.port, ifindex, flags: s.flags, source: 'endpoints', line: s.at.line };
    const dev = nameOf(ifindex);
    if (dev !== undefined) want.dev = dev;
    if (s.id !== undefined) want.id = s.id;
    wants.push(want);
  }
  if (problems.length) throw new ConfigError(problems);
  const statics = wants.length;

  const claimed = new Set(config.endpoints.filter((e) => !e.port).map((e) => e.address));
  const { candidates, skipped } = ruleCandidates(config.rules, state.links, state.addresses, claimed);
  for (const c of candidates) {
    const want: Want = { address: c.address, port: 0, ifindex: c.ifindex, dev: c.dev, flags: c.flags, source: c.rule.number };
    if (c.rule.ids) want.range = c.rule.ids;
    wants.push(want);
  }

  // Match what is there by address and port; the kernel's implicit endpoints are its own.
  const implicit = state.endpoints.filter((e) => e.flags & AddressFlag.implicit);
  const unmatched = new Set(state.endpoints.filter((e) => !(e.flags & AddressFlag.implicit)));
  for (const w of wants) {
    for (const e of unmatched) {
      if (e.address === w.address && e.port === w.port) {
        w.match = e;
        unmatched.delete(e);
        break;
      }
    }
  }
  const inRuleRange = (e: Endpoint): boolean => config.rules.some((r) => r.ids && e.id >= r.ids.from && e.id <= r.ids.to);
  const deletes: Change[] = [];
  const kept: Endpoint[] = [];
  for (const e of unmatched) {
    if (config.unlisted === 'remove' || inRuleRange(e) || options.owned?.(e)) deletes.push({ kind: 'delete', endpoint: e, ...devOf(e), reason: 'not in the file' });
    else kept.push(e);
  }

  // The budget: what is kept and what the kernel made itself count too (an implicit endpoint
  // whose address the file wants is replaced by the new one, so it does not).
  const wanted = new Set(wants.map((w) => w.address));
  const slots = MAX_ENDPOINTS - implicit.filter((e) => !wanted.has(e.address)).length - kept.length - statics;
  const ruleWants = wants.slice(statics);
  for (const w of ruleWants.slice(Math.max(slots, 0))) {
    skipped.push({ address: w.address, dev: w.dev ?? '', reason: `no endpoint slot left (the kernel takes ${MAX_ENDPOINTS}; the endpoints list and earlier rules come first)`, rule: w.source as number });
    if (w.match) deletes.push({ kind: 'delete', endpoint: w.match, ...devOf(w.match), reason: 'no endpoint slot left' });
  }
  wants.length = statics + Math.max(0, Math.min(slots, ruleWants.length));

  // Ids: the list's own first, then matched endpoints keep theirs, then rule ranges are filled.
  const taken = new Set<number>([...kept, ...implicit].map((e) => e.id));
  for (const w of wants) if (w.id !== undefined) taken.add(w.id);
  for (const e of [...kept, ...implicit]) {
    const owner = wants.find((w) => w.source === 'endpoints' && w.id === e.id);
    if (owner) {
      deletes.push({ kind: 'delete', endpoint: e, ...devOf(e), reason: `id ${e.id} is ${owner.address}'s in the file` });
      const i = kept.indexOf(e);
      if (i >= 0) kept.splice(i, 1);
    }
  }
  const staticIds = new Set(wants.flatMap((w) => (w.id === undefined ? [] : [w.id])));
  for (const w of wants) {
    if (!w.match || w.id !== undefined) continue;
    if (w.source === 'endpoints') {
      // An entry without id keeps the endpoint's, unless another entry names that id.
      if (!staticIds.has(w.match.id)) {
        w.id = w.match.id;
        taken.add(w.id);
      }
      continue;
    }
    const fits = !w.range || (w.match.id >= w.range.from && w.match.id <= w.range.to);
    if (fits && !taken.has(w.match.id)) {
      w.id = w.match.id;
      taken.add(w.id);
    }
  }
  const dropped = new Set<Want>();
  for (const w of wants) {
    if (w.id !== undefined || !w.range) continue;
    for (let id = w.range.from; id <= w.range.to; id++) {
      if (!taken.has(id)) {
        w.id = id;
        taken.add(id);
        break;
      }
    }
    if (w.id === undefined) {
      skipped.push({ address: w.address, dev: w.dev ?? '', reason: `no free id in ${w.range.from}-${w.range.to}`, rule: w.source as number });
      if (w.match) deletes.push({ kind: 'delete', endpoint: w.match, ...devOf(w.match), reason: 'no free id' });
      dropped.add(w);
    }
  }
  const planned = wants.filter((w) => !dropped.has(w));
  // The kernel lets an added endpoint take over an implicit one of the same address only when
  // no id is given; with an id, the implicit one has to go first.
  for (const w of planned) {
    const shadow = w.match || w.id === undefined ? undefined : implicit.find((e) => e.address === w.address && e.port === w.port && e.id !== w.id);
    if (shadow && !deletes.some((d) => d.kind === 'delete' && d.endpoint === shadow)) deletes.push({ kind: 'delete', endpoint: shadow, ...devOf(shadow), reason: `implicit endpoint of ${w.address}, which the file gives id ${w.id}` });
  }

  const flagChanges: Change[] = [];
  const adds: PlannedEndpoint[] = [];
  for (const w of planned) {
    const m = w.match;
    if (!m) {
      adds.push(publicOf(w));
      continue;
    }
    // w.id undefined here: the endpoint's id is needed elsewhere, the kernel picks a new one.
    const sameId = w.id === m.id;
    if (sameId && m.ifindex === w.ifindex && (m.flags & FIXED) === (w.flags & FIXED)) {
      if ((m.flags & CHANGEABLE) !== (w.flags & CHANGEABLE)) flagChanges.push({ kind: 'flags', endpoint: m, to: w.flags });
      continue;
    }
    const why = !sameId ? `id ${m.id} -> ${w.id ?? 'a new one'}` : m.ifindex !== w.ifindex ? `dev ${nameOf(m.ifindex) ?? 'none'} -> ${w.dev ?? 'none'}` : 'flags the kernel cannot change in place';
    deletes.push({ kind: 'delete', endpoint: m, ...devOf(m), reason: why });
    adds.push(publicOf(w));
  }
  adds.sort((a, b) => Number(a.id === undefined) - Number(b.id === undefined));

  const changes: Change[] = [];
  for (const [key, to] of config.sysctl) {
    const from = state.sysctl.get(key);
    if (from !== to) changes.push({ kind: 'sysctl', key, from, to });
  }
  if (config.limits.subflows !== undefined && config.limits.subflows !== state.limits.subflows) {
    changes.push({ kind: 'limit', name: 'subflows', from: state.limits.subflows, to: config.limits.subflows });
  }
  if (config.limits.addAddrAccepted !== undefined && config.limits.addAddrAccepted !== state.limits.addAddrAccepted) {
    changes.push({ kind: 'limit', name: 'add_addr_accepted', from: state.limits.addAddrAccepted, to: config.limits.addAddrAccepted });
  }
  changes.push(...deletes, ...flagChanges, ...adds.map((endpoint): Change => ({ kind: 'add', endpoint })));
  const plan: Plan = { changes, skipped, kept, endpoints: planned.map(publicOf) };
  if (config.netns !== undefined) plan.netns = config.netns;
  return plan;

  function devOf(e: Endpoint): { dev?: string } {
    const dev = nameOf(e.ifindex);
    return dev === undefined ? {} : { dev };
  }
}

function publicOf(w: Want): PlannedEndpoint {
  const out: PlannedEndpoint = { address: w.address, port: w.port, ifindex: w.ifindex, flags: w.flags, source: w.source };
  if (w.id !== undefined) out.id = w.id;
  if (w.dev !== undefined) out.dev = w.dev;
  return out;
}

/** Whether the plan changes anything. */
export const planChanges = (plan: Plan): boolean => plan.changes.length > 0;
