# SPDX-License-Identifier: MIT
"""Boot tests: build real images, boot them with tools/run, check what they
print and how they exit. No test asserts a time: they pass under TCG and
KVM alike."""

import os
import subprocess
import threading

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PANIC_EXIT_STATUS = 120


def build(app):
    for goal in ("defconfig", "all"):
        r = subprocess.run(["make", "--no-print-directory", "APP=" + app, goal],
                           cwd=ROOT, capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
    return os.path.join(ROOT, "build", app, app)


class Boot:
    def __init__(self, rc, out):
        self.rc = rc
        self.out = out

    def __repr__(self):
        return "exit %d, output:\n%s" % (self.rc, self.out)


def boot(image, machine="microvm", append=None, args=(), timeout=300):
    """Boot image; return its exit status and console output."""
    cmd = [os.path.join(ROOT, "tools", "run"), "--quiet", "--machine",
           machine, "--timeout", str(timeout)] + list(args)
    if append is not None:
        cmd += ["--append", append]
    r = subprocess.run(cmd + [image], cwd=ROOT, capture_output=True,
                       text=True, errors="replace", stdin=subprocess.DEVNULL)
    return Boot(r.returncode, r.stdout + r.stderr)


@pytest.fixture(scope="session")
def helloworld():
    return build("helloworld")


@pytest.fixture(scope="session")
def exitcode():
    return build("exitcode")


@pytest.fixture(scope="session")
def ktest_image():
    return build("ktest")


class Background:
    """tools/run in the background (servers): its console lines collected
    by a thread; ready() once a line contains 'marker'. stop() ends the
    runner, which kills its QEMU. prefix goes in front of the command
    (ip netns exec NS), qemu_args after the image (tools/run IMAGE --
    ARGS)."""

    def __init__(self, image, machine, args, marker, timeout=600,
                 prefix=(), qemu_args=()):
        self.lines = []
        self.marker = marker
        self.ready = threading.Event()
        tail = ["--"] + list(qemu_args) if qemu_args else []
        self.proc = subprocess.Popen(
            list(prefix) + [os.path.join(ROOT, "tools", "run"), "--quiet",
                            "--machine", machine, "--timeout", str(timeout)]
            + list(args) + [image] + tail,
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in iter(self.proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self.lines.append(line)
            if self.marker in line:
                self.ready.set()
        self.ready.set()

    @property
    def out(self):
        return "\n".join(self.lines)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# tests/boot/netpeer.py, the host side of the network-namespace tests,
# run inside ns (tools/netns.py): it prints "ready" once listening.
NETPEER = os.path.join(ROOT, "tests", "boot", "netpeer.py")


def start_peer(ns, *args):
    import sys
    p = ns.popen([sys.executable, NETPEER] + list(args),
                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = p.stdout.readline()
    if line.strip() != "ready":
        p.kill()
        p.wait()
        raise RuntimeError("netpeer %s did not start: %r" % (args[0], line))
    return p


def stop(p):
    """End a peer (or any Popen) and return what it printed."""
    if p.poll() is None:
        p.kill()
    return p.communicate()[0]
