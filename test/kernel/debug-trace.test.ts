/**
 * `--debug` checked against what really crossed the sockets: each command runs under strace,
 * which dumps every byte sendto() sent and recvfrom() received on the process's netlink sockets.
 * The test splits those bytes into messages and attributes with its own small parser (not the
 * decoder under test) and requires the trace to match them one to one: every message's header
 * (len, type, flags, seq, pid, genl cmd/version, error code), every attribute's type, length,
 * NLA_F_NESTED bit and nesting, and the values of the attributes whose encoding it knows.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliBundle } from '../helpers/paths.js';
import { createNetns, deleteNetns, ip } from '../helpers/netns.js';

const strace = spawnSync('strace', ['-V']).status === 0;

interface Datagram {
  direction: '>' | '<';
  /** The socket's protocol as strace names it (NETLINK_GENERIC, NETLINK_ROUTE, NETLINK_SOCK_DIAG). */
  protocol: string;
  bytes: Buffer;
}

/** Runs mptcpctl --debug under strace; returns the captured datagrams and the CLI's stderr. */
function traced(dir: string, ...args: string[]): { datagrams: Datagram[]; stderr: string; status: number | null } {
  const log = join(dir, `strace-${Date.now()}-${Math.random().toString(16).slice(2)}.txt`);
  const r = spawnSync(
    'strace',
    ['-f', '-qq', '--seccomp-bpf', '-e', 'trace=socket,sendto,recvfrom', '-e', 'write=all', '-e', 'read=all', '-o', log, process.execPath, cliBundle, '--debug', ...args],
    { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  );
  return { datagrams: parseStrace(readFileSync(log, 'utf8')), stderr: r.stderr, status: r.status };
}

/** strace's `-e write/read` hex dumps after each sendto / recvfrom on a netlink socket, as datagrams. */
function parseStrace(text: string): Datagram[] {
  const out: Datagram[] = [];
  /** fd -> protocol, from the socket() calls (an fd number may be reused later: the latest wins). */
  const protocols = new Map<number, string>();
  let current: Datagram | undefined;
  for (const line of text.split('\n')) {
    // Every socket() call: a netlink socket's fd is mapped, another's unmapped (its number may be a closed netlink socket's).
    const socket = /^\d+ +socket\((\w+), [^,]+, (\w+)\) = (\d+)/.exec(line);
    if (socket?.[1] === 'AF_NETLINK') protocols.set(Number(socket[3]), socket[2]!);
    else if (socket) protocols.delete(Number(socket[3]));
    const dump = /^ \| [0-9a-f]{5}  ((?:[0-9a-f]{2} {1,2}){1,16})/.exec(line);
    if (dump && current) {
      current.bytes = Buffer.concat([current.bytes, Buffer.from(dump[1]!.replace(/\s/g, ''), 'hex')]);
      continue;
    }
    if (/^ \* \d+ bytes in buffer/.test(line)) continue;
    current = undefined;
    const call = /^\d+ +(sendto|recvfrom)\((\d+), .*\) = (-?\d+)/.exec(line);
    // The sockets are connected to the kernel: send and recv, which strace shows as sendto and recvfrom without an address.
    if (call && Number(call[3]) > 0 && protocols.has(Number(call[2]))) {
      current = { direction: call[1] === 'sendto' ? '>' : '<', protocol: protocols.get(Number(call[2])) ?? 'unknown', bytes: Buffer.alloc(0) };
      out.push(current);
    }
  }
  return out;
}

/** One message of the trace: its first line and its indented lines. */
interface TracedMessage {
  direction: string;
  head: string;
  body: string[];
}

function parseTrace(stderr: string): TracedMessage[] {
  const messages: TracedMessage[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^netlink ([<>]) (.*)$/.exec(line);
    if (!m) continue;
    if (m[2]!.startsWith(' ')) messages.at(-1)!.body.push(m[2]!);
    else messages.push({ direction: m[1]!, head: m[2]!, body: [] });
  }
  return messages;
}

/** The fixed header between nlmsghdr and the attributes, from the uapi structs of each protocol. */
function fixedHeader(protocol: string, msg: Buffer, direction: string): number {
  const type = msg.readUInt16LE(4);
  switch (protocol) {
    case 'NETLINK_GENERIC':
      return 4; // genlmsghdr
    case 'NETLINK_ROUTE':
      return type === 16 || type === 18 ? 16 : 8; // ifinfomsg (links), ifaddrmsg (addresses)
    case 'NETLINK_SOCK_DIAG':
      // netlink_diag_req / _msg for AF_NETLINK, inet_diag_req_v2 / inet_diag_msg otherwise.
      if (msg[16] === 16) return direction === '>' ? 20 : 28;
      return direction === '>' ? 56 : 72;
    default:
      throw new Error(`no socket() seen for a ${protocol} socket`);
  }
}

/** Values the test knows how to read, by attribute name: the trace's value must start with this. */
const knownValues: Record<string, (d: Buffer) => string> = {
  family: (d) => String(d.readUInt16LE(0)),
  id: (d) => String(d[0]),
  addr4: (d) => `${d.readUInt32BE(0)} (${[...d].join('.')})`,
  port: (d) => String(d.readUInt16LE(0)),
  flags: (d) => String(d.readUInt32LE(0)),
  'if-idx': (d) => String(d.readInt32LE(0)),
  token: (d) => `${d.readUInt32LE(0)} (token ${d.readUInt32LE(0).toString(16).padStart(8, '0')})`,
  'loc-id': (d) => String(d[0]),
  subflows: (d) => String(d.readUInt32LE(0)),
  'rcv-add-addrs': (d) => String(d.readUInt32LE(0)),
  'family-name': (d) => JSON.stringify(d.toString('utf8').replace(/\0.*$/s, '')),
  'family-id': (d) => String(d.readUInt16LE(0)),
  'op-id': (d) => String(d.readUInt32LE(0)),
  'op-flags': (d) => String(d.readUInt32LE(0)),
  ifname: (d) => JSON.stringify(d.toString('utf8').replace(/\0.*$/s, '')),
};

/** Checks the attribute lines at `depth` against the TLVs in `buf`; returns lines consumed. */
function checkAttributes(buf: Buffer, lines: string[], start: number, depth: number, where: string): number {
  let i = start;
  let offset = 0;
  while (offset + 4 <= buf.length) {
    const len = buf.readUInt16LE(offset);
    const rawType = buf.readUInt16LE(offset + 2);
    const line = lines[i];
    assert.ok(line !== undefined, `${where}: trace misses the attribute at offset ${offset}`);
    const m = /^( *)(\S+) \(type (\d+)(, nested)?, len (\d+)\)(?: = (.*))?$/.exec(line);
    assert.ok(m, `${where}: not an attribute line: ${line}`);
    assert.equal(m[1]!.length, depth * 2, `${where}: nesting of ${line}`);
    assert.equal(Number(m[3]), rawType & 0x3fff, `${where}: type of ${line}`);
    assert.equal(Number(m[5]), len, `${where}: length of ${line}`);
    assert.equal(m[4] !== undefined, (rawType & 0x8000) !== 0, `${where}: NLA_F_NESTED of ${line}`);
    const data = buf.subarray(offset + 4, offset + len);
    i++;
    const childIndent = ' '.repeat((depth + 1) * 2);
    if (m[6] === undefined) {
      assert.ok((lines[i]?.startsWith(childIndent) ?? false) || data.length === 0, `${where}: ${line} has neither a value nor members`);
      i = checkAttributes(data, lines, i, depth + 1, `${where} > ${m[2]}`);
    } else {
      const known = knownValues[m[2]!];
      if (known) assert.ok(m[6].startsWith(known(data)), `${where}: value of ${line}, bytes say ${known(data)}`);
    }
    offset += (len + 3) & ~3;
  }
  return i;
}

/** The whole comparison: every captured message against the trace, in order. */
function assertTraceMatches(datagrams: Datagram[], stderr: string): number {
  const traced = parseTrace(stderr);
  const captured: { direction: string; protocol: string; bytes: Buffer; offset: number }[] = [];
  for (const d of datagrams) {
    for (let offset = 0; offset + 16 <= d.bytes.length; offset += (d.bytes.readUInt32LE(offset) + 3) & ~3) captured.push({ ...d, offset });
  }
  assert.equal(traced.length, captured.length, `messages traced vs captured:\n${traced.map((t) => `${t.direction} ${t.head}`).join('\n')}`);
  captured.forEach(({ direction, protocol, bytes, offset }, n) => {
    const t = traced[n]!;
    const where = `message ${n + 1} (${t.head})`;
    const len = bytes.readUInt32LE(offset);
    const type = bytes.readUInt16LE(offset + 4);
    const flags = bytes.readUInt16LE(offset + 6);
    assert.equal(t.direction, direction, where);
    const h = /len (\d+), type 0x([0-9a-f]+), flags 0x([0-9a-f]+).*, seq (\d+), pid (\d+)$/.exec(t.head);
    assert.ok(h, where);
    assert.deepEqual(
      [Number(h[1]), parseInt(h[2]!, 16), parseInt(h[3]!, 16), Number(h[4]), Number(h[5])],
      [len, type, flags, bytes.readUInt32LE(offset + 8), bytes.readUInt32LE(offset + 12)],
      where,
    );
    const msg = bytes.subarray(offset, offset + len);
    if (type === 2 || type === 3) {
      // NLMSG_ERROR / NLMSG_DONE: the error code, and the extack message if any.
      const error = len >= 20 ? msg.readInt32LE(16) : 0;
      assert.match(t.body[0]!, new RegExp(`^  error ${error} `), where);
      const text = t.body.find((l) => l.startsWith('  extack msg '));
      if (text) assert.ok(msg.includes(Buffer.from(`${JSON.parse(text.slice('  extack msg '.length)) as string}\0`)), `${where}: extack text in the bytes`);
      return;
    }
    const genl = /\(cmd (\d+), version (\d+)\):/.exec(t.head);
    const header = fixedHeader(protocol, msg, direction);
    if (genl) assert.deepEqual([Number(genl[1]), Number(genl[2])], [msg[16], msg[17]], where);
    const attrLines = t.body.filter((l) => /^ +\S+ \(type \d+/.test(l));
    const used = checkAttributes(msg.subarray(16 + header), attrLines, 0, 1, where);
    assert.equal(used, attrLines.length, `${where}: the trace shows attributes that were not sent`);
  });
  return captured.length;
}

describe('--debug shows exactly what crossed the socket', { skip: !strace && 'strace is not installed' }, () => {
  let ns: string;
  let dir: string;
  before(() => {
    ns = createNetns('dbg');
    dir = mkdtempSync(join(tmpdir(), 'mptcpctl-debug-'));
    ip(ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
    ip(ns, 'link', 'set', 'veth0', 'up');
    ip(ns, 'addr', 'add', '10.0.1.1/24', 'dev', 'veth0');
    ip(ns, 'addr', 'add', '2001:db8:1::1/64', 'dev', 'veth0', 'nodad');
  });
  after(() => {
    deleteNetns(ns);
    rmSync(dir, { recursive: true, force: true });
  });

  const commands: [string[], number][] = [
    [['endpoint', 'add', '10.0.1.1', 'id', '3', 'signal', 'backup', 'port', '10100'], 0],
    [['endpoint', 'add', '2001:db8:1::1', 'subflow', 'dev', 'veth0'], 0],
    [['endpoint', 'show'], 0],
    [['endpoint', 'show', 'id', '3'], 0],
    [['endpoint', 'change', 'id', '3', 'nobackup'], 0],
    [['limits', 'set', 'subflows', '4', 'add_addr_accepted', '3'], 0],
    [['limits', 'show'], 0],
    [['endpoint', 'add', '10.0.1.1', 'id', '3'], 1], // refused: error + extack, then the hint's dump
    [['endpoint', 'delete', 'id', '9'], 1], // refused with an offset (limits above 8 never reach the kernel)
    [['announce', '10.0.1.1', 'id', '5', 'token', '1234abcd'], 1], // a token, refused
    [['endpoint', 'delete', 'id', '3'], 0],
    [['connection', 'show'], 0], // sock_diag
    [['endpoint', 'flush'], 0],
    [['status'], 0], // nlctrl policy, rtnetlink links and addresses, inet_diag, netlink_diag
    [['endpoint', 'show', '--check'], 0],
  ];
  for (const [args, status] of commands) {
    it(`mptcpctl ${args.join(' ')}`, () => {
      const r = traced(dir, '-n', ns, ...args);
      assert.equal(r.status, status, r.stderr.split('\n').filter((l) => !l.startsWith('netlink ')).join('\n'));
      assert.ok(r.datagrams.length > 0, 'strace saw netlink traffic');
      const n = assertTraceMatches(r.datagrams, r.stderr);
      assert.ok(n >= 2);
    });
  }

  it('a token crosses the socket and is shown under --debug', () => {
    const r = traced(dir, '-n', ns, 'announce', '10.0.1.1', 'id', '5', 'token', '1234abcd');
    assert.match(r.stderr, /^netlink > {3}token \(type 4, len 8\) = 305441741 \(token 1234abcd\)$/m);
  });
});
