#!/usr/bin/env python3
"""Many idle MPTCP connections at once, for tests that need thousands of sockets.

  mptcp_hold.py serve ADDR PORT           accept connections and keep them open (no thread each)
  mptcp_hold.py connect ADDR PORT COUNT   open COUNT connections, send one byte on each, keep them

Each mode prints "listening" / "ready COUNT" once, then holds everything until stdin closes.
"""
import resource
import selectors
import socket
import sys

IPPROTO_MPTCP = getattr(socket, "IPPROTO_MPTCP", 262)


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def raise_fd_limit():
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 65536 if hard == resource.RLIM_INFINITY else min(65536, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def serve(addr, port):
    ls = socket.socket(family(addr), socket.SOCK_STREAM, IPPROTO_MPTCP)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(4096)
    ls.setblocking(False)
    held = []
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ)
    sel.register(sys.stdin, selectors.EVENT_READ)
    print("listening", port, flush=True)
    while True:
        for key, _ in sel.select():
            if key.fileobj is sys.stdin:
                if not sys.stdin.readline():
                    return
            else:
                try:
                    held.append(ls.accept()[0])
                except BlockingIOError:
                    pass


def connect(addr, port, count):
    held = []
    for _ in range(count):
        s = socket.socket(family(addr), socket.SOCK_STREAM, IPPROTO_MPTCP)
        s.connect((addr, port))
        # Data acknowledged at the MPTCP level makes the connection fully established, which is
        # when the in-kernel path manager adds its subflows.
        s.sendall(b"x")
        held.append(s)
    print("ready", count, flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    raise_fd_limit()
    mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "serve":
        serve(addr, port)
    elif mode == "connect":
        connect(addr, port, int(sys.argv[4]))
    else:
        sys.exit("unknown mode " + mode)
