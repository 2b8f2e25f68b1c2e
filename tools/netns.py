# SPDX-License-Identifier: MIT
"""A network namespace with a tap device, for tests and `make bench`:
QEMU runs inside it with `-netdev tap`, so guest traffic never leaves
the namespace. Needs root (ip netns, /dev/net/tun).

    with Netns("pith-test", tap_addr="10.0.2.2/24") as ns:
        ns.popen([...]) / ns.run([...])   # commands inside the namespace
        ns.qemu_args("microvm")            # -netdev tap ... -device ...

The namespace (a unique name: prefix, PID and a counter) and its tap are
removed on every way out of the with block, SIGTERM and SIGHUP included
(they raise SystemExit inside it); remove() is idempotent.
"""

import itertools
import os
import signal
import subprocess
import threading

_seq = itertools.count()
TAP = "tap0"


def available():
    """None when namespaces with a tap work here, else why not."""
    if os.geteuid() != 0:
        return "not root"
    if not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun"
    try:
        with Netns("pith-probe"):
            pass
    except (OSError, subprocess.CalledProcessError) as e:
        return "ip netns failed: %s" % e
    return None


def _raise_exit(signum, frame):
    raise SystemExit(128 + signum)


class Netns:
    def __init__(self, prefix, tap_addr=None, tap6_addr=None):
        self.name = "%s-%d-%d" % (prefix, os.getpid(), next(_seq))
        self.tap_addr = tap_addr
        self.tap6_addr = tap6_addr
        self.created = False

    def _ip(self, *args):
        subprocess.run(["ip"] + list(args), check=True, capture_output=True,
                       text=True)

    def _in(self, *args):
        self._ip("netns", "exec", self.name, "ip", *args)

    def create(self):
        self._ip("netns", "add", self.name)
        self.created = True
        try:
            self._in("link", "set", "lo", "up")
            if self.tap_addr or self.tap6_addr:
                self._in("tuntap", "add", "dev", TAP, "mode", "tap")
                if self.tap_addr:
                    self._in("addr", "add", self.tap_addr, "dev", TAP)
                if self.tap6_addr:
                    self._in("addr", "add", self.tap6_addr, "dev", TAP,
                             "nodad")
                self._in("link", "set", TAP, "up")
        except BaseException:
            self.remove()
            raise
        return self

    def remove(self):
        """Delete the namespace (and with it the tap); safe to repeat."""
        if not self.created:
            return
        self.created = False
        subprocess.run(["ip", "netns", "exec", self.name, "ip", "link",
                        "del", TAP], capture_output=True)
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)
        etc = os.path.join("/etc/netns", self.name)
        if os.path.isdir(etc):
            for f in os.listdir(etc):
                os.unlink(os.path.join(etc, f))
            os.rmdir(etc)
            try:
                os.rmdir("/etc/netns")      # only when nothing else is there
            except OSError:
                pass

    def __enter__(self):
        # SIGTERM (and SIGHUP) unwind through __exit__ like Ctrl-C does,
        # so a killed benchmark or test still removes the namespace.
        self._old = {}
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGHUP):
                self._old[sig] = signal.signal(sig, _raise_exit)
        try:
            return self.create()
        except BaseException:
            self._restore()
            raise

    def __exit__(self, *exc):
        try:
            self.remove()
        finally:
            self._restore()

    def _restore(self):
        for sig, h in self._old.items():
            signal.signal(sig, h)
        self._old = {}

    def etc_file(self, name, text):
        """/etc/netns/NAME/name: `ip netns exec` bind-mounts it over
        /etc/name for the commands it runs (resolv.conf, hosts)."""
        d = os.path.join("/etc/netns", self.name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, name), "w") as f:
            f.write(text)

    def cmd(self, argv):
        return ["ip", "netns", "exec", self.name] + list(argv)

    def run(self, argv, **kw):
        return subprocess.run(self.cmd(argv), **kw)

    def popen(self, argv, **kw):
        return subprocess.Popen(self.cmd(argv), **kw)

    @staticmethod
    def qemu_args(machine, vhost=False):
        """QEMU options for a virtio-net on the namespace's tap."""
        dev = "virtio-net-device" if machine == "microvm" else "virtio-net-pci"
        return ["-netdev", "tap,id=net0,ifname=%s,script=no,downscript=no,"
                "vhost=%s" % (TAP, "on" if vhost else "off"),
                "-device", "%s,netdev=net0" % dev]


def vhost_available():
    return os.path.exists("/dev/vhost-net")
