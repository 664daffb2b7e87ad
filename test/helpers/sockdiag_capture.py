#!/usr/bin/env python3
"""Prints the raw replies of one inet_diag dump as hex, one netlink message per line.

Independent of mptcpctl's own encoder/decoder, so the pinned vectors in
test/unit/inet-diag.test.ts do not merely echo what our code believes.

  ip netns exec NS python3 sockdiag_capture.py mptcp|tcp 4|6
"""
import socket
import struct
import sys

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
NLMSG_DONE, NLMSG_ERROR = 3, 2
INET_DIAG_INFO = 2
INET_DIAG_REQ_PROTOCOL = 3

proto = 262 if sys.argv[1] == "mptcp" else 6
family = socket.AF_INET6 if sys.argv[2] == "6" else socket.AF_INET

# inet_diag_req_v2: family, protocol (u8), ext, pad, states, 48-byte sockid of zeroes
req = struct.pack("=BBBBI", family, proto & 0xFF, 1 << (INET_DIAG_INFO - 1), 0, 0xFFFFFFFF) + bytes(48)
if proto > 255:
    req += struct.pack("=HHI", 8, INET_DIAG_REQ_PROTOCOL, proto)
msg = struct.pack("=IHHII", 16 + len(req), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + req

s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
s.bind((0, 0))
s.send(msg)
done = False
while not done:
    data = s.recv(65536)
    off = 0
    while off + 16 <= len(data):
        length, mtype = struct.unpack_from("=IH", data, off)
        print(data[off:off + length].hex())
        if mtype in (NLMSG_DONE, NLMSG_ERROR):
            done = True
        off += (length + 3) & ~3
