/**
 * Argument fuzzing: the whole CLI (runCli, in-process) over random and mutated command lines of
 * every command's grammar. Properties, for every case:
 *   - runCli resolves (never throws) with 0, 1 or 2;
 *   - stderr never holds a stack trace, with or without --debug (only a fault of the program may
 *     print one, under --debug, and no command line may cause one);
 *   - stderr is one line starting `mptcpctl: ` whenever the status is not 0 (batch mode: one such
 *     line per failing batch line; --debug adds its trace), with no "internal error", and no raw
 *     control character (a word cannot forge a second line or a terminal escape);
 *   - status 2 means nothing reached the transport: no socket opened, nothing sent, no setns
 *     (counted at the seam, src/sys/probe.ts `transportProbe`);
 *   - the transport is guarded, so no case can reach the real kernel: a command line the grammar
 *     accepts stops at the guard with status 1, and that is the only way a socket is asked for.
 * Targeted families (a bad value in a valid command, a bad namespace name, a missing value) must
 * give status 2.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runCli } from '../../src/cli/run.js';
import { SystemError } from '../../src/errors.js';
import { transportProbe } from '../../src/sys/probe.js';
import { CaseCounter, fuzzParameters } from '../helpers/fuzz.js';

const GUARD_MESSAGE = 'refused by the argv fuzz test: no kernel access in-process';

before(() => {
  transportProbe.guard = () => {
    throw new SystemError('socket', 1, GUARD_MESSAGE);
  };
});
after(() => {
  transportProbe.guard = undefined;
});

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  opens: number;
  sends: number;
  setns: number;
}

async function* textStream(text: string): AsyncGenerator<Buffer> {
  yield Buffer.from(text);
}

async function run(argv: string[], options: { stdin?: string; isTTY?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Outcome> {
  const before = { ...transportProbe };
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
    stdin: textStream(options.stdin ?? ''),
  });
  return {
    code,
    stdout,
    stderr,
    opens: transportProbe.opens - before.opens,
    sends: transportProbe.sends - before.sends,
    setns: transportProbe.setns - before.setns,
  };
}

/** Could this argv switch on --debug (whose trace adds lines to stderr)? Over-approximated: ip's -d is -details. */
const mayDebug = (argv: string[]): boolean => argv.some((w) => /^--?deb(u(g)?)?(=|$)/.test(w));
/** Could this argv select batch mode (one stderr line per failing line)? Over-approximated. */
const mayBatch = (argv: string[]): boolean => argv.some((w) => /^--?b/.test(w));

const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** The properties every case must have. */
function checkInvariants(argv: string[], o: Outcome): void {
  const where = `argv ${JSON.stringify(argv)}: status ${o.code}, stderr ${JSON.stringify(o.stderr.slice(0, 400))}`;
  assert.ok(o.code === 0 || o.code === 1 || o.code === 2, where);
  assert.equal(o.sends, 0, `nothing may ever be sent (the transport is guarded): ${where}`);
  assert.doesNotMatch(o.stderr, /internal error/, where);
  if (o.code === 2) assert.deepEqual([o.opens, o.setns], [0, 0], `status 2 but the transport was used: ${where}`);
  if (o.opens > 0) {
    assert.equal(o.code, 1, `a socket was asked for, so the guard must have refused it: ${where}`);
    assert.ok(o.stderr.includes(GUARD_MESSAGE), where);
  }
  if (o.code === 0) {
    assert.equal(o.opens, 0, where);
    assert.equal(o.stderr, '', where);
  }
  assert.doesNotMatch(o.stderr, /\n\s+at /, `stack trace: ${where}`);
  if (mayDebug(argv)) return; // --debug's trace lines
  if (o.code !== 0) {
    const lines = o.stderr.split('\n');
    assert.equal(lines.pop(), '', `stderr must end with a newline: ${where}`);
    if (!mayBatch(argv)) assert.equal(lines.length, 1, `exactly one line: ${where}`);
    for (const line of lines) {
      assert.ok(line.startsWith('mptcpctl: '), where);
      assert.doesNotMatch(line, CONTROL, `raw control character: ${where}`);
    }
  }
}

// ---- generators -----------------------------------------------------------------------------

const hex8 = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 1, maxLength: 8 });
const token = fc.oneof(hex8, hex8.map((t) => `0x${t}`));
const byte = fc.integer({ min: 0, max: 255 });
const numberText = (min: number, max: number) =>
  fc.oneof(
    fc.integer({ min, max }).map(String),
    fc.integer({ min, max }).map((n) => `0x${n.toString(16)}`),
    fc.integer({ min: Math.max(min, 1), max }).map((n) => `0${n.toString(8)}`),
  );
const id = numberText(0, 255);
const port = numberText(0, 65535);
const address = fc.oneof(
  fc.tuple(byte, byte, byte, byte).map((b) => b.join('.')),
  fc.constantFrom('10.0.0.1', '10.7', '0x0a.0.1.0x0d', '010.1.1.1', '2001:db8::1', '::1', '::ffff:10.0.0.2', 'fe80::1', '::'),
  fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(':')),
);
const ifname = fc.constantFrom('lo', 'eth0', 'veth1', 'if3', 'a');
const endpointFlag = fc.constantFrom('signal', 'subflow', 'backup', 'fullmesh', 'laminar', 'implicit', 'nobackup', 'nofullmesh');
const eventName = fc.constantFrom('created', 'ESTABLISHED', 'closed', 'announced', 'removed', 'sf_established', 'sf_closed', 'sf_prio', 'listener_created', '3', 'sub_priority');
const netnsName = fc.constantFrom('blue', 'mpc-x', 'a b', 'ns.1');

/** Keyword/value pairs, flattened in a random order (ip's grammar takes words in any order). */
const words = (...parts: fc.Arbitrary<string[]>[]): fc.Arbitrary<string[]> =>
  fc.tuple(...parts).chain((ps) => fc.shuffledSubarray(ps, { minLength: 0, maxLength: ps.length })).map((ps) => ps.flat());
const kv = (keyword: string, value: fc.Arbitrary<string>): fc.Arbitrary<string[]> => value.map((v) => [keyword, v]);
const opt = (a: fc.Arbitrary<string[]>): fc.Arbitrary<string[]> => fc.option(a, { nil: undefined }).map((x) => x ?? []);

/** Commands as their grammars describe them: mostly valid, sometimes not (missing requirements). */
const command: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(address, words(kv('id', id), kv('port', port), kv('dev', ifname), endpointFlag.map((f) => [f]), endpointFlag.map((f) => [f]))).map(([a, w]) => ['endpoint', 'add', a, ...w]),
  fc.tuple(id, opt(address.map((a) => [a]))).map(([i, a]) => ['endpoint', 'delete', 'id', i, ...a]),
  words(kv('id', id), address.map((a) => [a]), kv('port', port), endpointFlag.map((f) => [f]), kv('token', token), kv('remote', address)).map((w) => ['endpoint', 'change', ...w]),
  words(kv('id', id), kv('token', token)).map((w) => ['endpoint', 'show', ...w]),
  fc.constant<string[]>(['endpoint', 'flush']),
  words(kv('subflows', numberText(0, 8)), kv('add_addr_accepted', numberText(0, 8))).map((w) => ['limits', 'set', ...w]),
  fc.constant<string[]>(['limits', 'show']),
  fc.tuple(address, words(kv('id', id), kv('token', token), kv('port', port), kv('dev', ifname))).map(([a, w]) => ['announce', a, ...w]),
  words(kv('id', id), kv('token', token)).map((w) => ['remove', ...w]),
  fc
    .tuple(token, address, words(kv('id', id), kv('port', port), kv('dev', ifname)), address, port, fc.boolean())
    .map(([t, l, lw, r, p, b]) => ['subflow', 'create', 'token', t, 'local', l, ...lw, 'remote', r, 'port', p, ...(b ? ['backup'] : [])]),
  fc.tuple(token, address, port, address, port).map(([t, l, lp, r, rp]) => ['subflow', 'destroy', 'token', t, 'local', l, 'port', lp, 'remote', r, 'port', rp]),
  opt(kv('token', token)).map((w) => ['subflow', 'show', ...w]),
  opt(kv('token', token)).map((w) => ['connection', 'show', ...w]),
  words(
    kv('--event', fc.array(eventName, { minLength: 1, maxLength: 3 }).map((e) => e.join(','))),
    kv('--token', token),
    kv('--count', fc.integer({ min: 1, max: 9 }).map(String)),
    kv('--timeout', fc.constantFrom('0.5', '3', '1e3')),
    kv('--rcvbuf', fc.constantFrom('262144', '512K', '16M')),
    fc.constant(['-t']),
  ).map((w) => ['monitor', ...w]),
  fc.constant<string[]>(['status']),
  fc.constantFrom<string[]>(['help'], ['help', 'endpoint'], ['endpoint', 'add', '--help'], ['--version'], ['monitor', '-h']),
);

/** Global options, in commander's and ip's spellings. */
const globalOptions: fc.Arbitrary<string[]> = words(
  kv('-n', netnsName),
  fc.constantFrom(['-j'], ['-json'], ['--json'], ['-p'], ['-pretty'], ['-v'], ['-o'], ['-oneline'], ['-t'], ['-ts'], ['-4'], ['-6'], ['--force']),
  // ip's options that `ip mptcp` ignores, and -d/--debug (ip's -d is -details).
  fc.constantFrom(['-s'], ['-stats'], ['-d'], ['-details'], ['-N'], ['-a'], ['-br'], ['-h'], ['-human'], ['-iec'], ['-0'], ['-r'], ['-echo'], ['-l', '1'], ['-f', 'inet'], ['--debug'], ['-debug']),
  fc.constantFrom(['--format', 'json'], ['--format', 'text'], ['--format=table'], ['-c', 'never'], ['-color=always'], ['--color', 'auto']),
  kv('-netns', netnsName),
);

const validish: fc.Arbitrary<string[]> = fc.tuple(globalOptions, command).map(([g, c]) => [...g, ...c]);

/** Words that are hostile somewhere: unicode, huge/negative/hex numbers, empty, injected options. */
const hostileWord: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '', ' ', '\t', '-', '--', '---', '-1', '-0', '+1', '0x', '0X', '0x-1', '0xfffffffff', '4294967296', '18446744073709551616',
    '99999999999999999999999999999', '1e3', '1.5', '.5', 'NaN', 'Infinity', '-Infinity', '０', '１２', '٣', '0b101', '0o17',
    '0000000000000000000000000000001', '256', '65536', '-65535',
    '--netns=../../x', '--netns=/proc/1/ns/net', '-n', '--netns', '-netns=..', '../../x', '/etc/passwd', '..', '.', 'a/b',
    '\u0000', 'a\nb', '\r\n', '\u001b[31mred', '\u001b]0;title\u0007', '\u202eevil', '\u2028', '💥', 'é', 'e\u0301', '\ud800',
    '%s%n%x', '$(reboot)', '`id`', '; rm -rf /', '|', '&&', "'", '"', '\\',
    '--help=x', '--version=1', '--format', '--format=', '--format=xml', '--color=sometimes', '-c', '--count', '--count=-1',
    '--timeout=1e400', '--timeout=3000000', '--rcvbuf=0', '--rcvbuf=4G', '--event=', '--event=nope', '--token=xyz', '--token=123456789',
    '-json=1', '-batch', '-b', '--batch=', '-force', '--debug=1', '-Version', '-h', '-V', '--no-such-option', '-zz',
    'token', 'id', 'port', 'dev', 'local', 'remote', 'backup', 'signal', 'subflows', 'add_addr_accepted', 'mptcp', 'help', 'conn',
    'endpoint', 'limits', 'monitor', 'announce', 'remove', 'subflow', 'connection', 'e', 'l', 's', 'a', 'd', 'c', 'f', 'm',
  ),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary-ascii', maxLength: 20 }),
  fc.integer({ min: 1, max: 8 }).map((k) => 'x'.repeat(k * 1000)),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc.integer().map((n) => `0x${(n >>> 0).toString(16)}${'f'.repeat(n & 7)}`),
);

type Mutation = (argv: string[], word: string, at: number) => string[];
const mutations: Record<string, Mutation> = {
  replace: (a, w, i) => a.map((x, j) => (j === i % Math.max(1, a.length) ? w : x)),
  insert: (a, w, i) => [...a.slice(0, i % (a.length + 1)), w, ...a.slice(i % (a.length + 1))],
  remove: (a, _w, i) => a.filter((_x, j) => j !== i % Math.max(1, a.length)),
  truncate: (a, _w, i) => a.slice(0, i % (a.length + 1)),
  repeat: (a, _w, i) => (a.length ? [...a.slice(0, (i % a.length) + 1), ...a.slice(i % a.length)] : a),
  swap: (a, _w, i) => {
    if (a.length < 2) return a;
    const b = [...a];
    const x = i % a.length;
    const y = (i * 7 + 3) % a.length;
    [b[x], b[y]] = [b[y]!, b[x]!];
    return b;
  },
  append: (a, w) => [...a, w],
  prepend: (a, w) => [w, ...a],
};
const mutated = fc
  .tuple(validish, fc.array(fc.tuple(fc.constantFrom(...Object.keys(mutations)), hostileWord, fc.nat()), { minLength: 1, maxLength: 4 }))
  .map(([argv, ops]) => {
    let out = argv;
    for (const [name, word, at] of ops) out = mutations[name]!(out, word, at);
    return out;
  });

const randomArgv = fc.array(fc.oneof(hostileWord, fc.string({ unit: 'binary', maxLength: 30 })), { maxLength: 10 });

// ---- targeted families: each must be a usage error --------------------------------------------

const badId = fc.constantFrom('-1', '256', '0x100', '1e2', '', ' 1x', '99999999999999999999', '１', 'one', '0x');
const badPort = fc.constantFrom('-1', '65536', '0x10000', '1.5', '', 'http', '1e5', '٣');
const badAddress = fc.constantFrom('10.0.0.256', '1.2.3.4.5', ':::', '2001:db8::1::2', '10.0.0.1/24', '', 'localhost', '10..0.1', '1:2:3:4:5:6:7:8:9');
const badToken = fc.constantFrom('', 'xyz', '0x', '123456789', '0x123456789', '-1', '+1', '0xg', ' 1', '１');
const badNetns = fc.constantFrom('../../x', '/proc/1/ns/net', 'a/b', '..', '.', '', 'x'.repeat(256), 'a\u0000b', '/', '../run/netns/x');

const mustBeUsageError: [string, fc.Arbitrary<string[]>][] = [
  ['bad id', fc.tuple(address, badId).map(([a, i]) => ['endpoint', 'add', a, 'id', i])],
  ['bad id (userspace)', fc.tuple(badId, token).map(([i, t]) => ['remove', 'id', i, 'token', t])],
  ['bad port', fc.tuple(address, badPort).map(([a, p]) => ['endpoint', 'add', a, 'signal', 'port', p])],
  ['bad port (remote)', fc.tuple(token, badPort).map(([t, p]) => ['subflow', 'create', 'token', t, 'local', '10.0.0.1', 'remote', '10.0.0.2', 'port', p])],
  ['bad address', badAddress.map((a) => ['announce', a, 'id', '1', 'token', '1'])],
  ['bad token', badToken.map((t) => ['connection', 'show', 'token', t])],
  ['bad token (monitor)', badToken.map((t) => ['monitor', '--token', t])],
  ['bad limit', fc.constantFrom('9', '0x9', '011', '4294967297', '4294967296', '-1', '0x100000000', 'many').map((n) => ['limits', 'set', 'subflows', n])],
  ['bad netns name', fc.tuple(badNetns, command).map(([n, c]) => ['-n', n, ...c.filter((w) => !/^(-h|--help|--version|help)$/.test(w))])],
  ['bad netns name (--netns=)', badNetns.map((n) => [`--netns=${n}`, 'endpoint', 'show'])],
  ['missing value', fc.constantFrom(['endpoint', 'add', '10.0.0.1', 'id'], ['announce', '10.0.0.1', 'id', '1', 'token'], ['limits', 'set', 'subflows'], ['-n'], ['monitor', '--count'], ['endpoint', 'show', 'token'])],
  ['truncated command', fc.constantFrom(['endpoint', 'add'], ['endpoint', 'delete'], ['announce'], ['remove'], ['subflow', 'create'], ['subflow', 'destroy', 'token', '1'], ['announce', '10.0.0.1', 'id', '1'])],
  ['unknown word', fc.tuple(fc.constantFrom(['endpoint', 'show'], ['limits', 'show'], ['connection', 'show'], ['remove', 'id', '1', 'token', '1']), fc.string({ unit: 'binary', minLength: 1, maxLength: 8 })).map(([c, junk]) => [...c, `zq${junk}`])],
  ['monitor options', fc.constantFrom(['--count', '0'], ['--count', '1.5'], ['--timeout', '-1'], ['--timeout', '3000000'], ['--rcvbuf', '0'], ['--event', 'nope'], ['extra']).map((o) => ['monitor', ...o])],
];

// ---- the tests ------------------------------------------------------------------------------

describe('argv fuzzing (in-process, transport guarded)', () => {
  const counter = new CaseCounter();
  after(() => {
    process.stdout.write(`# argv fuzz cases: ${counter.summary()}\n`);
  });

  it('the generators reach both outcomes: usage errors, and command lines the grammar accepts', async () => {
    // Guards the fuzzer itself: if every case failed in the grammar, the kernel-side path would go untested.
    const sample = fc.sample(validish, { numRuns: 300, seed: 42 });
    let accepted = 0;
    let rejected = 0;
    for (const argv of sample) {
      const o = await run(argv);
      checkInvariants(argv, o);
      if (o.opens > 0) accepted++;
      if (o.code === 2) rejected++;
    }
    counter.add('generator check', sample.length);
    assert.ok(accepted > 50, `only ${accepted} of 300 generated command lines reached the (guarded) transport`);
    assert.ok(rejected > 10, `only ${rejected} usage errors`);
  });

  it('valid-ish commands of every grammar', async () => {
    await fc.assert(
      fc.asyncProperty(validish, fc.boolean(), async (argv, isTTY) => {
        counter.add('valid-ish');
        checkInvariants(argv, await run(argv, { isTTY }));
      }),
      fuzzParameters(2000),
    );
  });

  it('mutated commands (hostile words replaced, inserted, removed, repeated, swapped; truncation)', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, fc.boolean(), async (argv, isTTY) => {
        counter.add('mutated');
        checkInvariants(argv, await run(argv, { isTTY, env: isTTY ? { NO_COLOR: '1' } : { FORCE_COLOR: '1' } }));
      }),
      fuzzParameters(4000),
    );
  });

  it('random argv (unicode, binary, huge, empty words)', async () => {
    await fc.assert(
      fc.asyncProperty(randomArgv, async (argv) => {
        counter.add('random');
        checkInvariants(argv, await run(argv));
      }),
      fuzzParameters(2000),
    );
  });

  for (const [name, family] of mustBeUsageError) {
    it(`usage error, nothing opened: ${name}`, async () => {
      await fc.assert(
        fc.asyncProperty(family, async (argv) => {
          counter.add(`usage: ${name}`);
          const o = await run(argv);
          checkInvariants(argv, o);
          assert.equal(o.code, 2, `argv ${JSON.stringify(argv)}: status ${o.code}, stderr ${JSON.stringify(o.stderr)}`);
        }),
        fuzzParameters(150),
      );
    });
  }

  it('batch text on stdin (-b -): random and mutated lines', async () => {
    const line = fc.oneof(
      command.map((c) => c.map((w) => (/\s/.test(w) || w === '' ? JSON.stringify(w) : w)).join(' ')),
      mutated.map((a) => a.join(' ')),
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.constantFrom('', '# comment', '   ', 'mptcpctl endpoint show', '"unterminated', "'x", '-n x endpoint show', 'endpoint show # trailing'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 6 }), fc.boolean(), async (lines, force) => {
        counter.add('batch');
        const argv = ['-b', '-', ...(force ? ['--force'] : [])];
        checkInvariants(argv, await run(argv, { stdin: lines.join('\n') }));
      }),
      fuzzParameters(1000),
    );
  });

  it('runs at least 10,000 cases in all', () => {
    if (process.env['FUZZ_SEED'] === undefined && (process.env['FUZZ_SCALE'] ?? '1') === '1') {
      assert.ok(counter.total >= 10_000, counter.summary());
    }
  });
});
