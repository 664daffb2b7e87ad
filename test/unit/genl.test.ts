/** Generic netlink: the nlctrl family description, and kernel errors explained by attribute name. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFamily, GenericNetlink, kernelError, type GenlRequest } from '../../src/netlink/genl.js';
import { FamilyMissingError, KernelError, PermissionError } from '../../src/errors.js';
import type { NetlinkTransport } from '../../src/netlink/transport.js';
import type { ExtendedAck } from '../../src/netlink/extack.js';
import { encodeGenlMessage, encodeMessage, NLM_F_ACK, NLM_F_REQUEST } from '../../src/netlink/message.js';
import { encodeRequest, type PmRequest } from '../../src/mptcp/codec.js';
import { AddressFlag, requestSetOf } from '../../src/families/mptcp-pm.js';
import { hex } from '../helpers/bytes.js';
import { ADDRESS_NOT_FOUND, kernelErrorFields } from '../helpers/errors.js';
import { mptcpPmFamily } from '../helpers/mptcp-pm-family.js';
import { uncheckedRequest, uncheckedSetLimits } from '../helpers/requests.js';
import { withReceiveInPlace } from '../helpers/fake-transport.js';

describe('decodeFamily', () => {
  it('reads id, name, version, sizes, ops and multicast groups, ignoring unknown attributes', () => {
    const reply = hex(`
      0d00 0200 6d707463705f706d 00 000000   # FAMILY_NAME "mptcp_pm"
      0600 0100 1c00 0000                    # FAMILY_ID 0x1c (u16)
      0800 0300 01000000                     # VERSION 1
      0800 0400 00000000                     # HDRSIZE 0
      0800 0500 00000000                     # MAXATTR 0
      2c00 0600                              # OPS
        1400 0100 0800 0100 01000000 0800 0200 1a000000  # op 1, flags 0x1a
        1400 0200 0800 0100 03000000 0800 0200 0e000000  # op 3, flags 0x0e
      4400 0700                              # MCAST_GROUPS
        2000 0100
          0800 0200 08000000                 # GRP_ID 8
          1200 0100 6d707463705f706d5f636d6473 00 0000   # GRP_NAME "mptcp_pm_cmds"
        2000 0200
          0800 0200 09000000
          1400 0100 6d707463705f706d5f6576656e7473 00     # "mptcp_pm_events"
      0800 6300 01000000                     # an attribute nlctrl may add one day`);
    assert.deepEqual(
      decodeFamily(reply),
      mptcpPmFamily([
        [1, 0x1a],
        [3, 0x0e],
      ]),
    );
  });

  it('gives zeros and empty maps when nothing is known', () => {
    assert.deepEqual(decodeFamily(Buffer.alloc(0)), { name: '', id: 0, version: 0, hdrsize: 0, maxattr: 0, ops: new Map(), groups: new Map() });
  });
});

/** The GenlRequest and the exact message bytes the client would send for `req`. */
function sent(req: PmRequest, withSet = true): { genl: GenlRequest; message: Buffer } {
  const genl: GenlRequest = {
    familyId: 0x1c,
    cmd: req.cmd,
    version: 1,
    attributes: req.attributes,
    dump: req.dump,
    operation: req.command,
    ...(withSet ? { attributeSet: requestSetOf(req.cmd) } : {}),
  };
  const message = encodeGenlMessage({ type: 0x1c, flags: NLM_F_REQUEST | NLM_F_ACK, seq: 1, pid: 0 }, req.cmd, 1, req.attributes);
  return { genl, message };
}

const explain = (req: PmRequest, ack: ExtendedAck, withSet = true): KernelError => {
  const { genl, message } = sent(req, withSet);
  return kernelError(ack, genl, message);
};

// Offsets below count from the start of the nlmsghdr: 16 (nlmsghdr) + 4 (genlmsghdr) = 20 is the first attribute.
const limits = uncheckedSetLimits({ addAddrAccepted: 1, subflows: 9 }); // rcv-add-addrs@20, subflows@28
// addr@20 { id@24, flags@32, port@40, family@48, addr4@56 }
const addWithPort = encodeRequest.addEndpoint({ address: '10.0.1.3', id: 3, port: 10100, flags: AddressFlag.signal });
// token@20, addr@28 { id@32, family@40, addr4@48 }, addr-remote@56 { port@60, family@68, addr4@76 }
const create = encodeRequest.subflowCreate(1, { address: '10.2.0.1', id: 12 }, { address: '10.2.0.2', port: 5002 });

describe('kernelError: extack offset -> attribute path', () => {
  const cases: { name: string; req: PmRequest; offset: number; attribute: string | undefined }[] = [
    { name: 'first top-level attribute', req: limits, offset: 20, attribute: 'rcv-add-addrs' },
    { name: 'second top-level attribute', req: limits, offset: 28, attribute: 'subflows' },
    { name: 'a nest itself', req: addWithPort, offset: 20, attribute: 'addr' },
    { name: 'a member of a nest', req: addWithPort, offset: 40, attribute: 'addr.port' },
    { name: 'the last member of a nest', req: addWithPort, offset: 56, attribute: 'addr.addr4' },
    { name: 'a member of the second nest', req: create, offset: 60, attribute: 'addr-remote.port' },
    { name: 'the second nest', req: create, offset: 56, attribute: 'addr-remote' },
    { name: 'the token before the nests', req: create, offset: 20, attribute: 'token' },
    { name: 'an offset inside an attribute, not at its start', req: limits, offset: 22, attribute: undefined },
    { name: 'an offset past the request', req: limits, offset: 400, attribute: undefined },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.attribute ?? '(none)'}`, () => {
      const err = explain(c.req, { error: -22, message: 'x', offset: c.offset });
      assert.deepEqual({ offset: err.offset, attribute: err.attribute }, { offset: c.offset, attribute: c.attribute });
    });
  }

  it('names no attribute when the request has no attribute set', () => {
    const err = explain(limits, { error: -22, offset: 28 }, false);
    assert.deepEqual({ offset: err.offset, attribute: err.attribute }, { offset: 28, attribute: undefined });
  });
});

describe('kernelError: MISS_TYPE (+ MISS_NEST) -> attribute name', () => {
  // Without the ports subflowDestroy would refuse: built past its checks. token@20, addr@28, addr-remote@48
  const destroy = uncheckedRequest('SUBFLOW_DESTROY', { token: 1, addr: { family: 2, addr4: 0x0a020001 }, 'addr-remote': { family: 2, addr4: 0x0a020002 } });
  const cases: { name: string; req: PmRequest; ack: ExtendedAck; missing: string }[] = [
    { name: 'ADD_ADDR without addr (endpoint set)', req: encodeRequest.flushEndpoints(), ack: { error: -22, missingType: 1 }, missing: 'addr' },
    { name: 'ANNOUNCE without token', req: encodeRequest.announce(1, { address: '10.0.0.1', id: 1 }), ack: { error: -22, missingType: 4 }, missing: 'token' },
    { name: 'REMOVE without loc-id', req: encodeRequest.remove(1, 1), ack: { error: -22, missingType: 5 }, missing: 'loc-id' },
    { name: 'SUBFLOW_CREATE without addr-remote', req: create, ack: { error: -22, missingType: 6 }, missing: 'addr-remote' },
    { name: 'a member missing in the local nest', req: destroy, ack: { error: -22, missingType: 5, missingNestOffset: 28 }, missing: 'addr.port' },
    { name: 'a member missing in the remote nest', req: destroy, ack: { error: -22, missingType: 5, missingNestOffset: 48 }, missing: 'addr-remote.port' },
    { name: 'an unknown type at top level', req: create, ack: { error: -22, missingType: 99 }, missing: '99' },
    { name: 'an unknown type in a nest', req: destroy, ack: { error: -22, missingType: 99, missingNestOffset: 28 }, missing: 'addr.99' },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.missing}`, () => {
      assert.equal(explain(c.req, c.ack).missingAttribute, c.missing);
    });
  }

  it('gives the number when the request has no attribute set', () => {
    assert.equal(explain(create, { error: -22, missingType: 4 }, false).missingAttribute, '4');
  });

  it('says which attribute is missing in the message when the kernel sent no text', () => {
    const err = explain(encodeRequest.announce(1, { address: '10.0.0.1', id: 1 }), { error: -22, missingType: 4 });
    assert.equal(err.message, 'missing attribute token [EINVAL]');
    assert.equal(err.extackMessage, undefined);
  });
});

describe('kernelError: typed errors and their fields', () => {
  it('keeps the extack message verbatim, with operation, errno and attribute', () => {
    const err = explain(encodeRequest.deleteEndpoint(42), { error: -22, message: 'address not found', offset: 20 });
    assert.ok(err instanceof KernelError);
    assert.equal(err instanceof PermissionError, false);
    assert.deepEqual(kernelErrorFields(err), ADDRESS_NOT_FOUND);
  });

  it('maps EPERM (no extack) to PermissionError', () => {
    const err = explain(encodeRequest.flushEndpoints(), { error: -1 });
    assert.ok(err instanceof PermissionError);
    assert.ok(err instanceof KernelError);
    assert.deepEqual(
      { name: err.name, message: err.message, errno: err.errno, errnoName: err.errnoName, operation: err.operation },
      { name: 'PermissionError', message: 'Operation not permitted [EPERM]', errno: 1, errnoName: 'EPERM', operation: 'FLUSH_ADDRS' },
    );
  });

  const errnos: [number, string, string][] = [
    [-17, 'EEXIST', 'File exists [EEXIST]'],
    [-34, 'ERANGE', 'Numerical result out of range [ERANGE]'],
    [-3, 'ESRCH', 'No such process [ESRCH]'],
    [-99, 'EADDRNOTAVAIL', 'Cannot assign requested address [EADDRNOTAVAIL]'],
    [-200, 'E200', 'refused [E200]'],
  ];
  for (const [error, name, message] of errnos) {
    it(`describes errno ${-error} without extack as "${message}"`, () => {
      const err = explain(encodeRequest.flushEndpoints(), { error });
      assert.deepEqual([err.errnoName, err.message], [name, message]);
    });
  }
});

describe('family resolution (nlctrl), over a scripted transport', () => {
  /** Answers every message with an NLMSG_ERROR of `errno`, as nlctrl refuses a lookup. */
  function refusingKernel(errno: number) {
    const sent: Buffer[] = [];
    const queue: Buffer[] = [];
    return withReceiveInPlace({
      sent,
      portId: 7,
      protocol: 16,
      send(message: Buffer): void {
        sent.push(Buffer.from(message));
        const payload = Buffer.alloc(4 + 16);
        payload.writeInt32LE(-errno, 0);
        message.copy(payload, 4, 0, 16); // the request's header, echoed
        queue.push(encodeMessage({ type: 2, flags: 0x100, seq: message.readUInt32LE(8), pid: 7 }, payload)); // NLMSG_ERROR, capped
      },
      receiveNow: () => {
        const datagram = queue.shift();
        return datagram ? { kind: 'data' as const, datagram } : { kind: 'timeout' as const };
      },
      receive: async () => ({ kind: 'timeout' as const }),
      close: async () => {},
    });
  }
  const genlOver = (kernel: ReturnType<typeof refusingKernel>): GenericNetlink =>
    new (GenericNetlink as unknown as new (t: NetlinkTransport) => GenericNetlink)(kernel as unknown as NetlinkTransport);

  it('asks nlctrl (type 0x10) with CTRL_CMD_GETFAMILY and the name; a refusal names that operation', async () => {
    const kernel = refusingKernel(22);
    const err = await genlOver(kernel).family('mptcp_pm').then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof KernelError);
    assert.equal(err.operation, 'CTRL_CMD_GETFAMILY');
    const [request] = kernel.sent;
    // No NLM_F_ACK: the answer is the family's description (or an error), as ip asks it.
    assert.deepEqual([request!.readUInt16LE(4), request!.readUInt16LE(6), request![16], request![17]], [0x10, NLM_F_REQUEST, 3, 1]);
    assert.ok(request!.subarray(20).equals(hex('0d00 0200 6d707463705f706d 00 000000')), request!.subarray(20).toString('hex'));
  });

  it('ENOENT from nlctrl means the family is not there', async () => {
    await assert.rejects(genlOver(refusingKernel(2)).family('mptcp_pm'), FamilyMissingError);
  });
});

describe('a do answered by its reply (no ACK asked, as ip asks none), over a scripted transport', () => {
  const NLM_F_MULTI = 0x2;
  /** A transport whose kernel answers each request with what `answer` makes of its sequence number; counts the waits. */
  function scriptedKernel(answer: (seq: number) => Buffer[], oneBuffer = false) {
    const sent: Buffer[] = [];
    const queue: Buffer[] = [];
    const kernel = withReceiveInPlace({
      sent,
      waits: 0,
      portId: 7,
      protocol: 16,
      send(message: Buffer): void {
        sent.push(Buffer.from(message));
        queue.push(...answer(message.readUInt32LE(8)));
      },
      receiveNow: () => {
        const datagram = queue.shift();
        return datagram ? { kind: 'data' as const, datagram } : { kind: 'timeout' as const };
      },
      receive: async () => {
        kernel.waits++;
        return { kind: 'timeout' as const };
      },
      close: async () => {},
    }, { oneBuffer });
    return kernel;
  }
  const genlOver = (kernel: ReturnType<typeof scriptedKernel>): GenericNetlink =>
    new (GenericNetlink as unknown as new (t: NetlinkTransport) => GenericNetlink)(kernel as unknown as NetlinkTransport);
  /** GET_LIMITS' reply (rcv-add-addrs 1, subflows 2) to `seq`, with `flags`. */
  const limitsReply = (seq: number, flags = 0): Buffer =>
    encodeGenlMessage({ type: 0x1c, flags, seq, pid: 7 }, 6, 1, hex('0800 0200 01000000 0800 0300 02000000'));
  const ack = (seq: number, error = 0): Buffer => {
    const payload = Buffer.alloc(20);
    payload.writeInt32LE(error, 0);
    return encodeMessage({ type: 2, flags: 0x100, seq, pid: 7 }, payload);
  };
  const getLimits = (replied: boolean): GenlRequest => ({ familyId: 0x1c, cmd: 6, version: 1, attributes: Buffer.alloc(0), replied, operation: 'GET_LIMITS' });

  it('sent without NLM_F_ACK, it ends with the reply, without waiting for more', async () => {
    const kernel = scriptedKernel((seq) => [limitsReply(seq)]);
    const replies = await genlOver(kernel).request(getLimits(true));
    assert.equal(kernel.sent[0]!.readUInt16LE(6), NLM_F_REQUEST);
    assert.deepEqual(replies.map((r) => [r.cmd, r.attributes.toString('hex')]), [[6, '08000200010000000800030002000000']]);
    assert.equal(kernel.waits, 0);
  });

  it('a reply in parts (NLM_F_MULTI) is collected until NLMSG_DONE', async () => {
    const done = (seq: number): Buffer => encodeMessage({ type: 3, flags: NLM_F_MULTI, seq, pid: 7 }, Buffer.alloc(4));
    const kernel = scriptedKernel((seq) => [limitsReply(seq, NLM_F_MULTI), limitsReply(seq, NLM_F_MULTI), done(seq)]);
    assert.equal((await genlOver(kernel).request(getLimits(true))).length, 2);
    assert.equal(kernel.waits, 0);
  });

  it('an error is answered all the same', async () => {
    const kernel = scriptedKernel((seq) => [ack(seq, -22)]);
    await assert.rejects(genlOver(kernel).request(getLimits(true)), (e: unknown) => e instanceof KernelError && e.errno === 22);
  });

  /** A reader that keeps nothing of the datagram: the reply's subflows limit (its second attribute's value). */
  const readSubflows = (datagram: Buffer, offset: number): number => datagram.readUInt32LE(offset + 20 + 4 + 8);

  it('a reply in parts over one reused receive buffer: kept whole when copied, read out in place by a reader', async () => {
    const part = (seq: number, subflows: number): Buffer =>
      encodeGenlMessage({ type: 0x1c, flags: NLM_F_MULTI, seq, pid: 7 }, 6, 1, hex(`0800 0200 01000000 0800 0300 0${subflows}000000`));
    const done = (seq: number): Buffer => encodeMessage({ type: 3, flags: NLM_F_MULTI, seq, pid: 7 }, Buffer.alloc(4));
    const answer = (seq: number): Buffer[] => [part(seq, 3), part(seq, 5), done(seq)];
    const copied = await genlOver(scriptedKernel(answer, true)).request(getLimits(true));
    assert.deepEqual(copied.map((r) => r.attributes.readUInt32LE(12)), [3, 5]);
    assert.deepEqual(genlOver(scriptedKernel(answer, true)).requestNow(getLimits(true), readSubflows), [3, 5]);
  });

  it('a request without attributes is sent again with a new sequence number, and only as itself', async () => {
    const kernel = scriptedKernel((seq) => [limitsReply(seq)]);
    const genl = genlOver(kernel);
    const flush: GenlRequest = { familyId: 0x1c, cmd: 4, version: 1, attributes: Buffer.alloc(0), operation: 'FLUSH_ADDRS' };
    const withAttributes: GenlRequest = { ...getLimits(true), attributes: hex('0800 0200 01000000') };
    const otherCommand: GenlRequest = { ...getLimits(true), cmd: 5 };
    for (const req of [getLimits(true), getLimits(true), flush, getLimits(true), otherCommand, withAttributes, getLimits(false)]) {
      await genl.request(req).catch(() => undefined);
    }
    const seqs = kernel.sent.map((m) => m.readUInt32LE(8));
    assert.deepEqual(seqs.slice(1).map((seq, i) => seq - seqs[i]!), [1, 1, 1, 1, 1, 1]);
    assert.deepEqual(
      kernel.sent.map((m) => [m.readUInt32LE(0), m[16], m.readUInt16LE(6)]),
      [
        [20, 6, NLM_F_REQUEST],
        [20, 6, NLM_F_REQUEST],
        [20, 4, NLM_F_REQUEST | NLM_F_ACK],
        [20, 6, NLM_F_REQUEST],
        [20, 5, NLM_F_REQUEST],
        [28, 6, NLM_F_REQUEST],
        [20, 6, NLM_F_REQUEST | NLM_F_ACK],
      ],
    );
  });

  it('asked with NLM_F_ACK, the reply alone does not end it: the exchange waits for the ACK', async () => {
    const answered = scriptedKernel((seq) => [limitsReply(seq), ack(seq)]);
    assert.equal((await genlOver(answered).request(getLimits(false))).length, 1);
    assert.equal(answered.sent[0]!.readUInt16LE(6), NLM_F_REQUEST | NLM_F_ACK);
    const unacknowledged = scriptedKernel((seq) => [limitsReply(seq)]);
    await assert.rejects(genlOver(unacknowledged).request(getLimits(false)), /no reply from the kernel to GET_LIMITS/);
    assert.equal(unacknowledged.waits, 1);
  });
});
