# SPDX-License-Identifier: MIT
"""getaddrinfo on Pith: musl's resolver reads /etc/hosts and
/etc/resolv.conf (which lib/net writes from netdev.dns=, lib/net/etc.c)
and sends its own DNS queries over UDP.

No packet leaves loopback: the test makes a network namespace
(tools/netns.py) whose /etc/resolv.conf (bind-mounted by ip netns exec
from /etc/netns/NAME/) names 127.0.0.1, where its own DNS responder
(netpeer.py dns) answers a made-up name with an A record (10.0.2.2) and
an AAAA record (fec0::2). QEMU's user network runs in the namespace:
the guest asks slirp's DNS at 10.0.2.3, which forwards to the
responder, then connects to the addresses, which slirp maps to the
namespace's loopback, where an echo server listens (127.0.0.1 and ::1).
apps/nettool's initrd has an /etc/hosts with another made-up name and
no resolv.conf: the one the guest uses is the kernel's."""

import os
import subprocess
import sys

import pytest

from conftest import ROOT, build, start_peer, stop

sys.path.insert(0, os.path.join(ROOT, "tools"))
import netns  # noqa: E402

NAME = "made-up.pith.test"
HOSTS_NAME = "hostside.pith.test"       # apps/nettool/rootfs/etc/hosts
NET = "netdev.ip=10.0.2.15/24 netdev.gw=10.0.2.2"

_why = netns.available()
pytestmark = pytest.mark.skipif(_why is not None, reason=str(_why))




def boot_in(ns, image, append, initrd=True):
    cmd = ["tools/run", "--quiet", "--machine", "microvm", "--timeout",
           "120", "--net", "--append", append]
    if initrd:
        cmd += ["--initrd", os.path.join(ROOT, "build/nettool/initrd.cpio")]
    r = ns.run(cmd + [image], cwd=ROOT, capture_output=True, text=True,
               errors="replace", stdin=subprocess.DEVNULL, timeout=200)
    return r.stdout + r.stderr


@pytest.fixture(scope="module")
def nettool():
    return build("nettool")


@pytest.fixture(scope="module")
def lookups(nettool):
    """One boot resolving three names; (guest output, DNS log)."""
    assert not os.path.exists(os.path.join(
        ROOT, "apps/nettool/rootfs/etc/resolv.conf"))
    with netns.Netns("pith-dns") as ns:
        ns.etc_file("resolv.conf", "nameserver 127.0.0.1\n")
        dns = start_peer(ns, "dns", NAME, "10.0.2.2", "fec0::2")
        echo = start_peer(ns, "echo", "127.0.0.1", "9100", "::1", "9100")
        try:
            # sleep: the SLAAC address (fec0::/64 from slirp) passes DAD
            out = boot_in(ns, nettool, NET + " netdev.dns=10.0.2.3 -- "
                          "sleep 4 resolve %s 9100 resolve %s 9100 "
                          "resolve nothere.pith.test 9100" % (NAME,
                                                              HOSTS_NAME))
        finally:
            log = stop(dns)
            stop(echo)
    return out, log


def test_dns_a_and_aaaa_from_the_test_responder(lookups):
    out, log = lookups
    assert "resolve %s: address 10.0.2.2:9100" % NAME in out, out
    assert "resolve %s: address [fec0::2]:9100" % NAME in out, out
    assert "dns: A %s" % NAME in log, log
    assert "dns: AAAA %s" % NAME in log, log


def test_dns_resolved_addresses_connect(lookups):
    out, _ = lookups
    assert "resolve %s: connected 10.0.2.2:9100, reply: hello %s" % (
        NAME, NAME) in out, out
    assert "resolve %s: connected [fec0::2]:9100, reply: hello %s" % (
        NAME, NAME) in out, out


def test_dns_etc_hosts_first(lookups):
    out, log = lookups
    assert "resolve %s: address 10.0.2.2:9100" % HOSTS_NAME in out, out
    assert "resolve %s: connected 10.0.2.2:9100, reply: hello %s" % (
        HOSTS_NAME, HOSTS_NAME) in out, out
    assert HOSTS_NAME not in log, log


def test_dns_unknown_name_fails_cleanly(lookups):
    out, log = lookups
    assert "resolve nothere.pith.test: failed: Name does not resolve" in \
        out, out
    assert "dns: A nothere.pith.test" in log, log
    assert "panic" not in out and "nettool: done" in out, out


def test_dns_kernel_writes_etc_hosts_without_an_initrd(nettool):
    """No initrd: the root file system has only what the kernel wrote,
    so localhost comes from lib/net's /etc/hosts."""
    with netns.Netns("pith-hosts") as ns:
        out = boot_in(ns, nettool, NET + " -- resolve localhost 9",
                      initrd=False)
    assert "resolve localhost: address 127.0.0.1:9" in out, out
    assert "resolve localhost: address [::1]:9" in out, out
    assert "nettool: done" in out, out


def test_dns_servers_from_dhcp(nettool):
    """No netdev.ip (the empty netdev.dns= only keeps the runner from
    adding its static address): DHCP from slirp names 10.0.2.3, which the
    kernel writes to /etc/resolv.conf."""
    with netns.Netns("pith-dhcp") as ns:
        ns.etc_file("resolv.conf", "nameserver 127.0.0.1\n")
        dns = start_peer(ns, "dns", NAME, "10.0.2.2", "-")
        echo = start_peer(ns, "echo", "127.0.0.1", "9100")
        try:
            out = boot_in(ns, nettool, "netdev.dns= -- sleep 3 resolve "
                          "%s 9100" % NAME)
        finally:
            log = stop(dns)
            stop(echo)
    assert "net: en0: asking DHCP for an address" in out, out
    assert "resolve %s: connected 10.0.2.2:9100, reply: hello %s" % (
        NAME, NAME) in out, out
    assert "dns: A %s" % NAME in log, log
