/** ip's keyword grammar: argv words -> typed arguments, and the exact refusals. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { didYouMean, matchKeyword, parseAddressWord, parseBase0, parseToken } from '../../src/cli/grammar/words.js';
import { parseEndpointArgs, type EndpointVerb } from '../../src/cli/grammar/endpoint.js';
import { parseLimitsArgs } from '../../src/cli/grammar/limits.js';
import { UsageError } from '../../src/errors.js';

describe('base-0 numbers (strtoul as iproute2 uses it)', () => {
  const cases: [string, number | undefined][] = [
    ['42', 42],
    ['0x2a', 42],
    ['0X2A', 42],
    ['052', 42],
    ['0', 0],
    [' 9', 9],
    ['+7', 7],
    ['', undefined],
    ['5x', undefined],
    ['-1', undefined],
    ['08', undefined],
    ['0x', undefined],
    ['1e3', undefined],
  ];
  for (const [text, want] of cases) test(JSON.stringify(text), () => assert.equal(parseBase0(text), want));
});

describe('addresses as ip accepts them, in canonical form', () => {
  const cases: [string, string | undefined][] = [
    ['10.0.1.1', '10.0.1.1'],
    ['10.7', '10.7.0.0'],
    ['0x0a.0.1.0x0d', '10.0.1.13'],
    ['010.1.1.1', '8.1.1.1'],
    ['10', '10.0.0.0'],
    ['10.0.1.300', undefined],
    ['10.0.1.9/24', undefined],
    ['1.2.3.4.5', undefined],
    ['foo', undefined],
    ['default', undefined],
    ['2001:db8::1', '2001:db8::1'],
    ['2001:DB8:0:0::1', '2001:db8::1'],
    ['::ffff:10.0.1.18', '::ffff:10.0.1.18'],
    ['::', '::'],
    ['2001:db8::zz', undefined],
    ['fe80::1%eth0', undefined],
  ];
  for (const [text, want] of cases) test(text, () => assert.equal(parseAddressWord(text), want));
});

describe('prefix matching in order, and did-you-mean', () => {
  test('first match wins', () => {
    assert.equal(matchKeyword('s', ['set', 'show']), 'set');
    assert.equal(matchKeyword('sh', ['set', 'show']), 'show');
    assert.equal(matchKeyword('showx', ['set', 'show']), undefined);
    assert.equal(matchKeyword('', ['set']), undefined);
  });
  test('near misses', () => {
    assert.equal(didYouMean('singal', ['signal', 'subflow', 'backup']), 'signal');
    assert.equal(didYouMean('Signal', ['signal', 'subflow']), 'signal');
    assert.equal(didYouMean('banana', ['signal', 'subflow']), undefined);
  });
});

describe('tokens', () => {
  test('hex with or without 0x', () => {
    assert.equal(parseToken('0x1a2b3c4d'), 0x1a2b3c4d);
    assert.equal(parseToken('1a2b3c4d'), 0x1a2b3c4d);
    assert.equal(parseToken('02789d9f'), 0x02789d9f);
  });
  for (const bad of ['', '0x', 'xyz', '123456789', '-1']) {
    test(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => parseToken(bad), UsageError));
  }
});

describe('endpoint arguments', () => {
  const ok: [EndpointVerb, string, object][] = [
    ['add', '10.0.1.1', { address: '10.0.1.1', flags: 0 }],
    ['add', '10.0.1.1 signal port 10001 id 42', { address: '10.0.1.1', flags: 1, port: 10001, id: 42 }],
    ['add', '10.0.1.5 signal subflow backup i 7', { address: '10.0.1.5', flags: 7, id: 7 }],
    ['add', '10.0.1.3 subflow backup dev veth0', { address: '10.0.1.3', flags: 6, dev: 'veth0' }],
    ['add', '10.0.1.14 10.0.1.15 id 20 id 21', { address: '10.0.1.15', flags: 0, id: 21 }],
    ['add', '10.0.1.20 laminar', { address: '10.0.1.20', flags: 0x20 }],
    ['add', '10.0.1.23 implicit', { address: '10.0.1.23', flags: 0x10 }],
    ['add', '10.0.1.17 nobackup', { address: '10.0.1.17', flags: 0 }],
    ['add', '10.0.1.10 id 0x10', { address: '10.0.1.10', flags: 0, id: 16 }],
    ['delete', 'id 7', { id: 7, flags: 0 }],
    ['delete', 'id 0 10.0.1.1', { id: 0, address: '10.0.1.1', flags: 0 }],
    ['delete', 'id 1 signal backup', { id: 1, flags: 5 }],
    ['change', 'id 200 backup fullmesh', { id: 200, flags: 12 }],
    ['change', 'id 200', { id: 200, flags: 0 }],
    ['change', '10.0.1.1 port 10001 backup', { address: '10.0.1.1', port: 10001, flags: 4 }],
    ['change', '10.0.0.1 token 0x1a remote 10.0.0.2 port 80 backup', { address: '10.0.0.1', token: 0x1a, remote: { address: '10.0.0.2', port: 80 }, flags: 4 }],
    ['show', 'id 42', { id: 42, flags: 0 }],
    ['show', 'token 1a2b id 3', { token: 0x1a2b, id: 3, flags: 0 }],
  ];
  for (const [verb, words, want] of ok) {
    test(`${verb} ${words}`, () => {
      const { cleared: _cleared, ...args } = parseEndpointArgs(verb, words.split(' '));
      assert.deepEqual(args, { verb, ...want });
    });
  }

  const refused: [EndpointVerb, string, RegExp][] = [
    ['add', '', /endpoint add needs an ADDRESS/],
    ['add', 'signal id 9', /endpoint add needs an ADDRESS/],
    ['add', '10.0.1.9 signal fullmesh', /invalid flag "fullmesh": signal and fullmesh cannot be used together/],
    ['add', '10.0.1.9 subflow fullmesh signal', /invalid flag "signal"/],
    ['add', '10.0.1.9 port 1234', /"port" needs the "signal" flag/],
    ['add', '10.0.1.9 signal port 65536', /invalid port "65536": must be from 0 to 65535/],
    ['add', '10.0.1.9 signal port http', /invalid port "http"/],
    ['add', '10.0.1.9 id 256', /invalid id "256": must be from 0 to 255/],
    ['add', '10.0.1.9 id -1', /invalid id "-1"/],
    ['add', '10.0.1.9 id', /"id" needs a value/],
    ['add', '10.0.1.9 dev', /"dev" needs a value/],
    ['add', '10.0.1.9 dev a/b', /invalid interface name "a\/b"/],
    ['add', '10.0.1.9 dev abcdefghijklmnopq', /invalid interface name/],
    ['add', '10.0.1.9 singal', /unknown word "singal": did you mean "signal"\?/],
    ['add', '10.0.1.9 Signal', /did you mean "signal"/],
    ['add', 'foo', /"foo" is not an address or a keyword/],
    ['add', '10.0.1.9 id 0', /id 0 is reserved/],
    ['change', 'id 0 backup', /id 0 is reserved/],
    ['change', 'id 1 signal', /invalid flag "signal" for change/],
    ['change', 'id 1 laminar', /invalid flag "laminar" for change/],
    ['change', 'id 1 port 10001 backup', /"port" cannot be used with "id"/],
    ['change', '10.0.0.1 token 1a backup', /needs "remote ADDRESS"/],
    ['change', 'token 1a remote 10.0.0.2 backup', /needs the local ADDRESS/],
    ['change', '10.0.0.1 remote 10.0.0.2 backup', /"remote" needs "token TOKEN"/],
    ['delete', '', /endpoint delete needs "id ID"/],
    ['delete', '10.0.1.1', /endpoint delete needs "id ID"/],
    ['delete', 'id 0', /id 0 needs the ADDRESS/],
    ['delete', 'id 1 10.0.1.1', /only be given with id 0/],
    ['show', 'id 0', /id 0 is reserved/],
    // ip sends these with id 0 and the kernel refuses them; the library would refuse id 0 too.
    ['show', '10.0.1.2', /endpoint show looks an endpoint up by "id ID" only: "10.0.1.2" is an address/],
    ['show', 'token 1a 10.0.1.2 port 80', /endpoint show looks an endpoint up by "id ID" only/],
    ['change', 'backup', /endpoint change needs the endpoint: "id ID" or its ADDRESS/],
    ['change', '', /endpoint change needs the endpoint: "id ID" or its ADDRESS/],
    ['show', 'id 1 extra', /"extra" is not an address or a keyword/],
  ];
  for (const [verb, words, message] of refused) {
    test(`refuses ${verb} ${words}`, () => {
      assert.throws(() => parseEndpointArgs(verb, words === '' ? [] : words.split(' ')), (err: unknown) => {
        assert.ok(err instanceof UsageError, String(err));
        assert.match(err.message, message);
        assert.doesNotMatch(err.message, /\n/);
        return true;
      });
    });
  }
});

describe('limits arguments', () => {
  test('any order, abbreviations, last wins, base 0', () => {
    assert.deepEqual(parseLimitsArgs(['a', '1', 's', '2']), { addAddrAccepted: 1, subflows: 2 });
    assert.deepEqual(parseLimitsArgs(['subflows', '0x5', 'subflows', '3']), { subflows: 3 });
    assert.deepEqual(parseLimitsArgs([]), {});
    assert.deepEqual(parseLimitsArgs(['subflows', '8', 'add_addr_accepted', '0']), { subflows: 8, addAddrAccepted: 0 });
  });
  // The kernel's maximum (MPTCP_PM_ADDR_MAX, 8), said in the message, not the u32 the wire carries.
  const refused: [string, RegExp][] = [
    ['subflows 9', /: invalid subflows "9": must be from 0 to 8$/],
    ['add_addr_accepted 0x9', /: invalid add_addr_accepted "0x9": must be from 0 to 8$/],
    ['subflows 4294967297', /: invalid subflows "4294967297": must be from 0 to 8$/],
    ['subflows -1', /: invalid subflows "-1": expected a number from 0 to 8$/],
    ['add_addr_accepted many', /invalid add_addr_accepted "many"/],
    ['foo 1', /unknown limit "foo"/],
    ['subflow 1 subflowz 2', /unknown limit "subflowz": did you mean "subflows"\?/],
    ['subflows', /"subflows" needs a value/],
  ];
  for (const [words, message] of refused) {
    test(`refuses ${words}`, () => assert.throws(() => parseLimitsArgs(words.split(' ')), message));
  }
});
