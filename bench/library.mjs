// Library: one GET_LIMITS round trip through MptcpPm.getLimits(), in-process, against the same
// request made by a minimal C program (bench/c/get_limits.c, built here with gcc); medians of
// 10,000 each, in the same namespace and run. Target: within 1.5x of C.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
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
  // Run before and after the JavaScript measurements, so a drift of the machine meanwhile shows.
  const runC = () => Number(execFileSync('ip', ['netns', 'exec', ns.name, program, String(count)], { encoding: 'utf8' }));
  const cBefore = runC();

  const { MptcpPm } = await import(join(root, 'build/src/index.js'));
  const pm = await MptcpPm.open({ netns: ns.name });

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
  let seq = 1;
  const viaTransport = () => {
    request.writeUInt32LE(seq++, 8);
    transport.send(request);
    if (transport.receiveNow().kind !== 'data' || transport.receiveNow().kind !== 'data') throw new Error('no reply and ACK queued after the send');
  };

  // And the floor under any koffi-based library: the C program's own three calls (sendto, then
  // recv twice, no sender address) made through koffi with nothing of ours around them.
  const koffi = createRequire(join(root, 'package.json'))('koffi');
  const libc = koffi.load('libc.so.6');
  const sendto = libc.func('intptr_t sendto(int, void *, size_t, int, void *, uint32_t)');
  const recv = libc.func('intptr_t recv(int, void *, size_t, int)');
  const kernel = Buffer.alloc(12);
  kernel.writeUInt16LE(16, 0); // AF_NETLINK, port 0: the kernel
  const answer = Buffer.allocUnsafeSlow(65536);
  const viaKoffi = () => {
    request.writeUInt32LE(seq++, 8);
    if (sendto(transport.fd, request, 20, 0, kernel, 12) !== 20) throw new Error('sendto failed');
    if (recv(transport.fd, answer, 65536, 0) <= 0 || recv(transport.fd, answer, 65536, 0) <= 0) throw new Error('recv failed');
  };

  // The three interleaved in rounds, so that the machine's drifts hit them alike; a warm-up
  // round first (JIT, buffers).
  const ROUNDS = 20;
  const samples = { library: [], transport: [], koffi: [] };
  const timeOne = async (fn) => {
    const start = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - start) / 1000;
  };
  const measured = { library: () => pm.getLimits(), transport: viaTransport, koffi: viaKoffi };
  for (let round = -1; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(measured)) {
      for (let i = 0; i < count / ROUNDS; i++) {
        const us = await timeOne(fn);
        if (round >= 0) samples[name].push(us);
      }
    }
  }
  await transport.close();
  await pm.close();
  const node = median(samples.library);
  const floor = median(samples.transport);
  const koffiFloor = median(samples.koffi);
  const cAfter = runC();
  const c = (cBefore + cAfter) / 2;
  console.log(`GET_LIMITS round trip, median of ${count} (node ${process.version})`);
  console.log(`  C (gcc -O2)                          ${c.toFixed(2)} us  (${cBefore.toFixed(2)} before, ${cAfter.toFixed(2)} after)`);
  console.log(`  mptcpctl library                     ${node.toFixed(2)} us  = ${ratio(node, c)} C`);
  console.log(`  transport alone (3 calls, no codec)  ${floor.toFixed(2)} us  = ${ratio(floor, c)} C`);
  console.log(`  koffi alone (C's 3 calls, bare)      ${koffiFloor.toFixed(2)} us  = ${ratio(koffiFloor, c)} C`);
} finally {
  ns.remove();
  rmSync(work, { recursive: true, force: true });
}
