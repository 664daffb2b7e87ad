/**
 * Every example in README.md, run for real: each ```console block (format: test/helpers/readme.ts)
 * runs in order inside a throw-away namespace and its output must be what the README shows.
 * The README calls the namespaces `blue` (where the commands run) and `red` (the peer); each
 * scenario makes its own pair and substitutes their real names:
 *   network     blue: eth1 10.1.0.1/24, eth2 10.2.0.1/24 (+ 2001:db8:1::1); red: .2 on both.
 *               In-kernel path manager, no connection.
 *   connection  the same pair, plus an MPTCP server in red on port 10100 and a client in blue
 *               connected to 10.1.0.2 (started before the first such example).
 *   userspace   another such pair with the userspace path manager in both namespaces, an event
 *               subscriber in each (the kernel needs one), and the same connection.
 *   explain     another such pair where blue has a subflow endpoint 10.2.0.1 on eth2 and the
 *               subflows limit 0, and the same connection.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MptcpPm } from '../../src/index.js';
import { EventLog } from '../helpers/events.js';
import { startClient, startServer, type Peer } from '../helpers/mptcp.js';
import { createNetns, deleteNetns, ip, sysctl } from '../helpers/netns.js';
import { repoRoot } from '../helpers/paths.js';
import { matchOutput, readmeExamples, substitute } from '../helpers/readme.js';
import { shimDirectory } from '../helpers/shells.js';

const PORT = 10100;
const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8');
const examples = readmeExamples(readme, 'network');
const work = mkdtempSync(join(tmpdir(), 'mptcpctl-readme-'));

interface Pair {
  blue: string;
  red: string;
}
const namespaces: string[] = [];
const peers: Peer[] = [];
const pms: MptcpPm[] = [];
const logs: EventLog[] = [];

after(async () => {
  for (const log of logs) await log.stop();
  for (const pm of pms) await pm.close();
  for (const peer of peers) await peer.stop();
  for (const ns of namespaces) deleteNetns(ns);
  rmSync(work, { recursive: true, force: true });
});

/** blue and red joined by eth1 (10.1.0.0/24) and eth2 (10.2.0.0/24). */
function makePair(prefix: string): Pair {
  const blue = createNetns(`${prefix}b`);
  namespaces.push(blue);
  const red = createNetns(`${prefix}r`);
  namespaces.push(red);
  for (const [i, dev] of ['eth1', 'eth2'].entries()) {
    execFileSync('ip', ['-n', blue, 'link', 'add', dev, 'type', 'veth', 'peer', 'name', dev, 'netns', red]);
    ip(blue, 'addr', 'add', `10.${i + 1}.0.1/24`, 'dev', dev);
    ip(red, 'addr', 'add', `10.${i + 1}.0.2/24`, 'dev', dev);
    ip(blue, 'link', 'set', dev, 'up');
    ip(red, 'link', 'set', dev, 'up');
  }
  ip(blue, 'addr', 'add', '2001:db8:1::1/64', 'dev', 'eth1', 'nodad');
  ip(red, 'addr', 'add', '2001:db8:1::2/64', 'dev', 'eth1', 'nodad');
  return { blue, red };
}

async function connect(pair: Pair): Promise<void> {
  peers.push(await startServer(pair.red, '0.0.0.0', PORT));
  peers.push(await startClient(pair.blue, '10.1.0.2', PORT));
}

let network: Pair | undefined;
let connected = false;
let userspace: Pair | undefined;
let explained: Pair | undefined;

const scenarios: Record<string, () => Promise<Pair>> = {
  async network() {
    network ??= makePair('rm');
    return network;
  },
  async connection() {
    const pair = await scenarios['network']!();
    if (!connected) await connect(pair);
    connected = true;
    return pair;
  },
  async explain() {
    if (explained) return explained;
    const pair = makePair('rx');
    ip(pair.blue, 'mptcp', 'limits', 'set', 'subflows', '0');
    ip(pair.blue, 'mptcp', 'endpoint', 'add', '10.2.0.1', 'dev', 'eth2', 'id', '1', 'subflow');
    await connect(pair);
    explained = pair;
    return pair;
  },
  async userspace() {
    if (userspace) return userspace;
    const pair = makePair('ru');
    for (const ns of [pair.blue, pair.red]) {
      sysctl(ns, 'net.mptcp.pm_type', 1);
      const pm = await MptcpPm.open({ netns: ns });
      pms.push(pm);
      logs.push(await EventLog.start(pm, ns));
    }
    await connect(pair);
    userspace = pair;
    return pair;
  },
};

/** The README's namespace names -> this run's, as whole words. */
const rename = (text: string, pair: Pair): string => text.replace(/\bblue\b/g, pair.blue).replace(/\bred\b/g, pair.red);

function run(command: string, pair: Pair): string {
  // connection explain keeps its counters from run to run: here in the work directory, removed at the end.
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${shimDirectory()}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, MPTCPCTL_STATE_DIR: join(work, 'state') };
  delete env['FORCE_COLOR'];
  delete env['NO_COLOR'];
  // Standard error joins standard output for the whole line, as a terminal shows them.
  const r = spawnSync('ip', ['netns', 'exec', pair.blue, 'sh', '-c', `exec 2>&1\n${command}`], { cwd: work, env, encoding: 'utf8', timeout: 60_000 });
  return r.stdout;
}

describe('README examples', () => {
  test('there are examples for every command group', () => {
    const all = examples.flatMap((e) => e.commands.map((c) => c.command)).join('\n');
    for (const group of ['endpoint add', 'endpoint show', 'endpoint change', 'endpoint delete', 'endpoint flush', 'limits set', 'limits show', 'connection show', 'connection explain', 'subflow show', 'announce', 'remove', 'subflow create', 'subflow destroy', 'completion', ' -b ', 'node example.mjs', 'config diff', 'config apply']) {
      assert.ok(all.includes(group), group);
    }
  });

  const learnt = new Map<string, string>();
  for (const example of examples) {
    test(`README line ${example.line} (${example.scenario}): ${example.commands[0]?.command ?? ''}`, async () => {
      const setUp = scenarios[example.scenario];
      assert.ok(setUp, `unknown scenario "${example.scenario}" (known: ${Object.keys(scenarios).join(', ')})`);
      const pair = await setUp();
      if (example.script !== undefined) {
        writeFileSync(join(work, 'example.mjs'), rename(example.script, pair).replace(/from 'mptcpctl'/g, `from '${resolve(repoRoot, 'build/src/index.js')}'`));
      }
      for (const file of example.files ?? []) writeFileSync(join(work, file.name), rename(file.text, pair));
      for (const c of example.commands) {
        const command = rename(substitute(c.command, learnt), pair);
        const actual = run(command, pair);
        const result = matchOutput(c.expected.map((l) => rename(l, pair)), actual, learnt);
        assert.ok(result.ok, `README line ${c.line}: $ ${c.command}\n${result.ok ? '' : result.why}\n--- actual output:\n${actual}`);
        for (const [k, v] of result.learnt) learnt.set(k, v);
      }
    });
  }
});
