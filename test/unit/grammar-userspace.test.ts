/**
 * The userspace-PM grammar: argv -> typed request, bad argv -> the exact message, and the
 * commands built on it: the request the library gets, and nothing at all for a bad command line.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseAnnounceArgs,
  parseRemoveArgs,
  parseSubflowCreateArgs,
  parseSubflowDestroyArgs,
  userspaceKeywords,
} from '../../src/cli/grammar/userspace.js';
import { announceCommand, removeCommand, subflowCreateCommand, subflowDestroyCommand } from '../../src/cli/commands/userspace.js';
import type { CommandContext } from '../../src/cli/context.js';
import type { Session } from '../../src/cli/session.js';
import type { MptcpPm } from '../../src/pm/client.js';
import { AddressFlag } from '../../src/families/mptcp-pm.js';

const w = (line: string): string[] => line.split(' ').filter(Boolean);

const TOKEN_HELP = '(the connection, as `mptcpctl connection show` lists it)';
const BAD_TOKEN = 'expected up to 8 hexadecimal digits, as `mptcpctl connection show` prints it';

describe('parseAnnounceArgs', () => {
  const good: [string, ReturnType<typeof parseAnnounceArgs>][] = [
    ['10.0.2.1 id 5 token 1a2b3c4d', { token: 0x1a2b3c4d, address: '10.0.2.1', id: 5 }],
    ['t 0x1A2B3C4D p 8080 i 6 d eth1 2001:db8:2::1', { token: 0x1a2b3c4d, address: '2001:db8:2::1', id: 6, port: 8080, dev: 'eth1' }],
    ['10.0.0.1 id 1 token 1 id 7 10.0.0.9 token ff', { token: 0xff, address: '10.0.0.9', id: 7 }],
    ['10.2 id 255 token 0 port 0', { token: 0, address: '10.2.0.0', id: 255 }],
    ['2001:DB8::0:1 token ffffffff id 1', { token: 0xffffffff, address: '2001:db8::1', id: 1 }],
  ];
  for (const [line, request] of good) it(line, () => assert.deepEqual(parseAnnounceArgs(w(line)), request));
});

describe('parseRemoveArgs', () => {
  const good: [string, ReturnType<typeof parseRemoveArgs>][] = [
    ['id 5 token 1a2b3c4d', { token: 0x1a2b3c4d, id: 5 }],
    ['t 0xA i 0', { token: 10, id: 0 }],
    ['id 1 token 1 id 255 token 2', { token: 2, id: 255 }],
  ];
  for (const [line, request] of good) it(line, () => assert.deepEqual(parseRemoveArgs(w(line)), request));
});

describe('parseSubflowCreateArgs', () => {
  const good: [string, ReturnType<typeof parseSubflowCreateArgs>][] = [
    [
      'token 1a2b3c4d local 10.0.2.1 id 5 remote 10.0.2.2 port 8080',
      { token: 0x1a2b3c4d, local: { address: '10.0.2.1', id: 5 }, remote: { address: '10.0.2.2', port: 8080 }, backup: false },
    ],
    [
      // Any order, abbreviations; "port" belongs to the address named before it.
      'b r 10.0.2.2 p 443 l 10.0.2.1 p 40000 d va1 t 0x1',
      { token: 1, local: { address: '10.0.2.1', port: 40000, dev: 'va1' }, remote: { address: '10.0.2.2', port: 443 }, backup: true },
    ],
    [
      'token 2 local 2001:db8:2::1 id 0 port 0 remote 2001:db8:2::2 port 1 remote 2001:db8:3::2',
      { token: 2, local: { address: '2001:db8:2::1', id: 0 }, remote: { address: '2001:db8:3::2', port: 1 }, backup: false },
    ],
    [
      'token 3 local ::ffff:10.0.0.1 remote 10.0.0.2 port 65535',
      { token: 3, local: { address: '::ffff:10.0.0.1' }, remote: { address: '10.0.0.2', port: 65535 }, backup: false },
    ],
  ];
  for (const [line, request] of good) it(line, () => assert.deepEqual(parseSubflowCreateArgs(w(line)), request));
});

describe('parseSubflowDestroyArgs', () => {
  const good: [string, ReturnType<typeof parseSubflowDestroyArgs>][] = [
    [
      'token 1a2b3c4d local 10.0.2.1 port 41234 remote 10.0.2.2 port 8080',
      { token: 0x1a2b3c4d, local: { address: '10.0.2.1', port: 41234 }, remote: { address: '10.0.2.2', port: 8080 } },
    ],
    [
      'r 2001:db8:2::2 p 8080 t 9 l 2001:db8:2::1 p 1',
      { token: 9, local: { address: '2001:db8:2::1', port: 1 }, remote: { address: '2001:db8:2::2', port: 8080 } },
    ],
  ];
  for (const [line, request] of good) it(line, () => assert.deepEqual(parseSubflowDestroyArgs(w(line)), request));
});

it('every keyword abbreviation is unambiguous: no two keywords of a command share a first letter', () => {
  for (const [command, keywords] of Object.entries(userspaceKeywords)) {
    assert.equal(new Set(keywords.map((k) => k[0])).size, keywords.length, command);
  }
});

type Run = (ctx: CommandContext, words: string[]) => Promise<void>;

/** Bad command lines: the exact message, and no socket opened, no interface looked up. */
const bad: [string, Run, string, string][] = [
  ['announce', announceCommand, '10.0.2.1 id 0 token 1', 'invalid id "0": must be from 1 to 255'],
  ['announce', announceCommand, '10.0.2.1 id 256 token 1', 'invalid id "256": must be from 1 to 255'],
  ['announce', announceCommand, '10.0.2.1 token 1', 'announce needs "id ID" (1 to 255: the id the peer will know the address by)'],
  ['announce', announceCommand, '10.0.2.1 id 1', `announce needs "token TOKEN" ${TOKEN_HELP}`],
  ['announce', announceCommand, 'id 1 token 1', 'announce needs an ADDRESS (the local address to announce)'],
  ['announce', announceCommand, '10.0.2.1 id 1 token xyz', `invalid token (not shown): ${BAD_TOKEN}`],
  ['announce', announceCommand, '10.0.2.1 id 1 token 0x123456789', `invalid token (not shown): ${BAD_TOKEN}`],
  ['announce', announceCommand, '10.0.2.1 id 1 token 1 port 65536', 'invalid port "65536": must be from 0 to 65535'],
  ['announce', announceCommand, '10.0.2.1 id 1 tokn 1', 'announce: unknown word "tokn": did you mean "token"?'],
  ['announce', announceCommand, '10.0.0.256 id 1 token 1', 'announce: unknown word "10.0.0.256" (expected an ADDRESS, id, token, port or dev)'],
  ['announce', announceCommand, '10.0.2.1 id 1 token 1 dev a/b', 'invalid interface name "a/b": 1 to 15 characters, no "/" or blanks'],
  ['announce', announceCommand, '10.0.2.1 token 1 id', '"id" needs a value'],
  ['remove', removeCommand, 'id 256 token 1', 'invalid id "256": must be from 0 to 255'],
  ['remove', removeCommand, 'token 1', 'remove needs "id ID" (0 to 255: the id given to announce or subflow create)'],
  ['remove', removeCommand, 'id 1', `remove needs "token TOKEN" ${TOKEN_HELP}`],
  ['remove', removeCommand, 'id 1 token 1 port 80', 'remove: unknown word "port" (expected id or token)'],
  ['subflow create', subflowCreateCommand, 'token 1 local 10.0.2.1', 'subflow create needs "remote ADDRESS"'],
  ['subflow create', subflowCreateCommand, 'token 1 local 10.0.2.1 remote 10.0.2.2', 'subflow create needs "port PORT" after "remote 10.0.2.2"'],
  ['subflow create', subflowCreateCommand, 'token 1 local 10.0.2.1 remote 10.0.2.2 port 0', 'invalid remote port "0": must be from 1 to 65535'],
  ['subflow create', subflowCreateCommand, 'token 1 local 10.0.2.1 remote 10.0.2.2 port 70000', 'invalid remote port "70000": must be from 1 to 65535'],
  ['subflow create', subflowCreateCommand, 'token 1 local 10.0.2.1 port 70000 remote 10.0.2.2 port 1', 'invalid local port "70000": must be from 0 to 65535'],
  ['subflow create', subflowCreateCommand, 'token 1 remote 10.0.2.2 port 1', 'subflow create needs "local ADDRESS" (the address to connect from)'],
  ['subflow create', subflowCreateCommand, 'local 10.0.2.1 remote 10.0.2.2 port 1', `subflow create needs "token TOKEN" ${TOKEN_HELP}`],
  ['subflow create', subflowCreateCommand, 'token 1 local 10.0.2.1 remote foo port 1', 'invalid remote address "foo": expected an IPv4 or IPv6 address'],
  ['subflow create', subflowCreateCommand, 'token 1 local 10.0.2.1 remote 2001:db8::2 port 1', 'subflow create: local 10.0.2.1 and remote 2001:db8::2 must both be IPv4 or both IPv6'],
  ['subflow create', subflowCreateCommand, 'token 1 local 10.0.2.1 remote 10.0.2.2 port 1 10.0.2.3', 'subflow create: unknown word "10.0.2.3" (expected token, local, remote, id, port, dev or backup)'],
  ['subflow create', subflowCreateCommand, 'token 1 local 10.0.2.1 remote 10.0.2.2 port 1 bakup', 'subflow create: unknown word "bakup": did you mean "backup"?'],
  ['subflow destroy', subflowDestroyCommand, 'token 1 local 10.0.2.1 remote 10.0.2.2 port 1', 'subflow destroy needs "port PORT" after "local 10.0.2.1"'],
  ['subflow destroy', subflowDestroyCommand, 'token 1 local 10.0.2.1 port 0 remote 10.0.2.2 port 1', 'invalid local port "0": must be from 1 to 65535'],
  ['subflow destroy', subflowDestroyCommand, 'token 1 local 10.0.2.1 port 5', 'subflow destroy needs "remote ADDRESS"'],
  ['subflow destroy', subflowDestroyCommand, 'token 1 local 10.0.2.1 port 5 remote 10.0.2.2 port 1 backup', 'subflow destroy: unknown word "backup" (expected token, local, remote or port)'],
  ['subflow destroy', subflowDestroyCommand, 'token 1 local ::1 port 5 remote 10.0.2.2 port 1', 'subflow destroy: local ::1 and remote 10.0.2.2 must both be IPv4 or both IPv6'],
];

interface Call {
  method: string;
  args: unknown[];
}

/** A context whose session records what the command asks of it. */
function fakeContext(): { ctx: CommandContext; calls: Call[]; notes: string[] } {
  const calls: Call[] = [];
  const notes: string[] = [];
  const record =
    (method: string) =>
    async (...args: unknown[]): Promise<void> => {
      calls.push({ method, args });
    };
  const pm = { announce: record('announce'), remove: record('remove'), subflowCreate: record('subflowCreate'), subflowDestroy: record('subflowDestroy') };
  const session = {
    netns: undefined,
    pathManager: async () => {
      calls.push({ method: 'open', args: [] });
      return pm as unknown as MptcpPm;
    },
    interfaceIndex: async (name: string) => {
      calls.push({ method: 'interfaceIndex', args: [name] });
      return 7;
    },
  } as unknown as Session;
  const ctx: CommandContext = {
    // The userspace commands print nothing, so the output choice does not matter.
    out: { format: 'text' } as CommandContext['out'],
    session,
    verbose: true,
    write: () => assert.fail('userspace commands print nothing on stdout'),
    note: (text) => void notes.push(text),
  };
  return { ctx, calls, notes };
}

describe('bad command lines: exact message, nothing sent', () => {
  for (const [name, run, line, message] of bad) {
    it(`${name} ${line}`, async () => {
      const { ctx, calls } = fakeContext();
      await assert.rejects(run(ctx, w(line)), { name: 'UsageError', message });
      assert.deepEqual(calls, []);
    });
  }
});

describe('commands: what the library is asked to send', () => {
  const cases: [string, Run, string, Call[], string][] = [
    [
      'announce with port and dev',
      announceCommand,
      '10.0.2.1 id 5 token 1a2b3c4d port 8080 dev eth1',
      [
        { method: 'interfaceIndex', args: ['eth1'] },
        { method: 'open', args: [] },
        { method: 'announce', args: [0x1a2b3c4d, { address: '10.0.2.1', id: 5, flags: AddressFlag.signal, port: 8080, ifindex: 7 }] },
      ],
      'announced 10.0.2.1 id 5 on the connection',
    ],
    [
      'remove id 0',
      removeCommand,
      'id 0 token a',
      [
        { method: 'open', args: [] },
        { method: 'remove', args: [10, 0] },
      ],
      'removed id 0 from the connection',
    ],
    [
      'subflow create, backup',
      subflowCreateCommand,
      'token 1 local 10.0.2.1 id 5 remote 10.0.2.2 port 8080 backup',
      [
        { method: 'open', args: [] },
        { method: 'subflowCreate', args: [1, { address: '10.0.2.1', id: 5, flags: AddressFlag.backup }, { address: '10.0.2.2', port: 8080 }] },
      ],
      'SYN sent from 10.0.2.1 to 10.0.2.2:8080: `mptcpctl monitor` shows SF_ESTABLISHED or SF_CLOSED',
    ],
    [
      'subflow destroy, IPv6',
      subflowDestroyCommand,
      'token 1 local 2001:db8::1 port 4 remote 2001:db8::2 port 80',
      [
        { method: 'open', args: [] },
        { method: 'subflowDestroy', args: [1, { address: '2001:db8::1', port: 4 }, { address: '2001:db8::2', port: 80 }] },
      ],
      'closed subflow [2001:db8::1]:4 -> [2001:db8::2]:80',
    ],
  ];
  for (const [name, run, line, expected, note] of cases) {
    it(name, async () => {
      const { ctx, calls, notes } = fakeContext();
      await run(ctx, w(line));
      assert.deepEqual(calls, expected);
      assert.deepEqual(notes, [note]);
    });
  }
});
