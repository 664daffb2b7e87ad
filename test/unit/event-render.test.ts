/**
 * The event renderers against iproute2 7.1's own monitor output, byte for byte: the golden
 * captures (test/fixtures/monitor, read at run time) are parsed back into MptcpEvent records,
 * rendered, and compared with the text, `-ts` and JSON files. Then what the captures lack:
 * reset reasons, leftover flag bits, unknown types and attributes, colours, explanations, and the
 * monitor's option parsing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MptcpEvent } from '../../src/mptcp/records.js';
import { eventNames, localTimestamp } from '../../src/cli/output/records/event-fields.js';
import { eventJsonLine, lostJsonLine } from '../../src/cli/output/records/event-json.js';
import { eventText } from '../../src/cli/output/records/event-text.js';
import { eventSelected, parseMonitorOptions, type MonitorOptions } from '../../src/cli/commands/monitor.js';
import { UsageError } from '../../src/errors.js';
import { fixturesDir } from '../helpers/paths.js';

const goldenDir = resolve(fixturesDir, 'monitor');
const typeByName = new Map([...eventNames].map(([type, name]) => [name, type]));

interface Parsed {
  event: MptcpEvent;
  /** µs since 1970 from a `-ts` prefix. */
  timestamp?: number;
}

/** A 7.1 text line back into the record the kernel sent (what ip printed, read in reverse). */
function parseLine(line: string, names: Map<number, string>): Parsed {
  const m = /^(?:\[(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})\] )?\[ *([^\]]+)\](.*)$/.exec(line);
  assert.ok(m, line);
  const parsed: Parsed = { event: { type: 0, unknown: [] } };
  if (m[1]) {
    const [y, mo, d, h, mi, s, us] = m.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
    parsed.timestamp = new Date(y, mo - 1, d, h, mi, s).getTime() * 1000 + us;
  }
  const name = m[8]!;
  const e = parsed.event;
  e.type = typeByName.get(name) ?? Number(/^UNKNOWN (\d+)$/.exec(name)![1]);
  let ifindex = 0;
  for (const item of m[9]!.trim().split(' ').filter(Boolean)) {
    const [key, value = ''] = item.split('=') as [string, string?];
    const n = Number(value);
    switch (key) {
      case 'token': e.token = parseInt(value, 16); break;
      case 'remid': e.remoteId = n; break;
      case 'locid': e.localId = n; break;
      case 'saddr4': e.saddr4 = value; e.family = 2; break;
      case 'daddr4': e.daddr4 = value; break;
      case 'saddr6': e.saddr6 = value; e.family = 10; break;
      case 'daddr6': e.daddr6 = value; break;
      case 'sport': e.sport = n; break;
      case 'dport': e.dport = n; break;
      case 'backup': e.backup = n; break;
      case 'error': e.error = n; break;
      case 'timeout': e.timeout = n; break;
      case 'ifindex': e.ifindex = ifindex = n; break;
      case 'dev': names.set(ifindex, value); break;
      case 'reset_reason': e.resetReason = n; break;
      case 'reset_flags': e.resetFlags = Number(value); break;
      // Linux 6.18 sends both the deprecated attribute and the flag bit.
      case 'server_side': e.serverSide = 1; e.flags = (e.flags ?? 0) | 2; break;
      case 'deny_join_id0': e.flags = (e.flags ?? 0) | 1; break;
      case 'flags': e.flags = (e.flags ?? 0) | Number(value); break;
      default: assert.fail(`unexpected item ${item} in ${line}`);
    }
  }
  return parsed;
}

const captures = existsSync(goldenDir)
  ? readdirSync(goldenDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => ['cli', 'srv'].map((side) => ({ phase: d.name, side, base: resolve(goldenDir, d.name, `${side}-ip7.1.0`) })))
  : [];

describe('byte for byte against the golden ip 7.1 monitor captures', () => {
  test('the captures are there', () => assert.ok(captures.length >= 10, `no captures in ${goldenDir}`));

  for (const { phase, side, base } of captures) {
    const read = (variant: string): string => readFileSync(`${base}-${variant}.txt`, 'utf8');
    const names = new Map<number, string>();
    const lines = (text: string): string[] => text.split('\n').filter(Boolean);

    test(`${phase} ${side}: text`, () => {
      const text = read('text');
      const events = lines(text).map((l) => parseLine(l, names).event);
      assert.equal(events.map((e) => eventText(e, { names })).join(''), text);
    });

    test(`${phase} ${side}: -ts prefix`, () => {
      const text = read('ts');
      const parsed = lines(text).map((l) => parseLine(l, names));
      assert.equal(parsed.map((p) => eventText(p.event, { names, timestamp: p.timestamp! })).join(''), text);
    });

    test(`${phase} ${side}: JSON objects are ip's, one per line`, () => {
      const events = lines(read('text')).map((l) => parseLine(l, names).event);
      const ours = events.map((e) => eventJsonLine(e, { names }));
      for (const line of ours) assert.ok(line.endsWith('}\n') && !line.slice(0, -1).includes('\n'));
      // ip streams one array; its elements, in order, are exactly our lines less our own keys.
      const asIp = ours.map((l) => l.slice(0, -1).replace(/,"(error_name|reset_reason_name)":"[^"]*"/g, ''));
      assert.equal(`[${asIp.join(',')}]\n`, read('json'));
    });
  }
});

describe('what the captures do not show', () => {
  const names = new Map([[7, 'eth1']]);
  const sf: MptcpEvent = {
    type: 11,
    token: 0x2789d9f,
    family: 2,
    saddr4: '10.0.0.1',
    daddr4: '10.0.0.2',
    sport: 1000,
    dport: 2000,
    localId: 1,
    remoteId: 2,
    backup: 0,
    error: 104,
    ifindex: 7,
    resetReason: 1,
    resetFlags: 0,
    unknown: [],
  };

  test('ip order, reset fields with %#x, token zero-padded in text only', () => {
    assert.equal(
      eventText(sf, { names }),
      '[       SF_CLOSED] token=02789d9f remid=2 locid=1 saddr4=10.0.0.1 daddr4=10.0.0.2 sport=1000 dport=2000 backup=0 error=104 ifindex=7 dev=eth1 reset_reason=1 reset_flags=0\n',
    );
    assert.equal(
      eventJsonLine({ ...sf, resetFlags: 1 }, { names }),
      '{"event":"SF_CLOSED","token":"0x2789d9f","remid":2,"locid":1,"saddr4":"10.0.0.1","daddr4":"10.0.0.2","sport":1000,"dport":2000,"backup":0,"error":104,"error_name":"ECONNRESET","ifindex":7,"dev":"eth1","reset_reason":1,"reset_reason_name":"EMPTCP","reset_flags":"0x1"}\n',
    );
  });

  test('an unknown interface is ifN; timeout is printed; error 0 has no name', () => {
    const e: MptcpEvent = { type: 10, token: 1, error: 0, timeout: 30, ifindex: 9, unknown: [] };
    assert.equal(eventText(e, { names }), '[  SF_ESTABLISHED] token=00000001 error=0 timeout=30 ifindex=9 dev=if9\n');
    assert.deepEqual(Object.keys(JSON.parse(eventJsonLine(e, { names })) as object), ['event', 'token', 'error', 'timeout', 'ifindex', 'dev']);
  });

  test('flags: known bits by name (once, also with the old attribute), the rest as flags=0x..', () => {
    const base: MptcpEvent = { type: 1, token: 0xabc, unknown: [] };
    assert.equal(eventText({ ...base, flags: 0x7, serverSide: 1 }, { names }), '[         CREATED] token=00000abc server_side deny_join_id0 flags=0x4\n');
    assert.equal(eventText({ ...base, serverSide: 1 }, { names }), '[         CREATED] token=00000abc server_side\n');
    assert.equal(eventText({ ...base, serverSide: 0 }, { names }), '[         CREATED] token=00000abc\n');
    assert.equal(eventJsonLine({ ...base, flags: 0x11 }, { names }), '{"event":"CREATED","token":"0xabc","deny_join_id0":true,"flags":"0x10"}\n');
  });

  test('unknown types print alone as ip does; unknown attributes only in JSON and on terminals', () => {
    const e: MptcpEvent = { type: 42, token: 5, unknown: [{ type: 30, nested: false, data: Buffer.from([1, 2]), offset: 0 }] };
    assert.equal(eventText(e, { names }), '[UNKNOWN 42]\n');
    assert.equal(eventJsonLine(e, { names }), '{"event":"UNKNOWN 42","unknown":{"30":"0102"}}\n');
    assert.equal(eventText({ ...e, type: 3 }, { names, human: true }), '[          CLOSED] token=00000005 attr30=0x0102\n');
  });

  test("colours: ip 7.x's address and interface spans; kinds and explanations only on terminals", () => {
    const colored = eventText(sf, { names, color: true });
    assert.ok(colored.includes('\x1b[1;35m saddr4=10.0.0.1\x1b[0m'));
    assert.ok(colored.includes('\x1b[1;36m dev=eth1\x1b[0m'));
    assert.equal(colored.replace(/\x1b\[[0-9;]*m/g, ''), eventText(sf, { names }));
    assert.ok(eventText({ type: 3, saddr6: '::1', unknown: [] }, { names, color: true }).includes('\x1b[1;94m saddr6=::1\x1b[0m'));
    const human = eventText(sf, { names, color: true, human: true });
    assert.ok(human.startsWith('\x1b[31m[       SF_CLOSED]\x1b[0m'));
    assert.equal(
      human.replace(/\x1b\[[0-9;]*m/g, ''),
      '[       SF_CLOSED] token=02789d9f remid=2 locid=1 saddr4=10.0.0.1 daddr4=10.0.0.2 sport=1000 dport=2000 backup=0 error=104 (ECONNRESET) ifindex=7 dev=eth1 reset_reason=1 (EMPTCP: MPTCP-specific error) reset_flags=0\n',
    );
    // A terminal without colours (NO_COLOR) still gets the explanations, and no escape codes.
    assert.ok(!eventText(sf, { names, human: true }).includes('\x1b'));
  });

  test('timestamps: ip -ts local time in text, ISO 8601 UTC with microseconds in JSON', () => {
    const us = Date.UTC(2026, 10, 30, 11, 52, 37) * 1000 + 45337;
    assert.match(eventText({ type: 3, token: 1, unknown: [] }, { names, timestamp: us }), /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:37\.045337\] \[          CLOSED\] token=00000001\n$/);
    assert.equal(localTimestamp(us).slice(-9), '37.045337');
    assert.equal(eventJsonLine({ type: 3, token: 1, unknown: [] }, { names, timestamp: us }), '{"timestamp":"2026-11-30T11:52:37.045337Z","event":"CLOSED","token":"0x1"}\n');
    assert.equal(lostJsonLine({ overruns: 2, lost: 17 }, us), '{"timestamp":"2026-11-30T11:52:37.045337Z","event":"LOST","overruns":2,"lost":17}\n');
    assert.equal(lostJsonLine({ overruns: 1 }), '{"event":"LOST","overruns":1}\n');
  });
});

describe('monitor options', () => {
  test('events by printed name (any case), kernel name or number; tokens as printed', () => {
    const args = parseMonitorOptions({ event: ['sf_established,Closed', 'SUB_PRIORITY', '15'], token: '02789d9f', count: '5', timeout: '1.5', rcvbuf: '512K' });
    assert.deepEqual([...args.types!].sort((x, y) => x - y), [3, 10, 13, 15]);
    assert.equal(args.token, 0x2789d9f);
    assert.equal(args.count, 5);
    assert.equal(args.timeoutMs, 1500);
    assert.equal(args.receiveBufferBytes, 512 * 1024);
    assert.equal(parseMonitorOptions({ token: '0x2789d9f', rcvbuf: '16M' }).receiveBufferBytes, 16 * 1024 * 1024);
    assert.equal(parseMonitorOptions({ rcvbuf: '4096' }).receiveBufferBytes, 4096);
  });

  test('bad values are usage errors naming the word', () => {
    for (const [o, re] of [
      [{ event: ['sf_establised'] }, /unknown event "sf_establised": did you mean "SF_ESTABLISHED"\?/],
      [{ event: [','] }, /at least one/],
      [{ count: '0' }, /invalid --count "0"/],
      [{ count: '2.5' }, /invalid --count/],
      [{ timeout: 'soon' }, /invalid --timeout "soon"/],
      [{ rcvbuf: '-1' }, /invalid --rcvbuf/],
      [{ token: 'xyz' }, /invalid token/],
    ] as [MonitorOptions, RegExp][]) {
      assert.throws(() => parseMonitorOptions(o), (err: unknown) => err instanceof UsageError && re.test(err.message));
    }
  });

  test('filters: kinds and token; events without a token never match a token filter', () => {
    const args = parseMonitorOptions({ event: ['created,listener_created'], token: 'a' });
    assert.equal(eventSelected({ type: 1, token: 10, unknown: [] }, args), true);
    assert.equal(eventSelected({ type: 1, token: 11, unknown: [] }, args), false);
    assert.equal(eventSelected({ type: 2, token: 10, unknown: [] }, args), false);
    assert.equal(eventSelected({ type: 15, unknown: [] }, args), false);
    assert.equal(eventSelected({ type: 15, unknown: [] }, parseMonitorOptions({})), true);
  });
});
