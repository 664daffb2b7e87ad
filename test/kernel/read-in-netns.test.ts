/** readInNetns: /proc/sys/net read from inside a named namespace, and the thread put back after. */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync } from 'node:fs';
import { readInNetns } from '../../src/sys/netns.js';
import { NetnsError } from '../../src/errors.js';
import { createNetns, deleteNetns, sysctl } from '../helpers/netns.js';

let one: string;
let zero: string;

before(() => {
  one = createNetns('rdone');
  zero = createNetns('rdzero');
  // Different values in the two, so a read from the wrong namespace cannot pass.
  sysctl(one, 'net.mptcp.pm_type', 1);
  sysctl(zero, 'net.mptcp.pm_type', 0);
});
after(() => {
  for (const ns of [one, zero]) if (ns) deleteNetns(ns);
});

it("reads each namespace's own /proc/sys/net value", () => {
  assert.equal(readInNetns(one, '/proc/sys/net/mptcp/pm_type'), '1\n');
  assert.equal(readInNetns(one, '/proc/sys/net/mptcp/path_manager'), 'userspace\n');
  assert.equal(readInNetns(zero, '/proc/sys/net/mptcp/pm_type'), '0\n');
  assert.equal(readInNetns(zero, '/proc/sys/net/mptcp/path_manager'), 'kernel\n');
});

it('returns the thread to its own namespace, also when the read fails', () => {
  const home = readlinkSync('/proc/thread-self/ns/net');
  readInNetns(one, '/proc/sys/net/mptcp/pm_type');
  assert.throws(() => readInNetns(one, '/proc/sys/net/mptcp/no_such_sysctl'), { code: 'ENOENT' });
  assert.equal(readlinkSync('/proc/thread-self/ns/net'), home);
  assert.equal(readInNetns(undefined, '/proc/sys/net/mptcp/pm_type'), readFileSync('/proc/sys/net/mptcp/pm_type', 'utf8'));
});

it('names a namespace that does not exist', () => {
  assert.throws(() => readInNetns('mpc-no-such-namespace', '/proc/sys/net/mptcp/pm_type'), NetnsError);
});
