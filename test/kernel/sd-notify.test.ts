/** sd_notify through the transport: a datagram to a path socket and to an abstract one (`@name`), as systemd may give either. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { sdNotify } from '../../src/cli/readiness.js';

/** A datagram listener (python) on `address` (a path, or \0name); resolves with the first datagram. */
async function listen(address: string, send: () => void): Promise<string> {
  const child = spawn('python3', ['-c', 'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1].replace("@","\\0",1))\nprint("bound",flush=True)\nprint(s.recv(4096).decode(),flush=True)', address]);
  try {
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    assert.equal((await lines.next()).value, 'bound');
    send();
    return (await lines.next()).value as string;
  } finally {
    child.kill('SIGKILL');
  }
}

test('READY=1 reaches a socket named by a path', { timeout: 10000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mptcpctl-notify-'));
  try {
    const path = join(dir, 'notify');
    assert.equal(await listen(path, () => assert.equal(sdNotify('READY=1', { NOTIFY_SOCKET: path }), true)), 'READY=1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('READY=1 reaches an abstract socket (@name)', { timeout: 10000 }, async () => {
  const name = `@mptcpctl-notify-${process.pid}`;
  assert.equal(await listen(name, () => sdNotify('READY=1', { NOTIFY_SOCKET: name })), 'READY=1');
});

test('without NOTIFY_SOCKET nothing is sent', () => {
  assert.equal(sdNotify('READY=1', {}), false);
});
