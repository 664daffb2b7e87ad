/**
 * `connection explain` output: text for people (one block per connection: its subflows, notes on
 * the whole connection, then one line per path with the verdict code, the fix and the evidence),
 * and JSON with the same content for scripts. The codes are the contract.
 */
import type { Explanation, PathExplanation, Verdict } from '../../../diag/explain.js';
import { canonical } from '../../../diag/lint.js';
import { ipJson, type IpJsonObject } from '../ip-json.js';
import type { Paint } from '../colors.js';

const plain: Pick<Paint, 'heading' | 'flag' | 'dim'> = { heading: (t) => t, flag: (t) => t, dim: (t) => t };
const hostPort = (address: string, port: number): string => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);
const hex = (token: number): string => (token >>> 0).toString(16).padStart(8, '0');
const idOf = (id: number, initial: string): string => (id === 0 ? initial : `id ${id}`);

function verdictLines(v: Verdict, indent: string, paint: Pick<Paint, 'flag' | 'dim'>): string {
  let out = '';
  if (v.fix) out += `${indent}fix: ${v.fix}\n`;
  if (v.evidence.length && v.code !== 'subflow-exists') out += paint.dim(`${indent}evidence: ${v.evidence.join('; ')}`) + '\n';
  return out;
}

const lead = (v: Verdict): string => `${v.likely ? 'likely: ' : ''}${v.message}`;

function pathLine(p: PathExplanation, initial: { local: string; remote: string }, paint: Pick<Paint, 'flag' | 'dim'>): string {
  const code = p.verdict.code === 'subflow-exists' ? paint.flag(p.verdict.code) : p.verdict.code;
  const local = p.local === initial.local ? idOf(p.localId, 'initial') : `id ${p.localId}`;
  const remote = p.remote === initial.remote ? idOf(p.remoteId, 'initial') : `id ${p.remoteId}`;
  return `  path ${p.local} (${local}) -> ${p.remote} (${remote}): ${lead(p.verdict)} [${code}]\n${verdictLines(p.verdict, '    ', paint)}`;
}

export function explanationText(e: Explanation, paint: Pick<Paint, 'heading' | 'flag' | 'dim'> = plain): string {
  let out = '';
  for (const v of e.namespace) out += `namespace: ${lead(v)} [${v.code}]\n${verdictLines(v, '  ', paint)}`;
  if (e.connections.length === 0) out += 'no MPTCP connection to explain\n';
  for (const c of e.connections) {
    const k = c.connection;
    const n = c.subflows.length;
    out += paint.heading(
      `token ${hex(k.token)} ${k.side} ${hostPort(k.localAddress, k.localPort)} -> ${hostPort(k.remoteAddress, k.remotePort)} ${k.state}, ${n} subflow${n === 1 ? '' : 's'}`,
    ) + '\n';
    for (const sf of c.subflows) {
      out += `  subflow ${hostPort(sf.local, sf.localPort)} -> ${hostPort(sf.remote, sf.remotePort)} ${sf.state} id-loc ${sf.localId} id-rem ${sf.remoteId}${sf.backup ? ' backup' : ''}\n`;
    }
    for (const v of c.notes) out += `  connection: ${lead(v)} [${v.code}]\n${verdictLines(v, '    ', paint)}`;
    const initial = { local: canonical(k.localAddress), remote: canonical(k.remoteAddress) };
    for (const p of c.paths) out += pathLine(p, initial, paint);
  }
  return out;
}

function verdictJson(v: Verdict): IpJsonObject {
  return { code: v.code, likely: v.likely, message: v.message, fix: v.fix, evidence: v.evidence };
}

export function explanationJson(e: Explanation, pretty: boolean): string {
  return ipJson(
    {
      namespace: e.namespace.map(verdictJson),
      connections: e.connections.map((c) => ({
        token: hex(c.connection.token),
        side: c.connection.side,
        state: c.connection.state,
        local: c.connection.localAddress,
        local_port: c.connection.localPort,
        remote: c.connection.remoteAddress,
        remote_port: c.connection.remotePort,
        fallback: c.connection.flagNames.includes('fallback'),
        subflows: c.subflows.map((sf) => ({
          local: sf.local,
          local_port: sf.localPort,
          remote: sf.remote,
          remote_port: sf.remotePort,
          local_id: sf.localId,
          remote_id: sf.remoteId,
          state: sf.state,
          backup: sf.backup,
        })),
        notes: c.notes.map(verdictJson),
        paths: c.paths.map((p) => ({ local: p.local, local_id: p.localId, remote: p.remote, remote_id: p.remoteId, ...verdictJson(p.verdict) })),
      })),
    },
    pretty,
  );
}
