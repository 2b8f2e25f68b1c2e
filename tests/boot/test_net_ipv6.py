# SPDX-License-Identifier: MIT
"""IPv6 on Pith (lwIP with IPv6, lib/net's sockaddr_in6 handling), in
network namespaces the tests make and remove (tools/netns.py).

- QEMU user network: slirp advertises fec0::/64 (the guest makes a SLAAC
  address next to its link-local one) and maps fec0::2 to the host's
  ::1; the guest's TCP and UDP clients reach an echo server the test
  binds on [::1] inside the namespace.
- QEMU 7.2's hostfwd is IPv4 only, so connections into the guest use a
  tap: the namespace has fd00:9::2/64 and 10.0.2.2/24 on it, the guest
  gets netdev.ip6=fd00:9::15/64 and serves on one AF_INET6 socket
  (IPV6_V6ONLY off); the namespace connects over the static address,
  the link-local one (scope id) and IPv4 (shown as ::ffff:a.b.c.d by
  getpeername/getsockname)."""

import os
import subprocess
import sys

import pytest

from conftest import NETPEER, ROOT, Background, build, start_peer, stop

sys.path.insert(0, os.path.join(ROOT, "tools"))
import netns  # noqa: E402

NET = "netdev.ip=10.0.2.15/24 netdev.gw=10.0.2.2"
LINKLOCAL = "fe80::5054:ff:fe12:3456"     # from QEMU's default MAC

_why = netns.available()
pytestmark = pytest.mark.skipif(_why is not None, reason=str(_why))




@pytest.fixture(scope="module")
def nettool():
    return build("nettool")


@pytest.fixture(scope="module")
def user_net(nettool):
    with netns.Netns("pith-v6u") as ns:
        echo = start_peer(ns, "echo", "::1", "9100")
        try:
            r = ns.run(["tools/run", "--quiet", "--machine", "microvm",
                        "--timeout", "120", "--net", "--append",
                        NET + " -- sleep 4 tcp fec0::2 9100 100000 "
                        "udp fec0::2 9100 1000", nettool],
                       cwd=ROOT, capture_output=True, text=True,
                       errors="replace", stdin=subprocess.DEVNULL,
                       timeout=200)
        finally:
            stop(echo)
    return r.stdout + r.stderr


def test_ipv6_link_local_and_slaac_addresses(user_net):
    assert "net: en0 inet6 %s" % LINKLOCAL in user_net, user_net
    assert "net: en0 inet6 fec0::5054:ff:fe12:3456" in user_net, user_net


def test_ipv6_tcp_to_host_loopback_through_slirp(user_net):
    assert "nettool: tcp fec0::2 9100: 100000 bytes echoed ok from " \
        "[fec0::5054:ff:fe12:3456]:" in user_net, user_net


def test_ipv6_udp_to_host_loopback_through_slirp(user_net):
    assert "nettool: udp fec0::2 9100: 1000 bytes echoed ok" in user_net, \
        user_net


@pytest.fixture(scope="module")
def tap_guest(nettool):
    with netns.Netns("pith-v6t", tap_addr="10.0.2.2/24",
                     tap6_addr="fd00:9::2/64") as ns:
        echo = start_peer(ns, "echo", "fd00:9::2", "9100")
        g = Background(
            nettool, "microvm",
            ["--append", NET + " netdev.ip6=fd00:9::15/64 -- sleep 4 "
             "tcp fd00:9::2 9100 100000 udp fd00:9::2 9100 3000 serve6 7"],
            "nettool: serving", prefix=ns.cmd([]),
            qemu_args=ns.qemu_args("microvm"))
        try:
            assert g.ready.wait(120) and g.proc.poll() is None, g.out
            g.ns = ns
            yield g
        finally:
            g.stop()
            stop(echo)


def check(ns, kind, addr, n):
    r = ns.run([sys.executable, NETPEER, "check", kind, addr, "7", str(n)],
               capture_output=True, text=True, timeout=120)
    return r.stdout.strip() + r.stderr.strip()


def test_ipv6_static_address_and_guest_clients(tap_guest):
    out = tap_guest.out
    assert "net: en0 inet6 fd00:9::15" in out, out
    assert "nettool: tcp fd00:9::2 9100: 100000 bytes echoed ok from " \
        "[fd00:9::15]:" in out, out
    # 3000 bytes: IPv6 fragments both ways
    assert "nettool: udp fd00:9::2 9100: 3000 bytes echoed ok" in out, out


@pytest.mark.parametrize("addr", ["fd00:9::15", LINKLOCAL + "%tap0",
                                  "10.0.2.15"])
def test_ipv6_dual_stack_server(tap_guest, addr):
    for kind, n in (("tcp", 50000), ("udp", 1000), ("udp", 4000)):
        assert check(tap_guest.ns, kind, addr, n) == "ok", \
            (kind, n, tap_guest.out)


def test_ipv6_getpeername_getsockname(tap_guest):
    check(tap_guest.ns, "tcp", "fd00:9::15", 10)
    check(tap_guest.ns, "tcp", "10.0.2.15", 10)
    check(tap_guest.ns, "tcp", LINKLOCAL + "%tap0", 10)
    acc = [x for x in tap_guest.lines if "nettool: accepted" in x]
    assert any("accepted [fd00:9::2]:" in x and x.endswith(
        " on [fd00:9::15]:7") for x in acc), tap_guest.out
    assert any("accepted [::ffff:10.0.2.2]:" in x and x.endswith(
        " on [::ffff:10.0.2.15]:7") for x in acc), tap_guest.out
    assert any("accepted [fe80::" in x and x.endswith(
        " on [%s]:7" % LINKLOCAL) for x in acc), tap_guest.out


@pytest.mark.parametrize("bad", ["zz::1::2/64", "fd00::15/48", "fe80::1/64"])
def test_ipv6_bad_static_address_is_reported_and_ignored(nettool, bad):
    with netns.Netns("pith-v6bad") as ns:
        r = ns.run(["tools/run", "--quiet", "--machine", "microvm",
                    "--timeout", "120", "--net", "--append",
                    NET + " netdev.ip6=" + bad + " --", nettool],
                   cwd=ROOT, capture_output=True, text=True,
                   errors="replace", stdin=subprocess.DEVNULL, timeout=200)
    out = r.stdout + r.stderr
    assert "net: netdev.ip6=%s is not a global ADDR/64; ignored" % bad in \
        out, out
    assert "nettool: done" in out and r.returncode == 0, out
