/** ip's json_writer layout, compact and pretty. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipJson } from '../../src/cli/output/ip-json.js';

test('compact', () => {
  assert.equal(ipJson([], false), '[]\n');
  assert.equal(ipJson([{ address: '10.0.1.1', id: 1, signal: true }], false), '[{"address":"10.0.1.1","id":1,"signal":true}]\n');
});

test('pretty, as ip -j -p', () => {
  assert.equal(ipJson([], true), '[ ]\n');
  assert.equal(
    ipJson([{ address: '10.0.1.1', id: 1 }, { address: '10.0.1.2', id: 2, signal: true }], true),
    '[ {\n        "address": "10.0.1.1",\n        "id": 1\n    },{\n        "address": "10.0.1.2",\n        "id": 2,\n        "signal": true\n    } ]\n',
  );
  assert.equal(ipJson({ add_addr_accepted: 0, subflows: 2 }, true), '{\n    "add_addr_accepted": 0,\n    "subflows": 2\n}\n');
});

test('undefined members are left out; strings are escaped', () => {
  assert.equal(ipJson({ a: undefined, b: 'x"y' }, false), '{"b":"x\\"y"}\n');
});
