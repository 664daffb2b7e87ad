/**
 * `connection show` / `subflow show` selectors (grammar/selectors.ts) and the inet_diag bytecode
 * they become (inet-diag-bytecode.ts). test/kernel/connection-cli.test.ts checks against ss on
 * real sockets that the kernel selects what ss selects.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHost, parseSocketSelectors } from '../../src/cli/grammar/selectors.js';
import { encodeFilterBytecode } from '../../src/diag/inet-diag-bytecode.js';
import { UsageError } from '../../src/errors.js';

describe('selector grammar', () => {
  test('ADDR[:PORT] in its spellings', () => {
    assert.deepEqual(parseHost('10.0.0.1', 'src'), { address: '10.0.0.1' });
    assert.deepEqual(parseHost('10.0.0.1:443', 'src'), { address: '10.0.0.1', port: 443 });
    assert.deepEqual(parseHost('2001:db8::1', 'dst'), { address: '2001:db8::1' });
    assert.deepEqual(parseHost('[2001:DB8::1]:80', 'dst'), { address: '2001:db8::1', port: 80 });
    assert.deepEqual(parseHost('[::]', 'dst'), { address: '::' });
    assert.deepEqual(parseHost('*:80', 'dst'), { port: 80 });
    assert.deepEqual(parseHost(':80', 'dst'), { port: 80 });
    // ip's forgiving IPv4 forms, as everywhere else in the CLI.
    assert.deepEqual(parseHost('10.7:22', 'src'), { address: '10.7.0.0', port: 22 });
  });

  test('all selectors together; sport/dport join src/dst; keywords abbreviate while unambiguous', () => {
    assert.deepEqual(parseSocketSelectors(['token', '0x1a2b', 'src', '10.0.0.1', 'sport', ':5000', 'dst', '[2001:db8::2]:443', 'dev', 'eth1']), {
      token: 0x1a2b,
      src: { address: '10.0.0.1', port: 5000 },
      dst: { address: '2001:db8::2', port: 443 },
      dev: 'eth1',
    });
    assert.deepEqual(parseSocketSelectors(['dp', '80', 'sr', '10.0.0.1', 't', 'ff']), { dst: { port: 80 }, src: { address: '10.0.0.1' }, token: 0xff });
    assert.deepEqual(parseSocketSelectors([]), {});
  });

  test('mistakes are usage errors naming the word', () => {
    const cases: [string[], RegExp][] = [
      [['s', '1'], /ambiguous word "s": src, sport\?/],
      [['dts', '1'], /unknown word "dts": did you mean "dst"\?/],
      [['bogus', '1'], /unknown word "bogus" \(expected token, src, dst, sport, dport, dev\)/],
      [['src'], /"src" needs a value/],
      [['src', '*'], /"src" needs an address or a port/],
      [['dst', '10.0.0.1:0'], /invalid dst port "0": must be from 1 to 65535/],
      [['sport', 'http'], /invalid sport "http"/],
      [['dst', '[2001:db8::1'], /invalid dst address/],
      [['dev', 'a/b'], /invalid interface name "a\/b"/],
      [['token', 'xyz'], /invalid token \(not shown\)/],
    ];
    for (const [words, message] of cases) {
      assert.throws(() => parseSocketSelectors(words), (err: unknown) => err instanceof UsageError && message.test(err.message), words.join(' '));
    }
  });
});

describe('inet_diag bytecode', () => {
  test('nothing to select: no bytecode', () => {
    assert.equal(encodeFilterBytecode({}), undefined);
    assert.equal(encodeFilterBytecode({ src: {}, dst: {} }), undefined);
  });

  test('one condition: yes = its length, no = past the end', () => {
    // S_COND(7) yes 12 no 16 | hostcond AF_UNSPEC /0 port 5000
    assert.equal(encodeFilterBytecode({ src: { port: 5000 } })!.toString('hex'), '070c1000' + '0000' + '0000' + '88130000');
  });

  test('address conditions carry the family, a full prefix and port -1 for any', () => {
    // D_COND(8) yes 16 no 20 | AF_INET(2) /32 port -1 10.0.0.2
    assert.equal(encodeFilterBytecode({ dst: { address: '10.0.0.2' } })!.toString('hex'), '08101400' + '0220' + '0000' + 'ffffffff' + '0a000002');
    // AF_INET6(10) /128, port 443
    assert.equal(
      encodeFilterBytecode({ dst: { address: '2001:db8::1', port: 443 } })!.toString('hex'),
      '081c2000' + '0a80' + '0000' + 'bb010000' + '20010db8000000000000000000000001',
    );
  });

  test('conditions are and-ed: each jumps to the next when it holds, past the end when not', () => {
    const bc = encodeFilterBytecode({ src: { address: '10.0.0.1' }, dst: { port: 443 }, ifindex: 3 })!;
    // S_COND 16 bytes, D_COND 12, DEV_COND 8: 36 in all.
    assert.equal(bc.length, 36);
    assert.deepEqual([bc[0], bc[1], bc.readUInt16LE(2)], [7, 16, 40]);
    assert.deepEqual([bc[16], bc[17], bc.readUInt16LE(18)], [8, 12, 24]);
    assert.deepEqual([bc[28], bc[29], bc.readUInt16LE(30), bc.readUInt32LE(32)], [9, 8, 12, 3]);
  });
});
