// Desired state: `mptcpctl config apply` of a file with 8 endpoints and limits into an empty
// namespace, against (a) what users run today, a shell script with one `ip mptcp` command per
// change (flush, 8 adds, limits; target: apply <= 1.0x its time) and (b) mptcpctl's own
// `endpoint show` (target <= 1.3x), interleaved in the same run, medians of RUNS (default 21).
// Then `config follow`: from an address added with `ip addr add` to its endpoint in a dump,
// median of FOLLOW_RUNS (default 50; target < 100 ms).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { benchEnv, fmt, makeNetns, median, ratio, timeOnce } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = `${root}bin/mptcpctl`;
const runs = Number(process.env.RUNS ?? 21);
const followRuns = Number(process.env.FOLLOW_RUNS ?? 50);
const work = mkdtempSync(join(tmpdir(), 'mptcpctl-bench-config-'));
const ns = makeNetns('config');
const ip = (...args) => execFileSync('ip', ['-n', ns.name, ...args], { encoding: 'utf8' });

const endpoints = Array.from({ length: 8 }, (_, i) => ({ address: `10.0.${i}.1`, id: i + 1, flags: i % 2 ? 'signal' : 'subflow' }));
const file = join(work, 'eight.yaml');
writeFileSync(file, `limits:\n  subflows: 4\n  add_addr_accepted: 4\nendpoints:\n${endpoints.map((e) => `  - address: ${e.address}\n    id: ${e.id}\n    flags: [${e.flags}]\n`).join('')}`);
const script = join(work, 'today.sh');
writeFileSync(
  script,
  `#!/bin/sh\nset -e\nip -n ${ns.name} mptcp endpoint flush\n${endpoints.map((e) => `ip -n ${ns.name} mptcp endpoint add ${e.address} id ${e.id} ${e.flags}\n`).join('')}ip -n ${ns.name} mptcp limits set subflows 4 add_addr_accepted 4\n`,
);
const empty = () => {
  ip('mptcp', 'endpoint', 'flush');
  ip('mptcp', 'limits', 'set', 'subflows', '0', 'add_addr_accepted', '0');
};
const wanted = endpoints.map((e) => `${e.address} id ${e.id} ${e.flags} \n`).join('');
const check = (what) => {
  if (ip('mptcp', 'endpoint', 'show') !== wanted || ip('mptcp', 'limits', 'show') !== 'add_addr_accepted 4 subflows 4 \n') throw new Error(`${what} did not make the state`);
};

try {
  ip('link', 'set', 'lo', 'up');
  const t = { script: [], apply: [], show: [] };
  for (let i = 0; i < runs; i++) {
    empty();
    t.script.push(timeOnce('sh', [script]));
    check('the shell script');
    empty();
    t.apply.push(timeOnce(bin, ['-n', ns.name, 'config', 'apply', file]));
    check('config apply');
    t.show.push(timeOnce(bin, ['-n', ns.name, 'endpoint', 'show']));
  }
  const [s, a, e] = [median(t.script), median(t.apply), median(t.show)];
  console.log(`config apply of 8 endpoints + limits into an empty namespace, medians of ${runs} interleaved runs (node ${process.version})`);
  console.log(`  shell script (flush, 8 x ip mptcp endpoint add, limits set): ${fmt(s)}`);
  console.log(`  mptcpctl endpoint show (8 endpoints):                       ${fmt(e)}`);
  console.log(`  mptcpctl config apply:                                      ${fmt(a)} = ${ratio(a, s)} the script (target <= 1.0x), ${ratio(a, e)} endpoint show (target <= 1.3x)`);

  // follow: one interface, one rule; each round adds an address and waits for its endpoint.
  ip('link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth9');
  ip('link', 'set', 'eth0', 'up');
  ip('link', 'set', 'eth9', 'up');
  ip('mptcp', 'endpoint', 'flush');
  const rules = join(work, 'follow.yaml');
  writeFileSync(rules, 'rules:\n  - interfaces: [eth0]\n    family: ipv4\n');
  const follower = spawn(bin, ['-n', ns.name, '-j', 'config', 'follow', rules, '--resync', '0'], { env: benchEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((resolve, reject) => {
      createInterface({ input: follower.stdout }).on('line', (l) => l.includes('"ready"') && resolve());
      follower.once('exit', (code) => reject(new Error(`follow exited ${code}`)));
    });
    const { MptcpPm } = await import(`${root}build/src/index.js`);
    const pm = await MptcpPm.open({ netns: ns.name });
    const reactions = [];
    try {
      for (let i = 0; i < followRuns; i++) {
        const address = `10.9.${i >> 8}.${(i & 0xff) + 1}`;
        const start = process.hrtime.bigint();
        ip('addr', 'add', `${address}/16`, 'dev', 'eth0');
        while (!(await pm.listEndpoints()).some((x) => x.address === address)) {
          if (Number(process.hrtime.bigint() - start) / 1e6 > 5000) throw new Error(`no endpoint for ${address} after 5 s`);
        }
        reactions.push(Number(process.hrtime.bigint() - start) / 1e6);
        ip('addr', 'del', `${address}/16`, 'dev', 'eth0');
        while ((await pm.listEndpoints()).length) await new Promise((r) => setTimeout(r, 1));
      }
    } finally {
      await pm.close();
    }
    const sorted = [...reactions].sort((x, y) => x - y);
    console.log(`config follow: address added (from the start of \`ip addr add\`) to its endpoint in a dump, ${followRuns} rounds`);
    console.log(`  median ${fmt(median(reactions))} (target < 100 ms), min ${fmt(sorted[0])}, max ${fmt(sorted.at(-1))}`);
  } finally {
    follower.kill('SIGTERM');
  }
} finally {
  ns.remove();
  rmSync(work, { recursive: true, force: true });
}
