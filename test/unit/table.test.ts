/**
 * Terminal tables: fitted to the width given (the widest wrappable column wraps, addresses never
 * do), one line per record with a rule under the header only, and the connection and subflow
 * tables show every field their text lines show. Records come from real captures.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stripVTControlCharacters } from 'node:util';
import { decodeInetDiagMessage } from '../../src/diag/inet-diag.js';
import { assignSides, toConnection, toSubflow, type MptcpSubflow } from '../../src/diag/records.js';
import { connectionsTable, connectionsText, subflowsTable, subflowsText } from '../../src/cli/output/records/connection.js';
import { endpointsTable } from '../../src/cli/output/records/endpoint.js';
import { renderTable } from '../../src/cli/output/table.js';
import { fitColumns } from '../../src/cli/output/table-draw.js';
import { paint } from '../../src/cli/output/colors.js';
import { clientConnection4, initialSubflow4, joinSubflow4, listener6 } from './fixtures/inet-diag-captures.js';

const plain = await paint(false);
const decode = (message: Buffer) => decodeInetDiagMessage(message.subarray(16));
const subflows = [initialSubflow4, joinSubflow4].map((m) => toSubflow(decode(m))).filter((s): s is MptcpSubflow => s !== undefined);
const connections = assignSides([clientConnection4, listener6].map((m) => toConnection(decode(m))), subflows);

const lines = (table: string): string[] => stripVTControlCharacters(table).trimEnd().split('\n');
const widest = (table: string): number => Math.max(...lines(table).map((l) => [...l].length));

describe('table layout', () => {
  const head = ['ID', 'ADDRESS', 'NOTES'];
  const rows = [
    ['1', '2001:db8:1234:5678:9abc:def0:1234:5678', 'one two three four five six seven eight nine ten eleven twelve'],
    ['2', '10.0.0.1', 'short'],
    ['3', '10.0.0.3', ''],
  ];

  test('no rule between rows: header, rule under it, one line per row', async () => {
    const out = lines(await renderTable(head, rows, plain, false));
    assert.equal(out.length, 3 + rows.length + 1, out.join('\n'));
    assert.match(out[2]!, /^├─+┼─+┼─+┤$/);
    assert.equal(out.filter((l) => l.startsWith('├')).length, 1);
  });

  test('a width: the wrappable column wraps, the address stays whole, nothing is wider', async () => {
    for (const width of [60, 80, 100]) {
      const out = await renderTable(head, rows, plain, false, { width, keep: [0, 1] });
      assert.ok(widest(out) <= width, `width ${width}:\n${out}`);
      assert.ok(lines(out).some((l) => l.includes('2001:db8:1234:5678:9abc:def0:1234:5678')));
      assert.match(stripVTControlCharacters(out).replace(/[│ \n]+/g, ' '), /one two three four five six seven eight nine ten eleven twelve/);
    }
  });

  test('fitColumns: nothing to do when it fits; kept columns are never narrowed, even if the table overflows', () => {
    assert.equal(fitColumns(head, rows, {}), undefined);
    assert.equal(fitColumns(head, rows, { width: 500 }), undefined);
    const tight = fitColumns(head, rows, { width: 20, keep: [0, 1] })!;
    assert.equal(tight[1], '2001:db8:1234:5678:9abc:def0:1234:5678'.length + 2);
    // Narrowed down to its longest word ("eleven", "twelve" < 10 columns: to the minimum of 10).
    assert.equal(tight[2], 12);
  });

  test('colours do not count towards the width', async () => {
    const colored = await paint(true);
    const out = await renderTable(head, rows, colored, true, { width: 70, keep: [0, 1] });
    assert.notEqual(out, stripVTControlCharacters(out));
    assert.ok(widest(out) <= 70);
  });
});

describe('connection and subflow tables', () => {
  /** The words of a table's cells, wrapped lines joined. */
  const words = (table: string): Set<string> => new Set(stripVTControlCharacters(table).split(/[\s│├┼┤┌┬┐└┴┘─]+/).filter(Boolean));

  test('connections: every key and value of the text line, in 100 columns, addresses whole', async () => {
    const table = await connectionsTable(connections, plain, false, 100);
    assert.ok(widest(table) <= 100, table);
    const shown = words(table);
    for (const word of connectionsText(connections).split(/\s+/).filter(Boolean)) {
      if (word === 'token' || word === 'local' || word === 'remote') continue;
      assert.ok(shown.has(word), `"${word}" missing from\n${table}`);
    }
    assert.equal(lines(table).filter((l) => l.includes('10.1.0.1:33548')).length, 1);
  });

  test('subflows: every key and value of the text line, in 120 columns', async () => {
    const table = await subflowsTable(subflows, plain, false, 120);
    assert.ok(widest(table) <= 120, table);
    const shown = new Set([...words(table)].flatMap((w) => w.split(',')));
    for (const word of subflowsText(subflows).split(/\s+/).filter(Boolean)) {
      if (['token', 'local', 'remote', 'id-loc', 'id-rem', 'flags'].includes(word)) continue;
      for (const part of word.split(',')) assert.ok(shown.has(part) || /^\d+\/\d+$/.test(part), `"${part}" missing from\n${table}`);
    }
  });

  test('endpoints: the flags wrap, the address does not', async () => {
    const endpoints = [{ id: 1, family: 10, address: '2001:db8::1', port: 10100, flags: 0x1f, ifindex: 2, unknown: [] }];
    const table = await endpointsTable(endpoints, new Map([[2, 'eth-long-name']]), plain, false, 60);
    assert.ok(widest(table) <= 60, table);
    assert.ok(lines(table).some((l) => l.includes('2001:db8::1') && l.includes('eth-long-name')));
    assert.ok(lines(table).length > 5, 'the flags took more than one line');
    for (const flag of ['signal', 'subflow', 'backup', 'fullmesh', 'implicit']) assert.ok(words(table).has(flag), flag);
  });
});
