/**
 * Plans as people and programs read them (pure): one line per change in the style
 * `+ endpoint 10.0.2.1 id 12 dev eth2 subflow`, `~ endpoint id 3 backup -> nobackup`,
 * `~ limits subflows 2 -> 4`, `- endpoint id 7 ...`, `~ sysctl add_addr_timeout 120 -> 60`,
 * `skip fd00::5 on eth1: ULA (rule 2)`; and the same as JSON.
 */
import type { Endpoint } from '../mptcp/records.js';
import { AddressFlag, endpointFlags } from '../families/mptcp-pm.js';
import type { Skip } from './candidates.js';
import type { Change, Plan, PlannedEndpoint } from './plan.js';

export function flagNames(flags: number): string[] {
  return endpointFlags.words(flags);
}

function endpointWords(e: { address: string; port: number; id?: number; flags: number }, dev: string | undefined): string {
  let text = e.address;
  if (e.port) text += ` port ${e.port}`;
  if (e.id !== undefined) text += ` id ${e.id}`;
  if (dev !== undefined) text += ` dev ${dev}`;
  for (const word of flagNames(e.flags)) text += ` ${word}`;
  return text;
}

function bitChange(from: number, to: number, bit: number, name: string): string | undefined {
  if ((from & bit) === (to & bit)) return undefined;
  return from & bit ? `${name} -> no${name}` : `no${name} -> ${name}`;
}

export function changeLine(change: Change): string {
  switch (change.kind) {
    case 'sysctl':
      return `~ sysctl ${change.key} ${change.from ?? '(none)'} -> ${change.to}`;
    case 'limit':
      return `~ limits ${change.name} ${change.from} -> ${change.to}`;
    case 'delete':
      return `- endpoint id ${change.endpoint.id} ${endpointWords({ address: change.endpoint.address, port: change.endpoint.port, flags: change.endpoint.flags }, change.dev)}`;
    case 'flags': {
      const parts = [bitChange(change.endpoint.flags, change.to, AddressFlag.backup, 'backup'), bitChange(change.endpoint.flags, change.to, AddressFlag.fullmesh, 'fullmesh')];
      return `~ endpoint id ${change.endpoint.id} ${parts.filter(Boolean).join(', ')}`;
    }
    case 'add':
      return `+ endpoint ${endpointWords(change.endpoint, change.endpoint.dev)}`;
  }
}

export function skipLine(skip: Skip): string {
  return `skip ${skip.address}${skip.dev ? ` on ${skip.dev}` : ''}: ${skip.reason} (rule ${skip.rule})`;
}

/** The plan's lines: changes, then what the rules skipped. */
export function planText(plan: Plan): string {
  return [...plan.changes.map(changeLine), ...plan.skipped.map(skipLine)].map((l) => `${l}\n`).join('');
}

function endpointJson(e: Endpoint | PlannedEndpoint, dev: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { address: e.address };
  if (e.id !== undefined) out['id'] = e.id;
  if (e.port) out['port'] = e.port;
  if (dev !== undefined) out['dev'] = dev;
  out['flags'] = flagNames(e.flags);
  return out;
}

/** One change as data: `op` is add, delete, change, limits or sysctl. */
export function changeJson(change: Change): Record<string, unknown> {
  switch (change.kind) {
    case 'sysctl':
      return { op: 'sysctl', key: change.key, from: change.from ?? null, to: change.to };
    case 'limit':
      return { op: 'limits', name: change.name, from: change.from, to: change.to };
    case 'delete':
      return { op: 'delete', endpoint: endpointJson(change.endpoint, change.dev), reason: change.reason };
    case 'flags':
      return { op: 'change', id: change.endpoint.id, address: change.endpoint.address, from: flagNames(change.endpoint.flags), to: flagNames(change.to) };
    case 'add':
      return { op: 'add', endpoint: endpointJson(change.endpoint, change.endpoint.dev), source: change.endpoint.source === 'endpoints' ? 'endpoints' : `rule ${change.endpoint.source}` };
  }
}

export function planJson(plan: Plan): Record<string, unknown> {
  return {
    ...(plan.netns === undefined ? {} : { netns: plan.netns }),
    changed: plan.changes.length > 0,
    changes: plan.changes.map(changeJson),
    skipped: plan.skipped.map((s) => ({ address: s.address, dev: s.dev, reason: s.reason, rule: s.rule })),
  };
}
