/**
 * `--debug`: every netlink message mptcpctl sends or receives, decoded attribute by attribute on
 * stderr, so a user or a bug report sees exactly what crossed the socket. Every line starts with
 * `netlink > ` (sent) or `netlink < ` (received); nesting is shown by indentation, and each
 * attribute carries its type number and length next to its name, so the bytes can be rebuilt.
 *
 *   netlink > mptcp_pm ADD_ADDR (cmd 1, version 1): len 64, type 0x1c, flags 0x5 (REQUEST|ACK), seq 1796043978, pid 0
 *   netlink >   addr (type 1, nested, len 44)
 *   netlink >     addr4 (type 3, len 8) = 167772419 (10.0.1.3)
 *   netlink < NLMSG_ERROR: len 36, type 0x2, flags 0x100 (CAPPED), seq 1796043978, pid 4242
 *   netlink <   error 0 (OK)
 */
import type { TraceHook } from '../../netlink/exchange.js';
import { decodeDatagram, TraceState, type TraceAttribute, type TraceDirection, type TraceMessage } from '../../netlink/trace-decode.js';
import { traceSchema } from './schema.js';

const INDENT = '  ';

function attributeLines(attrs: TraceAttribute[], depth: number, out: string[]): void {
  for (const a of attrs) {
    const name = a.name ?? `#${a.type}`;
    const head = `${INDENT.repeat(depth)}${name} (type ${a.type}${a.nestedFlag ? ', nested' : ''}, len ${a.length})`;
    if (a.children) {
      out.push(head);
      attributeLines(a.children, depth + 1, out);
    } else {
      out.push(`${head} = ${a.value ?? ''}`);
    }
  }
}

/** The lines (without the `netlink > ` prefix) of one decoded message. Pure. */
export function traceLines(m: TraceMessage): string[] {
  const flags = `0x${m.flags.toString(16)}${m.flagNames.length ? ` (${m.flagNames.join('|')})` : ''}`;
  const what = m.genl ? `${m.typeName} ${m.genl.cmdName ?? `cmd ${m.genl.cmd}`} (cmd ${m.genl.cmd}, version ${m.genl.version})` : (m.typeName ?? `type ${m.type}`);
  const out = [`${what}: len ${m.length}, type 0x${m.type.toString(16)}, flags ${flags}, seq ${m.seq}, pid ${m.pid}`];
  if (m.error) {
    out.push(`${INDENT}error ${m.error.code} (${m.error.name})`);
    if (m.echoed) {
      const e = m.echoed;
      out.push(`${INDENT}request len ${e.length}, type 0x${e.type.toString(16)}, flags 0x${e.flags.toString(16)}, seq ${e.seq}, pid ${e.pid}`);
    }
    const x = m.error.extack;
    if (x.message !== undefined) out.push(`${INDENT}extack msg ${JSON.stringify(x.message)}`);
    if (x.offset !== undefined) out.push(`${INDENT}extack offset ${x.offset}${x.offsetAttribute ? ` (${x.offsetAttribute})` : ''}`);
    if (x.missingType !== undefined) out.push(`${INDENT}extack missing type ${x.missingType}${x.missingAttribute ? ` (${x.missingAttribute})` : ''}`);
    if (x.missingNestOffset !== undefined) out.push(`${INDENT}extack missing in nest at offset ${x.missingNestOffset}`);
  }
  if (m.header) out.push(`${INDENT}${m.header.name} ${m.header.fields.map((f) => `${f.name} ${f.value}`).join(', ')}`);
  if (m.attributes) attributeLines(m.attributes, 1, out);
  if (m.undecoded !== undefined) out.push(`${INDENT}undecoded ${m.undecoded}`);
  return out;
}

/** A trace hook that writes to `write`, remembering family ids and requests across datagrams. */
export function createTrace(write: (text: string) => void): TraceHook {
  const state = new TraceState();
  return (direction: TraceDirection, datagram: Buffer, protocol: number) => {
    const arrow = direction === 'send' ? '>' : '<';
    let text = '';
    for (const message of decodeDatagram(datagram, protocol, direction, traceSchema, state)) {
      for (const line of traceLines(message)) text += `netlink ${arrow} ${line}\n`;
    }
    write(text);
  };
}
