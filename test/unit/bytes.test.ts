/**
 * src/util/bytes.ts stands in for Buffer's integer and text methods (which cost start-up time):
 * it must read, write and refuse exactly as they do. Buffer is the oracle here, with fixed
 * vectors for the edges and random values and offsets for the rest.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as bytes from '../../src/util/bytes.js';

const reads = [
  ['readU16LE', 'readUInt16LE', 2],
  ['readU16BE', 'readUInt16BE', 2],
  ['readU32LE', 'readUInt32LE', 4],
  ['readI32LE', 'readInt32LE', 4],
  ['readU32BE', 'readUInt32BE', 4],
  ['readU64LE', 'readBigUInt64LE', 8],
] as const;

const writes = [
  ['writeU16LE', 'writeUInt16LE', 2, 0, 0xffff],
  ['writeI16LE', 'writeInt16LE', 2, -0x8000, 0x7fff],
  ['writeU16BE', 'writeUInt16BE', 2, 0, 0xffff],
  ['writeU32LE', 'writeUInt32LE', 4, 0, 0xffffffff],
  ['writeI32LE', 'writeInt32LE', 4, -0x80000000, 0x7fffffff],
  ['writeU32BE', 'writeUInt32BE', 4, 0, 0xffffffff],
] as const;

describe('integer reads match Buffer', () => {
  it('at the edges: all bits set, the sign bit alone', () => {
    const ones = Buffer.alloc(8, 0xff);
    const sign = Buffer.from([0, 0, 0, 0x80, 0, 0, 0, 0x80]);
    assert.equal(bytes.readU32LE(ones), 0xffffffff);
    assert.equal(bytes.readI32LE(ones), -1);
    assert.equal(bytes.readU32LE(sign), 0x80000000);
    assert.equal(bytes.readI32LE(sign), -0x80000000);
    assert.equal(bytes.readU32BE(Buffer.from([0x80, 0, 0, 1])), 0x80000001);
    assert.equal(bytes.readU64LE(ones), 0xffffffffffffffffn);
    assert.equal(bytes.readU64LE(sign), 0x8000000080000000n);
    assert.equal(bytes.readU16BE(Buffer.from([0x12, 0x34])), 0x1234);
  });

  for (const [ours, theirs, size] of reads) {
    it(`${ours} = Buffer.${theirs}, at any offset, and refuses the same offsets`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 0, maxLength: 24 }), fc.integer({ min: -2, max: 26 }), (array, offset) => {
          const buffer = Buffer.from(array);
          let expected: unknown;
          try {
            expected = buffer[theirs](offset);
          } catch {
            assert.throws(() => bytes[ours](buffer, offset), RangeError);
            return;
          }
          assert.equal(bytes[ours](buffer, offset), expected);
          assert.equal(bytes[ours](array, offset), expected, 'a plain Uint8Array reads alike');
        }),
      );
      assert.throws(() => bytes[ours](Buffer.alloc(size), 0.5), RangeError);
    });
  }
});

describe('integer writes match Buffer', () => {
  for (const [ours, theirs, size, min, max] of writes) {
    it(`${ours} = Buffer.${theirs}: the same bytes, the same returned offset, the same refusals`, () => {
      fc.assert(
        fc.property(fc.integer({ min: min - 2, max: max + 2 }), fc.integer({ min: -1, max: 10 }), (value, offset) => {
          const expected = Buffer.alloc(10, 0xaa);
          const actual = Buffer.alloc(10, 0xaa);
          let returned: number;
          try {
            returned = expected[theirs](value, offset);
          } catch {
            assert.throws(() => bytes[ours](actual, value, offset), RangeError);
            assert.deepEqual(actual, Buffer.alloc(10, 0xaa), 'nothing written before refusing');
            return;
          }
          assert.equal(bytes[ours](actual, value, offset), returned);
          assert.deepEqual(actual, expected);
        }),
      );
      assert.equal(bytes[ours](Buffer.alloc(size), max), size, 'offset 0 by default');
    });
  }

  it('writeU64LE = Buffer.writeBigUInt64LE, and refuses what does not fit in 64 bits', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }), fc.integer({ min: 0, max: 2 }), (value, offset) => {
        const expected = Buffer.alloc(10);
        const actual = Buffer.alloc(10);
        assert.equal(bytes.writeU64LE(actual, value, offset), expected.writeBigUInt64LE(value, offset));
        assert.deepEqual(actual, expected);
      }),
    );
    assert.throws(() => bytes.writeU64LE(Buffer.alloc(8), -1n), RangeError);
    assert.throws(() => bytes.writeU64LE(Buffer.alloc(8), 1n << 64n), RangeError);
    assert.throws(() => bytes.writeU64LE(Buffer.alloc(7), 0n), RangeError);
  });
});

describe('text', () => {
  it('decodes ASCII and UTF-8 as Buffer.toString does, within the given range', () => {
    const text = Buffer.from('mptcp_pm\0');
    assert.equal(bytes.decodeText(text, 0, 8), 'mptcp_pm');
    assert.equal(bytes.decodeText(text, 6), 'pm\0');
    const utf8 = Buffer.from('xeth-ünïcode-日本');
    assert.equal(bytes.decodeText(utf8, 1), utf8.toString('utf8', 1));
    assert.equal(bytes.decodeText(utf8.subarray(4), 1, 7), utf8.subarray(4).toString('utf8', 1, 7));
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (s) => {
        assert.equal(bytes.decodeText(Buffer.from(s)), s);
      }),
    );
  });

  it('encodes as Buffer.from(text, "utf8") does', () => {
    assert.deepEqual([...bytes.encodeText('eth0\0')], [0x65, 0x74, 0x68, 0x30, 0]);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (s) => {
        assert.deepEqual(Buffer.from(bytes.encodeText(s)), Buffer.from(s, 'utf8'));
      }),
    );
  });
});

describe('views', () => {
  it('subarrayOf is Buffer.subarray: same bytes, same memory, a Buffer, the same clamping', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: -50, max: 50 }), fc.option(fc.integer({ min: -50, max: 50 }), { nil: undefined }), (data, start, end) => {
        const buf = Buffer.from(data);
        const want = buf.subarray(start, end);
        const got = bytes.subarrayOf(buf, start, end);
        assert.ok(got instanceof Buffer);
        assert.deepEqual(got, want);
        assert.equal(got.byteOffset, want.byteOffset);
        assert.equal(got.buffer, buf.buffer);
      }),
    );
  });
});
