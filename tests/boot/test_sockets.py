# SPDX-License-Identifier: MIT
"""Socket boot tests: apps/sockecho (tests/posix/sockecho.c, a plain-POSIX
epoll echo server on the BSD socket calls of lib/net) booted on microvm
and q35 with QEMU user networking. At start the guest connects over TCP
and sends a UDP datagram to listeners this test opens on the host's
127.0.0.1 (the guest reaches them as 10.0.2.2); then the host talks to
its echo server through a forward on 127.0.0.1."""

import os
import socket
import threading

import pytest

from conftest import Background, build
from test_net import echo, free_port

BOOT_TIMEOUT = 120


class HostPeers:
    """A TCP listener and a UDP socket on 127.0.0.1 for the guest."""

    def __init__(self):
        self.tcp = socket.socket()
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(1)
        self.tcp.settimeout(BOOT_TIMEOUT)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.udp.settimeout(BOOT_TIMEOUT)
        self.got_tcp = self.got_udp = None
        threading.Thread(target=self._tcp, daemon=True).start()
        threading.Thread(target=self._udp, daemon=True).start()

    def _tcp(self):
        try:
            c, _ = self.tcp.accept()
            with c:
                self.got_tcp = c.recv(100)
                c.sendall(b"hello guest\n")
        except OSError:
            pass

    def _udp(self):
        try:
            data, addr = self.udp.recvfrom(100)
            self.got_udp = data
            self.udp.sendto(data.upper(), addr)
        except OSError:
            pass


class Guest(Background):
    """sockecho in the background: port 7 forwarded from port; its
    arguments name the host peers it first talks to."""

    def __init__(self, image, machine, port, peers):
        self.port = port
        args = "-- 7 10.0.2.2 %d %d" % (peers.tcp.getsockname()[1],
                                        peers.udp.getsockname()[1])
        super().__init__(image, machine,
                         ["--fwd", "%d:7" % port, "--append", args],
                         "listening on TCP")


@pytest.fixture(scope="module")
def sockecho():
    return build("sockecho")


@pytest.fixture(scope="module", params=["microvm", "q35"])
def guest(request, sockecho):
    peers = HostPeers()
    g = Guest(sockecho, request.param, free_port(), peers)
    g.peers = peers
    try:
        assert g.ready.wait(BOOT_TIMEOUT) and g.proc.poll() is None, g.out
        yield g
    finally:
        g.stop()
        peers.tcp.close()
        peers.udp.close()


def test_sockets_guest_tcp_client_reaches_host(guest):
    assert guest.peers.got_tcp == b"hello from the guest\n", guest.out
    assert "sockecho: tcp reply: hello guest" in guest.out, guest.out


def test_sockets_guest_udp_to_host_and_back(guest):
    assert guest.peers.got_udp == b"ping over udp", guest.out
    assert "sockecho: udp reply: PING OVER UDP from port %d" % \
        guest.peers.udp.getsockname()[1] in guest.out, guest.out


def test_sockets_epoll_echo_small(guest):
    data = b"hello, sockets\n"
    assert echo(guest.port, data) == data, guest.out


def test_sockets_epoll_echo_256k_byte_exact(guest):
    data = os.urandom(256 * 1024)
    assert echo(guest.port, data) == data, guest.out


def test_sockets_epoll_echo_concurrent(guest):
    blobs = [os.urandom(32 * 1024) for _ in range(6)]
    results = [None] * len(blobs)

    def one(i):
        results[i] = echo(guest.port, blobs[i], chunk=1000)
    threads = [threading.Thread(target=one, args=(i,))
               for i in range(len(blobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results == blobs, guest.out


def test_sockets_guest_survived(guest):
    assert guest.proc.poll() is None, guest.out
    assert "panic" not in guest.out, guest.out
