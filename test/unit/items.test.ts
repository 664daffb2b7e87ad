/**
 * The item lists every record is printed from (src/cli/output/items*.ts): each output reads only
 * the items labelled for it, in list order; ip's colours only in text, the tables' own tones only
 * in tables; several items in one cell are joined, or kept as units.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stripVTControlCharacters } from 'node:util';
import { paint } from '../../src/cli/output/colors.js';
import { field, type Item } from '../../src/cli/output/items.js';
import { itemsJson } from '../../src/cli/output/items-json.js';
import { itemRowsTable, itemsTable, layoutOf } from '../../src/cli/output/items-table.js';
import { itemsText } from '../../src/cli/output/items-text.js';

const items: Item[] = [
  field('address', '10.0.0.1', '%s ', 'ADDRESS', 'inet'),
  { text: 'dev ' },
  field('dev', 'eth$&1', '%s ', 'DEV', 'ifname'),
  { key: 'port', json: 8080 },
  { key: 'backup', json: true, text: 'backup ', column: 'FLAGS', cell: 'backup', tone: 'flag' },
  { key: 'seq', json: 2n ** 64n - 1n, column: 'INFO', cell: 'seq 18446744073709551615' },
  { key: 'absent', json: undefined, text: '' },
];

describe('item lists', () => {
  test('field: the value in place of %s, as it is (no replacement patterns), and as the JSON value', () => {
    assert.deepEqual(field('dev', 'a$&b$1', 'dev %s ', 'DEV'), { key: 'dev', json: 'a$&b$1', text: 'dev a$&b$1 ', column: 'DEV' });
  });

  test('text: the text items in order; with colour, ip tones as one span each, flags uncoloured', () => {
    assert.equal(itemsText(items, false), '10.0.0.1 dev eth$&1 backup ');
    assert.equal(itemsText(items, true), '\x1b[1;35m10.0.0.1 \x1b[0mdev \x1b[1;36meth$&1 \x1b[0mbackup ');
  });

  test('JSON: the keyed items in order, undefined left out, u64s exact', () => {
    assert.equal(itemsJson([items], false), '[{"address":"10.0.0.1","dev":"eth$&1","port":8080,"backup":true,"seq":18446744073709551615}]\n');
  });

  test('layout: kept columns and the first to wrap, by position', () => {
    assert.deepEqual(layoutOf([{ head: 'A', keep: true }, { head: 'B' }, { head: 'C', wrap: true }], 80), { keep: [0], wrap: 2, width: 80 });
    assert.deepEqual(layoutOf([{ head: 'A' }]), {});
  });

  test('table: each item in its column, several joined by blanks, empty ones dropped; tones by the paint', async () => {
    const second: Item[] = [
      { column: 'FLAGS', cell: 'backup' },
      { column: 'FLAGS', cell: '' },
      { column: 'FLAGS', cell: 'fullmesh' },
    ];
    const columns = [{ head: 'ADDRESS', keep: true }, { head: 'FLAGS' }, { head: 'INFO', units: true }];
    const plainTable = await itemsTable(columns, [items, second], await paint(false), false);
    const rows = plainTable.split('\n').slice(3, 5);
    assert.match(rows[0]!, /│ 10\.0\.0\.1 +│ backup +│ seq 18446744073709551615 │/);
    assert.match(rows[1]!, /│ +│ backup fullmesh │ +│/);
    const colored = await itemsTable(columns, [items], await paint(true), true);
    assert.ok(colored.includes('\x1b[1m\x1b[35m10.0.0.1'), colored);
    assert.ok(colored.includes('\x1b[32mbackup'), colored);
    assert.equal(stripVTControlCharacters(colored), stripVTControlCharacters(await itemsTable(columns, [items], await paint(false), false)));
  });

  test('a table of one record: a row per item with a column, labelled by it', async () => {
    const out = await itemRowsTable(['KEY', 'VALUE'], [field('a', 1, 'a %s ', 'a'), { key: 'b', json: 2 }, field('c', 3, 'c %s ', 'c')], await paint(false), false, {}, (label) => label.toUpperCase());
    assert.deepEqual(
      out.split('\n').slice(3, -2).map((l) => l.replace(/\s+/g, ' ')),
      ['│ A │ 1 │', '│ C │ 3 │'],
    );
  });
});
