/**
 * Reliability and security fixes found by the fuzzers and fault tests (issue #8), one test per
 * finding. Each of these failed before its fix.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openBatch } from '../../src/cli/batch.js';
import { parseMonitorOptions } from '../../src/cli/commands/monitor.js';
import { describeOutputError, oneLine } from '../../src/cli/output/error-report.js';
import { parseEndpointArgs } from '../../src/cli/grammar/endpoint.js';
import { parseToken } from '../../src/cli/grammar/words.js';
import { runCli } from '../../src/cli/run.js';
import { NetnsError, SystemError, UsageError } from '../../src/errors.js';
import { Errno } from '../../src/errno.js';
import { decodeErrorPayload } from '../../src/netlink/extack.js';
import { NLM_F_ACK_TLVS, NetlinkDecodeError } from '../../src/netlink/message.js';
import { transportProbe } from '../../src/sys/probe.js';
import { hex } from '../helpers/bytes.js';

const GUARD = 'refused by the hardening test';

async function* text(t: string): AsyncGenerator<Buffer> {
  yield Buffer.from(t);
}

async function cli(argv: string[], stdin = '', env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string; opens: number }> {
  const opens = transportProbe.opens;
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env,
    isTTY: false,
    stdin: text(stdin),
  });
  return { code, stdout, stderr, opens: transportProbe.opens - opens };
}

describe('hardening', () => {
  before(() => {
    transportProbe.guard = () => {
      throw new SystemError('socket', 1, GUARD);
    };
  });
  after(() => {
    transportProbe.guard = undefined;
  });

  it('an NLMSG_ERROR whose echoed length wraps 32-bit arithmetic is a decode error, not TLVs read from the echoed header', () => {
    // align4(0xfffffffc) is negative in 32-bit arithmetic: the TLVs were then read from the start of
    // the payload, and these bytes decoded as {error: -65528, message: "ABC", offset: 20}.
    const lying = hex('0800ffff fcffffff 0800 0100 41424300 0800 0200 14000000');
    assert.throws(() => decodeErrorPayload(lying, NLM_F_ACK_TLVS), NetlinkDecodeError);
    for (const length of ['fdffffff', 'feffff7f', '0c000000']) {
      const payload = hex(`eaffffff ${length} 0800 0100 41424300 00000000 0800 0200 14000000`);
      assert.throws(() => decodeErrorPayload(payload, NLM_F_ACK_TLVS), NetlinkDecodeError, length);
    }
  });

  it('a bad namespace name is a usage error (exit 2) found before anything is opened', async () => {
    for (const name of ['../../x', '/proc/1/ns/net', 'a/b', '..', '', 'x'.repeat(256)]) {
      const r = await cli(['-n', name, 'limits', 'show']);
      assert.equal(r.code, 2, `${JSON.stringify(name)}: ${r.stderr}`);
      assert.equal(r.opens, 0);
      assert.match(r.stderr, /^mptcpctl: invalid network namespace name /);
    }
    assert.equal((await cli(['--netns=../../x', 'endpoint', 'show'])).code, 2);
  });

  it('error messages are one line without control characters, whatever the argv held', async () => {
    const r = await cli(['monitor', '--x\n\u001b[31mRED']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^mptcpctl: [^\n\u001b]*\n$/);
    const n = new NetnsError('a\nmptcpctl: forged', 'not found');
    assert.doesNotMatch(n.message, /\n/);
    assert.equal(oneLine('kernel said \u001b]0;x\u0007 and\r\nmore'), 'kernel said \\u001b]0;x\\u0007 and\\r\\nmore');
  });

  it('a huge word is cut in the message that quotes it', () => {
    assert.throws(
      () => parseEndpointArgs('show', ['x'.repeat(100_000)]),
      (err: unknown) => err instanceof UsageError && err.message.length < 400 && err.message.includes('"...'),
    );
  });

  it('--debug prints no stack after help or the version, which end with status 0 (found by the argv fuzzer)', async () => {
    for (const argv of [['--debug', '--help'], ['-debug', 'help'], ['-d', 'endpoint', '--help'], ['--debug', '--version']]) {
      const r = await cli(argv);
      assert.equal(r.code, 0, argv.join(' '));
      assert.equal(r.stderr, '', argv.join(' '));
      assert.notEqual(r.stdout, '', argv.join(' '));
    }
  });

  it('--debug prints a stack only where the program is at fault, never for a usage error or a refusal', async () => {
    for (const argv of [
      ['--debug', 'endpoint', 'add', '1.2.3.4', 'id', '999'],
      ['--debug', 'endpoint', 'show', 'bogus'],
      ['--debug', 'help', 'bogus'],
      ['--debug', '-x', 'endpoint', 'show'],
      ['--debug', 'limits', 'show'], // refused by the guard: the system, not the program
    ]) {
      const r = await cli(argv);
      assert.notEqual(r.code, 0, argv.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, argv.join(' '));
      assert.equal(r.stderr.split('\n').length, 2, `one line: ${argv.join(' ')}: ${r.stderr}`);
    }
    // The program at fault: an exception from inside a command (here from reading the environment).
    const env = new Proxy({} as NodeJS.ProcessEnv, {
      get: (_t, key) => {
        if (key === 'FORCE_COLOR') throw new TypeError('injected fault');
        return undefined;
      },
    });
    const faulty = await cli(['--debug', 'limits', 'show'], '', env);
    assert.equal(faulty.code, 1);
    assert.match(faulty.stderr, /^mptcpctl: internal error: injected fault \(please report it; --debug shows the stack\)\nTypeError: injected fault\n\s+at /);
    const quiet = await cli(['limits', 'show'], '', env);
    assert.equal(quiet.stderr, 'mptcpctl: internal error: injected fault (please report it; --debug shows the stack)\n');
  });

  it('tokens are never repeated in errors', async () => {
    assert.throws(() => parseToken('0x1a2b3c4d5'), (err: unknown) => err instanceof UsageError && !/1a2b3c4d/.test(err.message));
    const r = await cli(['monitor', '--token', '1a2b3c4d5']);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, /1a2b3c4d/);
  });

  it('monitor --timeout beyond what a timer can wait is refused (it fired after 1 ms)', () => {
    assert.throws(() => parseMonitorOptions({ timeout: '3000000' }), UsageError);
    assert.equal(parseMonitorOptions({ timeout: '2147483' }).timeoutMs, 2147483000);
  });

  it('a batch file is read up to a bound (-b /dev/zero ran out of memory)', async () => {
    // A regular file is read whole, up to a bound; a stream one line at a time, each line bounded.
    const file = join(mkdtempSync(join(tmpdir(), 'mptcpctl-hardening-')), 'batch.txt');
    try {
      writeFileSync(file, 'x'.repeat(100));
      await assert.rejects(openBatch(file, text(''), () => false, 64), (err: unknown) => err instanceof UsageError && /larger than 64 bytes/.test(err.message));
      writeFileSync(file, 'limits show\n');
      assert.deepEqual(await openBatch(file, text(''), () => false), { text: 'limits show\n' });
    } finally {
      rmSync(dirname(file), { recursive: true, force: true });
    }
    const zero = await cli(['-b', '/dev/zero']);
    assert.equal(zero.code, 2);
    assert.equal(zero.stderr, 'mptcpctl: /dev/zero:1: a batch line is longer than 1048576 characters\n');
    assert.equal(zero.opens, 0);
  });

  it('batch: status 2 only when no line got past its grammar (a later line may have been sent)', async () => {
    const later = await cli(['-b', '-', '--force'], 'endpoint bogus\nlimits show\n');
    assert.equal(later.code, 1, later.stderr);
    assert.ok(later.opens > 0);
    const only = await cli(['-b', '-', '--force'], 'endpoint bogus\n# nothing else\n\n');
    assert.equal(only.code, 2, only.stderr);
    assert.equal(only.opens, 0);
  });

  it('batch: lines with no action (monitor, completion, help, no object) are refused by name, nothing opened', async () => {
    const refused: [string, string][] = [
      ['monitor', '"monitor" cannot be used in a batch file'],
      ['limits monitor', '"monitor" cannot be used in a batch file'],
      ['completion bash', '"completion" cannot be used in a batch file'],
      ['help', '"--help" cannot be used in a batch file'],
      ['mptcp', '"mptcp" cannot be used in a batch file'],
      ['toString', 'unknown command "toString"'],
    ];
    for (const [line, named] of refused) {
      const r = await cli(['-b', '-'], `${line}\n`);
      assert.equal(r.code, 2, line);
      assert.equal(r.opens, 0, line);
      assert.ok(r.stderr.startsWith(`mptcpctl: -:1: ${named}`), `${line}: ${r.stderr}`);
    }
  });

  it('a failed write to stdout: EPIPE ends quietly with 0, anything else is one line and 1', () => {
    assert.deepEqual(describeOutputError(new SystemError('write', Errno.EPIPE)), { message: undefined, exitCode: 0 });
    assert.deepEqual(describeOutputError(new SystemError('write', Errno.ENOSPC)), { message: 'cannot write to standard output: No space left on device (ENOSPC)', exitCode: 1 });
    assert.deepEqual(describeOutputError(new SystemError('write', Errno.EIO)), { message: 'cannot write to standard output: Input/output error (EIO)', exitCode: 1 });
  });
});
