// Library: one GET_LIMITS round trip through MptcpPm.getLimits(), in-process, against the same
// request made by a minimal C program (bench/c/get_limits.c, built here with gcc); medians of
// 10,000 each, in the same namespace and run. Target: within 1.5x of C.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeNetns, median, ratio } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const count = Number(process.env.COUNT ?? 10000);
const work = mkdtempSync(join(tmpdir(), 'mptcpctl-bench-c-'));
const ns = makeNetns('lib');
try {
  const program = join(work, 'get_limits');
  execFileSync('gcc', ['-O2', '-o', program, join(root, 'bench/c/get_limits.c')]);
  const c = Number(execFileSync('ip', ['netns', 'exec', ns.name, program, String(count)], { encoding: 'utf8' }));

  const { MptcpPm } = await import(join(root, 'build/src/index.js'));
  const pm = await MptcpPm.open({ netns: ns.name });
  for (let i = 0; i < 1000; i++) await pm.getLimits(); // warm-up: JIT, buffers
  const us = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await pm.getLimits();
    us.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  const node = median(us);

  // The floor under any library: the same three system calls (sendto, then recvfrom for the reply
  // and for the ACK) through the transport alone, with no request or reply handling.
  const { NetlinkTransport, NETLINK_GENERIC } = await import(join(root, 'build/src/netlink/transport.js'));
  const transport = NetlinkTransport.open(NETLINK_GENERIC, { netns: ns.name });
  const request = Buffer.alloc(20);
  request.writeUInt32LE(20, 0);
  request.writeUInt16LE(pm.family.id, 4);
  request.writeUInt16LE(0x01 | 0x04, 6); // NLM_F_REQUEST | NLM_F_ACK
  request[16] = 6; // MPTCP_PM_CMD_GET_LIMITS
  request[17] = 1;
  const roundTrip = (seq) => {
    request.writeUInt32LE(seq, 8);
    transport.send(request);
    if (transport.receiveNow().kind !== 'data' || transport.receiveNow().kind !== 'data') throw new Error('no reply and ACK queued after the send');
  };
  for (let i = 0; i < 1000; i++) roundTrip(i + 1);
  const raw = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    roundTrip(i + 1001);
    raw.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  await transport.close();
  await pm.close();
  const floor = median(raw);
  console.log(`GET_LIMITS round trip, median of ${count} (node ${process.version})`);
  console.log(`  C (gcc -O2)                          ${c.toFixed(2)} us`);
  console.log(`  mptcpctl library                     ${node.toFixed(2)} us  = ${ratio(node, c)} C`);
  console.log(`  transport alone (3 calls, no codec)  ${floor.toFixed(2)} us  = ${ratio(floor, c)} C`);
} finally {
  ns.remove();
  rmSync(work, { recursive: true, force: true });
}
