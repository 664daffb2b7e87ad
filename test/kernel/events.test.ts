/**
 * Path-manager events of real MPTCP connections between two throw-away namespaces (A = client,
 * B = server), read with `pm.events()`, and the userspace-PM operations driven by the library.
 * pm_type is only ever set inside the test namespaces, never on the host.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MptcpPm } from '../../src/pm/client.js';
import { AddressFlag, EventFlag, EventType } from '../../src/families/mptcp-pm.js';
import type { Endpoint, MptcpEvent } from '../../src/mptcp/records.js';
import { KernelError } from '../../src/errors.js';
import { EventLog } from '../helpers/events.js';
import { startClient, startServer, type Peer } from '../helpers/mptcp.js';
import { createNetnsPair, deleteNetns, nsExec, sysctl, type NetnsPair } from '../helpers/netns.js';

const hostPmType = (): string => readFileSync('/proc/sys/net/mptcp/pm_type', 'utf8');
const hostPmTypeAtStart = hostPmType();

/** The port a client peer reports on its `connected PORT` line. */
async function clientPort(client: Peer): Promise<number> {
  return Number((await client.waitFor('connected')).split(' ')[1]);
}

const isEvent = (type: number, token?: number) => (e: MptcpEvent) => e.type === type && (token === undefined || e.token === token);

/** A side's end of a subflow: its IPv4 address, port and address id. */
type SubflowEnd = [address: string, port: number, id: number];

/** A subflow event (SUB_ESTABLISHED, SUB_PRIORITY, SUB_CLOSED) as one side sees it: its own end first. */
const subflowEvent = (type: number, token: number, local: SubflowEnd, remote: SubflowEnd, backup: number): MptcpEvent => ({
  type,
  token,
  family: 2,
  saddr4: local[0],
  daddr4: remote[0],
  sport: local[1],
  dport: remote[1],
  localId: local[2],
  remoteId: remote[2],
  backup,
  unknown: [],
});

/** LISTENER_CREATED or LISTENER_CLOSED of an IPv4 listener. */
const listenerEvent = (type: number, address: string, port: number): MptcpEvent => ({ type, family: 2, sport: port, saddr4: address, unknown: [] });

/** Everything a namespace side needs, closed in reverse order whatever was reached. */
class Side {
  pm: MptcpPm | undefined;
  log: EventLog | undefined;
  readonly peers: Peer[] = [];

  constructor(readonly netns: string) {}

  async open(): Promise<void> {
    this.pm = await MptcpPm.open({ netns: this.netns });
    this.log = await EventLog.start(this.pm, this.netns);
  }

  get events(): EventLog {
    return this.log!;
  }

  async close(): Promise<void> {
    for (const peer of this.peers) await peer.stop();
    await this.log?.stop();
    await this.pm?.close();
  }
}

async function teardown(pair: NetnsPair | undefined, sides: Side[]): Promise<void> {
  try {
    for (const side of sides) await side.close();
  } finally {
    if (pair) {
      deleteNetns(pair.a);
      deleteNetns(pair.b);
    }
    assert.equal(hostPmType(), hostPmTypeAtStart);
  }
}

describe('events of a real MPTCP connection (in-kernel PM)', () => {
  const PORT = 5101;
  let pair: NetnsPair | undefined;
  let A: Side;
  let B: Side;
  let a4 = '';
  let b4 = '';
  let client: Peer | undefined;
  let server: Peer | undefined;
  let sport = 0;

  before(async () => {
    pair = createNetnsPair('kev', 1);
    ({ a4, b4 } = pair.links[0]!);
    A = new Side(pair.a);
    B = new Side(pair.b);
    await A.open();
    await B.open();
    server = await startServer(B.netns, b4, PORT);
    B.peers.push(server);
    client = await startClient(A.netns, b4, PORT);
    A.peers.push(client);
    sport = await clientPort(client);
  });

  after(async () => {
    await teardown(pair, [A, B].filter(Boolean));
  });

  it('B sees its listener created', async () => {
    assert.deepEqual(await B.events.waitFor('LISTENER_CREATED', isEvent(EventType.LISTENER_CREATED)), listenerEvent(EventType.LISTENER_CREATED, b4, PORT));
  });

  it('A (client) sees CREATED then ESTABLISHED with its addresses, its source port and one token', async () => {
    const created = await A.events.waitFor('CREATED', isEvent(EventType.CREATED));
    assert.equal(typeof created.token, 'number');
    const expected = { token: created.token, family: 2, saddr4: a4, daddr4: b4, sport, dport: PORT, localId: 0, remoteId: 0, unknown: [] };
    assert.deepEqual(created, { type: EventType.CREATED, ...expected });
    assert.deepEqual(await A.events.waitFor('ESTABLISHED', isEvent(EventType.ESTABLISHED, created.token)), { type: EventType.ESTABLISHED, ...expected });
  });

  it('B (server) sees CREATED then ESTABLISHED with the server-side flag and the mirrored addresses', async () => {
    const created = await B.events.waitFor('CREATED', isEvent(EventType.CREATED));
    const expected = {
      token: created.token,
      serverSide: 1,
      flags: EventFlag.SERVER_SIDE,
      family: 2,
      saddr4: b4,
      daddr4: a4,
      sport: PORT,
      dport: sport,
      localId: 0,
      remoteId: 0,
      unknown: [],
    };
    assert.deepEqual(created, { type: EventType.CREATED, ...expected });
    assert.deepEqual(await B.events.waitFor('ESTABLISHED', isEvent(EventType.ESTABLISHED, created.token)), { type: EventType.ESTABLISHED, ...expected });
    // Each side names the connection by its own token.
    const clientToken = (await A.events.waitFor('CREATED', isEvent(EventType.CREATED))).token;
    assert.notEqual(created.token, clientToken);
  });

  it('an IPv6 connection gives IPv6 addresses in CREATED', async () => {
    const { a6, b6 } = pair!.links[0]!;
    const server6 = await startServer(B.netns, b6, PORT + 1);
    B.peers.push(server6);
    const client6 = await startClient(A.netns, b6, PORT + 1);
    A.peers.push(client6);
    const sport6 = await clientPort(client6);
    const created = await A.events.waitFor('CREATED (IPv6)', (e) => e.type === EventType.CREATED && e.family === 10);
    assert.deepEqual(created, {
      type: EventType.CREATED,
      token: created.token,
      family: 10,
      saddr6: a6,
      daddr6: b6,
      sport: sport6,
      dport: PORT + 1,
      localId: 0,
      remoteId: 0,
      unknown: [],
    });
    const server6Created = await B.events.waitFor('CREATED (IPv6)', (e) => e.type === EventType.CREATED && e.family === 10);
    assert.deepEqual([server6Created.saddr6, server6Created.daddr6, server6Created.sport, server6Created.dport], [b6, a6, PORT + 1, sport6]);
  });

  it('closing the connection gives CLOSED with the same token on each side', async () => {
    const clientToken = (await A.events.waitFor('CREATED', isEvent(EventType.CREATED))).token!;
    const serverToken = (await B.events.waitFor('CREATED', isEvent(EventType.CREATED))).token!;
    client!.send('close');
    await client!.waitFor('closed');
    assert.deepEqual(await A.events.waitFor('CLOSED', isEvent(EventType.CLOSED, clientToken)), { type: EventType.CLOSED, token: clientToken, unknown: [] });
    assert.deepEqual(await B.events.waitFor('CLOSED', isEvent(EventType.CLOSED, serverToken)), { type: EventType.CLOSED, token: serverToken, unknown: [] });
  });

  it('stopping the server gives LISTENER_CLOSED', async () => {
    await server!.stop();
    assert.deepEqual(
      await B.events.waitFor('LISTENER_CLOSED', (e) => e.type === EventType.LISTENER_CLOSED && e.sport === PORT),
      listenerEvent(EventType.LISTENER_CLOSED, b4, PORT),
    );
  });
});

describe('userspace PM driven by the library (pm_type=1 in both namespaces)', () => {
  const PORT = 5201;
  const { signal, subflow, backup } = AddressFlag;
  let pair: NetnsPair | undefined;
  let A: Side;
  let B: Side;
  /** Link 0 carries the initial subflow; link 1 is announced; link 2 carries the extra subflow. */
  let link: NetnsPair['links'];
  let tokenA = 0;
  let tokenB = 0;
  let sport = 0;
  /** Source port of the subflow created on link 2 (from SUB_ESTABLISHED). */
  let subflowPort = 0;
  const pmA = (): MptcpPm => A.pm!;

  before(async () => {
    pair = createNetnsPair('kevu', 3);
    link = pair.links;
    A = new Side(pair.a);
    B = new Side(pair.b);
    sysctl(pair.a, 'net.mptcp.pm_type', 1);
    sysctl(pair.b, 'net.mptcp.pm_type', 1);
    // The userspace PM only accepts joins and ADD_ADDRs while someone listens to the events.
    await A.open();
    await B.open();
    const server = await startServer(B.netns, '0.0.0.0', PORT);
    B.peers.push(server);
    const client = await startClient(A.netns, link[0]!.b4, PORT);
    A.peers.push(client);
    sport = await clientPort(client);
    tokenA = (await A.events.waitFor('CREATED', isEvent(EventType.CREATED))).token!;
    tokenB = (await B.events.waitFor('CREATED', isEvent(EventType.CREATED))).token!;
  });

  after(async () => {
    await teardown(pair, [A, B].filter(Boolean));
  });

  it('selected the userspace PM in the test namespaces only', () => {
    for (const ns of [pair!.a, pair!.b]) assert.equal(nsExec(ns, 'sysctl', '-n', 'net.mptcp.pm_type').stdout, '1\n');
    assert.equal(hostPmType(), hostPmTypeAtStart);
  });

  it('announce: the peer receives ANNOUNCED (no port given: dport is the connection`s)', async () => {
    await pmA().announce(tokenA, { address: link[1]!.a4, id: 12, flags: signal });
    assert.deepEqual(await B.events.waitFor('ANNOUNCED', isEvent(EventType.ANNOUNCED, tokenB)), {
      type: EventType.ANNOUNCED,
      token: tokenB,
      remoteId: 12,
      dport: sport,
      daddr4: link[1]!.a4,
      unknown: [],
    });
  });

  it('subflowCreate: SUB_ESTABLISHED on both sides', async () => {
    await pmA().subflowCreate(tokenA, { address: link[2]!.a4, id: 13 }, { address: link[2]!.b4, port: PORT });
    const local = await A.events.waitFor('SUB_ESTABLISHED', isEvent(EventType.SUB_ESTABLISHED, tokenA));
    subflowPort = local.sport!;
    assert.ok(subflowPort > 0);
    // The server's userspace PM numbers its new local address 1.
    const aEnd: SubflowEnd = [link[2]!.a4, subflowPort, 13];
    const bEnd: SubflowEnd = [link[2]!.b4, PORT, 1];
    assert.deepEqual(local, subflowEvent(EventType.SUB_ESTABLISHED, tokenA, aEnd, bEnd, 0));
    assert.deepEqual(await B.events.waitFor('SUB_ESTABLISHED', isEvent(EventType.SUB_ESTABLISHED, tokenB)), subflowEvent(EventType.SUB_ESTABLISHED, tokenB, bEnd, aEnd, 0));
  });

  it('listEndpoints(token) / getEndpoint(id, token): the connection`s local addresses in insertion order', async () => {
    const expected: Endpoint[] = [
      { id: 12, family: 2, address: link[1]!.a4, port: 0, flags: signal, ifindex: 0, unknown: [] },
      { id: 13, family: 2, address: link[2]!.a4, port: 0, flags: subflow, ifindex: 0, unknown: [] },
    ];
    assert.deepEqual(await pmA().listEndpoints(tokenA), expected);
    assert.deepEqual(await pmA().getEndpoint(13, tokenA), expected[1]);
  });

  it('setSubflowPriority: the peer receives SUB_PRIORITY with backup 1', async () => {
    await pmA().setSubflowPriority(tokenA, { address: link[2]!.a4, flags: backup }, { address: link[2]!.b4, port: PORT });
    assert.deepEqual(
      await B.events.waitFor('SUB_PRIORITY', isEvent(EventType.SUB_PRIORITY, tokenB)),
      subflowEvent(EventType.SUB_PRIORITY, tokenB, [link[2]!.b4, PORT, 1], [link[2]!.a4, subflowPort, 13], 1),
    );
  });

  it('subflowDestroy: SUB_CLOSED for exactly that subflow, and its address leaves the list', async () => {
    await pmA().subflowDestroy(tokenA, { address: link[2]!.a4, port: subflowPort }, { address: link[2]!.b4, port: PORT });
    // backup 0: it reports what the peer asked for (its MP_PRIO), and A sending one leaves it 0.
    assert.deepEqual(
      await A.events.waitFor('SUB_CLOSED', isEvent(EventType.SUB_CLOSED, tokenA)),
      subflowEvent(EventType.SUB_CLOSED, tokenA, [link[2]!.a4, subflowPort, 13], [link[2]!.b4, PORT, 1], 0),
    );
    assert.deepEqual(
      (await pmA().listEndpoints(tokenA)).map((e) => e.id),
      [12],
    );
  });

  it('remove: the peer receives REMOVED', async () => {
    await pmA().remove(tokenA, 12);
    assert.deepEqual(await B.events.waitFor('REMOVED', isEvent(EventType.REMOVED, tokenB)), {
      type: EventType.REMOVED,
      token: tokenB,
      remoteId: 12,
      unknown: [],
    });
    assert.deepEqual(await pmA().listEndpoints(tokenA), []);
  });

  const refusals: { name: string; call: () => Promise<void>; errnoName: string; message: string; attribute: string | undefined }[] = [
    {
      name: 'remove of an unknown id',
      call: () => pmA().remove(tokenA, 99),
      errnoName: 'EINVAL',
      message: 'address with id 99 not found',
      attribute: 'loc-id',
    },
    {
      name: 'announce with an unknown token',
      call: () => pmA().announce((tokenA ^ 0x5a5a5a5a) >>> 0, { address: link[1]!.a4, id: 12, flags: signal }),
      errnoName: 'EINVAL',
      message: 'invalid token',
      attribute: 'token',
    },
    {
      name: 'subflowDestroy of a subflow that is gone',
      call: () => pmA().subflowDestroy(tokenA, { address: link[2]!.a4, port: subflowPort }, { address: link[2]!.b4, port: PORT }),
      errnoName: 'ESRCH',
      message: 'subflow not found',
      attribute: undefined,
    },
  ];
  for (const c of refusals) {
    it(`refuses ${c.name}: "${c.message}"`, async () => {
      const err = await c.call().then(
        () => assert.fail('the kernel accepted the request'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof KernelError);
      assert.deepEqual([err.errnoName, err.extackMessage, err.attribute], [c.errnoName, c.message, c.attribute]);
    });
  }
});
