/**
 * ip's command line (issue 17), differential against the installed `ip` (6.1) in a throw-away
 * namespace: every global option ip accepts with `mptcp ... show` is accepted here with the same
 * output (and what ip refuses is refused), `-r` resolves as ip's does; and `endpoint change/show`
 * where ip's answer is wrong or unhelpful: the difference is asserted against ip itself.
 *
 * Results of ip 6.1 here (each with `mptcp endpoint show`, status 0 and the plain listing unless
 * said): -s -stats -statistics -st -d -de -details -N -Numeric -a -all -br -brief -h -hu -human
 * -human-readable -i -iec -4 -6 -0 -M -B -echo -force -fo -t -ts -p, -f inet|inet6|link|mpls|bridge,
 * -l N, -rc N; -r/-resolve: addresses as host names (127.0.0.1 -> localhost); refused (status 255):
 * -numeric -x -e -ec -in -44 -J -S -D -colour, -f bogus|ipx|dnet, -rc x. The 7.1 documentation
 * (ip-mptcp-compat.md) adds nothing for these options (only -o and -c, which 7.x changed).
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { addVethPair, createNetns, deleteNetns, ip } from '../helpers/netns.js';

let ns: string;

before(() => {
  ns = createNetns('ipcl');
  addVethPair(ns, 'd0', 'd1');
  ip(ns, 'addr', 'add', '10.0.1.1/24', 'dev', 'd0');
});
after(() => deleteNetns(ns));
beforeEach(() => ip(ns, 'mptcp', 'endpoint', 'flush'));

/** `ip -n NS OPTIONS mptcp ARGS` as run, whatever its status. */
function ipRun(options: string[], args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('ip', ['-n', ns, ...options, 'mptcp', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const accepted = [
  ['-s'], ['-stats'], ['-statistics'], ['-st'], ['-s', '-s'],
  ['-d'], ['-de'], ['-details'], ['--details'],
  ['-N'], ['-Numeric'], ['-a'], ['-all'], ['-br'], ['-brief'],
  ['-h'], ['-hu'], ['-human'], ['-human-readable'], ['-i'], ['-iec'],
  ['-4'], ['-6'], ['-0'], ['-M'], ['-B'], ['-echo'], ['-force'], ['-fo'],
  ['-t'], ['-ts'], ['-p'], ['--stats'],
  ['-f', 'inet'], ['-f', 'inet6'], ['-family', 'link'], ['-f', 'mpls'], ['-f', 'bridge'],
  ['-l', '1'], ['-loops', '3'], ['-rc', '100000'], ['-rcvbuf', '0x1000'],
  ['-s', '-d', '-N', '-a', '-br', '-iec', '-4', '-echo'],
];
const refused = [['-numeric'], ['-x'], ['-e'], ['-ec'], ['-in'], ['-44'], ['-J'], ['-S'], ['-D'], ['-colour'], ['-f', 'bogus'], ['-f', 'ipx'], ['-f', 'dnet'], ['-rc', 'x']];

describe('global options, differential against ip 6.1', () => {
  beforeEach(() => {
    ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.1', 'id', '1', 'signal');
    ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.2', 'id', '2', 'subflow', 'backup', 'dev', 'd0');
  });

  test('each option ip accepts with endpoint show and limits show: accepted, the same output', () => {
    for (const options of accepted) {
      for (const args of [['endpoint', 'show'], ['limits', 'show'], ['endpoint', 'show', 'id', '2']]) {
        const theirs = ipRun(options, args);
        const ours = runCli(['-n', ns, ...options, ...args]);
        const what = `${options.join(' ')} ${args.join(' ')}`;
        assert.equal(theirs.status, 0, `ip ${what}: ${theirs.stderr}`);
        assert.equal(ours.status, 0, `mptcpctl ${what}: ${ours.stderr}`);
        assert.equal(ours.stdout, theirs.stdout, what);
        assert.equal(ours.stderr, '', what);
      }
    }
  });

  test('-d is -details: no trace, no change to the output (as ip -d)', () => {
    const ours = runCli(['-n', ns, '-d', 'endpoint', 'show']);
    assert.deepEqual([ours.status, ours.stdout, ours.stderr], [0, ipRun(['-d'], ['endpoint', 'show']).stdout, '']);
    assert.equal(ours.stdout, '10.0.1.1 id 1 signal \n10.0.1.2 id 2 subflow backup dev d0 \n');
  });

  test('each option ip refuses: refused (status 2, one line), nothing printed on stdout', () => {
    for (const options of refused) {
      const theirs = ipRun(options, ['endpoint', 'show']);
      const ours = runCli(['-n', ns, ...options, 'endpoint', 'show']);
      assert.equal(theirs.status, 255, `ip ${options.join(' ')}`);
      assert.equal(ours.status, 2, `mptcpctl ${options.join(' ')}: ${ours.stderr}`);
      assert.equal(ours.stdout, '');
      assert.match(ours.stderr, /^mptcpctl: [^\n]+\n$/);
    }
  });

  test('-r / -resolve: addresses as the resolver names them, as ip -r (text and JSON)', () => {
    ip(ns, 'mptcp', 'endpoint', 'add', '127.0.0.1', 'id', '3', 'subflow');
    ip(ns, 'mptcp', 'endpoint', 'add', '::1', 'id', '4', 'signal');
    for (const options of [['-r'], ['-resolve'], ['-r', '-j'], ['-r', '-j', '-p']]) {
      const theirs = ipRun(options, ['endpoint', 'show']);
      const ours = runCli(['-n', ns, ...options, 'endpoint', 'show']);
      assert.equal(ours.status, 0, ours.stderr);
      assert.equal(ours.stdout, theirs.stdout, options.join(' '));
    }
    assert.match(runCli(['-n', ns, '-r', 'endpoint', 'show', 'id', '3']).stdout, /^localhost id 3 subflow \n$/);
    // Also as installed: bin/mptcpctl compiles the bundle as a script, where import() of a built-in fails.
    if (!process.env['MPTCPCTL_BIN']) {
      const installed = spawnSync(process.execPath, [resolve(repoRoot, 'bin/mptcpctl'), '-n', ns, '-r', 'endpoint', 'show'], { encoding: 'utf8' });
      assert.deepEqual([installed.status, installed.stdout, installed.stderr], [0, ipRun(['-r'], ['endpoint', 'show']).stdout, '']);
    }
    assert.match(runCli(['-n', ns, 'endpoint', 'show', 'id', '3']).stdout, /^127\.0\.0\.1 id 3 subflow \n$/);
  });
});

describe('endpoint change and show: where ip is wrong or unhelpful', () => {
  const show = (): string => ip(ns, 'mptcp', 'endpoint', 'show');

  test('change with neither id nor address: a usage error, nothing sent (ip sends it and the kernel refuses)', () => {
    ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.1', 'id', '1', 'subflow', 'fullmesh');
    const before = show();
    assert.equal(ipRun([], ['endpoint', 'change', 'backup']).status, 2, 'ip: the kernel refuses');
    const ours = runCli(['-n', ns, '--debug', 'endpoint', 'change', 'backup']);
    assert.equal(ours.status, 2);
    // Under --debug every request is traced: none was made.
    assert.equal(ours.stderr, 'mptcpctl: endpoint change needs the endpoint: "id ID" or its ADDRESS (`mptcpctl endpoint show` lists them)\n');
    assert.equal(show(), before);
  });

  test('change ADDRESS finds an endpoint that has a port (ip does not)', () => {
    ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.1', 'port', '10001', 'id', '5', 'signal');
    assert.equal(ipRun([], ['endpoint', 'change', '10.0.1.1', 'backup']).status, 2, 'ip: address not found');
    const ours = runCli(['-n', ns, '-v', 'endpoint', 'change', '10.0.1.1', 'backup']);
    assert.equal(ours.status, 0, ours.stderr);
    assert.equal(ours.stderr, 'changed endpoint 10.0.1.1 port 10001 id 5: nobackup -> backup\n');
    assert.equal(show(), '10.0.1.1 port 10001 id 5 signal backup \n');
  });

  test('several endpoints with ports share the address: the error names them; port or id says which', () => {
    ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.1', 'port', '10001', 'id', '5', 'signal');
    ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.1', 'port', '10002', 'id', '6', 'signal');
    const before = show();
    const ambiguous = runCli(['-n', ns, 'endpoint', 'change', '10.0.1.1', 'backup']);
    assert.equal(ambiguous.status, 2);
    assert.equal(ambiguous.stderr, 'mptcpctl: endpoint change 10.0.1.1: 2 endpoints have this address (id 5 port 10001, id 6 port 10002): add "port PORT" or use "id ID" to say which\n');
    assert.equal(show(), before);
    const chosen = runCli(['-n', ns, 'endpoint', 'change', '10.0.1.1', 'port', '10002', 'backup']);
    assert.equal(chosen.status, 0, chosen.stderr);
    assert.equal(show(), '10.0.1.1 port 10001 id 5 signal \n10.0.1.1 port 10002 id 6 signal backup \n');
  });

  test('an endpoint without a port beside ones with ports: the same one as ip changes', () => {
    const setUp = (): void => {
      ip(ns, 'mptcp', 'endpoint', 'flush');
      ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.1', 'port', '10001', 'id', '5', 'signal');
      ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.1', 'id', '7', 'subflow');
    };
    setUp();
    assert.equal(ipRun([], ['endpoint', 'change', '10.0.1.1', 'backup']).status, 0);
    const theirs = show();
    setUp();
    const ours = runCli(['-n', ns, '-v', 'endpoint', 'change', '10.0.1.1', 'backup']);
    assert.equal(ours.status, 0, ours.stderr);
    assert.equal(ours.stderr, 'changed endpoint 10.0.1.1 id 7: nobackup -> backup\n');
    assert.equal(show(), theirs);
  });

  test('-v says what changed, also by id and when nothing did', () => {
    ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.3', 'id', '3', 'subflow', 'backup');
    const cases: [string[], string][] = [
      [['id', '3', 'nobackup'], 'changed endpoint 10.0.1.3 id 3: backup -> nobackup\n'],
      [['id', '3', 'backup', 'fullmesh'], 'changed endpoint 10.0.1.3 id 3: nobackup -> backup, nofullmesh -> fullmesh\n'],
      [['id', '3', 'backup', 'fullmesh'], 'changed endpoint 10.0.1.3 id 3: unchanged (backup fullmesh)\n'],
      [['10.0.1.3'], 'changed endpoint 10.0.1.3 id 3: backup -> nobackup, fullmesh -> nofullmesh\n'],
    ];
    for (const [words, stderr] of cases) {
      const r = runCli(['-n', ns, '-v', 'endpoint', 'change', ...words]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, stderr, words.join(' '));
    }
    assert.equal(show(), '10.0.1.3 id 3 subflow \n');
  });

  test('show ADDRESS (where ip wants an id) names the mistake, not "id 0"', () => {
    ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.1', 'id', '1', 'signal');
    assert.equal(ipRun([], ['endpoint', 'show', '10.0.1.1']).status, 2, 'ip: the kernel looks up id 0');
    const r = runCli(['-n', ns, 'endpoint', 'show', '10.0.1.1']);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'mptcpctl: endpoint show looks an endpoint up by "id ID" only: "10.0.1.1" is an address (`mptcpctl endpoint show` lists every endpoint with its address)\n');
    // With an id, the other words are ignored as ip ignores them.
    assert.equal(runCli(['-n', ns, 'endpoint', 'show', 'id', '1', '10.0.9.9']).stdout, ip(ns, 'mptcp', 'endpoint', 'show', 'id', '1', '10.0.9.9'));
  });
});
