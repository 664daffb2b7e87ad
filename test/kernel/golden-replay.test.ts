/**
 * Differential test against iproute2 7.1: runs test/fixtures/ip-golden/make.sh (the script that recorded
 * ip 7.1's outputs) with mptcpctl standing in for `ip ... mptcp ...`, in a fresh namespace, and
 * compares every case with ip 7.1's recorded stdout and exit status.
 *
 * Exit statuses are compared by class: ip's 255 (usage) and 1 (bad address) are mptcpctl's 2,
 * ip's 2 (kernel refusal) is mptcpctl's 1. The few intentional differences are listed below.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliBundle, fixturesDir } from '../helpers/paths.js';
import { deleteNetns, uniqueNetnsName } from '../helpers/netns.js';

const goldenDir = join(fixturesDir, 'ip-golden');
const ip71 = join(goldenDir, 'ip-7.1.0', 'cases');

/** ip's exit status -> the class mptcpctl uses. */
function expectedStatus(ipStatus: number): number {
  if (ipStatus === 0) return 0;
  if (ipStatus === 2) return 1; // the kernel refused
  return 2; // 255: usage; 1: an address ip could not parse
}

/** Cases where mptcpctl differs on purpose, with the reason (README "Differences from ip mptcp"). */
const intentional: Record<string, { status: number; stdout?: 'any' | 'json-limits'; why: string }> = {
  'usage-help': { status: 0, stdout: 'any', why: 'help is a success and goes to stdout' },
  'usage-help-abbrev': { status: 0, stdout: 'any', why: 'help is a success and goes to stdout' },
  'err-kernel-default-addr': { status: 2, why: '`default` is not an endpoint address: refused before sending' },
  'err-kernel-any-addr': { status: 2, why: '`any` is not an endpoint address: refused before sending' },
  'err-show-by-address': { status: 2, why: 'endpoint show selects by id only (ip sends id 0 for the kernel to refuse): refused before sending' },
  'err-change-no-id-no-addr': { status: 2, why: 'endpoint change without ADDRESS or id (ip sends id 0 for the kernel to refuse): refused before sending' },
  'err-limits-one-bad': { status: 2, why: 'a limit above 8 (the kernel\'s maximum) is refused before sending' },
  'err-limits-u32-max': { status: 2, why: 'a limit above 8 (the kernel\'s maximum) is refused before sending' },
  'err-limits-over-max': { status: 2, why: 'a limit above 8 (the kernel\'s maximum) is refused before sending' },
  'err-limits-accept-over-max': { status: 2, why: 'a limit above 8 (the kernel\'s maximum) is refused before sending' },
  'limits-show-default-json': { status: 0, stdout: 'json-limits', why: 'limits under -j are a JSON object' },
  'limits-show-default-json-pretty': { status: 0, stdout: 'json-limits', why: 'limits under -j are a JSON object' },
  'limits-show-after-set-json': { status: 0, stdout: 'json-limits', why: 'limits under -j are a JSON object' },
  'limits-show-after-set-json-pretty': { status: 0, stdout: 'json-limits', why: 'limits under -j are a JSON object' },
  'limits-show-zero-json': { status: 0, stdout: 'json-limits', why: 'limits under -j are a JSON object' },
  'limits-show-zero-json-pretty': { status: 0, stdout: 'json-limits', why: 'limits under -j are a JSON object' },
};

interface Case {
  slug: string;
  stdout: string;
  stderr: string;
  status: number;
}

function readCases(dir: string): Map<string, Case> {
  const cases = new Map<string, Case>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.rc'))) {
    const base = file.slice(0, -3);
    const slug = base.replace(/^\d+-/, '');
    cases.set(slug, {
      slug,
      stdout: readFileSync(join(dir, `${base}.stdout`), 'utf8'),
      stderr: readFileSync(join(dir, `${base}.stderr`), 'utf8'),
      status: Number(readFileSync(join(dir, file), 'utf8')),
    });
  }
  return cases;
}

describe('ip 7.1 golden cases, replayed with mptcpctl', () => {
  const work = mkdtempSync(join(tmpdir(), 'mptcpctl-golden-'));
  const netns = uniqueNetnsName('golden');
  let ours: Map<string, Case>;
  const golden = readCases(ip71);

  before(() => {
    // Stands in for ip: `... mptcp ...` goes to mptcpctl, everything else (links, addresses) to ip.
    const wrapper = join(work, 'ip');
    writeFileSync(
      wrapper,
      `#!/bin/sh
for a in "$@"; do case "$a" in mptcp|mp) exec "${process.execPath}" "${cliBundle}" "$@";; esac; done
exec ip "$@"
`,
    );
    chmodSync(wrapper, 0o755);
    execFileSync('bash', [join(goldenDir, 'make.sh')], {
      env: { ...process.env, IP: wrapper, IP_NEW: '/nonexistent', NS: netns, OUT: join(work, 'out') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    ours = readCases(join(work, 'out', 'cases'));
  });

  after(() => {
    deleteNetns(netns); // make.sh deletes it too; this covers an interrupted run
    rmSync(work, { recursive: true, force: true });
  });

  test('every 7.1 case was replayed', () => {
    assert.deepEqual([...golden.keys()].filter((slug) => !ours.has(slug)), []);
  });

  for (const [slug, ip] of golden) {
    test(slug, () => {
      const mine = ours.get(slug);
      assert.ok(mine, `case ${slug} missing`);
      const special = intentional[slug];
      const wantStatus = special?.status ?? expectedStatus(ip.status);
      assert.equal(mine.status, wantStatus, `exit status (ip: ${ip.status}); stderr: ${mine.stderr}`);
      if (special?.stdout === 'json-limits') {
        const m = /^add_addr_accepted (\d+) subflows (\d+) \n$/.exec(ip.stdout);
        assert.ok(m, 'golden limits line');
        assert.deepEqual(JSON.parse(mine.stdout), { add_addr_accepted: Number(m[1]), subflows: Number(m[2]) });
      } else if (special?.stdout !== 'any') {
        assert.equal(mine.stdout, ip.stdout, 'stdout byte for byte');
      }
      if (mine.status !== 0) {
        assert.match(mine.stderr, /^mptcpctl: [^\n]+\n$/, 'errors are one line on stderr');
      }
    });
  }
});
