# SPDX-License-Identifier: MIT
"""Network boot tests: apps/netecho (an echo server on lwIP's netconn API
over virtio-net) booted on microvm (virtio-mmio) and q35 (virtio-pci)
with QEMU user networking and a host forward on 127.0.0.1; the host
sends data over TCP and checks the echo byte for byte. QEMU runs in the
background for the module and is stopped (SIGTERM to the runner, which
kills QEMU) whatever happens."""

import os
import socket
import threading
import time

import pytest

from conftest import Background, build

BOOT_TIMEOUT = 120


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Guest(Background):
    """netecho in the background, its TCP port 7 forwarded from port."""

    def __init__(self, image, machine, port):
        self.port = port
        super().__init__(image, machine, ["--fwd", "%d:7" % port],
                         "listening on TCP")


def echo(port, data, chunk=4096, timeout=60):
    """Send data over one TCP connection, half-close, read it all back."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        def send():
            for i in range(0, len(data), chunk):
                s.sendall(data[i:i + chunk])
            s.shutdown(socket.SHUT_WR)
        sender = threading.Thread(target=send)
        sender.start()
        got = bytearray()
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
        sender.join()
    return bytes(got)


@pytest.fixture(scope="module")
def netecho():
    return build("netecho")


@pytest.fixture(scope="module", params=["microvm", "q35"])
def guest(request, netecho):
    g = Guest(netecho, request.param, free_port())
    try:
        assert g.ready.wait(BOOT_TIMEOUT) and g.proc.poll() is None, g.out
        yield g
    finally:
        g.stop()


def test_net_boot_prints_address_and_link(guest):
    assert "net: en0 10.0.2.15/24 gw 10.0.2.2" in guest.out, guest.out
    assert "virtio-net: en0:" in guest.out, guest.out
    assert "net: en0: link up" in guest.out, guest.out


def test_net_tcp_echo_small(guest):
    data = b"hello, pith\n"
    assert echo(guest.port, data) == data, guest.out


def test_net_tcp_echo_64k_byte_exact(guest):
    data = os.urandom(64 * 1024)
    assert echo(guest.port, data) == data, guest.out


def test_net_tcp_echo_odd_chunks(guest):
    data = os.urandom(20000)
    assert echo(guest.port, data, chunk=1337) == data, guest.out


def test_net_tcp_connections_in_a_row(guest):
    for i in range(5):
        data = bytes([i]) * (3000 + i)
        assert echo(guest.port, data) == data, guest.out


def test_net_tcp_concurrent_connections(guest):
    blobs = [os.urandom(16 * 1024) for _ in range(4)]
    results = [None] * len(blobs)

    def one(i):
        results[i] = echo(guest.port, blobs[i])
    threads = [threading.Thread(target=one, args=(i,))
               for i in range(len(blobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results == blobs, guest.out


def test_net_guest_survived(guest):
    time.sleep(0.2)
    assert guest.proc.poll() is None, guest.out
    assert "panic" not in guest.out, guest.out
    assert "frame dropped" not in guest.out, guest.out
