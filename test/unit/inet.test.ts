/** Address text <-> bytes as glibc's inet_pton / inet_ntop do it; cross-checked with python3 (which calls glibc). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { formatInet, formatIPv4, formatIPv4Number, formatIPv6, parseInet, parseIPv4, parseIPv6 } from '../../src/util/inet.js';
import { hex, toHex } from '../helpers/bytes.js';

/** Runs glibc's inet_pton/inet_ntop through python3 on a list of inputs; null where glibc refuses. */
function glibc(op: 'pton4' | 'pton6' | 'ntop6', inputs: string[]): (string | null)[] {
  const script = `
import json, socket, sys
op = sys.argv[1]
out = []
for s in json.load(sys.stdin):
    try:
        if op == 'pton4': out.append(socket.inet_pton(socket.AF_INET, s).hex())
        elif op == 'pton6': out.append(socket.inet_pton(socket.AF_INET6, s).hex())
        else: out.append(socket.inet_ntop(socket.AF_INET6, bytes.fromhex(s)))
    except (OSError, ValueError):
        out.append(None)
print(json.dumps(out))
`;
  const result = spawnSync('python3', ['-c', script, op], { input: JSON.stringify(inputs), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as (string | null)[];
}

const hexOrNull = (bytes: Uint8Array | undefined): string | null => (bytes ? toHex(bytes) : null);

/** Address texts each parser accepts (with the bytes) and refuses; glibc is asked about all of them. */
const IPV4_VALID: [string, string][] = [
  ['0.0.0.0', '00000000'],
  ['10.0.1.3', '0a000103'],
  ['192.168.0.1', 'c0a80001'],
  ['255.255.255.255', 'ffffffff'],
];
const IPV4_INVALID = ['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '1.2.3.256', '01.2.3.4', '1.2.3.04', '1..2.3', ' 1.2.3.4', '1.2.3.4 ', '0x1.2.3.4', '+1.2.3.4', '1.2.3.-4', '1.2.3.4/24', '1234.1.1.1', '10.1'];
const IPV6_VALID: [string, string][] = [
  ['::', '00000000000000000000000000000000'],
  ['::1', '00000000000000000000000000000001'],
  ['1::', '00010000000000000000000000000000'],
  ['2001:db8::1', '20010db8000000000000000000000001'],
  ['FE80::ABCD', 'fe80000000000000000000000000abcd'],
  ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
  ['1:2:3:4:5:6:7::', '00010002000300040005000600070000'],
  ['::2:3:4:5:6:7:8', '00000002000300040005000600070008'],
  ['::ffff:10.0.1.18', '00000000000000000000ffff0a000112'],
  ['::1.2.3.4', '00000000000000000000000001020304'],
  ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304'],
  ['0000:0000:0000:0000:0000:ffff:255.255.255.255', '00000000000000000000ffffffffffff'],
];
const IPV6_INVALID = [
  '',
  ':',
  ':::',
  '1:::2',
  '1::2::3',
  ':1::',
  '1::2:',
  '12345::',
  '::00001',
  'g::',
  '1:2:3:4:5:6:7',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7:8::',
  '1::2:3:4:5:6:7:8',
  '::1.2.3',
  '::1.2.3.256',
  '::01.2.3.4',
  '::ffff:1.2.3.4:1',
  '1:2:3:4:5:6:7:1.2.3.4',
  '1.2.3.4',
  'fe80::1%eth0',
  '2001:db8::/64',
  ' ::1',
];

const parsers = [
  { name: 'parseIPv4', parse: parseIPv4, valid: IPV4_VALID, invalid: IPV4_INVALID, refuses: 'refuses non-canonical or invalid text', pton: 'pton4', af: 'AF_INET' },
  { name: 'parseIPv6', parse: parseIPv6, valid: IPV6_VALID, invalid: IPV6_INVALID, refuses: 'refuses invalid text', pton: 'pton6', af: 'AF_INET6' },
] as const;

for (const { name, parse, valid, invalid, refuses, pton, af } of parsers) {
  describe(name, () => {
    for (const [text, bytes] of valid) {
      it(`parses ${text}`, () => {
        assert.equal(hexOrNull(parse(text)), bytes);
      });
    }

    it(refuses, () => {
      assert.deepEqual(
        invalid.map((t) => [t, hexOrNull(parse(t))]),
        invalid.map((t) => [t, null]),
      );
    });

    it(`agrees with glibc inet_pton(${af}) on all of the above`, () => {
      const inputs = [...valid.map(([t]) => t), ...invalid];
      assert.deepEqual(
        inputs.map((t) => hexOrNull(parse(t))),
        glibc(pton, inputs),
      );
    });
  });
}

describe('formatIPv6', () => {
  const cases: [string, string][] = [
    ['00000000000000000000000000000000', '::'],
    ['00000000000000000000000000000001', '::1'],
    ['00000000000000000000000000000002', '::2'],
    ['00010000000000000000000000000000', '1::'],
    ['20010db8000000000000000000000001', '2001:db8::1'],
    ['fe80000000000000000000000000abcd', 'fe80::abcd'],
    ['00000000000000000000ffff0a000112', '::ffff:10.0.1.18'],
    ['00000000000000000000ffff00000000', '::ffff:0.0.0.0'],
    ['0000000000000000000000000a000001', '::10.0.0.1'],
    ['000000000000000000000000fffe0a00', '::255.254.10.0'],
    ['0000000000000000fffe00000a000001', '::fffe:0:a00:1'],
    ['0064ff9b00000000000000000a000001', '64:ff9b::a00:1'],
    ['00010000000200030004000500060007', '1:0:2:3:4:5:6:7'],
    ['00010000000000020000000000030004', '1::2:0:0:3:4'],
    ['00010000000000020000000000000003', '1:0:0:2::3'],
    ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
    ['00000000000100000000000000000000', '0:0:1::'],
    ['00000000000000000001000000000000', '::1:0:0:0'],
  ];
  for (const [bytes, text] of cases) {
    it(`${bytes} -> ${text}`, () => {
      assert.equal(formatIPv6(hex(bytes)), text);
    });
  }

  it('agrees with glibc inet_ntop(AF_INET6) on every pattern of zero groups', () => {
    // For each of the 256 ways to zero some of the 8 groups, plus v4-mapped/compatible variants.
    const vectors: string[] = [];
    for (let mask = 0; mask < 256; mask++) {
      const words = Array.from({ length: 8 }, (_, i) => ((mask >> i) & 1 ? 0 : 0x1000 * (i + 1) + 0xa0 + i));
      vectors.push(words.map((w) => w.toString(16).padStart(4, '0')).join(''));
      const mapped = [...words];
      mapped[5] = 0xffff;
      vectors.push(mapped.map((w) => w.toString(16).padStart(4, '0')).join(''));
    }
    vectors.push(...cases.map(([b]) => b));
    assert.deepEqual(
      vectors.map((v) => formatIPv6(hex(v))),
      glibc('ntop6', vectors),
    );
  });

  it('gives text that parseIPv6 reads back to the same bytes', () => {
    for (const [bytes] of cases) assert.equal(hexOrNull(parseIPv6(formatIPv6(hex(bytes)))), bytes);
  });
});

describe('parseInet / formatInet / IPv4 formatting', () => {
  it('picks the family from the text', () => {
    assert.deepEqual(parseInet('10.0.0.1'), { family: 4, bytes: Uint8Array.of(10, 0, 0, 1) });
    assert.deepEqual(parseInet('::1'), { family: 6, bytes: Uint8Array.from(hex('00000000000000000000000000000001')) });
    assert.equal(parseInet('::ffff:1.2.3.4')?.family, 6);
    assert.equal(parseInet('eth0'), undefined);
    assert.equal(parseInet('10.0.0.1:80'), undefined);
  });

  it('formats both families', () => {
    assert.equal(formatInet({ family: 4, bytes: Uint8Array.of(192, 168, 1, 254) }), '192.168.1.254');
    assert.equal(formatInet({ family: 6, bytes: hex('20010db8000100000000000000000002') }), '2001:db8:1::2');
  });

  it('formats IPv4 bytes and a network-order number read as big-endian', () => {
    assert.equal(formatIPv4(Uint8Array.of(0, 0, 0, 0)), '0.0.0.0');
    assert.equal(formatIPv4Number(0x0a000103), '10.0.1.3');
    assert.equal(formatIPv4Number(0xffffffff), '255.255.255.255');
    assert.equal(formatIPv4Number(0x80000001), '128.0.0.1');
  });
});
