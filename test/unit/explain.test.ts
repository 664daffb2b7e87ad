/** Hints for "wrong path manager" refusals: every wording, and how output/error-report.ts prints them. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExplainedKernelError, pathManagerHint, tokenProblem, withPathManagerHint, type PathManagerSetting } from '../../src/cli/explain.js';
import { describeError } from '../../src/cli/output/error-report.js';
import { KernelError, PermissionError } from '../../src/errors.js';

const kernel: PathManagerSetting = { sysctl: 'net.mptcp.path_manager', value: 'kernel', userspace: false };
const userspace: PathManagerSetting = { sysctl: 'net.mptcp.path_manager', value: 'userspace', userspace: true };
const oldKernel: PathManagerSetting = { sysctl: 'net.mptcp.pm_type', value: '0', userspace: false };

describe('tokenProblem', () => {
  const cases: [string | undefined, string | undefined][] = [
    ['invalid token', 'unknown token'],
    ['userspace PM not selected', 'not userspace'],
    ['invalid request; userspace PM not selected', 'not userspace'], // Linux 6.1's wording
    ['address not found', undefined],
    [undefined, undefined],
  ];
  for (const [message, problem] of cases) it(String(message), () => assert.equal(tokenProblem(message), problem));
});

describe('pathManagerHint', () => {
  const cases: [Parameters<typeof pathManagerHint>, string][] = [
    [
      ['not userspace', kernel, 'blue'],
      'the connection is driven by the in-kernel path manager; network namespace "blue" uses the in-kernel path manager (net.mptcp.path_manager = kernel): use `mptcpctl endpoint` and `mptcpctl limits` for it, or run `ip netns exec blue sysctl -w net.mptcp.path_manager=userspace` for new connections',
    ],
    [
      ['not userspace', userspace, undefined],
      'the connection is driven by the in-kernel path manager, although this network namespace now uses the userspace path manager (net.mptcp.path_manager = userspace): the setting applies only to connections made after it; use `mptcpctl endpoint` and `mptcpctl limits` for it, or reconnect',
    ],
    [
      ['unknown token', userspace, 'blue'],
      'no MPTCP connection in network namespace "blue" has this token; the namespace uses the userspace path manager (net.mptcp.path_manager = userspace), and tokens are per namespace and per side: `mptcpctl connection show` lists them',
    ],
    [
      ['unknown token', oldKernel, undefined],
      'no MPTCP connection in this network namespace has this token, and the namespace uses the in-kernel path manager (net.mptcp.pm_type = 0): userspace-PM commands need `sysctl -w net.mptcp.pm_type=1` before the connection is made',
    ],
    [
      ['unknown token', undefined, 'x'],
      'no MPTCP connection in network namespace "x" has this token, and the namespace has no readable net.mptcp.path_manager or net.mptcp.pm_type: userspace-PM commands need `ip netns exec x sysctl -w net.mptcp.path_manager=userspace` before the connection is made',
    ],
    [
      ['not userspace', { sysctl: 'net.mptcp.path_manager', value: 'bpf', userspace: false }, 'x'],
      'the connection is driven by the in-kernel path manager; network namespace "x" uses path manager "bpf" (net.mptcp.path_manager = bpf): use `mptcpctl endpoint` and `mptcpctl limits` for it, or run `ip netns exec x sysctl -w net.mptcp.path_manager=userspace` for new connections',
    ],
  ];
  for (const [args, hint] of cases) it(`${args[0]}, ${args[1]?.value}`, () => assert.equal(pathManagerHint(...args), hint));
});

describe('withPathManagerHint', () => {
  const refusal = (message: string) => new KernelError({ errno: 22, operation: 'ANNOUNCE', message, attribute: 'token' });

  it('explains "invalid token", naming the path manager of this namespace, in one line', async () => {
    const err = await withPathManagerHint(undefined, 0xabcd, () => Promise.reject(refusal('invalid token'))).catch((e: unknown) => e);
    assert.ok(err instanceof ExplainedKernelError);
    assert.equal(err.errnoName, 'EINVAL');
    assert.equal(err.attribute, 'token');
    const { message, exitCode } = describeError(err);
    assert.equal(exitCode, 1);
    assert.match(message!, /^kernel refused ANNOUNCE: invalid token \(EINVAL\): no MPTCP connection in this network namespace has this token.* path manager/);
    assert.doesNotMatch(message!, /\n/);
    assert.doesNotMatch(message!, /abcd/i, 'the token is a secret: never repeated in an error');
  });

  it('passes other refusals, permission errors and token-less requests through unchanged', async () => {
    const others = [refusal('address not found'), new PermissionError({ errno: 1, operation: 'ANNOUNCE' })];
    for (const original of others) {
      assert.equal(await withPathManagerHint('x', 1, () => Promise.reject(original)).catch((e: unknown) => e), original);
    }
    const tokenless = refusal('invalid token');
    assert.equal(await withPathManagerHint('x', undefined, () => Promise.reject(tokenless)).catch((e: unknown) => e), tokenless);
    assert.equal(await withPathManagerHint('x', 1, async () => 42), 42);
  });
});
