/**
 * The endpoint and limits commands against the real kernel, checked with the installed `ip`
 * (6.1) as an independent oracle: configure with one tool and read back with the other.
 * 6.1 and 7.1 print endpoints alike except for the laminar/implicit flags, which are left out here
 * (the golden replay covers them against 7.1).
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliCommand, runCli } from '../helpers/cli.js';
import { addVethPair, createNetns, deleteNetns, ip } from '../helpers/netns.js';

let ns: string;
const work = mkdtempSync(join(tmpdir(), 'mptcpctl-endpoint-'));
const cli = (...args: string[]) => runCli(['-n', ns, ...args]);
const ok = (...args: string[]) => {
  const r = cli(...args);
  assert.equal(r.status, 0, `mptcpctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

before(() => {
  ns = createNetns('ep');
  addVethPair(ns, 'veth0', 'veth1');
  ip(ns, 'addr', 'add', '10.0.1.1/24', 'dev', 'veth0');
  ip(ns, 'addr', 'add', '2001:db8:1::1/64', 'dev', 'veth0', 'nodad');
});
after(() => {
  deleteNetns(ns);
  rmSync(work, { recursive: true, force: true });
});
beforeEach(() => ip(ns, 'mptcp', 'endpoint', 'flush'));

/** Configurations written as endpoint add arguments (no laminar/implicit: 6.1 prints them raw). */
const configurations: string[][] = [
  ['10.0.1.1'],
  ['10.0.1.1 signal', '10.0.1.2 subflow backup dev veth0', '2001:db8:1::1 signal backup port 10002 id 43'],
  ['10.0.1.4 subflow fullmesh id 200', '10.0.1.5 signal subflow backup', '::ffff:10.0.1.18', '2001:db8:2::5 subflow backup fullmesh dev veth1'],
  Array.from({ length: 8 }, (_, i) => `10.0.2.${i + 1} ${['signal', 'subflow', 'subflow backup', 'subflow fullmesh'][i % 4]} id ${i * 30 + 1}`),
];

describe('differential against ip 6.1', () => {
  for (const [n, config] of configurations.entries()) {
    test(`configured with mptcpctl, read back by ip (configuration ${n + 1})`, () => {
      for (const line of config) ok('endpoint', 'add', ...line.split(' '));
      assert.equal(ok('endpoint', 'show'), ip(ns, 'mptcp', 'endpoint', 'show'));
      assert.equal(ok('-j', 'endpoint', 'show'), ip(ns, '-j', 'mptcp', 'endpoint', 'show'));
      assert.equal(ok('-j', '-p', 'endpoint', 'show'), ip(ns, '-j', '-p', 'mptcp', 'endpoint', 'show'));
    });
    test(`configured with ip, read back by mptcpctl (configuration ${n + 1})`, () => {
      for (const line of config) ip(ns, 'mptcp', 'endpoint', 'add', ...line.split(' '));
      const ids = (JSON.parse(ip(ns, '-j', 'mptcp', 'endpoint', 'show')) as { id: number }[]).map((e) => e.id);
      for (const id of ids) {
        assert.equal(ok('endpoint', 'show', 'id', String(id)), ip(ns, 'mptcp', 'endpoint', 'show', 'id', String(id)));
      }
      assert.equal(ok('endpoint', 'show'), ip(ns, 'mptcp', 'endpoint', 'show'));
    });
  }

  test('change, delete and flush leave what ip sees', () => {
    ok('endpoint', 'add', '10.0.1.4', 'subflow', 'backup', 'fullmesh', 'id', '4');
    ok('endpoint', 'add', '10.0.1.5', 'signal', 'id', '5');
    ok('endpoint', 'change', 'id', '4', 'backup'); // replaces fullmesh too
    assert.equal(ip(ns, 'mptcp', 'endpoint', 'show', 'id', '4'), '10.0.1.4 id 4 subflow backup \n');
    ok('endpoint', 'change', '10.0.1.5', 'backup');
    assert.equal(ip(ns, 'mptcp', 'endpoint', 'show', 'id', '5'), '10.0.1.5 id 5 signal backup \n');
    ok('endpoint', 'delete', 'id', '4');
    assert.equal(ip(ns, 'mptcp', 'endpoint', 'show'), '10.0.1.5 id 5 signal backup \n');
    ok('endpoint', 'flush');
    assert.equal(ip(ns, 'mptcp', 'endpoint', 'show'), '');
  });

  test('limits both ways', () => {
    ok('limits', 'set', 'subflows', '5', 'add_addr_accepted', '3');
    assert.equal(ip(ns, 'mptcp', 'limits', 'show'), 'add_addr_accepted 3 subflows 5 \n');
    ip(ns, 'mptcp', 'limits', 'set', 'subflows', '1', 'add_addr_accepted', '7');
    assert.equal(ok('limits', 'show'), ip(ns, 'mptcp', 'limits', 'show'));
    assert.deepEqual(JSON.parse(ok('-j', 'limits', 'show')), { add_addr_accepted: 7, subflows: 1 });
    // The kernel refuses more than 8 (MPTCP_PM_ADDR_MAX) and changes neither value: so does the grammar, before sending.
    assert.throws(() => ip(ns, 'mptcp', 'limits', 'set', 'add_addr_accepted', '1', 'subflows', '9'), /limit greater than maximum \(8\)/);
    assert.equal(ip(ns, 'mptcp', 'limits', 'show'), 'add_addr_accepted 7 subflows 1 \n', 'the kernel changed nothing');
    for (const value of ['9', '4294967297']) {
      const refused = cli('limits', 'set', 'add_addr_accepted', '1', 'subflows', value);
      assert.equal(refused.status, 2);
      assert.equal(refused.stderr, `mptcpctl: invalid subflows "${value}": must be from 0 to 8\n`);
    }
    assert.equal(ip(ns, 'mptcp', 'limits', 'show'), 'add_addr_accepted 7 subflows 1 \n', 'a refused set changes nothing');
  });

  test('kernel refusals carry the extack text, the errno name and a hint', () => {
    ok('endpoint', 'add', '10.0.1.1', 'id', '1');
    const cases: [string[], string][] = [
      [
        ['endpoint', 'add', '10.0.1.1'],
        `mptcpctl: kernel refused ADD_ADDR: too many addresses or duplicate one: -17 (EEXIST): 10.0.1.1 is already endpoint id 1 (a duplicate address, not a duplicate id); mptcpctl -n ${ns} endpoint delete id 1 removes it first\n`,
      ],
      [
        ['endpoint', 'add', '10.0.1.9', 'id', '1'],
        'mptcpctl: kernel refused ADD_ADDR: too many addresses or duplicate one: -16 (EBUSY): id 1 is already used by 10.0.1.1 (a duplicate id, not a duplicate address): choose another id, or leave id out and the kernel picks a free one\n',
      ],
      [['endpoint', 'delete', 'id', '99'], `mptcpctl: kernel refused DEL_ADDR: address not found (EINVAL): no endpoint has id 99 (ids in use: 1); \`mptcpctl -n ${ns} endpoint show\` lists them\n`],
      [
        ['endpoint', 'add', '10.0.9.9', 'signal', 'port', '10009'],
        `mptcpctl: kernel refused ADD_ADDR: create listen socket error: -99 (EADDRNOTAVAIL): 10.0.9.9 is not configured in namespace "${ns}"; an endpoint with a port makes the kernel listen on it, so add the address first (ip -n ${ns} addr add 10.0.9.9/24 dev IFNAME)\n`,
      ],
    ];
    for (const [args, stderr] of cases) {
      const r = cli(...args);
      assert.equal(r.status, 1, args.join(' '));
      assert.equal(r.stderr, stderr);
    }
  });
});

describe('terminal output', () => {
  /** Runs mptcpctl under a pseudo-terminal (util-linux script) and returns what the terminal got. */
  function onTerminal(env: Record<string, string>, ...args: string[]): string {
    const command = [...cliCommand, '-n', ns, ...args].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env, TERM: 'xterm' } });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  }

  test('a table with colours on a terminal', () => {
    ok('endpoint', 'add', '10.0.1.1', 'signal', 'id', '1');
    ok('endpoint', 'add', '2001:db8:1::1', 'subflow', 'dev', 'veth0', 'id', '2');
    const screen = onTerminal({}, 'endpoint', 'show');
    assert.match(screen, /ID.*ADDRESS.*PORT.*FLAGS.*DEV/);
    assert.match(screen, /┌/);
    assert.match(screen, /\x1b\[[0-9;]*m/, 'coloured');
    assert.match(screen.replace(/\x1b\[[0-9;]*m/g, ''), /│ 2 +│ 2001:db8:1::1 +│ +│ subflow +│ veth0 +│/);
  });

  test('NO_COLOR: the same table without colours', () => {
    ok('endpoint', 'add', '10.0.1.1', 'signal', 'id', '1');
    const screen = onTerminal({ NO_COLOR: '1' }, 'endpoint', 'show');
    assert.match(screen, /│ 1 +│ 10\.0\.1\.1 +│ +│ signal +│ +│/);
    assert.doesNotMatch(screen, /\x1b\[[0-9;]*m/);
  });

  test('--format text on a terminal is ip text', () => {
    ok('endpoint', 'add', '10.0.1.1', 'signal', 'id', '1');
    assert.equal(onTerminal({ NO_COLOR: '1' }, '--format', 'text', 'endpoint', 'show').replace(/\r\n/g, '\n'), '10.0.1.1 id 1 signal \n');
  });

  test('-c always in text: ip 7.x colours', () => {
    ok('endpoint', 'add', '10.0.1.3', 'subflow', 'dev', 'veth0', 'id', '3');
    assert.equal(ok('-c', 'always', 'endpoint', 'show'), '\x1b[1;35m10.0.1.3 \x1b[0mid 3 subflow dev \x1b[1;36mveth0 \x1b[0m\n');
  });
});

describe('batch mode', () => {
  const lines = (n: number): string[] =>
    Array.from({ length: n }, (_, i) => (i % 2 === 0 ? `endpoint add 10.0.${(i >> 8) & 0xff}.${(i & 0xfe) + 1} id ${(i % 200) + 1} subflow` : `endpoint delete id ${((i - 1) % 200) + 1}`));

  test('5,000 lines leave the same state as ip -batch', () => {
    const batch = [...lines(5000), 'endpoint add 10.9.9.9 id 9 signal', 'limits set subflows 3'];
    const file = join(work, 'batch.txt');
    writeFileSync(file, `${batch.join('\n')}\n`);
    const ipFile = join(work, 'ip-batch.txt');
    writeFileSync(ipFile, `${batch.map((l) => `mptcp ${l}`).join('\n')}\n`);

    ok('-b', file);
    const ours = [ip(ns, 'mptcp', 'endpoint', 'show'), ip(ns, 'mptcp', 'limits', 'show')];
    ip(ns, 'mptcp', 'endpoint', 'flush');
    ip(ns, 'mptcp', 'limits', 'set', 'subflows', '2');
    execFileSync('ip', ['-n', ns, '-batch', ipFile]);
    assert.deepEqual(ours, [ip(ns, 'mptcp', 'endpoint', 'show'), ip(ns, 'mptcp', 'limits', 'show')]);
    assert.equal(ours[0], '10.9.9.9 id 9 signal \n');
  });

  test('stops at the first failing line and names it', () => {
    const file = join(work, 'bad.txt');
    writeFileSync(file, '# setup\nmptcpctl endpoint add 10.0.1.1 id 1\n\nendpoint add 10.0.1.2 id 1\nendpoint add 10.0.1.3 id 3\n');
    const r = runCli(['-n', ns, '-b', file]);
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      `mptcpctl: ${file}:4: kernel refused ADD_ADDR: too many addresses or duplicate one: -16 (EBUSY): id 1 is already used by 10.0.1.1 (a duplicate id, not a duplicate address): choose another id, or leave id out and the kernel picks a free one\n`,
    );
    assert.equal(ip(ns, 'mptcp', 'endpoint', 'show'), '10.0.1.1 id 1 \n', 'line 5 was not run');
  });

  test('--force runs every line and fails at the end', () => {
    const r = runCli(['-n', ns, '--force', '-b', '-'], { input: 'endpoint add 10.0.1.1 id 1\nendpoint add 10.0.1.1 singal\nendpoint add 10.0.1.3 id 3\n' });
    // 1, not 2: lines 1 and 3 were sent (2 promises that nothing was), as README and the man page say.
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'mptcpctl: -:2: unknown word "singal": did you mean "signal"?\n');
    assert.equal(ip(ns, 'mptcp', 'endpoint', 'show'), '10.0.1.1 id 1 \n10.0.1.3 id 3 \n');
  });
});
