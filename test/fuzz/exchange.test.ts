/**
 * Hostile kernels: request/answer exchanges and dumps fed scripted streams of datagrams at the
 * transport seam (a fake NetlinkTransport): stale and foreign messages, lying lengths, errors and
 * DONEs with any payload, NLM_F_DUMP_INTR on every run, overruns, and dumps that never end.
 * Properties: every exchange ends (resolves, or rejects with a typed error: one of this package's
 * MptcpctlErrors such as KernelError, ProtocolError, TimeoutError, or a NetlinkDecodeError), reads no more datagrams than it was given,
 * and an endless stream is cut off by the byte bound (MAX_EXCHANGE_BYTES) or the retry bound.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dumpConsistently, exchange, MAX_EXCHANGE_BYTES, DUMP_RETRIES, type Exchange } from '../../src/netlink/exchange.js';
import { KernelError, MptcpctlError, ProtocolError } from '../../src/errors.js';
import { GenericNetlink } from '../../src/netlink/genl.js';
import {
  encodeGenlMessage,
  encodeMessage,
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NLM_F_DUMP_INTR,
  NLM_F_MULTI,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_NOOP,
  NLMSG_OVERRUN,
  NetlinkDecodeError,
} from '../../src/netlink/message.js';
import type { NetlinkTransport, ReceiveResult } from '../../src/netlink/transport.js';
import { SockDiag } from '../../src/diag/sockdiag.js';
import * as captured from '../unit/fixtures/inet-diag-captures.js';
import { CaseCounter, fuzzParameters, withoutStackTraces } from '../helpers/fuzz.js';
import { withReceiveInPlace } from '../helpers/fake-transport.js';

const PORT_ID = 4242;
const counter = new CaseCounter();

/** A kernel that answers every request with the next part of a script, then goes silent. */
class ScriptedKernel {
  readonly portId = PORT_ID;
  readonly protocol = 16;
  sent = 0;
  receives = 0;
  seq = 0;
  constructor(private readonly next: (seq: number, call: number) => ReceiveResult | undefined) {}

  send(message: Buffer): void {
    this.sent++;
    this.seq = message.readUInt32LE(8);
  }

  /** Nothing is ever ready without waiting: every receive goes through `receive`. */
  receiveNow(): ReceiveResult {
    return { kind: 'timeout' };
  }

  async receive(): Promise<ReceiveResult> {
    this.receives++;
    return this.next(this.seq, this.receives) ?? { kind: 'timeout' };
  }

  async close(): Promise<void> {}
}

const asTransport = (k: ScriptedKernel): NetlinkTransport => withReceiveInPlace(k) as unknown as NetlinkTransport;

/** This package's own errors (KernelError, ProtocolError, TimeoutError, FamilyMissingError...) or a decode error. */
function isTyped(err: unknown): boolean {
  return err instanceof MptcpctlError || err instanceof NetlinkDecodeError;
}

const request = (seq: number): Exchange => ({
  message: encodeGenlMessage({ type: 0x1c, flags: 0x301, seq, pid: 0 }, 3, 1, Buffer.alloc(0)),
  operation: 'GET_ADDR',
  toError: (ack) => new KernelError({ errno: -ack.error, operation: 'GET_ADDR', message: ack.message }),
});

/** One message of a scripted answer: `mine` messages carry the request's sequence number and port id. */
type Part = (seq: number) => Buffer;

const payload = fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b));
const errPayload = fc.tuple(fc.integer({ min: -200, max: 0 }), fc.uint8Array({ maxLength: 48 })).map(([e, rest]) => {
  const b = Buffer.concat([Buffer.alloc(4), Buffer.from(rest)]);
  b.writeInt32LE(e, 0);
  return b;
});
const anyFlags = fc.constantFrom(0, NLM_F_MULTI, NLM_F_MULTI | NLM_F_DUMP_INTR, NLM_F_ACK_TLVS, NLM_F_ACK_TLVS | NLM_F_CAPPED, 0xffff);

const part: fc.Arbitrary<Part> = fc.oneof(
  fc.tuple(payload, anyFlags).map(([p, f]) => (seq: number) => encodeGenlMessage({ type: 0x1c, flags: f, seq, pid: PORT_ID }, 3, 1, p)),
  fc.tuple(payload, fc.integer({ min: 1, max: 5 })).map(([p, d]) => (seq: number) => encodeMessage({ type: 0x1c, flags: NLM_F_MULTI, seq: seq - d, pid: PORT_ID }, p)),
  payload.map((p) => (seq: number) => encodeMessage({ type: 0x1c, flags: NLM_F_MULTI, seq, pid: PORT_ID + 1 }, p)),
  fc.constantFrom(NLMSG_NOOP, NLMSG_OVERRUN).map((type) => (seq: number) => encodeMessage({ type, flags: 0, seq, pid: PORT_ID }, Buffer.alloc(0))),
  fc.tuple(errPayload, anyFlags).map(([p, f]) => (seq: number) => encodeMessage({ type: NLMSG_ERROR, flags: f, seq, pid: PORT_ID }, p)),
  fc.tuple(errPayload, anyFlags).map(([p, f]) => (seq: number) => encodeMessage({ type: NLMSG_DONE, flags: f, seq, pid: PORT_ID }, p)),
  fc.uint8Array({ maxLength: 40 }).map((b) => () => Buffer.from(b)),
  fc.tuple(fc.constantFrom(captured.clientConnection4, captured.joinSubflow4, captured.listener6), anyFlags).map(([m, f]) => (seq: number) => {
    const c = Buffer.from(m);
    c.writeUInt16LE(f, 6);
    c.writeUInt32LE(seq, 8);
    c.writeUInt32LE(PORT_ID, 12);
    return c;
  }),
);

/** A lying length written over a datagram: nlmsg_len of the first message, or any u16 in it. */
const lie = fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 0xffffffff }), fc.boolean()), { freq: 4, nil: undefined });

const datagram = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.array(part, { minLength: 1, maxLength: 4 }), lie) },
  { weight: 1, arbitrary: fc.constant<[Part[], undefined]>([[], undefined]) }, // an overrun
);

function materialise(script: [Part[], [number, number, boolean] | undefined][], seq: number, i: number): ReceiveResult | undefined {
  const entry = script[i];
  if (!entry) return undefined;
  const [parts, lying] = entry;
  if (parts.length === 0) return { kind: 'overrun' };
  const d = Buffer.concat(parts.map((p) => p(seq)));
  if (lying && d.length >= 4) {
    const [at, value, wide] = lying;
    if (wide) d.writeUInt32LE(value >>> 0, 0);
    else d.writeUInt16LE(value & 0xffff, Math.min(((at % d.length) >> 1) << 1, d.length - 2));
  }
  return { kind: 'data', datagram: d };
}

/** A kernel that plays `script` and then, for the next request (a dump run again, a listing's next dump), plays it again. */
function replayingKernel(script: [Part[], [number, number, boolean] | undefined][]): ScriptedKernel {
  let base = 0;
  return new ScriptedKernel((seq, call) => {
    const r = materialise(script, seq, call - 1 - base);
    if (!r) base = call; // the script again, for the next run
    return r;
  });
}

/**
 * Settles `work`: resolved, or rejected with one of our typed errors. Anything else fails the
 * property, outside any catch, so an assertion error can never pass as an "error outcome".
 * Each outcome is counted under `category`, so a test can require that both happened.
 */
async function settle(category: string, work: Promise<unknown>): Promise<void> {
  const outcome = await work.then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) {
    counter.add(`${category}: resolved`);
    return;
  }
  assert.ok(isTyped(outcome.error), `untyped ${String(outcome.error)}`);
  counter.add(`${category}: typed error`);
}

describe('hostile kernels at the transport seam', () => {
  withoutStackTraces();
  after(() => {
    process.stdout.write(`# exchange fuzz cases: ${counter.summary()}\n`);
    // Both ends must be reached, or a broken exchange that always rejects (or always resolves)
    // would pass every property. Random scripts complete a plain exchange about 14 times in
    // 10,000; a dump run to its end, or four of them for a listing, is too rare to require here
    // (test/unit/sockdiag.test.ts and test/unit/genl.test.ts cover those successes with scripts).
    assert.ok(counter.get('exchange: resolved') > 0, 'exchange: no case resolved');
    for (const category of ['exchange', 'dumpConsistently', 'genl', 'sock_diag']) {
      assert.ok(counter.get(`${category}: typed error`) > 0, `${category}: no case ended in a typed error`);
    }
  });

  it('an exchange over any scripted stream ends with replies or a typed error, reading only what it was given', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(datagram, { maxLength: 6 }), async (script) => {
        counter.add('exchange');
        const kernel = new ScriptedKernel((seq, call) => materialise(script, seq, call - 1));
        await settle('exchange', exchange(asTransport(kernel), request(77)));
        assert.ok(kernel.receives <= script.length + 1, 'read past the end of the script (a spin)');
      }),
      fuzzParameters(10_000),
    );
  });

  it('dumps restarted on NLM_F_DUMP_INTR end too (each run sees the script again)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(datagram, { maxLength: 4 }), async (script) => {
        counter.add('dumpConsistently');
        const kernel = replayingKernel(script);
        let seq = 100;
        await settle('dumpConsistently', dumpConsistently(asTransport(kernel), () => request(++seq)));
        assert.ok(kernel.sent <= DUMP_RETRIES + 1, `${kernel.sent} runs of one dump`);
      }),
      fuzzParameters(3_000),
    );
  });

  it('GenericNetlink request and family resolution over scripted streams', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(datagram, { maxLength: 5 }), fc.boolean(), async (script, dump) => {
        counter.add('genl');
        const kernel = new ScriptedKernel((seq, call) => materialise(script, seq, call - 1));
        const genl = new (GenericNetlink as unknown as new (t: NetlinkTransport) => GenericNetlink)(asTransport(kernel));
        await settle(
          'genl',
          dump ? genl.request({ familyId: 0x1c, cmd: 3, version: 1, attributes: Buffer.alloc(0), dump, operation: 'GET_ADDR' }) : genl.family('mptcp_pm'),
        );
      }),
      fuzzParameters(3_000),
    );
  });

  it('sock_diag listings over scripted streams', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(datagram, { maxLength: 5 }), async (script) => {
        counter.add('sock_diag');
        const kernel = replayingKernel(script);
        await settle('sock_diag', SockDiag.fromTransport(asTransport(kernel)).listConnections());
      }),
      fuzzParameters(2_000),
    );
  });

  it('a dump that never sends DONE is cut off by the byte bound (default bound, real datagram sizes)', async () => {
    // 64 KiB datagrams of our own dump parts, for ever: the same buffer each time, so the test itself stays small.
    let seqSeen = 0;
    const big = (seq: number): Buffer => encodeGenlMessage({ type: 0x1c, flags: NLM_F_MULTI, seq, pid: PORT_ID }, 3, 1, Buffer.alloc(65536 - 20 - 16));
    let cached: Buffer | undefined;
    const kernel = new ScriptedKernel((seq) => {
      if (seq !== seqSeen || !cached) {
        seqSeen = seq;
        cached = big(seq);
      }
      return { kind: 'data', datagram: cached };
    });
    await assert.rejects(exchange(asTransport(kernel), request(5)), (err: unknown) => err instanceof ProtocolError && /without an end/.test(err.message));
    assert.equal(kernel.receives, Math.floor(MAX_EXCHANGE_BYTES / cached!.length) + 1);
    counter.add('endless dump', 1);
  });

  it('endless foreign traffic (other sequence numbers, other ports) is cut off too', async () => {
    const foreign = encodeMessage({ type: 0x1c, flags: NLM_F_MULTI, seq: 1, pid: PORT_ID + 1 }, Buffer.alloc(8000));
    const kernel = new ScriptedKernel(() => ({ kind: 'data', datagram: foreign }));
    await assert.rejects(exchange(asTransport(kernel), { ...request(5), maxBytes: 1_000_000 }), ProtocolError);
    assert.ok(kernel.receives <= 1_000_000 / 8000 + 2);
    counter.add('endless foreign traffic', 1);
  });

  it('a dump interrupted on every run gives up after DUMP_RETRIES restarts', async () => {
    const kernel = new ScriptedKernel((seq, call) =>
      call % 2 === 1
        ? { kind: 'data', datagram: encodeGenlMessage({ type: 0x1c, flags: NLM_F_MULTI | NLM_F_DUMP_INTR, seq, pid: PORT_ID }, 3, 1, Buffer.alloc(0)) }
        : { kind: 'data', datagram: encodeMessage({ type: NLMSG_DONE, flags: NLM_F_MULTI | NLM_F_DUMP_INTR, seq, pid: PORT_ID }, Buffer.alloc(4)) },
    );
    let seq = 0;
    await assert.rejects(dumpConsistently(asTransport(kernel), () => request(++seq)), (err: unknown) => err instanceof ProtocolError && /interrupted/.test(err.message));
    assert.equal(kernel.sent, DUMP_RETRIES + 1);
    counter.add('endless DUMP_INTR', 1);
  });
});
