/**
 * SockDiag against the running kernel, compared with `ss`: two namespaces joined by veth, the
 * in-kernel PM with a `subflow` endpoint on the client so every connection has two subflows,
 * MPTCP listeners and clients over IPv4 and IPv6, and a dump of thousands of sockets.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SockDiag } from '../../src/diag/sockdiag.js';
import type { MptcpConnection, MptcpSubflow } from '../../src/diag/records.js';
import { createNetnsPair, deleteNetns, ip, type NetnsPair } from '../helpers/netns.js';
import { startClient, startServer, type Peer } from '../helpers/mptcp.js';
import { holdClients, holdServer, type Holder } from '../helpers/mptcp-hold.js';
import { infoWords, parseSsMptcp, parseSsTcp, ss, subflowInfo, whileQuiet, type SsSocket } from '../helpers/ss.js';

/** ss prints an unspecified address as `*`, `0.0.0.0` or `[::]` depending on the socket. */
const normal = (address: string): string => (address === '*' || address === '0.0.0.0' || address === '::' ? '*' : address);

const ssKey = (s: SsSocket): string => `${s.state} ${normal(s.local.address)}:${s.local.port} ${normal(s.remote.address)}:${s.remote.port}`;
const recordKey = (r: MptcpConnection | MptcpSubflow): string =>
  `${r.state} ${normal(r.localAddress)}:${r.localPort} ${normal(r.remoteAddress)}:${r.remotePort}`;

/** ss's subflow flag letters, in the order it prints them. */
const flagLetters: [string, number][] = [['M', 0x1], ['m', 0x2], ['J', 0x4], ['j', 0x8], ['B', 0x10], ['b', 0x20], ['e', 0x40], ['c', 0x80], ['v', 0x100]];
const letters = (flags: number): string => flagLetters.filter(([, bit]) => flags & bit).map(([l]) => l).join('');

const hexOf = (words: Map<string, string>, key: string): bigint => BigInt(`0x${words.get(key) ?? '0'}`);
const numOf = (words: Map<string, string>, key: string): number => Number(words.get(key) ?? 0);

/** What `ss -Mi` shows of a connection, from our record, in ss's terms (absent counters are 0). */
function ssViewOfConnection(c: MptcpConnection): unknown {
  return {
    key: recordKey(c),
    token: c.token,
    subflows: c.extraSubflows,
    add_addr_signal: c.addAddrSignal,
    add_addr_accepted: c.addAddrAccepted,
    subflows_max: c.subflowsMax,
    add_addr_signal_max: c.addAddrSignalMax,
    add_addr_accepted_max: c.addAddrAcceptedMax,
    flags: c.flagNames.join(','),
    write_seq: c.writeSeq,
    snd_una: c.sndUna,
    rcv_nxt: c.rcvNxt,
  };
}

function ssViewOfSsConnection(s: SsSocket): unknown {
  const w = infoWords(s.details);
  return {
    key: ssKey(s),
    token: Number(hexOf(w, 'token')),
    subflows: numOf(w, 'subflows'),
    add_addr_signal: numOf(w, 'add_addr_signal'),
    add_addr_accepted: numOf(w, 'add_addr_accepted'),
    subflows_max: numOf(w, 'subflows_max'),
    add_addr_signal_max: numOf(w, 'add_addr_signal_max'),
    add_addr_accepted_max: numOf(w, 'add_addr_accepted_max'),
    flags: ['fallback', 'remote_key'].filter((f) => w.has(f)).join(','),
    write_seq: hexOf(w, 'write_seq'),
    snd_una: hexOf(w, 'snd_una'),
    rcv_nxt: hexOf(w, 'rcv_nxt'),
  };
}

function ssViewOfSubflow(s: MptcpSubflow): unknown {
  return {
    key: recordKey(s),
    flags: letters(s.flags),
    remoteToken: s.remoteToken,
    remoteId: s.remoteId,
    token: s.token,
    localId: s.localId,
    seq: s.mapSeq,
    sfseq: s.mapSfseq,
    ssnoff: s.ssnOffset,
    maplen: s.mapDatalen,
  };
}

const byKey = <T>(items: T[]): T[] => [...items].sort((a, b) => JSON.stringify(a, (_, v) => (typeof v === 'bigint' ? v.toString() : v)).localeCompare(JSON.stringify(b, (_, v) => (typeof v === 'bigint' ? v.toString() : v))));

/** ss's MPTCP subflows: TCP sockets showing the ULP's flags (listeners show only `tcp-ulp-mptcp`). */
const ssSubflows = (netns: string): SsSocket[] => parseSsTcp(ss(netns, '-tnaiOH')).filter((s) => subflowInfo(s.details) !== undefined);

/** Waits (bounded) until `netns` shows `count` MPTCP subflows: joins are made after the handshake. */
async function waitForSubflows(netns: string, count: number, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while (Date.now() < deadline) {
    seen = ssSubflows(netns).length;
    if (seen === count) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${netns}: ${seen} MPTCP subflows after ${timeoutMs} ms, expected ${count}`);
}

describe('SockDiag on the running kernel', () => {
  let pair: NetnsPair;
  let client: SockDiag;
  let server: SockDiag;
  const peers: Peer[] = [];

  before(async () => {
    pair = createNetnsPair('sdiag');
    const [l0, l1] = pair.links as [NetnsPair['links'][0], NetnsPair['links'][0]];
    for (const ns of [pair.a, pair.b]) ip(ns, 'mptcp', 'limits', 'set', 'subflows', '2', 'add_addr_accepted', '2');
    ip(pair.a, 'mptcp', 'endpoint', 'add', l1.a4, 'dev', l1.a, 'subflow');
    ip(pair.a, 'mptcp', 'endpoint', 'add', l1.a6, 'dev', l1.a, 'subflow');
    // A subflow bound to the second link reaches the server's first address only with a route
    // there: IPv4 assumes on-link for a bound device, IPv6 does not.
    ip(pair.a, '-6', 'route', 'add', `${l0.b6.replace(/::2$/, '::')}/64`, 'via', l1.b6, 'dev', l1.a, 'metric', '2048');
    peers.push(await startServer(pair.b, l0.b4, 5000), await startServer(pair.b, l0.b6, 5001));
    for (const address of [l0.b4, l0.b4, l0.b6, l0.b6]) peers.push(await startClient(pair.a, address, address.includes(':') ? 5001 : 5000));
    await waitForSubflows(pair.a, 8);
    await waitForSubflows(pair.b, 8);
    client = SockDiag.open({ netns: pair.a });
    server = SockDiag.open({ netns: pair.b });
  });

  after(async () => {
    await client?.close();
    await server?.close();
    for (const peer of peers) await peer.stop();
    if (pair) {
      deleteNetns(pair.a);
      deleteNetns(pair.b);
    }
  });

  it('lists the same connections as `ss -Mi`: addresses, ports, tokens, counters, sequence numbers', async () => {
    for (const [ns, diag] of [[pair.a, client], [pair.b, server]] as const) {
      const { ours, theirs } = await whileQuiet(
        async () => byKey((await diag.listConnections()).map(ssViewOfConnection)),
        () => byKey(parseSsMptcp(ss(ns, '-MnaiH')).map(ssViewOfSsConnection)),
      );
      assert.deepEqual(ours, theirs, `namespace ${ns}`);
    }
  });

  it('client end: four connections, two of each family, two subflows each, side client', async () => {
    const conns = await client.listConnections();
    assert.equal(conns.length, 4);
    assert.deepEqual(conns.map((c) => c.family).sort(), [10, 10, 2, 2]);
    for (const c of conns) {
      assert.deepEqual([c.state, c.side, c.sideEvidence, c.subflows, c.extraSubflows], ['ESTAB', 'client', 'initial-subflow', 2, 1], `token ${c.token.toString(16)}`);
      assert.notEqual(c.token, 0);
      assert.equal(c.localAddrMax, 2, 'two subflow endpoints');
      assert.ok(c.infoSize >= 96, `mptcp_info of ${c.infoSize} bytes from a 6.18 kernel`);
    }
  });

  it('server end: the listeners and the accepted connections, side server', async () => {
    const conns = await server.listConnections();
    const listeners = conns.filter((c) => c.state === 'LISTEN');
    assert.deepEqual(
      listeners.map((c) => [c.localAddress, c.localPort, c.side, c.sideEvidence, c.token, c.subflows]).sort(),
      [['10.1.0.2', 5000, 'server', 'listening', 0, 0], ['2001:db8:1::2', 5001, 'server', 'listening', 0, 0]],
    );
    const accepted = conns.filter((c) => c.state !== 'LISTEN');
    assert.equal(accepted.length, 4);
    for (const c of accepted) assert.deepEqual([c.side, c.sideEvidence, c.subflows], ['server', 'initial-subflow', 2]);
  });

  it('lists the same subflows as `ss -tiO`: flags, tokens, ids, sequence numbers', async () => {
    for (const [ns, diag] of [[pair.a, client], [pair.b, server]] as const) {
      const { ours, theirs } = await whileQuiet(
        async () => byKey((await diag.listSubflows()).map(ssViewOfSubflow)),
        () => byKey(ssSubflows(ns).map((s) => ({ key: ssKey(s), ...subflowInfo(s.details) }))),
      );
      assert.equal(ours.length, 8, `namespace ${ns}`);
      assert.deepEqual(ours, theirs, `namespace ${ns}`);
    }
  });

  it('every subflow belongs to a listed connection, and the counts agree', async () => {
    for (const diag of [client, server]) {
      const conns = (await diag.listConnections()).filter((c) => c.state !== 'LISTEN');
      const subflows = await diag.listSubflows();
      for (const c of conns) assert.equal(subflows.filter((s) => s.token === c.token).length, c.subflows);
      assert.equal(subflows.filter((s) => !conns.some((c) => c.token === s.token)).length, 0);
    }
  });

  it('the client\'s join subflows carry the server\'s token as token-rem', async () => {
    const serverTokens = new Set((await server.listConnections()).map((c) => c.token));
    const joins = (await client.listSubflows()).filter((s) => s.flagNames.includes('join_loc'));
    assert.equal(joins.length, 4);
    for (const j of joins) {
      assert.ok(serverTokens.has(j.remoteToken), `token-rem ${j.remoteToken.toString(16)}`);
      assert.equal(j.ifindex !== 0, true, 'bound to the endpoint device');
      assert.equal(j.localId, j.family === 2 ? 1 : 2, 'the endpoint id');
    }
  });

  it('filters by token', async () => {
    const [first] = await client.listConnections();
    const only = await client.listConnections({ token: first!.token });
    assert.deepEqual(only.map((c) => c.token), [first!.token]);
    const subflows = await client.listSubflows({ token: first!.token });
    assert.equal(subflows.length, 2);
    assert.ok(subflows.every((s) => s.token === first!.token));
    assert.deepEqual(await client.listConnections({ token: (first!.token ^ 1) >>> 0 }), []);
  });

  describe('thousands of sockets', () => {
    const COUNT = 1000;
    const holders: Holder[] = [];

    before(async () => {
      const l0 = pair.links[0]!;
      holders.push(await holdServer(pair.b, l0.b4, 6000));
      holders.push(await holdClients(pair.a, l0.b4, 6000, COUNT));
      // Each connection gets its join subflow from the endpoint: 2 * COUNT more subflows.
      await waitForSubflows(pair.a, 8 + 2 * COUNT, 60000);
      await waitForSubflows(pair.b, 8 + 2 * COUNT, 60000);
    });

    after(async () => {
      for (const h of holders) await h.stop();
    });

    it('multi-part dumps are complete: the same sockets as ss, in both namespaces', async () => {
      for (const [ns, diag] of [[pair.a, client], [pair.b, server]] as const) {
        let datagrams = 0;
        diag.trace = (direction) => void (direction === 'receive' && datagrams++);
        const conns = await diag.listConnections();
        diag.trace = undefined;
        // Four dumps; with this many sockets the kernel must split them over many datagrams.
        assert.ok(datagrams >= 20, `${datagrams} datagrams received`);
        const ssConns = parseSsMptcp(ss(ns, '-MnaiH'));
        assert.ok(conns.length >= COUNT, `${conns.length} connections`);
        assert.equal(conns.length, ssConns.length, `connections in ${ns}`);
        assert.deepEqual(
          new Set(conns.map((c) => c.token)),
          new Set(ssConns.map((s) => Number(hexOf(infoWords(s.details), 'token')))),
        );
        const subflows = await diag.listSubflows();
        assert.ok(subflows.length >= 2 * COUNT, `${subflows.length} subflows`);
        assert.deepEqual(byKey(subflows.map(recordKey)), byKey(ssSubflows(ns).map(ssKey)), `subflows in ${ns}`);
      }
    });
  });
});
