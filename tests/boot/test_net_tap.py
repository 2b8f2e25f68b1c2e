# SPDX-License-Identifier: MIT
"""virtio-net on a tap backend, in a network namespace the test creates
and removes (tools/netns.py): QEMU offers checksum offload there (it
does not with user networking), so this is where VIRTIO_NET_F_CSUM and
VIRTIO_NET_F_GUEST_CSUM are negotiated and used.

The namespace holds a tap with 10.0.2.2/24; the guest (apps/nettool) is
10.0.2.15. Both directions carry TCP and UDP checked byte for byte: the
guest's clients against an echo server in the namespace (tests/boot/
netpeer.py), and the namespace's clients against the guest's echo
server. UDP includes a datagram larger than the MTU (IPv4 fragments:
its checksum stays in software). Skips only when namespaces with a tap
cannot be made here (not root, no /dev/net/tun)."""

import os
import sys

import pytest

from conftest import NETPEER, ROOT, Background, build, start_peer, stop

sys.path.insert(0, os.path.join(ROOT, "tools"))
import netns  # noqa: E402

BOOT_TIMEOUT = 120
GUEST_CMDS = ["tcp", "10.0.2.2", "9000", "300000",
              "udp", "10.0.2.2", "9000", "1200",
              "udp", "10.0.2.2", "9000", "5000",
              "serve", "7"]

_why = netns.available()
pytestmark = pytest.mark.skipif(_why is not None, reason=str(_why))


@pytest.fixture(scope="module")
def nettool():
    return build("nettool")


@pytest.fixture(scope="module", params=["microvm", "q35"])
def guest(request, nettool):
    with netns.Netns("pith-tap", tap_addr="10.0.2.2/24") as ns:
        peer = start_peer(ns, "echo", "10.0.2.2", "9000")
        g = Background(
            nettool, request.param,
            ["--initrd", os.path.join(ROOT, "build/nettool/initrd.cpio"),
             "--append", "netdev.ip=10.0.2.15/24 netdev.gw=10.0.2.2 -- "
             + " ".join(GUEST_CMDS)],
            "nettool: serving", prefix=ns.cmd([]),
            qemu_args=ns.qemu_args(request.param))
        try:
            assert g.ready.wait(BOOT_TIMEOUT) and g.proc.poll() is None, \
                g.out
            g.ns = ns
            yield g
        finally:
            g.stop()
            stop(peer)


def check(ns, kind, n):
    r = ns.run([sys.executable, NETPEER, "check", kind, "10.0.2.15", "7",
                str(n)], capture_output=True, text=True, timeout=120)
    return r.stdout.strip() + r.stderr.strip()


def test_tap_checksum_offload_negotiated(guest):
    line = [x for x in guest.lines if "virtio-net: en0:" in x]
    assert line, guest.out
    assert "tx checksum offload" in line[0], guest.out
    assert "rx checksum offload" in line[0], guest.out


def test_tap_guest_tcp_client_byte_exact(guest):
    assert "nettool: tcp 10.0.2.2 9000: 300000 bytes echoed ok" in \
        guest.out, guest.out


def test_tap_guest_udp_client_byte_exact(guest):
    assert "nettool: udp 10.0.2.2 9000: 1200 bytes echoed ok" in \
        guest.out, guest.out
    assert "nettool: udp 10.0.2.2 9000: 5000 bytes echoed ok" in \
        guest.out, guest.out


def test_tap_host_tcp_to_guest_byte_exact(guest):
    assert check(guest.ns, "tcp", 12345) == "ok", guest.out
    assert check(guest.ns, "tcp", 400000) == "ok", guest.out


def test_tap_guest_tcp_checksums_left_to_the_device(guest):
    """The guest's TCP segments as they reach the tap: the checksum
    field holds the pseudo-header sum (the device's, i.e. the host's,
    job to finish) and is never wrong."""
    sn = start_peer(guest.ns, "sniff", netns.TAP, "10.0.2.15", "20")
    try:
        assert check(guest.ns, "tcp", 100000) == "ok", guest.out
        out = sn.communicate(timeout=60)[0].strip()
    finally:
        stop(sn)
    n, partial, full, bad = [int(x) for x in out.split()[1::2]]
    assert n == 20 and bad == 0 and partial == n, out


def test_tap_host_udp_to_guest_byte_exact(guest):
    assert check(guest.ns, "udp", 1000) == "ok", guest.out
    assert check(guest.ns, "udp", 6000) == "ok", guest.out


def test_tap_guest_survived(guest):
    assert guest.proc.poll() is None, guest.out
    assert "panic" not in guest.out, guest.out
    assert "FAIL" not in guest.out, guest.out
