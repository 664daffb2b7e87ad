/** Hints for in-kernel PM refusals: each wording, when it applies, and the one-line error it makes. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inKernelHint, withInKernelHint, type HintContext } from '../../src/cli/hints.js';
import { describeError } from '../../src/cli/output/error-report.js';
import { KernelError, PermissionError } from '../../src/errors.js';
import type { Endpoint } from '../../src/mptcp/records.js';

const ep = (address: string, id: number, port = 0): Endpoint => ({ id, family: 2, address, port, flags: 1, ifindex: 0, unknown: [] });
const refusal = (operation: string, errno: number, message?: string, attribute?: string): KernelError =>
  new KernelError({ errno, operation, ...(message ? { message } : {}), ...(attribute ? { attribute } : {}) });

describe('inKernelHint', () => {
  const endpoints = [ep('10.0.1.1', 1), ep('10.0.1.2', 4, 10100)];
  const cases: [string, KernelError, HintContext, string | undefined][] = [
    [
      'duplicate address',
      refusal('ADD_ADDR', 17, 'too many addresses or duplicate one: -17'),
      { netns: 'blue', request: { address: '10.0.1.1' }, endpoints },
      '10.0.1.1 is already endpoint id 1 (a duplicate address, not a duplicate id); mptcpctl -n blue endpoint delete id 1 removes it first',
    ],
    [
      'duplicate address with a port',
      refusal('ADD_ADDR', 17),
      { netns: undefined, request: { address: '10.0.1.2', port: 10100 }, endpoints },
      '10.0.1.2 port 10100 is already endpoint id 4 (a duplicate address, not a duplicate id); mptcpctl endpoint delete id 4 removes it first',
    ],
    [
      'duplicate id',
      refusal('ADD_ADDR', 16, 'too many addresses or duplicate one: -16'),
      { netns: undefined, request: { address: '10.0.1.9', id: 4 }, endpoints },
      'id 4 is already used by 10.0.1.2 (a duplicate id, not a duplicate address): choose another id, or leave id out and the kernel picks a free one',
    ],
    [
      'a ninth endpoint',
      refusal('ADD_ADDR', 34),
      { netns: undefined, request: { address: '10.0.1.9' }, endpoints: Array.from({ length: 8 }, (_, i) => ep(`10.0.2.${i}`, i + 1)) },
      'the in-kernel path manager holds at most 8 endpoints per namespace and this namespace has 8: delete one first (mptcpctl endpoint delete id ID)',
    ],
    [
      'signal port on an address that is not here',
      refusal('ADD_ADDR', 99, 'create listen socket error: -99'),
      { netns: undefined, request: { address: '2001:db8::9', port: 10100 }, endpoints },
      '2001:db8::9 is not configured in this namespace; an endpoint with a port makes the kernel listen on it, so add the address first (ip addr add 2001:db8::9/64 dev IFNAME)',
    ],
    [
      'a busy port',
      refusal('ADD_ADDR', 98, 'create listen socket error: -98'),
      { netns: undefined, request: { address: '10.0.1.1', port: 22 }, endpoints },
      "port 22 is already in use on 10.0.1.1 (by another endpoint's listener or a program's socket): choose another port",
    ],
    [
      'delete an unknown id',
      refusal('DEL_ADDR', 22, 'address not found'),
      { netns: undefined, request: { id: 9 }, endpoints },
      'no endpoint has id 9 (ids in use: 1, 4); `mptcpctl endpoint show` lists them',
    ],
    [
      'show an unknown id with no endpoints',
      refusal('GET_ADDR', 22, 'address not found'),
      { netns: 'blue', request: { id: 9 }, endpoints: [] },
      'no endpoint has id 9 (there are no endpoints); `mptcpctl -n blue endpoint show` lists them',
    ],
    [
      'change an unknown address',
      refusal('SET_FLAGS', 22, 'address not found'),
      { netns: undefined, request: { address: '10.0.3.3' }, endpoints },
      'no endpoint has address 10.0.3.3; `mptcpctl endpoint show` lists them',
    ],
    [
      'fullmesh on a signal endpoint',
      refusal('SET_FLAGS', 22, 'invalid addr flags'),
      { netns: undefined, request: { id: 1 }, endpoints },
      'fullmesh cannot be set on a signal (or implicit) endpoint: fullmesh is for subflow endpoints',
    ],
    [
      'a limit above 8',
      refusal('SET_LIMITS', 22, 'limit greater than maximum (8)', 'rcv-add-addrs'),
      { netns: undefined, request: { subflows: 2, addAddrAccepted: 12 }, endpoints },
      'add_addr_accepted 12 is too high: subflows and add_addr_accepted are each 0..8, and a refused set changes neither',
    ],
    ['an error without a hint', refusal('ADD_ADDR', 22, 'flags must have signal and not subflow when using port'), { netns: undefined, request: {}, endpoints }, undefined],
  ];
  for (const [name, err, ctx, hint] of cases) it(name, () => assert.equal(inKernelHint(err, ctx), hint));
});

describe('withInKernelHint', () => {
  it('keeps the kernel prefix and appends the hint on the same line', async () => {
    const err = await withInKernelHint(undefined, { address: '10.0.1.9', id: 1 }, async () => [ep('10.0.1.1', 1)], () =>
      Promise.reject(refusal('ADD_ADDR', 16, 'too many addresses or duplicate one: -16')),
    ).catch((e: unknown) => e);
    const { message, exitCode } = describeError(err);
    assert.equal(exitCode, 1);
    assert.equal(
      message,
      'kernel refused ADD_ADDR: too many addresses or duplicate one: -16 (EBUSY): id 1 is already used by 10.0.1.1 (a duplicate id, not a duplicate address): choose another id, or leave id out and the kernel picks a free one',
    );
    assert.doesNotMatch(message!, /\n/);
  });

  it('reads the endpoints only for the hints that name one', async () => {
    let reads = 0;
    const list = async () => (reads++, []);
    await withInKernelHint(undefined, { subflows: 9 }, list, () => Promise.reject(refusal('SET_LIMITS', 22, 'limit greater than maximum (8)'))).catch(() => {});
    assert.equal(reads, 0);
    await withInKernelHint(undefined, { id: 3 }, list, () => Promise.reject(refusal('DEL_ADDR', 22, 'address not found'))).catch(() => {});
    assert.equal(reads, 1);
  });

  it('leaves permission errors and unexplained refusals alone', async () => {
    const denied = new PermissionError({ errno: 1, operation: 'ADD_ADDR' });
    assert.equal(await withInKernelHint(undefined, {}, async () => [], () => Promise.reject(denied)).catch((e: unknown) => e), denied);
    const plain = refusal('ADD_ADDR', 22, 'missing family');
    assert.equal(await withInKernelHint(undefined, {}, async () => [], () => Promise.reject(plain)).catch((e: unknown) => e), plain);
  });
});
