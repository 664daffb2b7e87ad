/**
 * `connection show` and `subflow show` through the CLI, against `ss` on the same live
 * connections: IPv4 and IPv6, two subflows per connection, and listeners.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { startClient, startServer, type Peer } from '../helpers/mptcp.js';
import { createNetnsPair, deleteNetns, ip, type NetnsPair } from '../helpers/netns.js';
import { infoWords, parseSsMptcp, parseSsTcp, ss, subflowInfo } from '../helpers/ss.js';

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
        theirs.map((s) => key(s.state, s.local.address, s.local.port, s.state === 'LISTEN' ? '*' : s.remote.address, s.remote.port)).sort(),
      );
      for (const s of theirs.filter((x) => x.state === 'ESTAB')) {
        const token = infoWords(s.details).get('token');
        const mine = ours.find((c) => c.local_port === s.local.port && c.remote_port === s.remote.port);
        assert.equal(mine?.token, `0x${parseInt(token!, 16).toString(16)}`);
        // ss prints the count of extra subflows (none when 0); ours counts them all.
        assert.equal(mine?.subflows, Number(infoWords(s.details).get('subflows') ?? 0) + 1);
        // The client's PM opened the extra subflow; the server's counter is the kernel's business.
        if (side === 'a') assert.equal(mine?.subflows, 2, 'the initial subflow and one from the second path');
        assert.equal(mine?.side, side === 'a' ? 'client' : 'server');
      }
      assert.equal(ours.filter((c) => c.state === 'ESTAB').length, 2);
      if (side === 'b') assert.equal(ours.filter((c) => c.state === 'LISTEN').length, 2, 'IPv4 and IPv6 listeners');
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
