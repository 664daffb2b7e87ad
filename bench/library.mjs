// Library: one GET_LIMITS round trip through MptcpPm.getLimits(), in-process, against the same
// request made by a minimal C program (bench/c/get_limits.c, built here with gcc); medians of
// 10,000 each, in the same namespace and run. The library asks for no ACK, as ip does (the reply
// is the answer: send + one receive); the C program is run both ways. The floor under any
// koffi-based library is koffi making the same calls with nothing of ours around them.
// Targets: within 1.25x of koffi making the library's own calls (issue #17), within 1.5x of C.
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
  const runC = (...how) => Number(execFileSync('ip', ['netns', 'exec', ns.name, program, String(count), ...how], { encoding: 'utf8' }));
  const cBefore = { ack: runC(), reply: runC('reply') };

  const { MptcpPm } = await import(join(root, 'build/src/index.js'));
  const pm = await MptcpPm.open({ netns: ns.name });

  // The library's two system calls (send, then recv of the reply) through the transport alone,
  // with no request or reply handling.
  const { NetlinkTransport, NETLINK_GENERIC } = await import(join(root, 'build/src/netlink/transport.js'));
  const transport = NetlinkTransport.open(NETLINK_GENERIC, { netns: ns.name });
  const request = Buffer.alloc(20);
  request.writeUInt32LE(20, 0);
  request.writeUInt16LE(pm.family.id, 4);
  request[16] = 6; // MPTCP_PM_CMD_GET_LIMITS
  request[17] = 1;
  const NLM_F_REQUEST = 0x01;
  const NLM_F_ACK = 0x04;
  let seq = 1;
  const viaTransport = () => {
    request.writeUInt16LE(NLM_F_REQUEST, 6);
    request.writeUInt32LE(seq++, 8);
    transport.send(request);
    if (transport.receiveInPlace() <= 0) throw new Error('no reply queued after the send');
  };

  // And the floor under any koffi-based library: the same calls made through koffi with nothing
  // of ours around them, the library's two (send, recv of the reply) and the C program's three
  // when it asks for an ACK (send, recv of the reply, recv of the ACK). The transport's socket
  // is connected to the kernel, so send needs no address.
  const koffi = createRequire(join(root, 'package.json'))('koffi');
  const libc = koffi.load('libc.so.6');
  const send = libc.func('intptr_t send(int, void *, size_t, int)');
  const recv = libc.func('intptr_t recv(int, void *, size_t, int)');
  const answer = Buffer.allocUnsafeSlow(65536);
  const viaKoffi = (ack) => () => {
    request.writeUInt16LE(NLM_F_REQUEST | (ack ? NLM_F_ACK : 0), 6);
    request.writeUInt32LE(seq++, 8);
    if (send(transport.fd, request, 20, 0) !== 20) throw new Error('send failed');
    if (recv(transport.fd, answer, 65536, 0) <= 0 || (ack && recv(transport.fd, answer, 65536, 0) <= 0)) throw new Error('recv failed');
  };

  // Interleaved in rounds, so that the machine's drifts hit them alike; a warm-up round first
  // (JIT, buffers).
  const ROUNDS = 20;
  const measured = { library: () => pm.getLimits(), transport: viaTransport, koffi: viaKoffi(false), koffiAck: viaKoffi(true) };
  const samples = Object.fromEntries(Object.keys(measured).map((name) => [name, []]));
  const timeOne = async (fn) => {
    const start = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - start) / 1000;
  };
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
  const [node, floor, koffiFloor, koffiAck] = ['library', 'transport', 'koffi', 'koffiAck'].map((name) => median(samples[name]));
  const cAfter = { ack: runC(), reply: runC('reply') };
  const c = (cBefore.reply + cAfter.reply) / 2;
  const cAck = (cBefore.ack + cAfter.ack) / 2;
  const us = (x) => `${x.toFixed(2)} us`.padStart(8);
  console.log(`GET_LIMITS round trip, median of ${count} (node ${process.version})`);
  console.log(`  C, no ACK asked (as ip): send, recv   ${us(c)}  (${cBefore.reply.toFixed(2)} before, ${cAfter.reply.toFixed(2)} after)`);
  console.log(`  C, ACK asked: send, recv, recv        ${us(cAck)}  (${cBefore.ack.toFixed(2)} before, ${cAfter.ack.toFixed(2)} after)`);
  console.log(`  mptcpctl library (send, recv)         ${us(node)}  = ${ratio(node, koffiFloor)} koffi's same calls, ${ratio(node, c)} C's`);
  console.log(`  transport alone (send, recv)          ${us(floor)}  = ${ratio(floor, koffiFloor)} koffi's same calls`);
  console.log(`  koffi alone: send, recv               ${us(koffiFloor)}  = ${ratio(koffiFloor, c)} C's`);
  console.log(`  koffi alone: send, recv, recv (ACK)   ${us(koffiAck)}  = ${ratio(koffiAck, cAck)} C's`);
} finally {
  ns.remove();
  rmSync(work, { recursive: true, force: true });
}
