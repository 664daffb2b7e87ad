/**
 * `connection show` and `subflow show` through the CLI, against `ss` on the same live
 * connections: IPv4 and IPv6, two subflows per connection, and listeners.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { startClient, startServer, type Peer } from '../helpers/mptcp.js';
import { createNetnsPair, deleteNetns, ip, type NetnsPair } from '../helpers/netns.js';
import { infoWords, parseSsMptcp, parseSsTcp, ss, subflowInfo, whileQuiet } from '../helpers/ss.js';

let pair: NetnsPair;
const peers: Peer[] = [];

interface ConnectionJson {
  token: string;
  state: string;
  side: string;
  local_address: string;
  local_port: number;
  remote_address: string;
  remote_port: number;
  subflows: number;
  subflows_total: number;
}
interface SubflowJson {
  token: string;
  local_address: string;
  local_port: number;
  remote_address: string;
  remote_port: number;
  id_loc: number;
  id_rem: number;
}

/** struct mptcp_info's fields on Linux 6.18, by ss's names (ss prints flag bits in `flags`). */
const MPTCP_INFO_6_18 = [
  'subflows', 'add_addr_signal', 'add_addr_accepted', 'subflows_max', 'add_addr_signal_max', 'add_addr_accepted_max', 'flags',
  'write_seq', 'snd_una', 'rcv_nxt', 'local_addr_used', 'local_addr_max', 'csum_enabled', 'retransmits', 'bytes_retrans',
  'bytes_sent', 'bytes_received', 'bytes_acked', 'subflows_total', 'endp_laminar_max', 'last_data_sent', 'last_data_recv', 'last_ack_recv',
];

/** `token T STATE SIDE local L remote R k v k v ...` -> `STATE L R` and the key/value pairs. */
function parseTextLine(line: string): { key: string; fields: Map<string, string> } {
  const words = line.split(' ');
  assert.equal(words[0], 'token');
  assert.equal(words[4], 'local');
  assert.equal(words[6], 'remote');
  const fields = new Map<string, string>([['token', words[1]!]]);
  assert.equal((words.length - 8) % 2, 0, `key value pairs: ${line}`);
  for (let i = 8; i < words.length; i += 2) fields.set(words[i]!, words[i + 1]!);
  return { key: `${words[2]} ${words[5]} ${words[7]}`, fields };
}

const json = <T>(netns: string, ...args: string[]): T => {
  const r = runCli(['-n', netns, '-j', ...args]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
};

before(async () => {
  pair = createNetnsPair('conn', 2);
  const [l0, l1] = pair.links;
  // Client side: one extra subflow from the second path, for IPv4 and IPv6 alike.
  ip(pair.a, 'mptcp', 'limits', 'set', 'subflows', '2', 'add_addr_accepted', '2');
  ip(pair.b, 'mptcp', 'limits', 'set', 'subflows', '2', 'add_addr_accepted', '2');
  ip(pair.a, 'mptcp', 'endpoint', 'add', l1!.a4, 'dev', l1!.a, 'subflow');
  ip(pair.a, 'mptcp', 'endpoint', 'add', l1!.a6, 'dev', l1!.a, 'subflow');
  // IPv6 (unlike IPv4) needs a route out of the second path towards the first path's prefix;
  // a higher metric keeps the initial subflow on the first path.
  ip(pair.a, '-6', 'route', 'add', `${l0!.b6.replace(/::2$/, '::')}/64`, 'dev', l1!.a, 'metric', '2048');
  peers.push(await startServer(pair.b, '0.0.0.0', 5000));
  peers.push(await startServer(pair.b, l0!.b6, 5001));
  // Dual-stack wildcard: ss prints its address as `*`.
  peers.push(await startServer(pair.b, '::', 5002));
  peers.push(await startClient(pair.a, l0!.b4, 5000));
  peers.push(await startClient(pair.a, l0!.b6, 5001));
  // Wait until both extra subflows are up on both sides (the kernel opens them right after the handshake).
  const subflowCount = (netns: string) => parseSsTcp(ss(netns, '-tnaiOH')).filter((s) => s.state === 'ESTAB' && subflowInfo(s.details)).length;
  for (let i = 0; i < 200 && (subflowCount(pair.a) < 4 || subflowCount(pair.b) < 4); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
});

after(async () => {
  for (const p of peers) await p.stop();
  deleteNetns(pair.a);
  deleteNetns(pair.b);
});

describe('connection show', () => {
  for (const side of ['a', 'b'] as const) {
    test(`namespace ${side}: the same connections as ss -M`, () => {
      const netns = pair[side];
      const ours = json<ConnectionJson[]>(netns, 'connection', 'show');
      const theirs = parseSsMptcp(ss(netns, '-MnaiH'));
      const key = (state: string, la: string, lp: number, ra: string, rp: number) => `${state} ${la}:${lp} ${ra}:${rp}`;
      assert.deepEqual(
        ours.map((c) => key(c.state, c.local_address, c.local_port, c.state === 'LISTEN' ? '*' : c.remote_address, c.state === 'LISTEN' ? 0 : c.remote_port)).sort(),
        // ss prints a dual-stack socket's `::` as `*`; JSON keeps the address.
        theirs.map((s) => key(s.state, s.local.address === '*' ? '::' : s.local.address, s.local.port, s.state === 'LISTEN' ? '*' : s.remote.address, s.remote.port)).sort(),
      );
      for (const s of theirs.filter((x) => x.state === 'ESTAB')) {
        const token = infoWords(s.details).get('token');
        const mine = ours.find((c) => c.local_port === s.local.port && c.remote_port === s.remote.port);
        assert.equal(mine?.token, `0x${parseInt(token!, 16).toString(16)}`);
        // `subflows` counts the extra subflows as ss does (ss prints none when 0); subflows_total all.
        assert.equal(mine?.subflows, Number(infoWords(s.details).get('subflows') ?? 0));
        assert.equal(mine?.subflows_total, mine!.subflows + 1);
        // The client's PM opened the extra subflow; the server's counter is the kernel's business.
        if (side === 'a') assert.equal(mine?.subflows_total, 2, 'the initial subflow and one from the second path');
        assert.equal(mine?.side, side === 'a' ? 'client' : 'server');
      }
      assert.equal(ours.filter((c) => c.state === 'ESTAB').length, 2);
      if (side === 'b') assert.equal(ours.filter((c) => c.state === 'LISTEN').length, 3, 'IPv4, IPv6 and dual-stack listeners');
    });
  }

  for (const side of ['a', 'b'] as const) {
    test(`namespace ${side}: text as ss -Mni names it: addresses, and every mptcp_info field ss prints with its value`, async () => {
      const netns = pair[side];
      const { ours: r, theirs: ssText } = await whileQuiet(() => runCli(['-n', netns, 'connection', 'show']), () => ss(netns, '-MnaiH'));
      assert.equal(r.status, 0, r.stderr);
      const ours = r.stdout.split('\n').filter(Boolean).map(parseTextLine);
      const theirs = ssText.split('\n');
      const sockets = theirs.flatMap((line, i) => {
        if (line.trim() === '' || /^\s/.test(line)) return [];
        const [state, , , localText, remoteText] = line.trim().split(/\s+/);
        return [{ key: `${state} ${localText} ${remoteText}`, info: infoWords(/^\s/.test(theirs[i + 1] ?? '') ? theirs[i + 1]! : '') }];
      });
      assert.deepEqual(ours.map((c) => c.key).sort(), sockets.map((s) => s.key).sort());
      // ss 6.1 prints these four in hex, the other numbers in decimal.
      const hexKeys = new Set(['token', 'write_seq', 'snd_una', 'rcv_nxt']);
      for (const { key, info } of sockets) {
        const mine = ours.find((c) => c.key === key)!;
        for (const [name, value] of info) {
          if (value === '') {
            assert.ok(mine.fields.get('flags')!.split(',').includes(name), `${key}: ss's ${name} is in flags (${mine.fields.get('flags')})`);
            continue;
          }
          const expected = hexKeys.has(name) ? BigInt(`0x${value}`) : BigInt(value);
          const got = mine.fields.get(name);
          assert.ok(got !== undefined, `${key}: ${name} missing`);
          assert.equal(name === 'token' ? BigInt(`0x${got}`) : BigInt(got), expected, `${key}: ${name}`);
        }
        // Every field of the running kernel's struct mptcp_info (6.18: 96 bytes), zero or not.
        for (const name of MPTCP_INFO_6_18) assert.ok(mine.fields.has(name), `${key}: ${name} missing`);
      }
    });
  }

  test('text lines carry pasteable tokens; a token filter selects one', () => {
    const r = runCli(['-n', pair.a, 'connection', 'show']);
    assert.equal(r.status, 0, r.stderr);
    const tokens = [...r.stdout.matchAll(/^token ([0-9a-f]{8}) ESTAB client local /gm)].map((m) => m[1]!);
    assert.equal(tokens.length, 2);
    const one = runCli(['-n', pair.a, 'conn', 'token', tokens[1]!]);
    assert.equal(one.status, 0);
    assert.equal(one.stdout.split('\n').filter(Boolean).length, 1);
    assert.match(one.stdout, new RegExp(`^token ${tokens[1]} `));
  });

  test('a token that matches nothing exits 1; a malformed one exits 2', () => {
    assert.equal(runCli(['-n', pair.a, 'connection', 'show', 'token', '0']).status, 1);
    const bad = runCli(['-n', pair.a, 'connection', 'show', 'token', 'xyz']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^mptcpctl: invalid token \(not shown\)/);
  });
});

describe('subflow show', () => {
  test('a token that matches no connection exits 1 with the same message as connection show', () => {
    const subflows = runCli(['-n', pair.a, 'subflow', 'show', 'token', '0']);
    const connections = runCli(['-n', pair.a, 'connection', 'show', 'token', '0']);
    assert.equal(subflows.status, 1);
    assert.equal(subflows.stdout, '');
    assert.equal(subflows.stderr, connections.stderr);
    assert.match(subflows.stderr, /^mptcpctl: no MPTCP connection has the token given in network namespace "[^"]+" \(tokens are secret: not repeated here\)\n$/);
    // A token that names a live connection lists its subflows (status 0).
    const token = json<ConnectionJson[]>(pair.a, 'connection', 'show').find((c) => c.state === 'ESTAB')!.token;
    const known = runCli(['-n', pair.a, 'subflow', 'show', 'token', token]);
    assert.equal(known.status, 0, known.stderr);
    assert.notEqual(known.stdout, '');
  });

  test('the same subflows as ss -tiO, with ids and tokens', () => {
    const ours = json<SubflowJson[]>(pair.a, 'subflow', 'show');
    const theirs = parseSsTcp(ss(pair.a, '-tnaiOH')).flatMap((s) => {
      const info = subflowInfo(s.details);
      return info ? [{ s, info }] : [];
    });
    assert.equal(ours.length, 4, 'two connections with two subflows each');
    assert.equal(theirs.length, 4);
    for (const { s, info } of theirs) {
      const mine = ours.find((x) => x.local_port === s.local.port && x.remote_port === s.remote.port && x.local_address === s.local.address);
      assert.ok(mine, `subflow ${s.local.address}:${s.local.port}`);
      assert.equal(mine.token, `0x${info.token.toString(16)}`);
      assert.equal(mine.id_loc, info.localId);
      assert.equal(mine.id_rem, info.remoteId);
    }
    const connections = json<ConnectionJson[]>(pair.a, 'connection', 'show').filter((c) => c.state === 'ESTAB');
    const token = connections[0]!.token;
    const filtered = json<SubflowJson[]>(pair.a, 'subflow', 'show', 'token', token);
    assert.equal(filtered.length, 2);
    assert.ok(filtered.every((s) => s.token === token));
    assert.ok(filtered.some((s) => s.id_loc !== 0), 'the joined subflow uses the endpoint id');
  });
});

describe('selectors (src, dst, sport, dport, dev, token): the sockets ss selects with the same filter', () => {
  /** `STATE LOCAL REMOTE` of ss's lines (-H: no header; -M's info lines start with a blank). */
  const ssKeys = (out: string): string[] =>
    out
      .split('\n')
      .filter((l) => l.trim() !== '' && !/^\s/.test(l))
      .map((l) => {
        const [state, , , localText, remoteText] = l.trim().split(/\s+/);
        return `${state} ${localText} ${remoteText}`;
      })
      .sort();
  const ourKeys = (netns: string, object: string, words: string[]): string[] => {
    const r = runCli(['-n', netns, object, 'show', ...words]);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const w = l.split(' ');
        return object === 'connection' ? `${w[2]} ${w[5]} ${w[7]}` : `${w[2]} ${w[4]} ${w[6]}`;
      })
      .sort();
  };
  const subflowLines = (out: string): string => out.split('\n').filter((l) => l.includes('tcp-ulp-mptcp')).join('\n');

  const cases: { side: 'a' | 'b'; ours: () => string[]; theirs: () => string[] }[] = [
    { side: 'a', ours: () => ['dst', `${pair.links[0]!.b4}:5000`], theirs: () => ['dst', `${pair.links[0]!.b4}:5000`] },
    { side: 'a', ours: () => ['dst', `[${pair.links[0]!.b6}]:5001`], theirs: () => ['dst', `[${pair.links[0]!.b6}]:5001`] },
    { side: 'a', ours: () => ['dport', '5001'], theirs: () => ['dport', '=', ':5001'] },
    { side: 'b', ours: () => ['sport', '5000'], theirs: () => ['sport', '=', ':5000'] },
    { side: 'b', ours: () => ['src', '*:5002'], theirs: () => ['sport', '=', ':5002'] },
    { side: 'a', ours: () => ['src', pair.links[0]!.a4, 'dport', '5000'], theirs: () => ['src', pair.links[0]!.a4, 'and', 'dport', '=', ':5000'] },
  ];
  for (const [i, c] of cases.entries()) {
    test(`connection show, case ${i + 1}: as ss -M`, () => {
      const netns = pair[c.side];
      const theirs = ssKeys(ss(netns, '-MnaH', ...c.theirs()));
      assert.ok(theirs.length > 0, `ss selects something for ${c.theirs().join(' ')}`);
      assert.deepEqual(ourKeys(netns, 'connection', c.ours()), theirs);
    });
  }

  test('subflow show src / dev: as ss -tiO, and the kernel did the filtering (bytecode in the request)', () => {
    const [, l1] = pair.links;
    const bySrc = ssKeys(subflowLines(ss(pair.a, '-tnaiOH', 'src', l1!.a4)));
    assert.equal(bySrc.length, 1, 'the IPv4 joined subflow');
    assert.deepEqual(ourKeys(pair.a, 'subflow', ['src', l1!.a4]), bySrc);
    // The endpoints have dev va1: the joined subflows are bound to it.
    const byDev = ssKeys(subflowLines(ss(pair.a, '-tnaiOH', 'dev', '=', l1!.a)));
    assert.equal(byDev.length, 2, 'the IPv4 and IPv6 joined subflows');
    assert.deepEqual(ourKeys(pair.a, 'subflow', ['dev', l1!.a]), byDev);
    const traced = runCli(['-n', pair.a, '--debug', 'subflow', 'show', 'dev', l1!.a]);
    assert.match(traced.stderr, /netlink > {3}bytecode \(type 1, len \d+\)/);
  });

  test('a token combines with the other selectors; bad selectors exit 2 naming the word', () => {
    const connections = json<ConnectionJson[]>(pair.a, 'connection', 'show', 'dport', '5000');
    assert.equal(connections.length, 1);
    const token = connections[0]!.token;
    assert.equal(json<ConnectionJson[]>(pair.a, 'connection', 'show', 'token', token, 'dport', '5000').length, 1);
    // As with a token alone: no connection left is status 1.
    assert.equal(runCli(['-n', pair.a, 'connection', 'show', 'dport', '5001', 'token', token]).status, 1);
    for (const [words, message] of [
      [['dst', '10.1.0.2:70000'], /invalid dst port "70000"/],
      [['src', 'nonsense'], /invalid src address "nonsense"/],
      [['dev', 'nosuchdev0'], /device "nosuchdev0" does not exist/],
      [['d', 'x'], /ambiguous word "d"/],
      [['dport'], /"dport" needs a value/],
    ] as const) {
      const r = runCli(['-n', pair.a, 'subflow', 'show', ...words]);
      assert.equal(r.status, 2, `${words.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});
