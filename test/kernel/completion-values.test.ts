/**
 * Completion values that live in the kernel, through the real shells: endpoint ids, interface
 * names, connection tokens and namespace names, read in a throw-away namespace pair with a live
 * MPTCP connection. The scripts are the committed ones (completions/), run against the CLI under
 * test (the bundle, or the binary under MPTCPCTL_BIN).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startClient, startServer, type Peer } from '../helpers/mptcp.js';
import { createNetnsPair, deleteNetns, ip, type NetnsPair } from '../helpers/netns.js';
import { repoRoot } from '../helpers/paths.js';
import { candidates, hasShell, type ShellName } from '../helpers/shells.js';

const PORT = 10100;
const scripts: Record<ShellName, string> = {
  bash: readFileSync(resolve(repoRoot, 'completions/mptcpctl.bash'), 'utf8'),
  zsh: readFileSync(resolve(repoRoot, 'completions/_mptcpctl'), 'utf8'),
  fish: readFileSync(resolve(repoRoot, 'completions/mptcpctl.fish'), 'utf8'),
};

let pair: NetnsPair | undefined;
const peers: Peer[] = [];
let tokens: string[] = [];

before(async () => {
  pair = createNetnsPair('cv', 1);
  ip(pair.a, 'mptcp', 'endpoint', 'add', '10.1.0.1', 'id', '3', 'signal');
  ip(pair.a, 'mptcp', 'endpoint', 'add', '10.9.0.1', 'id', '7', 'subflow');
  peers.push(await startServer(pair.b, '0.0.0.0', PORT));
  peers.push(await startClient(pair.a, pair.links[0]!.b4, PORT));
  const shown = runCli(['-n', pair.a, 'connection', 'show']);
  assert.equal(shown.status, 0, shown.stderr);
  tokens = [...shown.stdout.matchAll(/^token ([0-9a-f]{8}) /gm)].map((m) => m[1]!).filter((t) => t !== '00000000');
  assert.equal(tokens.length, 1, shown.stdout);
});

after(async () => {
  for (const peer of peers) await peer.stop();
  if (pair) for (const ns of [pair.a, pair.b]) deleteNetns(ns);
});

describe('mptcpctl __complete', () => {
  const values = (...args: string[]) => {
    const r = runCli(['__complete', ...args]);
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
    return r.stdout.split('\n').filter(Boolean);
  };

  test('ids: the endpoints of the namespace', () => assert.deepEqual(values('ids', pair!.a), ['3', '7']));
  test('devs: its interfaces', () => assert.deepEqual(values('devs', pair!.a).sort(), ['lo', 'va0']));
  test('tokens: its connections, as connection show prints them (listeners left out)', () => assert.deepEqual(values('tokens', pair!.a), tokens));
  test('netns: the named namespaces', () => assert.ok(values('netns').includes(pair!.a)));
  test('events: the monitor event names', () => assert.ok(values('events').includes('sf_established')));
  test('never fails loudly: an unknown namespace, kind or nothing at all print nothing and exit 0', () => {
    assert.deepEqual(values('ids', 'mpc-no-such-namespace'), []);
    assert.deepEqual(values('bogus'), []);
    assert.deepEqual(values(), []);
  });
});

for (const shell of ['bash', 'zsh', 'fish'] as const) {
  describe(`${shell} completes values from the kernel`, { skip: hasShell(shell) ? false : `${shell} is not installed (.ci/run installs it)` }, () => {
    const offer = (...words: string[]) => candidates(shell, scripts[shell], ['mptcpctl', '-n', pair!.a, ...words]).sort();

    test('endpoint delete id | change id | show id: endpoint ids', () => {
      assert.deepEqual(offer('endpoint', 'delete', 'id', ''), ['3', '7']);
      assert.deepEqual(offer('endpoint', 'change', 'id', ''), ['3', '7']);
      assert.deepEqual(offer('e', 's', 'id', '7'), ['7']);
    });
    test('dev: interface names', () => {
      assert.deepEqual(offer('endpoint', 'add', '10.1.0.1', 'dev', ''), ['lo', 'va0']);
      assert.deepEqual(offer('announce', '10.1.0.1', 'dev', 'v'), ['va0']);
    });
    test('token: connection tokens', () => {
      assert.deepEqual(offer('connection', 'show', 'token', ''), tokens);
      assert.deepEqual(offer('subflow', 'create', 'token', ''), tokens);
      assert.deepEqual(offer('monitor', '--token', ''), tokens);
    });
    test('-n: namespace names', () => {
      assert.ok(candidates(shell, scripts[shell], ['mptcpctl', '-n', 'mpc-cv']).includes(pair!.a));
    });
  });
}
