/**
 * Privileges. As an unprivileged user (nobody, via setpriv) inside a throw-away namespace: the
 * read commands work (the kernel lets anyone read endpoints, limits and sockets); every write
 * command and the monitor fail with status 1 and one line that names CAP_NET_ADMIN; nothing
 * changes. Entering a namespace (-n) needs CAP_SYS_ADMIN, and the message says so. Inside an
 * unprivileged user namespace with its own network namespace (`unshare -Urn`), where the kernel
 * grants CAP_NET_ADMIN over that namespace (Linux >= 6.1), everything works.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cliCommand } from '../helpers/cli.js';
import { createNetns, deleteNetns, ip } from '../helpers/netns.js';

const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** mptcpctl as nobody, run inside `netns` (entered as root by ip, then privileges dropped). */
function asNobodyIn(netns: string, args: string[], input = ''): Result {
  const r = spawnSync('ip', ['netns', 'exec', netns, ...NOBODY, ...cliCommand, ...args], { encoding: 'utf8', input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let ns: string;
let state: () => string;

before(() => {
  ns = createNetns('priv');
  ip(ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
  ip(ns, 'mptcp', 'endpoint', 'add', '10.0.7.1', 'id', '1', 'signal');
  ip(ns, 'mptcp', 'endpoint', 'add', '10.0.7.2', 'id', '2', 'subflow', 'backup', 'dev', 'veth0');
  ip(ns, 'mptcp', 'limits', 'set', 'subflows', '3', 'add_addr_accepted', '2');
  state = () => ip(ns, '-j', 'mptcp', 'endpoint', 'show') + ip(ns, 'mptcp', 'limits', 'show');
});
after(() => deleteNetns(ns));

describe('as an unprivileged user', () => {
  it('reads work: endpoint show (all, by id), limits show, connection and subflow show', () => {
    const checks: [string[], string][] = [
      [['endpoint', 'show'], ip(ns, 'mptcp', 'endpoint', 'show')],
      [['-j', 'endpoint', 'show'], ip(ns, '-j', 'mptcp', 'endpoint', 'show')],
      [['endpoint', 'show', 'id', '2'], ip(ns, 'mptcp', 'endpoint', 'show', 'id', '2')],
      [['limits', 'show'], ip(ns, 'mptcp', 'limits', 'show')],
      [['connection', 'show'], ''],
      [['subflow', 'show'], ''],
    ];
    for (const [args, expected] of checks) {
      const r = asNobodyIn(ns, args);
      assert.deepEqual(r, { status: 0, stdout: expected, stderr: '' }, args.join(' '));
    }
  });

  it('writes and the monitor: status 1, one line naming CAP_NET_ADMIN, nothing changed', () => {
    const before = state();
    const writes: string[][] = [
      ['endpoint', 'add', '10.0.7.3', 'id', '3', 'signal'],
      ['endpoint', 'add', '10.0.7.4', 'dev', 'veth1', 'subflow'],
      ['endpoint', 'delete', 'id', '1'],
      ['endpoint', 'change', 'id', '2', 'nobackup'],
      ['endpoint', 'flush'],
      ['limits', 'set', 'subflows', '0'],
      ['announce', '10.0.7.1', 'id', '5', 'token', '1a2b3c4d'],
      ['remove', 'id', '5', 'token', '1a2b3c4d'],
      ['subflow', 'create', 'token', '1a2b3c4d', 'local', '10.0.7.1', 'remote', '10.0.7.9', 'port', '80'],
      ['subflow', 'destroy', 'token', '1a2b3c4d', 'local', '10.0.7.1', 'port', '1', 'remote', '10.0.7.9', 'port', '80'],
      ['endpoint', 'change', '10.0.7.1', 'token', '1a2b3c4d', 'remote', '10.0.7.9', 'backup'],
      ['monitor'],
    ];
    for (const args of writes) {
      const r = asNobodyIn(ns, args);
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^mptcpctl: [^\n]*permission denied: CAP_NET_ADMIN is needed[^\n]*\(EPERM\)\n$/, args.join(' '));
      assert.doesNotMatch(r.stderr, /1a2b3c4d/, 'the token is not repeated');
      assert.equal(r.stdout, '');
    }
    const batch = asNobodyIn(ns, ['-b', '-'], 'endpoint show\nendpoint delete id 2\n');
    assert.equal(batch.status, 1);
    assert.match(batch.stderr, /^mptcpctl: -:2: DEL_ADDR: permission denied: CAP_NET_ADMIN/);
    assert.equal(state(), before, 'nothing changed');
  });

  it('-n needs CAP_SYS_ADMIN to enter a namespace, and says so', () => {
    const r = spawnSync(NOBODY[0]!, [...NOBODY.slice(1), ...cliCommand, '-n', ns, 'endpoint', 'show'], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `mptcpctl: network namespace "${ns}": cannot enter it: entering a network namespace needs CAP_SYS_ADMIN: setns: Operation not permitted [EPERM]\n`);
  });
});

describe('inside an unprivileged user namespace with its own network namespace (unshare -Urn)', () => {
  const steps: [string[], string][] = [
    [['endpoint', 'add', '10.0.0.1', 'id', '1', 'signal'], ''],
    [['endpoint', 'add', '10.0.0.2', 'id', '2', 'subflow', 'backup'], ''],
    [['endpoint', 'change', 'id', '2', 'fullmesh'], ''],
    [['endpoint', 'show'], '10.0.0.1 id 1 signal \n10.0.0.2 id 2 subflow fullmesh \n'],
    [['endpoint', 'delete', 'id', '1'], ''],
    [['limits', 'set', 'subflows', '3', 'add_addr_accepted', '2'], ''],
    [['-j', 'limits', 'show'], '{"add_addr_accepted":2,"subflows":3}\n'],
    [['monitor', '--timeout', '0.5'], ''],
    [['connection', 'show'], ''],
    [['endpoint', 'flush'], ''],
    [['endpoint', 'show'], ''],
  ];

  it('works fully as nobody: endpoints, limits, the monitor, connections', (t) => {
    const probe = spawnSync(NOBODY[0]!, [...NOBODY.slice(1), 'unshare', '-Urn', 'true']);
    if (probe.status !== 0) {
      // CI's machine is this kind of machine, where they are available: missing there is a failure.
      if (process.env['CI']) assert.fail(`unprivileged user namespaces are not available: ${probe.stderr.toString().trim()}`);
      t.skip(`unprivileged user namespaces are not available here: ${probe.stderr.toString().trim()}`);
      return;
    }
    // One shell in one fresh user+network namespace runs every step, printing a marker after each.
    const quote = (w: string): string => `'${w.replace(/'/g, `'\\''`)}'`;
    const script = steps
      .map(([args]) => `${[...cliCommand, ...args].map(quote).join(' ')}; echo "@@rc=$?"`)
      .concat('id -u; echo "@@"; ip mptcp endpoint show; echo "@@end"')
      .join('\n');
    const r = spawnSync(NOBODY[0]!, [...NOBODY.slice(1), 'unshare', '-Urn', 'sh', '-c', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', 'nothing on stderr');
    const parts = r.stdout.split(/@@rc=(\d+)\n/);
    for (const [i, [args, expected]] of steps.entries()) {
      assert.equal(parts[2 * i + 1], '0', `${args.join(' ')}: status ${parts[2 * i + 1]}`);
      assert.equal(parts[2 * i], expected, args.join(' '));
    }
    // Root only inside, and ip agrees with the final state; the namespaces go with the shell.
    assert.equal(parts.at(-1), '0\n@@\n@@end\n');
  });
});
