/**
 * u64 values in JSON are printed exactly, as their full decimal (as ip and ss print u64s): a
 * Number above 2^53 is rounded (map_seq 2^53 + 1 printed as ...992), and JSON.stringify cannot
 * write a bigint at all.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionsJson, subflowsJson, subflowsText } from '../../src/cli/output/records/connection.js';
import { ipJson } from '../../src/cli/output/ip-json.js';
import type { MptcpConnection, MptcpSubflow, SocketRecord } from '../../src/diag/records.js';

const socket: SocketRecord = {
  family: 2,
  state: 'ESTAB',
  stateId: 1,
  localAddress: '10.1.0.1',
  localPort: 40000,
  remoteAddress: '10.1.0.2',
  remotePort: 5000,
  ifindex: 0,
  v6only: false,
  cookie: 0xffffffffffffffffn,
  inode: 1,
  uid: 0,
  recvQ: 0,
  sendQ: 0,
  unknown: [],
};

const subflow = (mapSeq: bigint): MptcpSubflow => ({
  ...socket,
  token: 0x1234,
  remoteToken: 0,
  localId: 0,
  remoteId: 0,
  flags: 0,
  flagNames: [],
  backup: false,
  backupLocal: false,
  backupRemote: false,
  relwriteSeq: 0,
  mapSeq,
  mapSfseq: 1,
  ssnOffset: 2,
  mapDatalen: 3,
  subflowUnknown: [],
  ulpUnknown: [],
});

const connection: MptcpConnection = {
  ...socket,
  token: 0x1234,
  side: 'client',
  sideEvidence: 'initial-subflow',
  subflows: 1,
  extraSubflows: 0,
  addAddrSignal: 0,
  addAddrAccepted: 0,
  subflowsMax: 2,
  addAddrSignalMax: 0,
  addAddrAcceptedMax: 0,
  flags: 0,
  flagNames: [],
  writeSeq: 0n,
  sndUna: 0n,
  rcvNxt: 0n,
  bytesSent: 2n ** 53n + 1n,
  bytesReceived: 2n ** 63n + 7n,
  bytesRetrans: 0n,
  infoSize: 0,
};

describe('u64 values in JSON', () => {
  for (const value of [2n ** 53n + 1n, 12345678901234567891n, 2n ** 64n - 1n, 0n]) {
    test(`subflow map_seq ${value} is printed as its exact decimal, compact and pretty`, () => {
      assert.match(subflowsJson([subflow(value)], false), new RegExp(`"map_seq":${value},`));
      assert.match(subflowsJson([subflow(value)], true), new RegExp(`\n {8}"map_seq": ${value},\n`));
      assert.match(subflowsText([subflow(value)]), new RegExp(` map-seq ${value} `));
    });
  }

  test('connection byte counters above 2^53 are exact', () => {
    const json = connectionsJson([connection], false);
    assert.match(json, /"bytes_sent":9007199254740993,/);
    assert.match(json, /"bytes_received":9223372036854775815,/);
  });

  test('ipJson writes a bigint as a JSON number, anywhere', () => {
    assert.equal(ipJson([{ a: 18446744073709551615n, b: [1n, 2] }], false), '[{"a":18446744073709551615,"b":[1,2]}]\n');
  });
});
