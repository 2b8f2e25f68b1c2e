# SPDX-License-Identifier: MIT
"""Boot tests: build real images, boot them with tools/run, check what they
print and how they exit. No test asserts a time: they pass under TCG and
KVM alike."""

import os
import subprocess

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
