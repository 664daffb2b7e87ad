/** Netlink messages and TLV attributes: exact bytes in, exact bytes out, corrupt lengths refused. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttributeWriter,
  decodeAttributes,
  decodeGenlMessageAt,
  decodeMessages,
  encodeGenlMessage,
  encodeMessage,
  NetlinkDecodeError,
  type RawAttribute,
} from '../../src/netlink/message.js';
import { hex, toHex } from '../helpers/bytes.js';

/** A RawAttribute without its Buffer identity, for deepEqual. */
const plain = (a: RawAttribute) => ({ type: a.type, nested: a.nested, data: toHex(a.data), offset: a.offset });

describe('encodeMessage', () => {
  const cases = [
    {
      name: 'GET_ADDR dump header (the kernel doc example)',
      header: { type: 0x1c, flags: 0x0301, seq: 1, pid: 0 },
      payload: hex('03010000'),
      bytes: '14000000 1c00 0103 01000000 00000000 03010000',
    },
    {
      name: 'a payload of 5 bytes: length field 21, buffer padded with zeros to 24',
      header: { type: 0x10, flags: 0x0005, seq: 0x01020304, pid: 7 },
      payload: hex('aabbccddee'),
      bytes: '15000000 1000 0500 04030201 07000000 aabbccddee 000000',
    },
    {
      name: 'sequence numbers are written as unsigned 32-bit values',
      header: { type: 2, flags: 0, seq: -1, pid: 0xfffffffe },
      payload: hex(''),
      bytes: '10000000 0200 0000 ffffffff feffffff',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(toHex(encodeMessage(c.header, c.payload)), toHex(hex(c.bytes)));
    });
  }
});

describe('decodeMessages', () => {
  it('splits a datagram at 4-byte boundaries and strips the padding from each payload', () => {
    const datagram = hex(`
      15000000 1c00 0200 05000000 99000000 aabbccddee 000000
      14000000 0300 0200 05000000 99000000 00000000`);
    const messages = decodeMessages(datagram);
    assert.deepEqual(
      messages.map((m) => ({ type: m.type, flags: m.flags, seq: m.seq, pid: m.pid, offset: m.offset, payload: toHex(m.payload) })),
      [
        { type: 0x1c, flags: 2, seq: 5, pid: 0x99, offset: 0, payload: 'aabbccddee' },
        { type: 3, flags: 2, seq: 5, pid: 0x99, offset: 24, payload: '00000000' },
      ],
    );
  });

  it('accepts a last message whose padding is missing', () => {
    const [msg] = decodeMessages(hex('11000000 0100 0000 00000000 00000000 7f'));
    assert.equal(toHex(msg!.payload), '7f');
  });

  it('returns no messages for an empty datagram', () => {
    assert.deepEqual(decodeMessages(Buffer.alloc(0)), []);
  });

  it('gives the payload as a view into the datagram, not a copy', () => {
    const datagram = hex('14000000 1c00 0000 01000000 00000000 01020304');
    const [msg] = decodeMessages(datagram);
    assert.equal(msg!.payload.buffer, datagram.buffer);
    assert.equal(msg!.payload.byteOffset, datagram.byteOffset + 16);
  });

  const invalid = [
    { name: 'length 0 (would loop forever)', bytes: '00000000 1c00 0000 00000000 00000000', message: /invalid length 0/ },
    { name: 'length shorter than the header', bytes: '0f000000 1c00 0000 00000000 00000000', message: /invalid length 15/ },
    { name: 'length past the end of the datagram', bytes: '18000000 1c00 0000 00000000 00000000 01020304', message: /invalid length 24/ },
    {
      name: 'second message running past the end',
      bytes: '10000000 0300 0000 00000000 00000000 20000000 0300 0000 00000000 00000000',
      message: /offset 16 has invalid length 32/,
    },
    { name: 'trailing bytes too short for a header', bytes: '10000000 0300 0000 00000000 00000000 01020304', message: /4 trailing bytes/ },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name}`, () => {
      assert.throws(() => decodeMessages(hex(c.bytes)), (err: unknown) => err instanceof NetlinkDecodeError && c.message.test(err.message));
    });
  }
});

describe('decodeAttributes', () => {
  it('reads types, lengths, padding and offsets', () => {
    const buf = hex(`
      0500 0200 03 000000
      0800 0600 05000000
      0600 0500 7427 0000
      1400 0480 0600 0100 0200 0000 0500 0200 07 000000
      0800 0340 0a000103`);
    assert.deepEqual(decodeAttributes(buf).map(plain), [
      { type: 2, nested: false, data: '03', offset: 0 },
      { type: 6, nested: false, data: '05000000', offset: 8 },
      { type: 5, nested: false, data: '7427', offset: 16 },
      { type: 4, nested: true, data: '06000100020000000500020007000000', offset: 24 },
      { type: 3, nested: false, data: '0a000103', offset: 44 },
    ]);
  });

  it('strips NLA_F_NESTED and NLA_F_NET_BYTEORDER from the type and reports NESTED only', () => {
    const attrs = decodeAttributes(hex('0400 0180 0400 0240 0400 03c0 0400 ff3f'));
    assert.deepEqual(
      attrs.map((a) => [a.type, a.nested]),
      [
        [1, true],
        [2, false],
        [3, true],
        [0x3fff, false],
      ],
    );
  });

  it('accepts an empty attribute and a missing final padding', () => {
    assert.deepEqual(decodeAttributes(hex('0400 0100 0500 0200 2a')).map(plain), [
      { type: 1, nested: false, data: '', offset: 0 },
      { type: 2, nested: false, data: '2a', offset: 4 },
    ]);
  });

  it('ignores fewer than 4 leftover bytes, as the kernel does', () => {
    assert.deepEqual(decodeAttributes(hex('0500 0200 03 000000 0102')).map(plain), [{ type: 2, nested: false, data: '03', offset: 0 }]);
    assert.deepEqual(decodeAttributes(hex('010203')), []);
  });

  it('returns no attributes for an empty buffer', () => {
    assert.deepEqual(decodeAttributes(Buffer.alloc(0)), []);
  });

  const invalid = [
    { name: 'length 0', bytes: '0000 0100 00000000', message: /type 1 at offset 0 has invalid length 0/ },
    { name: 'length 3 (shorter than the header)', bytes: '0300 0200 00000000', message: /invalid length 3/ },
    { name: 'length past the buffer', bytes: '0900 0300 01020304', message: /type 3 at offset 0 has invalid length 9/ },
    { name: 'a later attribute past the buffer', bytes: '0800 0100 01020304 0c00 0280 00000000', message: /type 2 at offset 8 has invalid length 12/ },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name}`, () => {
      assert.throws(() => decodeAttributes(hex(c.bytes)), (err: unknown) => err instanceof NetlinkDecodeError && c.message.test(err.message));
    });
  }

  it('never reads past the buffer it is given, even when more bytes follow in memory', () => {
    const whole = hex('0800 0100 aabbccdd');
    const view = whole.subarray(0, 6); // the attribute claims 8 bytes, only 6 belong to the view
    assert.throws(() => decodeAttributes(view), NetlinkDecodeError);
  });

  it('decodes a nest by decoding its data again', () => {
    const [nest] = decodeAttributes(hex('1400 0180 0600 0100 0a00 0000 0800 0600 0a000000'));
    assert.equal(nest!.nested, true);
    assert.deepEqual(decodeAttributes(nest!.data).map(plain), [
      { type: 1, nested: false, data: '0a00', offset: 0 },
      { type: 6, nested: false, data: '0a000000', offset: 8 },
    ]);
  });
});

describe('AttributeWriter', () => {
  const cases: { name: string; write: (w: AttributeWriter) => unknown; bytes: string }[] = [
    { name: 'u8, padded to 4 bytes', write: (w) => w.u8(2, 3), bytes: '0500 0200 03 000000' },
    { name: 'u8 keeps the low byte', write: (w) => w.u8(2, 0x1ff), bytes: '0500 0200 ff 000000' },
    { name: 'u16 in host order', write: (w) => w.u16(5, 10100), bytes: '0600 0500 7427 0000' },
    { name: 'u32 in host order', write: (w) => w.u32(4, 0xdeadbeef), bytes: '0800 0400 efbeadde' },
    { name: 'u32 of a negative number as unsigned', write: (w) => w.u32(4, -1), bytes: '0800 0400 ffffffff' },
    { name: 's32 negative', write: (w) => w.s32(7, -5), bytes: '0800 0700 fbffffff' },
    { name: 'NUL-terminated string', write: (w) => w.string(2, 'mptcp_pm'), bytes: '0d00 0200 6d707463705f706d 00 000000' },
    { name: 'raw bytes', write: (w) => w.put(4, hex('20010db8000000000000000000000001')), bytes: '1400 0400 20010db8000000000000000000000001' },
    { name: 'empty raw bytes', write: (w) => w.put(9, new Uint8Array(0)), bytes: '0400 0900' },
    {
      name: 'a nest: NLA_F_NESTED set and the length covering its members',
      write: (w) => w.beginNest(1).u16(1, 2).u32(3, 0x0301000a).endNest(),
      bytes: '1400 0180 0600 0100 0200 0000 0800 0300 0a000103',
    },
    {
      name: 'a nest inside a nest, followed by a plain attribute',
      write: (w) => w.beginNest(1).beginNest(2).u8(1, 7).endNest().endNest().u32(4, 1),
      bytes: '1000 0180 0c00 0280 0500 0100 07 000000 0800 0400 01000000',
    },
    { name: 'an empty nest', write: (w) => w.beginNest(6).endNest(), bytes: '0400 0680' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const w = new AttributeWriter();
      c.write(w);
      assert.equal(toHex(w.toBuffer()), toHex(hex(c.bytes)));
    });
  }

  // The first 64 bytes are full after a 60-byte payload: the next attribute, of each kind, moves them to a larger buffer.
  const growers: [string, (w: AttributeWriter) => unknown, string][] = [
    ['u8', (w) => w.u8(2, 7), '0500 0200 07 000000'],
    ['u16', (w) => w.u16(3, 0x1234), '0600 0300 3412 0000'],
    ['u32', (w) => w.u32(4, 0xdeadbeef), '0800 0400 efbeadde'],
    ['s32', (w) => w.s32(5, -2), '0800 0500 feffffff'],
    ['string', (w) => w.string(7, 'x'), '0600 0700 7800 0000'],
    ['raw bytes', (w) => w.put(8, hex('0102030405')), '0900 0800 0102030405 000000'],
    ['a nest', (w) => w.beginNest(6).u8(1, 1).endNest(), '0c00 0680 0500 0100 01 000000'],
  ];
  for (const [kind, write, bytes] of growers) {
    it(`${kind} written where the first buffer is full: nothing lost as the attributes move`, () => {
      const w = new AttributeWriter().put(1, new Uint8Array(60).fill(0xaa));
      write(w);
      assert.equal(toHex(w.toBuffer()), toHex(hex(`4000 0100 ${'aa'.repeat(60)} ${bytes}`)));
    });
  }

  it('gives bytes that decodeAttributes reads back', () => {
    const bytes = new AttributeWriter().u32(4, 42).beginNest(1).u8(2, 9).endNest().toBuffer();
    const [token, nest] = decodeAttributes(bytes);
    assert.equal(token!.data.readUInt32LE(0), 42);
    assert.deepEqual(decodeAttributes(nest!.data).map(plain), [{ type: 2, nested: false, data: '09', offset: 0 }]);
  });

  it('refuses endNest without beginNest', () => {
    assert.throws(() => new AttributeWriter().endNest(), /endNest without beginNest/);
  });

  it('refuses toBuffer while a nest is open', () => {
    assert.throws(() => new AttributeWriter().beginNest(1).u8(2, 1).toBuffer(), /unclosed attribute nest/);
  });

  it('refuses a u16 that does not fit', () => {
    assert.throws(() => new AttributeWriter().u16(5, 65536), RangeError);
  });
});

describe('generic netlink header', () => {
  it('encodes the message header, then cmd, version and a zero reserved field before the attributes', () => {
    const message = encodeGenlMessage({ type: 0x1c, flags: 5, seq: 7, pid: 0 }, 8, 1, hex('08000400 efbeadde'));
    assert.equal(toHex(message), toHex(hex('1c000000 1c00 0500 07000000 00000000  08 01 0000 08000400 efbeadde')));
    // An attribute stream of a length not a multiple of 4 is padded; nlmsg_len counts no padding.
    assert.equal(toHex(encodeGenlMessage({ type: 0x1c, flags: 1, seq: 1, pid: 0 }, 3, 1, hex('05000200 61'))), toHex(hex('19000000 1c00 0100 01000000 00000000  03 01 0000 05000200 61000000')));
  });

  it('decodes cmd, version and a view of the attributes of the message at an offset', () => {
    const datagram = hex('00000000  1c000000 1c00 0000 01000000 00000000  0d 01 0000 08000100 01000000');
    const m = decodeGenlMessageAt(datagram, 4, 28);
    assert.deepEqual([m.cmd, m.version, toHex(m.attributes)], [13, 1, '0800010001000000']);
    assert.equal(m.attributes.buffer, datagram.buffer, 'a view, not a copy');
  });

  it('refuses a payload shorter than the genl header', () => {
    assert.throws(() => decodeGenlMessageAt(hex('13000000 1c00 0000 01000000 00000000 0301 00'), 0, 19), NetlinkDecodeError);
  });
});
