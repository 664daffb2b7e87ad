/**
 * The transport reads only what the kernel sends: a process of the same namespace can address a
 * datagram to our netlink port, and it must be dropped as if nothing had arrived (recvfrom's
 * sender address, port 0 = the kernel), while the kernel's replies keep coming through.
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

/** Sends one well-formed 20-byte netlink message (type 0x10, seq 7) from a python3 process to `port`. */
function sendFromAnotherProcess(port: number): void {
  const code = [
    'import socket, struct, sys',
    's = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)',
    's.bind((0, 0))',
    's.sendto(struct.pack("=IHHIIBBH", 20, 0x10, 0, 7, s.getsockname()[0], 3, 1, 0), (int(sys.argv[1]), 0))',
  ].join('\n');
  const r = nsExec(ns, 'python3', '-c', code, String(port));
  assert.equal(r.status, 0, r.stderr);
}

describe('netlink transport', () => {
  it('drops a datagram from another process, then still reads the kernel', () => {
    const transport = NetlinkTransport.open(NETLINK_GENERIC, { netns: ns });
    try {
      sendFromAnotherProcess(transport.portId);
      assert.equal(transport.receiveNow().kind, 'timeout', 'a datagram from port != 0 was read');
      assert.equal(transport.receiveNow().kind, 'timeout', 'nothing else was queued');

      // CTRL_CMD_GETFAMILY "nlctrl": the kernel answers on the same socket.
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
    } finally {
      transport.closeSync();
    }
  });
});
