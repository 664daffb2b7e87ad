/**
 * The family descriptions (src/families/): struct layouts match the kernel's sizeof and offsets,
 * flag sets name their bits, and each mptcp_pm operation uses the attribute set its spec names.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attrSet, Command, endpointFlags, endpointSet, EventType, ipEventNames, requestSetOf } from '../../src/families/mptcp-pm.js';
import { ifaddrmsg, ifinfomsg, rtmsg } from '../../src/families/rtnl.js';
import { inetDiagMsg, inetDiagReqV2, mptcpInfo, netlinkDiagMsg, netlinkDiagReq } from '../../src/families/sock-diag.js';
import { opFlagNames } from '../../src/families/nlctrl.js';
import { defineStruct } from '../../src/netlink/describe.js';

describe('family descriptions', () => {
  it('structs have the kernel sizes (include/uapi/linux/*.h)', () => {
    const sizes = [ifinfomsg, ifaddrmsg, rtmsg, inetDiagReqV2, inetDiagMsg, netlinkDiagReq, netlinkDiagMsg, mptcpInfo].map((s) => [s.name, s.size]);
    assert.deepEqual(sizes, [
      ['ifinfomsg', 16],
      ['ifaddrmsg', 8],
      ['rtmsg', 12],
      ['inet_diag_req_v2', 56],
      ['inet_diag_msg', 72],
      ['netlink_diag_req', 20],
      ['netlink_diag_msg', 28],
      ['mptcp_info', 96],
    ]);
  });

  it('struct offsets follow the members, padding included', () => {
    const at = (name: string): number | undefined => inetDiagMsg.fields.find((f) => f.name === name)?.offset;
    assert.deepEqual([at('sport'), at('src'), at('if'), at('cookie'), at('inode')], [4, 8, 40, 44, 68]);
    assert.equal(mptcpInfo.fields.find((f) => f.name === 'flags')?.offset, 8);
    assert.equal(mptcpInfo.fields.find((f) => f.name === 'retransmits')?.offset, 44);
    assert.equal(mptcpInfo.fields.find((f) => f.name === 'lastDataSent')?.offset, 84);
    // Parsed on first use: a bad member is refused when the struct is first read (the sizes test above reads every family's).
    assert.throws(() => defineStruct('bad', 'x:u7').size, /x:u7 has no size/);
  });

  it('flag sets name known bits and show the rest in hex', () => {
    assert.deepEqual(endpointFlags.words(0x05), ['signal', 'backup']);
    assert.equal(endpointFlags.mask, 0x3f);
    assert.equal(endpointFlags.describe(0x45), 'signal|backup|0x40');
    assert.equal(endpointFlags.describe(0), 'none');
    assert.deepEqual(opFlagNames(0x2e), ['DO', 'DUMP', 'HASPOL', '0x20']);
  });

  it('each operation uses the attribute set of the spec (endpoint for ADD/DEL/FLUSH, attr for the rest)', () => {
    for (const [name, cmd] of Object.entries(Command)) {
      assert.equal(requestSetOf(cmd), ['ADD_ADDR', 'DEL_ADDR', 'FLUSH_ADDRS'].includes(name) ? endpointSet : attrSet, name);
    }
    assert.equal(Command.SUBFLOW_DESTROY, 11);
  });

  it('every event type has ip\'s name (SF_* for SUB_*)', () => {
    assert.deepEqual(
      Object.values(EventType).map((t) => ipEventNames.get(t)),
      ['CREATED', 'ESTABLISHED', 'CLOSED', 'ANNOUNCED', 'REMOVED', 'SF_ESTABLISHED', 'SF_CLOSED', 'SF_PRIO', 'LISTENER_CREATED', 'LISTENER_CLOSED'],
    );
  });
});
