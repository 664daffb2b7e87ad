/**
 * The transport reads only what the kernel sends. A process of the same namespace may address a
 * datagram to our netlink port: the socket is connected to the kernel, so the kernel refuses it
 * (ECONNREFUSED to the sender). A privileged process may also send to a multicast group: once the
 * socket has joined one, such a message must be dropped as if nothing had arrived (recvfrom's
 * sender address, port 0 = the kernel). The kernel's replies keep coming through.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createNetns, deleteNetns, nsExec } from '../helpers/netns.js';
import { NETLINK_GENERIC, NetlinkTransport } from '../../src/netlink/transport.js';
import { GENL_ID_CTRL } from '../../src/families/nlctrl.js';

let ns: string;
before(() => {
  ns = createNetns('trn');
});
after(() => deleteNetns(ns));

/**
 * Sends one well-formed 20-byte netlink message (type 0x10, seq 7) from a python3 process to
 * `port`, or to multicast `group` of NETLINK_GENERIC; returns what the send said (`sent`, or
 * `refused` for ECONNREFUSED).
 */
function sendFromAnotherProcess(port: number, group = 0): string {
  const code = [
    'import socket, struct, sys',
    's = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)',
    's.bind((0, 0))',
    'port, group = int(sys.argv[1]), int(sys.argv[2])',
    'message = struct.pack("=IHHIIBBH", 20, 0x10, 0, 7, s.getsockname()[0], 3, 1, 0)',
    'try:',
    '    s.sendto(message, (port, 1 << (group - 1) if group else 0))',
    '    print("sent")',
    'except ConnectionRefusedError:',
    '    print("refused")',
  ].join('\n');
  const r = nsExec(ns, 'python3', '-c', code, String(port), String(group));
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

/** CTRL_CMD_GETFAMILY "nlctrl" with sequence number 9: the kernel answers on the same socket. */
function assertKernelStillAnswers(transport: NetlinkTransport): void {
  const request = Buffer.alloc(32);
  request.writeUInt32LE(32, 0);
  request.writeUInt16LE(GENL_ID_CTRL, 4);
  request.writeUInt16LE(1, 6); // NLM_F_REQUEST
  request.writeUInt32LE(9, 8);
  request.set([3, 1], 16); // CTRL_CMD_GETFAMILY, version 1
  request.writeUInt16LE(11, 20); // CTRL_ATTR_FAMILY_NAME, 7 bytes of text
  request.writeUInt16LE(2, 22);
  request.write('nlctrl\0', 24);
  transport.send(request);
  const reply = transport.receiveNow();
  assert.equal(reply.kind, 'data');
  if (reply.kind === 'data') {
    assert.equal(reply.datagram.readUInt16LE(4), GENL_ID_CTRL, 'a reply of the controller');
    assert.equal(reply.datagram.readUInt32LE(8), 9, 'to our sequence number');
  }
}

/** The controller's `notify` multicast group (GENL_ID_CTRL is also its group id). */
const CTRL_NOTIFY_GROUP = GENL_ID_CTRL;

describe('netlink transport', () => {
  it('is connected to the kernel: another process\'s datagram to our port is refused, and the kernel still answers', () => {
    const transport = NetlinkTransport.open(NETLINK_GENERIC, { netns: ns });
    try {
      assert.equal(sendFromAnotherProcess(transport.portId), 'refused');
      assert.equal(transport.receiveNow().kind, 'timeout', 'nothing was queued');
      assertKernelStillAnswers(transport);
    } finally {
      transport.closeSync();
    }
  });

  it('in a multicast group: drops another process\'s message to the group, then still reads the kernel', () => {
    const transport = NetlinkTransport.open(NETLINK_GENERIC, { netns: ns });
    try {
      transport.addMembership(CTRL_NOTIFY_GROUP);
      assert.equal(sendFromAnotherProcess(0, CTRL_NOTIFY_GROUP), 'sent', 'root may send to a group');
      assert.equal(transport.receiveNow().kind, 'timeout', 'a datagram from port != 0 was read');
      assert.equal(transport.receiveNow().kind, 'timeout', 'nothing else was queued');
      assertKernelStillAnswers(transport);
    } finally {
      transport.closeSync();
    }
  });
});
