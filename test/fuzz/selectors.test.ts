/**
 * Selector grammar and filter bytecode under random input: parseSocketSelectors either returns
 * selectors or throws a UsageError (nothing else), and the bytecode of any filter it accepts is a
 * program the kernel's audit (inet_diag_bc_audit) accepts: every op 4-aligned, `yes` within the
 * program, `no` at most just past its end, conditions the size their family needs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseSocketSelectors, selectorKeywords } from '../../src/cli/grammar/selectors.js';
import { encodeFilterBytecode } from '../../src/diag/inet-diag-bytecode.js';
import { UsageError } from '../../src/errors.js';
import { fuzzParameters } from '../helpers/fuzz.js';

const word = fc.oneof(
  fc.constantFrom(...selectorKeywords, 's', 'd', 'dp', 'src', '*', ':80', '10.0.0.1', '10.0.0.1:443', '[2001:db8::1]:80', '2001:db8::1', 'eth0', '0x1a2b', '65536', '[::]'),
  fc.string({ maxLength: 12 }),
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 70000 })).map(([a, port]) => `${a}:${port}`),
  fc.ipV6().map((a) => `[${a}]:443`),
);

/** The checks of inet_diag_bc_audit / valid_cc / valid_hostcond (net/ipv4/inet_diag.c). */
function audit(bc: Buffer): void {
  let off = 0;
  while (off < bc.length) {
    const left = bc.length - off;
    const code = bc[off]!;
    const yes = bc[off + 1]!;
    const no = bc.readUInt16LE(off + 2);
    let minLen = 4;
    if (code === 7 || code === 8) {
      const family = bc[off + 4]!;
      const addrLen = family === 0 ? 0 : family === 2 ? 4 : family === 10 ? 16 : -1;
      assert.ok(addrLen >= 0, `family ${family}`);
      assert.ok(bc[off + 5]! <= addrLen * 8, 'prefix_len within the address');
      minLen += 8 + addrLen;
    } else if (code === 9) minLen += 4;
    else assert.fail(`unexpected op ${code}`);
    assert.ok(left >= minLen, 'the condition fits');
    assert.ok(yes >= minLen && yes <= left && yes % 4 === 0, `yes ${yes} (left ${left}, op ${minLen})`);
    assert.ok(no >= minLen && no <= left + 4 && no % 4 === 0, `no ${no} (left ${left})`);
    off += yes;
  }
  assert.equal(off, bc.length);
}

test('random selector words: selectors or a UsageError; their bytecode passes the kernel\'s audit', () => {
  fc.assert(
    fc.property(fc.array(word, { maxLength: 8 }), fc.integer({ min: 1, max: 0xffff }), (words, ifindex) => {
      let selectors;
      try {
        selectors = parseSocketSelectors(words);
      } catch (err) {
        assert.ok(err instanceof UsageError, String(err));
        return;
      }
      const bc = encodeFilterBytecode({ ...(selectors.src ? { src: selectors.src } : {}), ...(selectors.dst ? { dst: selectors.dst } : {}), ...(selectors.dev ? { ifindex } : {}) });
      if (bc) audit(bc);
      else assert.ok(!selectors.src && !selectors.dst && !selectors.dev);
    }),
    fuzzParameters(5000),
  );
});
