/**
 * 64-bit values of live connections, exact: `subflow show -j` prints map_seq (the 64-bit data
 * sequence number of the current mapping, which starts at a hash of the peer's key, so mostly
 * above 2^53) as its full decimal, as ss prints it (ss in hex), and the library gives it as a
 * bigint. The JSON text is read as text: JSON.parse would round it like the bug did.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { startClient, startServer, type Peer } from '../helpers/mptcp.js';
import { createNetnsPair, deleteNetns, type NetnsPair } from '../helpers/netns.js';
import { parseSsTcp, ss, subflowInfo } from '../helpers/ss.js';
import { SockDiag } from '../../src/diag/sockdiag.js';

const TWO_53 = 2n ** 53n;
let pair: NetnsPair | undefined;
const peers: Peer[] = [];

/** map_seq of every subflow in `netns` by local:remote port, as ss prints it (hex, exact). */
function ssMapSeqs(netns: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const s of parseSsTcp(ss(netns, '-tnaiOH'))) {
    const info = subflowInfo(s.details);
    if (info) out.set(`${s.local.port}-${s.remote.port}`, info.seq);
  }
  return out;
}

/** map_seq of every subflow in `netns` from `subflow show -j`, read from the text (digits as printed). */
function cliMapSeqs(netns: string): Map<string, bigint> {
  const r = runCli(['-n', netns, '-j', 'subflow', 'show']);
  assert.equal(r.status, 0, r.stderr);
  const out = new Map<string, bigint>();
  for (const m of r.stdout.matchAll(/"local_port":(\d+),"remote_address":"[^"]*","remote_port":(\d+),.*?"map_seq":([^,}]+)/g)) {
    assert.match(m[3]!, /^\d+$/, `map_seq is printed as an integer: ${m[3]}`);
    out.set(`${m[1]}-${m[2]}`, BigInt(m[3]!));
  }
  return out;
}

before(async () => {
  pair = createNetnsPair('u64', 1);
  const server = pair.links[0]!.b4;
  peers.push(await startServer(pair.b, '0.0.0.0', 5300));
  // Each connection's data sequence numbers start at a hash of a random key: a few connections
  // make one above 2^53 certain in practice (each is below with probability 2^-11).
  for (let i = 0; i < 3; i++) peers.push(await startClient(pair.a, server, 5300));
});

after(async () => {
  for (const p of peers) await p.stop();
  if (pair) {
    deleteNetns(pair.a);
    deleteNetns(pair.b);
  }
});

describe('u64 values of live subflows', () => {
  for (const side of ['a', 'b'] as const) {
    test(`namespace ${side}: subflow show -j prints every map_seq exactly as ss does, beyond 2^53 too`, () => {
      const netns = pair![side];
      const theirs = ssMapSeqs(netns);
      const ours = cliMapSeqs(netns);
      assert.equal(ours.size, 3, 'three subflows');
      assert.deepEqual(ours, theirs);
      assert.ok([...ours.values()].some((v) => v > TWO_53), `a map_seq above 2^53: ${[...ours.values()].join(', ')}`);
    });
  }

  test('the library gives map_seq as a bigint, equal to what ss prints', async () => {
    const diag = SockDiag.open({ netns: pair!.a });
    try {
      const subflows = await diag.listSubflows();
      const theirs = ssMapSeqs(pair!.a);
      assert.equal(subflows.length, 3);
      for (const s of subflows) {
        assert.equal(typeof s.mapSeq, 'bigint');
        assert.equal(s.mapSeq, theirs.get(`${s.localPort}-${s.remotePort}`));
      }
    } finally {
      await diag.close();
    }
  });
});
