/**
 * SockDiag's dump handling against a scripted kernel (a fake at the transport seam): multi-part
 * replies, stale messages, NLM_F_DUMP_INTR restarts and error replies. Behaviour against the real
 * kernel is in test/kernel/sockdiag.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SockDiag, type DiagFilter } from '../../src/diag/sockdiag.js';
import { KernelError, PermissionError, UsageError } from '../../src/errors.js';
import { decodeMessages, encodeMessage, NLM_F_DUMP_INTR, NLM_F_MULTI, NLMSG_DONE, NLMSG_ERROR } from '../../src/netlink/message.js';
import type { NetlinkTransport, ReceiveResult } from '../../src/netlink/transport.js';
import * as captured from './fixtures/inet-diag-captures.js';
import { withReceiveInPlace } from '../helpers/fake-transport.js';

const PORT_ID = 4242;

/** What the scripted kernel answers to one request: lists of messages, one list per datagram. */
type Script = (req: { family: number; protocol: number; seq: number; attempt: number }) => Buffer[][];

class ScriptedKernel {
  readonly portId = PORT_ID;
  readonly requests: { family: number; protocol: number; seq: number }[] = [];
  private readonly queue: Buffer[] = [];
  private readonly attempts = new Map<string, number>();

  constructor(private readonly script: Script) {}

  send(message: Buffer): void {
    const [msg] = decodeMessages(message);
    const protocolAttr = msg!.payload.length > 56 ? msg!.payload.readUInt32LE(56 + 4) : undefined;
    const req = { family: msg!.payload[0]!, protocol: protocolAttr ?? msg!.payload[1]!, seq: msg!.seq };
    this.requests.push(req);
    const key = `${req.family}/${req.protocol}`;
    const attempt = this.attempts.get(key) ?? 0;
    this.attempts.set(key, attempt + 1);
    for (const datagram of this.script({ ...req, attempt })) this.queue.push(Buffer.concat(datagram));
  }

  receiveNow(): ReceiveResult {
    const datagram = this.queue.shift();
    return datagram ? { kind: 'data', datagram } : { kind: 'timeout' };
  }

  async receive(): Promise<ReceiveResult> {
    return this.receiveNow();
  }

  async close(): Promise<void> {}
}

/** A pinned reply re-addressed to `seq` (and optionally other flags or port id). */
function reply(pinnedMessage: Buffer, seq: number, flags = NLM_F_MULTI, pid = PORT_ID): Buffer {
  const [msg] = decodeMessages(pinnedMessage);
  return encodeMessage({ type: msg!.type, flags, seq, pid }, msg!.payload);
}

function done(seq: number, error = 0): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeInt32LE(error, 0);
  return encodeMessage({ type: NLMSG_DONE, flags: NLM_F_MULTI, seq, pid: PORT_ID }, payload);
}

function errorAck(seq: number, error: number): Buffer {
  const payload = Buffer.alloc(4 + 16);
  payload.writeInt32LE(error, 0);
  payload.writeUInt32LE(seq, 4 + 8);
  return encodeMessage({ type: NLMSG_ERROR, flags: 0, seq, pid: PORT_ID }, payload);
}

const open = (script: Script) => {
  const kernel = new ScriptedKernel(script);
  return { kernel, diag: SockDiag.fromTransport(withReceiveInPlace(kernel) as unknown as NetlinkTransport) };
};

/** The client namespace at capture time: one connection with two subflows, spread over several datagrams. */
const clientSide: Script = ({ family, protocol, seq }) => {
  if (family !== 2) return [[done(seq)]];
  if (protocol === 262) return [[reply(captured.clientConnection4, seq)], [done(seq)]];
  return [[reply(captured.joinSubflow4, seq)], [reply(captured.initialSubflow4, seq), done(seq)]];
};

describe('SockDiag (scripted kernel)', () => {
  it('dumps MPTCP and TCP sockets of both families and reads every part until DONE', async () => {
    const { kernel, diag } = open(clientSide);
    const connections = await diag.listConnections();
    assert.deepEqual(
      kernel.requests.map((r) => [r.family, r.protocol]),
      [[2, 262], [10, 262], [2, 6], [10, 6]],
    );
    assert.equal(new Set(kernel.requests.map((r) => r.seq)).size, 4, 'each dump has its own sequence number');
    assert.deepEqual(
      connections.map((c) => [c.token.toString(16), c.side, c.sideEvidence, c.subflows]),
      [['124cd9c7', 'client', 'initial-subflow', 2]],
    );
    const subflows = await diag.listSubflows();
    assert.deepEqual(subflows.map((s) => s.localPort), [35085, 33548]);
  });

  it('filters by token', async () => {
    const { diag } = open(clientSide);
    assert.equal((await diag.listConnections({ token: 0x124cd9c7 })).length, 1);
    assert.equal((await diag.listConnections({ token: 1 })).length, 0);
    assert.equal((await diag.listSubflows({ token: 0x124cd9c7 })).length, 2);
    assert.equal((await diag.listSubflows({ token: 0x219df21e })).length, 0);
  });

  it('refuses a token filter that is not a u32 (2**32 + token selected that token), before any dump', async () => {
    const { kernel, diag } = open(clientSide);
    for (const token of [2 ** 32 + 0x124cd9c7, -1, 1.5]) {
      await assert.rejects(diag.listConnections({ token }), (err: unknown) => err instanceof UsageError && err.argument === 'filter.token');
      await assert.rejects(diag.listSubflows({ token }), (err: unknown) => err instanceof UsageError && err.code === 'ERR_MPTCPCTL_USAGE');
    }
    assert.deepEqual(kernel.requests, []);
  });

  it('refuses selectors out of range (address text, port, ifindex) with a UsageError, before any dump', async () => {
    const { kernel, diag } = open(clientSide);
    const bad: [DiagFilter, string][] = [
      [{ src: { address: '10.0.0.x' } }, 'filter.src.address'],
      [{ dst: { port: 65536 } }, 'filter.dst.port'],
      [{ ifindex: -1 }, 'filter.ifindex'],
    ];
    for (const [filter, argument] of bad) {
      await assert.rejects(diag.listConnections(filter), (err: unknown) => err instanceof UsageError && err.argument === argument);
      await assert.rejects(diag.listSubflows(filter), (err: unknown) => err instanceof UsageError && err.argument === argument);
    }
    assert.deepEqual(kernel.requests, []);
  });

  it('ignores messages of another sequence number or port id', async () => {
    const { diag } = open(({ seq, protocol, family }) => {
      if (family !== 2 || protocol !== 262) return [[done(seq)]];
      return [[reply(captured.serverConnection4, seq - 1), reply(captured.listener4, seq, NLM_F_MULTI, PORT_ID + 1)], [reply(captured.clientConnection4, seq), done(seq)]];
    });
    assert.deepEqual((await diag.listConnections()).map((c) => c.token.toString(16)), ['124cd9c7']);
  });

  it('restarts a dump flagged NLM_F_DUMP_INTR, after reading it to its end', async () => {
    const { kernel, diag } = open(({ seq, protocol, family, attempt }) => {
      if (family !== 2 || protocol !== 262) return [[done(seq)]];
      if (attempt === 0) return [[reply(captured.serverConnection4, seq, NLM_F_MULTI | NLM_F_DUMP_INTR)], [reply(captured.listener4, seq), done(seq)]];
      return [[reply(captured.clientConnection4, seq), done(seq)]];
    });
    const connections = await diag.listConnections();
    assert.deepEqual(connections.map((c) => c.token.toString(16)), ['124cd9c7'], 'only the complete second run counts');
    assert.deepEqual(kernel.requests.slice(0, 2).map((r) => [r.family, r.protocol]), [[2, 262], [2, 262]]);
    assert.notEqual(kernel.requests[0]!.seq, kernel.requests[1]!.seq);
  });

  it('a DONE carrying ENOENT (how 6.18 refuses a protocol without a diag handler) names the missing MPTCP diag', async () => {
    const { diag } = open(({ seq }) => [[done(seq, -2)]]);
    await assert.rejects(diag.listConnections(), (err: unknown) => {
      assert.ok(err instanceof KernelError);
      assert.equal(err.errno, 2);
      assert.match(err.message, /no MPTCP socket diagnostics/);
      assert.match(err.operation, /MPTCP inet sockets/);
      return true;
    });
  });

  it('NLMSG_ERROR is a KernelError too, and EPERM a PermissionError', async () => {
    await assert.rejects(open(({ seq }) => [[errorAck(seq, -22)]]).diag.listSubflows(), (err: unknown) => err instanceof KernelError && err.errno === 22);
    await assert.rejects(open(({ seq }) => [[errorAck(seq, -1)]]).diag.listSubflows(), PermissionError);
  });
});
