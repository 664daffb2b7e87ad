/** The desired-state file: accepted as the issue writes it, and each kind of mistake named with its line:column. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/parse.js';
import { ConfigError } from '../../src/config/model.js';
import { AddressFlag } from '../../src/families/mptcp-pm.js';
import { parseConfigArgs } from '../../src/cli/grammar/config.js';

/** The file of issue 18, as written there: the key names are the contract. */
export const ISSUE_FILE = `limits:
  subflows: 4
  add_addr_accepted: 4
sysctl:
  add_addr_timeout: 60
endpoints:
  - address: 10.0.0.2
    id: 3
    dev: eth0
    flags: [signal]
rules:
  - interfaces: ["eth*", "wlan*"]
    family: any          # ipv4 | ipv6 | any
    flags: [subflow]
unlisted: remove
`;

const keys = new Set(['add_addr_timeout', 'enabled', 'path_manager', 'allow_join_initial_addr_port']);

test('the issue file is accepted as written', () => {
  const c = parseConfig(ISSUE_FILE, 'main.yaml', { sysctlKeys: keys });
  assert.deepEqual(c.limits, { subflows: 4, addAddrAccepted: 4 });
  assert.deepEqual([...c.sysctl], [['add_addr_timeout', '60']]);
  assert.equal(c.endpoints.length, 1);
  assert.deepEqual({ ...c.endpoints[0], at: undefined }, { address: '10.0.0.2', family: 4, id: 3, dev: 'eth0', port: 0, flags: AddressFlag.signal, at: undefined });
  assert.equal(c.rules.length, 1);
  assert.deepEqual(c.rules[0]!.interfaces, ['eth*', 'wlan*']);
  assert.equal(c.rules[0]!.family, 'any');
  assert.equal(c.rules[0]!.flags, AddressFlag.subflow);
  assert.equal(c.unlisted, 'remove');
});

test('an empty file is an empty desired state', () => {
  const c = parseConfig('', 'e.yaml');
  assert.deepEqual(c.endpoints, []);
  assert.equal(c.unlisted, 'remove');
});

/** Each mistake, the position it must be reported at, and words of the message. */
const mistakes: { name: string; text: string; at: string; says: RegExp }[] = [
  { name: 'YAML syntax', text: 'limits:\n  subflows: [4\n', at: '3:1', says: /flow sequence|Missing|expected/i },
  { name: 'unknown top key', text: 'limit:\n  subflows: 2\n', at: '1:1', says: /unknown key "limit".*did you mean "limits"/ },
  { name: 'unknown limit', text: 'limits:\n  subflow: 2\n', at: '2:3', says: /unknown key "subflow" in limits: did you mean "subflows"/ },
  { name: 'limit too high', text: 'limits:\n  subflows: 9\n', at: '2:13', says: /limits subflows must be an integer 0..8, not 9/ },
  { name: 'unknown sysctl', text: 'sysctl:\n  add_addr_timout: 5\n', at: '2:3', says: /unknown sysctl "add_addr_timout".*did you mean "add_addr_timeout"/ },
  { name: 'read-only sysctl', text: 'sysctl:\n  available_schedulers: x\n', at: '2:3', says: /can only be read/ },
  { name: 'bad address', text: 'endpoints:\n  - address: 10.0.0.300\n', at: '2:14', says: /"10.0.0.300" is not an IPv4 or IPv6 address/ },
  { name: 'missing address', text: 'endpoints:\n  - id: 3\n', at: '2:5', says: /needs an address/ },
  { name: 'id out of range', text: 'endpoints:\n  - address: 10.0.0.1\n    id: 0\n', at: '3:9', says: /id must be an integer 1..255/ },
  { name: 'duplicate id', text: 'endpoints:\n  - address: 10.0.0.1\n    id: 3\n  - address: 10.0.0.2\n    id: 3\n', at: '4:5', says: /duplicate id 3 \(also line 2\)/ },
  { name: 'duplicate address', text: 'endpoints:\n  - address: 10.0.0.1\n  - address: 10.0.0.1\n', at: '3:5', says: /duplicate endpoint 10.0.0.1/ },
  { name: 'unknown flag', text: 'endpoints:\n  - address: 10.0.0.1\n    flags: [sigal]\n', at: '3:13', says: /unknown flag "sigal": did you mean "signal"/ },
  { name: 'implicit flag', text: 'endpoints:\n  - address: 10.0.0.1\n    flags: [implicit]\n', at: '3:13', says: /kernel makes implicit/ },
  { name: 'signal with fullmesh', text: 'endpoints:\n  - address: 10.0.0.1\n    flags: [signal, fullmesh]\n', at: '3:12', says: /signal and fullmesh/ },
  { name: 'port without signal', text: 'endpoints:\n  - address: 10.0.0.1\n    flags: [subflow]\n    port: 80\n', at: '4:11', says: /port needs the signal flag/ },
  {
    name: 'more endpoints than the kernel takes',
    text: `endpoints:\n${Array.from({ length: 9 }, (_, i) => `  - address: 10.0.0.${i + 1}\n`).join('')}`,
    at: '1:1',
    says: /9 endpoints: the kernel takes at most 8/,
  },
  { name: 'rule without interfaces', text: 'rules:\n  - family: ipv4\n', at: '2:5', says: /rule 1 needs interfaces/ },
  { name: 'bad family', text: 'rules:\n  - interfaces: [eth0]\n    family: ip4\n', at: '3:13', says: /family must be one of ipv4, ipv6, any/ },
  { name: 'bad id range', text: 'rules:\n  - interfaces: [eth0]\n    ids: 20-10\n', at: '3:10', says: /ids must be a range/ },
  { name: 'bad unlisted', text: 'unlisted: delete\n', at: '1:11', says: /unlisted must be one of remove, keep/ },
  { name: 'duplicate key', text: 'limits:\n  subflows: 1\n  subflows: 2\n', at: '3:3', says: /unique/ },
];

for (const m of mistakes) {
  test(`bad file: ${m.name} -> ${m.at}`, () => {
    assert.throws(
      () => parseConfig(m.text, 'f.yaml', { sysctlKeys: keys }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, String(err));
        const p = err.problems[0]!;
        assert.equal(`${p.line}:${p.column}`, m.at, `${p.message}`);
        assert.match(p.message, m.says);
        assert.match(err.message, /^f\.yaml:\d+:\d+: /);
        return true;
      },
    );
  });
}

test('every problem of a file is listed, in file order', () => {
  const text = 'limits:\n  subflows: 9\nendpoints:\n  - address: nope\nrules:\n  - interfaces: [eth0]\n    family: ip4\nbogus: 1\n';
  assert.throws(
    () => parseConfig(text, 'f.yaml'),
    (err: unknown) => err instanceof ConfigError && err.problems.map((p) => p.line).join(',') === '2,4,7,8',
  );
});

test('config arguments', () => {
  assert.deepEqual(parseConfigArgs('apply', ['f.yaml', '--dry-run']), { file: 'f.yaml', dryRun: true, once: false, timeoutSeconds: 120, resyncSeconds: 60 });
  assert.equal(parseConfigArgs('try', ['--timeout', '5', 'f.yaml']).timeoutSeconds, 5);
  assert.equal(parseConfigArgs('follow', ['f.yaml', '--resync=0']).resyncSeconds, 0);
  assert.throws(() => parseConfigArgs('diff', []), /needs a FILE/);
  assert.throws(() => parseConfigArgs('diff', ['a', 'b']), /one file/);
  assert.throws(() => parseConfigArgs('show', ['x']), /takes no file/);
  assert.throws(() => parseConfigArgs('apply', ['f', '--dryrun']), /did you mean "--dry-run"/);
  assert.throws(() => parseConfigArgs('try', ['f', '--timeout', '0']), /above 0/);
});
