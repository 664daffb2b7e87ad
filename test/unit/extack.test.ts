/** NLMSG_ERROR and NLMSG_DONE payloads with the extended ACK, from byte vectors. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDonePayload, decodeErrorPayload, type ExtendedAck } from '../../src/netlink/extack.js';
import { NetlinkDecodeError, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_MULTI } from '../../src/netlink/message.js';
import { hex } from '../helpers/bytes.js';

/** The echoed header of a request: 32-byte ADD_ADDR to family 0x1c with seq 0x6b0d70a1. */
const ECHOED_HEADER = '20000000 1c00 0500 a1700d6b 00000000';
const SEQ = 0x6b0d70a1;

/** Extack TLVs, each padded to 4 bytes. */
const TLV = {
  msgAddressNotFound: '1600 0100 61646472657373206e6f7420666f756e6400 0000', // "address not found\0"
  msgInvalidToken: '1200 0100 696e76616c696420746f6b656e00 0000', // "invalid token\0"
  offs20: '0800 0200 14000000',
  offs28: '0800 0200 1c000000',
  missType1: '0800 0500 01000000',
  missType2: '0800 0500 02000000',
  missNest28: '0800 0600 1c000000',
  cookie: '0c00 0300 0102030405060708',
  policy: '0c00 0480 0800 0100 03000000',
};

interface Case {
  name: string;
  flags: number;
  payload: string;
  ack: ExtendedAck;
}

describe('decodeErrorPayload', () => {
  const cases: Case[] = [
    {
      name: 'an ACK (error 0), capped echo',
      flags: NLM_F_CAPPED,
      payload: `00000000 ${ECHOED_HEADER}`,
      ack: { error: 0, requestSeq: SEQ },
    },
    {
      name: 'an error without extack TLVs',
      flags: NLM_F_CAPPED,
      payload: `eaffffff ${ECHOED_HEADER}`,
      ack: { error: -22, requestSeq: SEQ },
    },
    {
      name: 'TLVs present but NLM_F_ACK_TLVS not set: they are not read',
      flags: NLM_F_CAPPED,
      payload: `eaffffff ${ECHOED_HEADER} ${TLV.msgAddressNotFound}`,
      ack: { error: -22, requestSeq: SEQ },
    },
    {
      name: 'MSG and OFFS, capped',
      flags: NLM_F_CAPPED | NLM_F_ACK_TLVS,
      payload: `eaffffff ${ECHOED_HEADER} ${TLV.msgAddressNotFound} ${TLV.offs20}`,
      ack: { error: -22, requestSeq: SEQ, message: 'address not found', offset: 20 },
    },
    {
      name: 'MISS_TYPE at top level',
      flags: NLM_F_CAPPED | NLM_F_ACK_TLVS,
      payload: `eaffffff ${ECHOED_HEADER} ${TLV.missType1}`,
      ack: { error: -22, requestSeq: SEQ, missingType: 1 },
    },
    {
      name: 'MISS_TYPE with MISS_NEST',
      flags: NLM_F_CAPPED | NLM_F_ACK_TLVS,
      payload: `eaffffff ${ECHOED_HEADER} ${TLV.missType2} ${TLV.missNest28}`,
      ack: { error: -22, requestSeq: SEQ, missingType: 2, missingNestOffset: 28 },
    },
    {
      name: 'COOKIE and POLICY are skipped',
      flags: NLM_F_CAPPED | NLM_F_ACK_TLVS,
      payload: `eaffffff ${ECHOED_HEADER} ${TLV.cookie} ${TLV.msgInvalidToken} ${TLV.policy} ${TLV.offs28}`,
      ack: { error: -22, requestSeq: SEQ, message: 'invalid token', offset: 28 },
    },
    {
      name: 'not capped: the whole request is echoed (25 bytes, padded to 28) before the TLVs',
      flags: NLM_F_ACK_TLVS,
      payload: `eaffffff 19000000 1c00 0500 05000000 00000000 09010000 0500 0500 0c 000000 ${TLV.msgAddressNotFound} ${TLV.offs20}`,
      ack: { error: -22, requestSeq: 5, message: 'address not found', offset: 20 },
    },
    {
      name: 'a MSG without a terminating NUL',
      flags: NLM_F_CAPPED | NLM_F_ACK_TLVS,
      payload: `edffffff ${ECHOED_HEADER} 0700 0100 616263 00`,
      ack: { error: -19, requestSeq: SEQ, message: 'abc' },
    },
    {
      name: 'OFFS, MISS_TYPE and MISS_NEST shorter than 4 bytes are ignored',
      flags: NLM_F_CAPPED | NLM_F_ACK_TLVS,
      payload: `eaffffff ${ECHOED_HEADER} 0600 0200 1400 0000 0600 0500 0100 0000 0600 0600 1c00 0000`,
      ack: { error: -22, requestSeq: SEQ },
    },
    {
      name: 'only the error number',
      flags: 0,
      payload: 'ffffffff',
      ack: { error: -1 },
    },
    {
      name: 'an echoed header cut short: no sequence number',
      flags: NLM_F_CAPPED | NLM_F_ACK_TLVS,
      payload: 'ffffffff 20000000 1c00 0500 a1700d6b 000000',
      ack: { error: -1 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(decodeErrorPayload(hex(c.payload), c.flags), c.ack);
    });
  }

  it('refuses a payload too short for the error number', () => {
    assert.throws(() => decodeErrorPayload(hex('eaff'), 0), NetlinkDecodeError);
  });

  it('refuses an echoed request longer than the payload', () => {
    assert.throws(
      () => decodeErrorPayload(hex(`eaffffff 40000000 1c00 0500 05000000 00000000`), NLM_F_ACK_TLVS),
      (err: unknown) => err instanceof NetlinkDecodeError && /runs past the payload/.test(err.message),
    );
  });

  it('refuses broken TLV framing after the echo', () => {
    assert.throws(() => decodeErrorPayload(hex(`eaffffff ${ECHOED_HEADER} 2000 0100 6162`), NLM_F_CAPPED | NLM_F_ACK_TLVS), NetlinkDecodeError);
  });
});

describe('decodeDonePayload', () => {
  const cases: Case[] = [
    { name: 'an empty payload', flags: NLM_F_MULTI, payload: '', ack: { error: 0 } },
    { name: 'error 0', flags: NLM_F_MULTI, payload: '00000000', ack: { error: 0 } },
    { name: 'an error without TLVs', flags: NLM_F_MULTI, payload: 'a1ffffff', ack: { error: -95 } },
    {
      name: 'an error with MSG and OFFS (a dump with a bad token)',
      flags: NLM_F_MULTI | NLM_F_ACK_TLVS,
      payload: `eaffffff ${TLV.msgInvalidToken} ${TLV.offs20}`,
      ack: { error: -22, message: 'invalid token', offset: 20 },
    },
    {
      name: 'TLVs without NLM_F_ACK_TLVS are not read',
      flags: NLM_F_MULTI,
      payload: `eaffffff ${TLV.msgInvalidToken} ${TLV.offs20}`,
      ack: { error: -22 },
    },
    {
      name: 'MISS_TYPE in a DONE',
      flags: NLM_F_MULTI | NLM_F_ACK_TLVS,
      payload: `eaffffff ${TLV.missType1}`,
      ack: { error: -22, missingType: 1 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(decodeDonePayload(hex(c.payload), c.flags), c.ack);
    });
  }
});
