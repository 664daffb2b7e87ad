#!/usr/bin/env python3
"""MPTCP peers for mptcpctl's kernel tests (IPPROTO_MPTCP sockets).

  mptcp_peer.py server ADDR PORT [tcp]    accept connections forever; echo each one until EOF
                                          (tcp: a plain TCP listener, as a program without MPTCP)
  mptcp_peer.py client ADDR PORT [BIND]   connect, print "connected SPORT", echo a line, then
                                          hold the connection until stdin closes or says "close"
  mptcp_peer.py storm ADDR PORT COUNT     open and close COUNT connections one after another

Prints one line per milestone on stdout (flushed), so the test can wait for it.
"""
import socket
import sys
import threading

IPPROTO_MPTCP = getattr(socket, "IPPROTO_MPTCP", 262)


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def say(*words):
    print(*words, flush=True)


def echo(conn):
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                return
            conn.sendall(data)


def server(addr, port, proto=IPPROTO_MPTCP):
    ls = socket.socket(family(addr), socket.SOCK_STREAM, proto)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(4096)
    say("listening", port)
    while True:
        conn, _ = ls.accept()
        threading.Thread(target=echo, args=(conn,), daemon=True).start()


def client(addr, port, bind=None):
    s = socket.socket(family(addr), socket.SOCK_STREAM, IPPROTO_MPTCP)
    if bind:
        s.bind((bind, 0))
    s.connect((addr, port))
    say("connected", s.getsockname()[1])
    s.sendall(b"ping\n")
    s.recv(16)
    say("echoed")
    for line in sys.stdin:
        if line.strip() == "close":
            break
        s.sendall(line.encode())
        s.recv(65536)
        say("echoed")
    s.close()
    say("closed")


def storm(addr, port, count):
    for _ in range(count):
        s = socket.socket(family(addr), socket.SOCK_STREAM, IPPROTO_MPTCP)
        s.connect((addr, port))
        s.close()
    say("done", count)


if __name__ == "__main__":
    mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "server":
        server(addr, port, socket.IPPROTO_TCP if sys.argv[4:5] == ["tcp"] else IPPROTO_MPTCP)
    elif mode == "client":
        client(addr, port, sys.argv[4] if len(sys.argv) > 4 else None)
    elif mode == "storm":
        storm(addr, port, int(sys.argv[4]))
    else:
        sys.exit("unknown mode " + mode)
