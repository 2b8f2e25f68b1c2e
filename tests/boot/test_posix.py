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
    ("fsmore", [], {}),
    ("fsextra", [], {}),
    ("vfsrace", [], {}),
    ("schedprio", [], {}),
    ("sigasync", [], {}),
    ("sigfault", [], {}),
    ("sigmask", [], {}),
    ("stackovf", ["altstack"], {}),
    ("sigtimer", [], {}),
    ("lazymem", [], {}),
]


@pytest.mark.parametrize("name,args,env", CASES,
                         ids=["-".join([c[0]] + c[1]) for c in CASES])
def test_same_as_linux(name, args, env, tmp_path):
    # On Linux in an empty temporary directory; on Pith in ramfs's root.
    native = run_native(build_native(name), args, env, str(tmp_path))
    rc, lines, raw = run_pith(build_pith(name), args, env)
    # posixprog has lock debugging on: a sleep under a spinlock, a
    # recursive or foreign unlock is a failure even if the output agrees.
    assert "lock: BUG" not in raw, raw
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


def test_100k_files_in_one_directory():
    """Issue 7: 100000 files in one directory, created, sampled, listed
    (count and checksum of the sorted names) and unlinked; Linux runs it
    in a tmpfs directory (/dev/shm), Pith on ramfs."""
    import tempfile
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory(dir=shm) as d:
        native = run_native(build_native("manyfiles"), [], {}, d)
    assert native[0] == 0 and "listed 100000 names" in native[1][2]
    rc, lines, raw = run_pith(build_pith("manyfiles"), [], {})
    assert lines == native[1], raw
    assert rc == 0, raw


def test_ext2_chown_on_disk_and_file_mmap(tmp_path):
    """chown reaches the ext2 inode (high halves too: debugfs reads it
    back), MAP_PRIVATE copies an ext2 file, MAP_SHARED is ENODEV with a
    log line, extended attributes are not kept (EOPNOTSUPP, empty list,
    as Linux's ramfs), and an O_TMPFILE file leaves the image clean
    (e2fsck)."""
    import shutil
    if not shutil.which("mke2fs") or not shutil.which("debugfs"):
        pytest.skip("e2fsprogs missing (make deps installs it)")
    build = os.path.join("build", "disk", "diskcalls")
    args = ["make", "--no-print-directory", "APP=posixdisk",
            "PROG=tests/posix/diskcalls.c", "BUILD=" + build]
    for goal in ("defconfig", "all"):
        r = subprocess.run(args + [goal], cwd=ROOT, capture_output=True,
                           text=True)
        assert r.returncode == 0, r.stdout + r.stderr
    img = str(tmp_path / "img")
    r = subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", img, "8M"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    b = boot(os.path.join(ROOT, build, "posixdisk"),
             args=["--mem", "128M", "--disk", img], timeout=600,
             append="mount=vblk0:/data:ext2 -- /data")
    lines = [l.rstrip("\r") for l in b.out.splitlines()
             if l and not KERNEL_LINE.match(l) and not l.startswith("pith-")]
    assert b.rc == 0, b.out
    assert lines == ["chown: OK", "stat: uid 100000 gid 70001",
                     "mmap private: OK",
                     "private copy equal 1, tail zero 1",
                     "mmap shared: ENODEV", "fallocate: EOPNOTSUPP",
                     "flock: OK", "setxattr: EOPNOTSUPP",
                     "getxattr: EOPNOTSUPP", "listxattr: 0",
                     "getxattr missing file: No such file or directory",
                     "O_TMPFILE: OK", "tmpfile write: 8192"], \
        b.out
    assert "MAP_SHARED of a ext2 file is not supported (ENODEV)" in b.out
    r = subprocess.run(["debugfs", "-R", "stat /own", img],
                       capture_output=True, text=True)
    assert re.search(r"User:\s+100000\s+Group:\s+70001", r.stdout), r.stdout
    r = subprocess.run(["e2fsck", "-fn", img], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_vfsrace_workers_are_preempted():
    # The races vfsrace looks for exist only if its threads are switched
    # in the middle of their system calls: posixprog runs CFS, whose
    # timer preempts (counted in ru_nivcsw).
    rc, lines, raw = run_pith(build_pith("vfsrace"), ["preempt"], {})
    assert rc == 0, raw
    assert "workers preempted: yes" in lines, raw
    assert "lock: BUG" not in raw, raw


def test_signal_from_another_thread_interrupts_computation(tmp_path):
    # posixprog runs CFS: the signalled thread computes while the other
    # one gets the CPU to send it.
    native = run_native(build_native("sigthread"), [], {}, str(tmp_path))
    rc, lines, raw = run_pith(build_pith("sigthread"), [], {})
    assert lines == native[1], raw
    assert rc == native[0] == 0, raw
