/**
 * `config show|diff|apply` against the real kernel, with `ip` as the independent oracle: round
 * trip, idempotence, drift made with ip, minimal changes on a live connection, all-or-nothing
 * apply, and bad files that change nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { addVethPair, createNetns, createNetnsPair, deleteNetns, ip, sysctl, type NetnsPair } from '../helpers/netns.js';
import { startClient, startServer, type Peer } from '../helpers/mptcp.js';

const work = mkdtempSync(join(tmpdir(), 'mptcpctl-config-'));
const made: string[] = [];
after(() => {
  for (const ns of made) deleteNetns(ns);
  rmSync(work, { recursive: true, force: true });
});

let fileCount = 0;
function file(text: string): string {
  const path = join(work, `f${++fileCount}.yaml`);
  writeFileSync(path, text);
  return path;
}

/** A namespace with eth0 (10.0.1.1/24, 2001:db8:1::1/64) and eth1 (10.0.2.1/24), a veth pair of its own. */
function namespace(prefix: string): string {
  const ns = createNetns(prefix);
  made.push(ns);
  addVethPair(ns, 'eth0', 'eth1');
  ip(ns, 'addr', 'add', '10.0.1.1/24', 'dev', 'eth0');
  ip(ns, 'addr', 'add', '2001:db8:1::1/64', 'dev', 'eth0', 'nodad');
  ip(ns, 'addr', 'add', '10.0.2.1/24', 'dev', 'eth1');
  return ns;
}

/** The state as ip sees it: endpoints, limits, and net.mptcp settings. */
function ipState(ns: string): string {
  const sysctls = spawnSync('ip', ['netns', 'exec', ns, 'sysctl', 'net.mptcp'], { encoding: 'utf8' }).stdout;
  return `${ip(ns, 'mptcp', 'endpoint', 'show')}${ip(ns, 'mptcp', 'limits', 'show')}${sysctls}`;
}

const cli = (ns: string, ...args: string[]) => runCli(['-n', ns, ...args]);

describe('config show, diff, apply', () => {
  let a: string;
  let b: string;
  before(() => {
    a = namespace('cfa');
    b = namespace('cfb');
  });

  test('show -> apply into an empty namespace -> show gives the same text, for every kind of endpoint and limit', () => {
    ip(a, 'mptcp', 'endpoint', 'add', '10.0.1.1', 'id', '1', 'signal', 'port', '10100');
    ip(a, 'mptcp', 'endpoint', 'add', '10.0.1.1', 'id', '2', 'dev', 'eth0', 'subflow');
    ip(a, 'mptcp', 'endpoint', 'add', '10.0.2.1', 'id', '7', 'dev', 'eth1', 'subflow', 'backup', 'fullmesh');
    ip(a, 'mptcp', 'endpoint', 'add', '2001:db8:1::1', 'id', '200', 'signal', 'backup');
    ip(a, 'mptcp', 'endpoint', 'add', '10.0.9.9', 'id', '9', 'subflow', 'fullmesh');
    assert.equal(cli(a, 'endpoint', 'add', '10.0.8.8', 'id', '8', 'laminar').status, 0);
    ip(a, 'mptcp', 'limits', 'set', 'subflows', '5', 'add_addr_accepted', '3');
    sysctl(a, 'net.mptcp.add_addr_timeout', 77);
    sysctl(a, 'net.mptcp.checksum_enabled', 1);
    const shown = cli(a, 'config', 'show');
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /- address: 10\.0\.1\.1\n {4}id: 1\n {4}port: 10100\n {4}flags: \[signal\]\n/);
    assert.match(shown.stdout, /subflows: 5\n {2}add_addr_accepted: 3\n/);
    const applied = cli(b, 'config', 'apply', file(shown.stdout));
    assert.equal(applied.status, 0, applied.stderr);
    assert.equal(cli(b, 'config', 'show').stdout, shown.stdout);
    // ip, the oracle, sees the same table and limits in both.
    assert.equal(ipState(b), ipState(a));
    const json = JSON.parse(cli(b, '-j', 'config', 'show').stdout) as { endpoints: unknown[] };
    assert.equal(json.endpoints.length, 6);
  });

  test('idempotence: a second apply plans nothing and says so; diff exits 0', () => {
    const path = file(cli(a, 'config', 'show').stdout);
    const again = cli(b, 'config', 'apply', path);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout, `no change: the namespace is already as ${path} says\n`);
    const diff = cli(b, 'config', 'diff', path);
    assert.equal(diff.status, 0);
    assert.equal(diff.stdout, '');
  });

  test('drift made with ip shows in diff (exit 3) and apply undoes it', () => {
    const path = file(cli(a, 'config', 'show').stdout);
    const want = ipState(b);
    ip(b, 'mptcp', 'endpoint', 'change', 'id', '7', 'nobackup', 'fullmesh');
    ip(b, 'mptcp', 'endpoint', 'delete', 'id', '9');
    ip(b, 'mptcp', 'endpoint', 'add', '10.0.2.9', 'id', '12', 'signal');
    ip(b, 'mptcp', 'limits', 'set', 'subflows', '2');
    sysctl(b, 'net.mptcp.add_addr_timeout', 120);
    const diff = cli(b, 'config', 'diff', path);
    assert.equal(diff.status, 3, diff.stderr);
    assert.equal(
      diff.stdout,
      [
        '~ sysctl add_addr_timeout 120 -> 77',
        '~ limits subflows 2 -> 5',
        '- endpoint id 12 10.0.2.9 signal',
        '~ endpoint id 7 nobackup -> backup',
        '+ endpoint 10.0.9.9 id 9 subflow fullmesh',
        '',
      ].join('\n'),
    );
    const json = JSON.parse(cli(b, '-j', 'config', 'diff', path).stdout) as { changed: boolean; changes: { op: string }[] };
    assert.equal(json.changed, true);
    assert.deepEqual(json.changes.map((c) => c.op), ['sysctl', 'limits', 'delete', 'change', 'add']);
    const dry = cli(b, 'config', 'apply', path, '--dry-run');
    assert.equal(dry.status, 3);
    assert.equal(dry.stdout, diff.stdout);
    const applied = cli(b, 'config', 'apply', path);
    assert.equal(applied.status, 0, applied.stderr);
    assert.equal(applied.stdout, diff.stdout);
    assert.equal(ipState(b), want);
  });

  test('a step that fails midway leaves everything as found (checked with ip), exit 1', () => {
    const found = ipState(b);
    // Deletions and limits go first; then the kernel refuses a port on an address that is not local.
    const path = file('limits:\n  subflows: 1\nsysctl:\n  add_addr_timeout: 5\nendpoints:\n  - address: 10.0.1.1\n    id: 2\n    flags: [subflow, backup]\n  - address: 10.0.77.1\n    id: 40\n    port: 8080\n    flags: [signal]\n');
    const r = cli(b, 'config', 'apply', path);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, /^mptcpctl: "\+ endpoint 10\.0\.77\.1 port 8080 id 40 signal" failed: .*EADDRNOTAVAIL.*; the state found was restored: nothing changed\n$/);
    assert.equal(r.stdout, '');
    assert.equal(ipState(b), found);
  });

  test('a port already bound: refused, state restored', async () => {
    const found = ipState(b);
    // A listener on 10.0.2.1:8081 holds the port the endpoint would listen on.
    const server = await startServer(b, '10.0.2.1', 8081);
    try {
      const r = cli(b, 'config', 'apply', file('unlisted: remove\nendpoints:\n  - address: 10.0.2.1\n    port: 8081\n    flags: [signal]\n'));
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stderr, /EADDRINUSE.*nothing changed/);
      assert.equal(ipState(b), found);
    } finally {
      await server.stop();
    }
  });

  test('bad files: every problem with file:line:column, exit 2, nothing changed', () => {
    const found = ipState(b);
    const path = file('limits:\n  subflows: 12\nendpoints:\n  - address: 10.0.0.300\n  - address: 10.0.0.1\n    id: 3\n  - address: 10.0.0.2\n    id: 3\nsysctl:\n  no_such_key: 1\nrules:\n  - interfaces: [eth0]\n    family: ip4\n');
    const r = cli(b, 'config', 'apply', path);
    assert.equal(r.status, 2);
    assert.equal(
      r.stderr,
      [
        `mptcpctl: ${path}:2:13: limits subflows must be an integer 0..8, not 12`,
        `mptcpctl: ${path}:4:14: "10.0.0.300" is not an IPv4 or IPv6 address`,
        `mptcpctl: ${path}:7:5: duplicate id 3 (also line 5)`,
        `mptcpctl: ${path}:10:3: unknown sysctl "no_such_key": the running kernel has no net.mptcp.no_such_key`,
        `mptcpctl: ${path}:13:13: family must be one of ipv4, ipv6, any, not "ip4"`,
        `mptcpctl: ${path}: 5 problems (listed above); nothing was changed`,
        '',
      ].join('\n'),
    );
    const one = cli(b, 'config', 'diff', file('endpoints:\n  - address: 10.0.0.1\n    dev: nosuchdev\n'));
    assert.equal(one.status, 2);
    assert.match(one.stderr, /^mptcpctl: \S+:2:5: dev nosuchdev does not exist in network namespace mpc-cfb-\S+\n$/);
    const syntax = cli(b, 'config', 'apply', file('limits: [1\n'));
    assert.equal(syntax.status, 2);
    assert.match(syntax.stderr, /^mptcpctl: \S+:\d+:\d+: /);
    assert.equal(cli(b, 'config', 'apply', join(work, 'missing.yaml')).status, 2);
    assert.equal(ipState(b), found);
  });
});

describe('config apply keeps live subflows when only flags change', () => {
  let pair: NetnsPair;
  let server: Peer | undefined;
  let client: Peer | undefined;
  before(() => {
    pair = createNetnsPair('cfl', 2);
    made.push(pair.a, pair.b);
    ip(pair.a, 'mptcp', 'limits', 'set', 'subflows', '2', 'add_addr_accepted', '2');
  });
  after(async () => {
    await client?.stop();
    await server?.stop();
  });

  /** The subflow from a's second address, as `ss` in a sees it (local:port remote:port), or ''. */
  const subflow = (): string => {
    const out = spawnSync('ip', ['netns', 'exec', pair.a, 'ss', '-tnH', 'state', 'established', 'src', '10.2.0.1'], { encoding: 'utf8' }).stdout;
    return out.trim().split(/\s+/).slice(2, 4).join(' ');
  };
  const waitForSubflow = async (): Promise<string> => {
    for (let i = 0; i < 100 && !subflow(); i++) await new Promise((r) => setTimeout(r, 50));
    return subflow();
  };
  const endpointFile = (flags: string): string => file(`limits:\n  subflows: 2\n  add_addr_accepted: 2\nendpoints:\n  - address: 10.2.0.1\n    id: 5\n    dev: va1\n    flags: [${flags}]\n`);

  test('backup flag changed in place: the same subflow before and after (ss)', async () => {
    const first = cli(pair.a, 'config', 'apply', endpointFile('subflow'));
    assert.equal(first.status, 0, first.stderr);
    server = await startServer(pair.b, '0.0.0.0', 9200);
    client = await startClient(pair.a, '10.1.0.2', 9200);
    const before = await waitForSubflow();
    assert.notEqual(before, '', 'the subflow endpoint opened no subflow');
    const backup = cli(pair.a, 'config', 'apply', endpointFile('subflow, backup'));
    assert.equal(backup.status, 0, backup.stderr);
    assert.equal(backup.stdout, '~ endpoint id 5 nobackup -> backup\n');
    assert.equal(ip(pair.a, 'mptcp', 'endpoint', 'show'), '10.2.0.1 id 5 subflow backup dev va1 \n');
    assert.equal(subflow(), before);
    // The oracle's other side: a change the kernel cannot make in place (dev) replaces the endpoint and its subflow goes.
    const moved = cli(pair.a, 'config', 'apply', file('endpoints:\n  - address: 10.2.0.1\n    id: 5\n    flags: [subflow, backup]\n'));
    assert.equal(moved.stdout, '- endpoint id 5 10.2.0.1 dev va1 subflow backup\n+ endpoint 10.2.0.1 id 5 subflow backup\n');
    for (let i = 0; i < 100 && subflow() === before; i++) await new Promise((r) => setTimeout(r, 50));
    assert.notEqual(subflow(), before);
  });
});
