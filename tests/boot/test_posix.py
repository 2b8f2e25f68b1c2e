# SPDX-License-Identifier: MIT
"""Differential POSIX tests: each program in tests/posix is built natively
(gcc, glibc) and as a Pith image (musl), run both ways with the same
arguments and environment (on Linux in an empty temporary directory, on
Pith in ramfs), and their output and exit status compared.
A program killed by a signal on Linux must end with 128 + signal on Pith
(the log line says so; the host sees it modulo 128: QEMU's exit device
carries 7 bits).
"""

import os
import re
import subprocess

import pytest

from conftest import ROOT, boot

OUT = os.path.join(ROOT, "build", "posix")
KERNEL_LINE = re.compile(r"^\[[ \d]{5,}\.\d{6}\] ")


def build_native(name):
    os.makedirs(OUT, exist_ok=True)
    exe = os.path.join(OUT, name + ".native")
    src = os.path.join(ROOT, "tests", "posix", name + ".c")
    r = subprocess.run(["gcc", "-O2", "-Wall", "-o", exe, src, "-lm",
                        "-lpthread"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return exe


def build_pith(name):
    build = os.path.join("build", "posix", name)
    args = ["make", "--no-print-directory", "APP=posixprog",
            "PROG=tests/posix/%s.c" % name, "BUILD=" + build]
    for goal in ("defconfig", "all"):
        r = subprocess.run(args + [goal], cwd=ROOT, capture_output=True,
                           text=True)
        assert r.returncode == 0, r.stdout + r.stderr
    return os.path.join(ROOT, build, "posixprog")


def run_native(exe, args, env, cwd):
    r = subprocess.run([exe] + args, capture_output=True, text=True,
                       env=env, timeout=120, cwd=cwd)
    rc = r.returncode if r.returncode >= 0 else 128 - r.returncode
    return rc, r.stdout.splitlines()


def run_pith(image, args, env):
    params = " ".join("env.%s=%s" % kv for kv in sorted(env.items()))
    b = boot(image, append="%s -- %s" % (params, " ".join(args)),
             args=["--mem", "256M"], timeout=600)
    lines = [l.rstrip("\r") for l in b.out.splitlines()]
    prog = [l for l in lines if l and not KERNEL_LINE.match(l)
            and not l.startswith("pith-run:")]
    return b.rc, prog, b.out


CASES = [
    ("args", ["one", "two"], {"PITH_A": "hello", "PITH_B": "x=y"}),
    ("args", [], {}),
    ("stdio", [], {}),
    ("malloc", [], {}),
    ("threads", [], {}),
    ("timemem", [], {}),
    ("exits", ["return"], {}),
    ("exits", ["exit"], {}),
    ("exits", ["abort"], {}),
    ("exits", ["raise"], {}),
    ("fsops", [], {}),
    ("misc", ["calls"], {}),
    ("pollpipe", [], {}),
    ("pollpipe", ["sigpipe"], {}),
    ("stackovf", [], {}),
    ("alarm", [], {}),
    ("alarm", ["default"], {}),
    ("lazymem", [], {}),
]


@pytest.mark.parametrize("name,args,env", CASES,
                         ids=["-".join([c[0]] + c[1]) for c in CASES])
def test_same_as_linux(name, args, env, tmp_path):
    # On Linux in an empty temporary directory; on Pith in ramfs's root.
    native = run_native(build_native(name), args, env, str(tmp_path))
    rc, lines, raw = run_pith(build_pith(name), args, env)
    assert lines == native[1], raw
    # QEMU's exit device carries 7 bits; the kernel logs the full status.
    assert rc == native[0] & 0x7f, raw
    if native[0] > 127:
        assert "pith: exit status %d " % native[0] in raw, raw


def test_quoted_argument_reaches_the_program():
    rc, lines, raw = run_pith(build_pith("args"), ['"two words"'], {})
    assert "argv[1] two words" in lines, raw
    assert rc == 0, raw


def test_unknown_system_call_is_enosys_and_logged():
    rc, lines, raw = run_pith(build_pith("misc"), [], {})
    assert "io_uring_setup: -1 ENOSYS" in lines, raw
    assert "system call 425 (io_uring_setup) is not implemented" in raw, raw


def test_getrandom_differs_between_boots():
    image = build_pith("misc")
    first = run_pith(image, ["random"], {})[1]
    second = run_pith(image, ["random"], {})[1]
    assert len(first) == 1 and re.fullmatch(r"[0-9a-f]{32}", first[0])
    assert first != second


def test_thread_stack_overflow_is_reported_as_such():
    rc, lines, raw = run_pith(build_pith("stackovf"), [], {})
    assert rc == 139 & 0x7f, raw
    assert re.search(r"posix: stack overflow in thread \d+ ", raw), raw
