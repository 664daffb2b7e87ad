/**
 * `connection explain` output: text for people (one block per connection: its subflows, notes on
 * the whole connection, then one line per path with the verdict code, the fix and the evidence),
 * and JSON with the same content for scripts. The codes are the contract. One item list per
 * verdict, subflow, path and connection (items.ts): where the text puts a field elsewhere than
 * the JSON (the code after the message, the state before the ids), it has a text-only item there.
 */
import type { ConnectionExplanation, Explanation, PathExplanation, SubflowSummary, Verdict } from '../../../diag/explain.js';
import { canonical } from '../../../diag/lint.js';
import type { Paint } from '../colors.js';
import { ipJson } from '../ip-json.js';
import type { Item } from '../items.js';
import { itemsObject } from '../items-json.js';
import { itemsText } from '../items-text.js';

type Painter = Pick<Paint, 'heading' | 'flag' | 'dim'>;
const plain: Painter = { heading: (t) => t, flag: (t) => t, dim: (t) => t };
const hostPort = (address: string, port: number): string => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);
const hex = (token: number): string => (token >>> 0).toString(16).padStart(8, '0');
const idOf = (id: number, initial: string): string => (id === 0 ? initial : `id ${id}`);

/** `[likely: ]message [code]`, then the fix and the evidence on lines of their own, indented. */
function verdictItems(v: Verdict, indent: string, paint: Painter, code = v.code): Item[] {
  return [
    { key: 'code', json: v.code },
    { key: 'likely', json: v.likely, text: v.likely ? 'likely: ' : '' },
    { key: 'message', json: v.message, text: v.message },
    { text: ` [${code}]\n` },
    { key: 'fix', json: v.fix, ...(v.fix ? { text: `${indent}fix: ${v.fix}\n` } : {}) },
    { key: 'evidence', json: v.evidence, ...(v.evidence.length && v.code !== 'subflow-exists' ? { text: paint.dim(`${indent}evidence: ${v.evidence.join('; ')}`) + '\n' } : {}) },
  ];
}

function subflowItems(sf: SubflowSummary): Item[] {
  return [
    { key: 'local', json: sf.local, text: `  subflow ${hostPort(sf.local, sf.localPort)}` },
    { key: 'local_port', json: sf.localPort },
    { key: 'remote', json: sf.remote, text: ` -> ${hostPort(sf.remote, sf.remotePort)}` },
    { key: 'remote_port', json: sf.remotePort },
    { text: ` ${sf.state}` },
    { key: 'local_id', json: sf.localId, text: ` id-loc ${sf.localId}` },
    { key: 'remote_id', json: sf.remoteId, text: ` id-rem ${sf.remoteId}` },
    { key: 'state', json: sf.state },
    { key: 'backup', json: sf.backup, text: `${sf.backup ? ' backup' : ''}\n` },
  ];
}

/** A path: its ends (ids, or `initial` for the connection's own addresses), then its verdict. */
function pathItems(p: PathExplanation, initial: { local: string; remote: string }, paint: Painter): Item[] {
  const local = p.local === initial.local ? idOf(p.localId, 'initial') : `id ${p.localId}`;
  const remote = p.remote === initial.remote ? idOf(p.remoteId, 'initial') : `id ${p.remoteId}`;
  const code = p.verdict.code === 'subflow-exists' ? paint.flag(p.verdict.code) : p.verdict.code;
  return [
    { key: 'local', json: p.local, text: `  path ${p.local} (${local})` },
    { key: 'local_id', json: p.localId },
    { key: 'remote', json: p.remote, text: ` -> ${p.remote} (${remote}): ` },
    { key: 'remote_id', json: p.remoteId },
    ...verdictItems(p.verdict, '    ', paint, code),
  ];
}

/** A list member: its items' text in the text, an array of their JSON objects in JSON. */
function list<T>(key: string, records: readonly T[], items: (r: T) => Item[]): Item {
  const each = records.map(items);
  return { key, json: each.map(itemsObject), text: each.map((i) => itemsText(i, false)).join('') };
}

const prefixed = (prefix: string, items: Item[]): Item[] => [{ text: prefix }, ...items];

function connectionItems(c: ConnectionExplanation, paint: Painter): Item[] {
  const k = c.connection;
  const n = c.subflows.length;
  const heading = `token ${hex(k.token)} ${k.side} ${hostPort(k.localAddress, k.localPort)} -> ${hostPort(k.remoteAddress, k.remotePort)} ${k.state}, ${n} subflow${n === 1 ? '' : 's'}`;
  const initial = { local: canonical(k.localAddress), remote: canonical(k.remoteAddress) };
  return [
    { key: 'token', json: hex(k.token), text: paint.heading(heading) + '\n' },
    { key: 'side', json: k.side },
    { key: 'state', json: k.state },
    { key: 'local', json: k.localAddress },
    { key: 'local_port', json: k.localPort },
    { key: 'remote', json: k.remoteAddress },
    { key: 'remote_port', json: k.remotePort },
    { key: 'fallback', json: k.flagNames.includes('fallback') },
    list('subflows', c.subflows, subflowItems),
    list('notes', c.notes, (v) => prefixed('  connection: ', verdictItems(v, '    ', paint))),
    list('paths', c.paths, (p) => pathItems(p, initial, paint)),
  ];
}

function explanationItems(e: Explanation, paint: Painter): Item[] {
  return [
    list('namespace', e.namespace, (v) => prefixed('namespace: ', verdictItems(v, '  ', paint))),
    ...(e.connections.length === 0 ? [{ text: 'no MPTCP connection to explain\n' }] : []),
    list('connections', e.connections, (c) => connectionItems(c, paint)),
  ];
}

export function explanationText(e: Explanation, paint: Painter = plain): string {
  return itemsText(explanationItems(e, paint), false);
}

export function explanationJson(e: Explanation, pretty: boolean): string {
  return ipJson(itemsObject(explanationItems(e, plain)), pretty);
}
