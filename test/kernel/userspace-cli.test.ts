/**
 * The userspace-PM commands end to end: two throw-away namespaces joined by two veth pairs, the
 * userspace PM selected inside both, an in-process event subscriber in each, and a real MPTCP
 * connection (client in a, server in b). Every step runs the built CLI with -n and is checked on
 * the events it must cause. A second pair with the in-kernel PM checks the path-manager hint.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventType, MptcpPm, type MptcpEvent } from '../../src/index.js';
import { tokenText as hex } from '../../src/cli/output/token.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { EventLog } from '../helpers/events.js';
import { startClient, startServer, type Peer } from '../helpers/mptcp.js';
import { createNetnsPair, deleteNetns, sysctl, type NetnsPair } from '../helpers/netns.js';

const PORT = 10100;

function assertOk(result: CliResult): void {
  assert.deepEqual(result, { stdout: '', stderr: '', status: 0 });
}

/** A usage error: exit 2, exactly `message`, and (under --debug) not one netlink message sent. */
function assertUsage(result: CliResult, message: string): void {
  assert.equal(result.status, 2);
  assert.equal(result.stderr.split('\n')[0], `mptcpctl: ${message}`);
  assert.doesNotMatch(result.stderr, /^netlink [<>]/m);
}

/** The first event `match` accepts among those that arrived at index `since` or later. */
function eventAfter(log: EventLog, since: number, what: string, match: (e: MptcpEvent) => boolean): Promise<MptcpEvent> {
  return log.waitFor(what, (e) => log.events.indexOf(e) >= since && match(e));
}

/** Everything a test pair owns, ended in `after` even when `before` failed half-way. */
class Fixture {
  pair: NetnsPair | undefined;
  readonly pms: MptcpPm[] = [];
  readonly logs: EventLog[] = [];
  readonly peers: Peer[] = [];

  /** The namespace's events, read in this process; this is also the subscriber the userspace PM needs. */
  private async watch(netns: string): Promise<EventLog> {
    const pm = await MptcpPm.open({ netns });
    this.pms.push(pm);
    const log = await EventLog.start(pm, netns);
    this.logs.push(log);
    return log;
  }

  async connect(prefix: string, pmType: 0 | 1, pairs: number): Promise<{ a: EventLog; b: EventLog }> {
    this.pair = createNetnsPair(prefix, pairs);
    const { a, b } = this.pair;
    for (const ns of [a, b]) sysctl(ns, 'net.mptcp.pm_type', pmType);
    const logA = await this.watch(a);
    const logB = await this.watch(b);
    // The server listens on every address, so joins to b's second address reach it too.
    this.peers.push(await startServer(b, '0.0.0.0', PORT));
    this.peers.push(await startClient(a, this.pair.links[0]!.b4, PORT));
    return { a: logA, b: logB };
  }

  async end(): Promise<void> {
    for (const peer of this.peers) await peer.stop();
    for (const log of this.logs) await log.stop();
    for (const pm of this.pms) await pm.close();
    if (this.pair) for (const ns of [this.pair.a, this.pair.b]) deleteNetns(ns);
  }
}

/** The connection's ESTABLISHED event on one side (its token is that side's own). */
function established(log: EventLog): Promise<MptcpEvent> {
  return log.waitFor('ESTABLISHED', (e) => e.type === EventType.ESTABLISHED);
}

describe('userspace PM commands on a real connection', () => {
  const fixture = new Fixture();
  let a: string;
  let logA: EventLog;
  let logB: EventLog;
  /** Tokens of the connection in a (used in the commands) and in b (seen in b's events). */
  let tokenA: number;
  let tokenB: number;
  /** a's second address and b's, joined by the second veth pair. */
  let local2: string;
  let remote2: string;
  /** The local port of the subflow made by `subflow create`. */
  let subflowPort: number;

  before(async () => {
    ({ a: logA, b: logB } = await fixture.connect('us', 1, 2));
    a = fixture.pair!.a;
    local2 = fixture.pair!.links[1]!.a4;
    remote2 = fixture.pair!.links[1]!.b4;
    const created = await logA.waitFor('CREATED', (e) => e.type === EventType.CREATED && e.dport === PORT);
    tokenA = created.token!;
    assert.equal((await established(logA)).token, tokenA);
    tokenB = (await established(logB)).token!;
  });
  after(() => fixture.end());

  it('announce: the peer gets ANNOUNCED with the address and id', async () => {
    const since = logB.events.length;
    assertOk(runCli(['-n', a, 'announce', local2, 'id', '5', 'token', hex(tokenA)]));
    const event = await eventAfter(logB, since, 'ANNOUNCED', (e) => e.type === EventType.ANNOUNCED);
    assert.deepEqual([event.token, event.remoteId, event.daddr4], [tokenB, 5, local2]);
  });

  it('subflow create: SUB_ESTABLISHED follows from the given address and id', async () => {
    const since = logA.events.length;
    // Abbreviated keywords and a 0x token, as a person would type them.
    assertOk(runCli(['-n', a, 'subflow', 'create', 't', `0x${hex(tokenA)}`, 'l', local2, 'i', '5', 'r', remote2, 'p', String(PORT)]));
    const event = await eventAfter(logA, since, 'SUB_ESTABLISHED', (e) => e.type === EventType.SUB_ESTABLISHED);
    assert.deepEqual([event.token, event.saddr4, event.localId, event.daddr4, event.dport], [tokenA, local2, 5, remote2, PORT]);
    subflowPort = event.sport!;
  });

  it('endpoint show token: lists the announced address', () => {
    const result = runCli(['-n', a, 'endpoint', 'show', 'token', hex(tokenA)]);
    assert.deepEqual(result, { stdout: `${local2} id 5 signal \n`, stderr: '', status: 0 });
  });

  it('endpoint change ... token ... remote ... backup: the peer gets SUB_PRIORITY', async () => {
    const since = logB.events.length;
    assertOk(runCli(['-n', a, 'endpoint', 'change', local2, 'token', hex(tokenA), 'remote', remote2, 'backup']));
    const event = await eventAfter(logB, since, 'SUB_PRIORITY', (e) => e.type === EventType.SUB_PRIORITY);
    assert.deepEqual([event.token, event.saddr4, event.daddr4, event.backup], [tokenB, remote2, local2, 1]);
  });

  it('subflow destroy: SUB_CLOSED for exactly that subflow', async () => {
    const since = logA.events.length;
    const words = ['token', hex(tokenA), 'local', local2, 'port', String(subflowPort), 'remote', remote2, 'port', String(PORT)];
    assertOk(runCli(['-n', a, 'subflow', 'destroy', ...words]));
    const event = await eventAfter(logA, since, 'SUB_CLOSED', (e) => e.type === EventType.SUB_CLOSED);
    assert.deepEqual([event.token, event.saddr4, event.sport, event.daddr4, event.dport], [tokenA, local2, subflowPort, remote2, PORT]);
    // The kernel drops the subflow's local address from the connection's list, announced or not.
    assert.deepEqual(runCli(['-n', a, 'endpoint', 'show', 'token', hex(tokenA)]), { stdout: '', stderr: '', status: 0 });
  });

  it('announce again, then remove (from a batch file): the peer gets ANNOUNCED, then REMOVED for that id', async () => {
    const since = logB.events.length;
    const batch = `# announce the address again, then withdraw it\nannounce ${local2} id 5 token ${hex(tokenA)}\nremove id 5 token ${hex(tokenA)}\n`;
    assertOk(runCli(['-n', a, '-b', '-'], { input: batch }));
    const announced = await eventAfter(logB, since, 'ANNOUNCED', (e) => e.type === EventType.ANNOUNCED);
    const removed = await eventAfter(logB, since, 'REMOVED', (e) => e.type === EventType.REMOVED);
    assert.deepEqual([announced.remoteId, announced.daddr4, removed.token, removed.remoteId], [5, local2, tokenB, 5]);
    assert.ok(logB.events.indexOf(announced) < logB.events.indexOf(removed));
  });

  it('an unknown token: exit 1, the kernel message and the namespace\'s path manager', () => {
    const wrong = hex(~tokenA >>> 0);
    const result = runCli(['-n', a, 'announce', local2, 'id', '6', 'token', wrong]);
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      `mptcpctl: kernel refused ANNOUNCE: invalid token (EINVAL): no MPTCP connection in network namespace "${a}" has this token; ` +
        'the namespace uses the userspace path manager (net.mptcp.path_manager = userspace), and tokens are per namespace and per side: ' +
        '`mptcpctl connection show` lists them\n',
    );
  });

  it('bad command lines: exit 2, one exact message, nothing sent', () => {
    const token = hex(tokenA);
    const cases: [string[], string][] = [
      [['announce', local2, 'id', '6', 'token', '0xZZ'], 'invalid token (not shown): expected up to 8 hexadecimal digits, as `mptcpctl connection show` prints it'],
      [['subflow', 'create', 'token', token, 'local', local2, 'id', '5'], 'subflow create needs "remote ADDRESS"'],
      [['subflow', 'create', 'token', token, 'local', local2, 'remote', remote2, 'port', '65536'], 'invalid remote port "65536": must be from 1 to 65535'],
      [['subflow', 'destroy', 'token', token, 'local', local2, 'port', '1', 'remote', remote2], `subflow destroy needs "port PORT" after "remote ${remote2}"`],
      [['remove', 'id', '256', 'token', token], 'invalid id "256": must be from 0 to 255'],
    ];
    // The detector works: a valid request under --debug shows its netlink traffic.
    assert.match(runCli(['--debug', '-n', a, 'endpoint', 'show', 'token', token]).stderr, /^netlink > /m);
    for (const [words, message] of cases) assertUsage(runCli(['--debug', '-n', a, ...words]), message);
  });
});

describe('userspace PM commands on an in-kernel PM connection', () => {
  const fixture = new Fixture();
  let a: string;
  let token: string;

  before(async () => {
    const { a: logA } = await fixture.connect('uk', 0, 1);
    a = fixture.pair!.a;
    token = hex((await established(logA)).token!);
  });
  after(() => fixture.end());

  it('announce: exit 1, the kernel message, which PM the namespace uses and what to do', () => {
    const result = runCli(['-n', a, 'announce', '10.1.0.1', 'id', '1', 'token', token]);
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      `mptcpctl: kernel refused ANNOUNCE: userspace PM not selected (EINVAL): the connection is driven by the in-kernel path manager; ` +
        `network namespace "${a}" uses the in-kernel path manager (net.mptcp.path_manager = kernel): ` +
        `use \`mptcpctl endpoint\` and \`mptcpctl limits\` for it, or run \`ip netns exec ${a} sysctl -w net.mptcp.path_manager=userspace\` for new connections\n`,
    );
  });

  it('the other userspace-PM requests get the same hint', () => {
    const requests = [
      ['remove', 'id', '1', 'token', token],
      ['subflow', 'create', 'token', token, 'local', '10.1.0.1', 'remote', '10.1.0.2', 'port', String(PORT)],
      ['subflow', 'destroy', 'token', token, 'local', '10.1.0.1', 'port', '1', 'remote', '10.1.0.2', 'port', String(PORT)],
      ['endpoint', 'change', '10.1.0.1', 'token', token, 'remote', '10.1.0.2', 'backup'],
      ['endpoint', 'show', 'token', token],
    ];
    for (const words of requests) {
      const result = runCli(['-n', a, ...words]);
      assert.equal(result.status, 1, words.join(' '));
      assert.match(result.stderr, /: userspace PM not selected \(EINVAL\): the connection is driven by the in-kernel path manager; /, words.join(' '));
      assert.ok(!result.stderr.includes(token), `the token is not repeated: ${words.join(' ')}`);
    }
  });
});
