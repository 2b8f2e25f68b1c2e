# SPDX-License-Identifier: MIT
"""ext2 durability: what an app fsync'd and reported survives QEMU being
killed. tests/posix/disk.c's durable command writes files of assorted
sizes (some in a subfolder), fsyncs each and prints "durable path size
sha256", with unsynced churn in between; the test kills QEMU with SIGKILL
(by PID, no power-off sync) right after reading the k-th report line, then
`e2fsck -fy` may fix counts, a second `e2fsck -fn` must find nothing, and
debugfs must dump every reported file byte-exact. Several kill points,
1 KiB and 4 KiB blocks.
"""

import hashlib
import os
import re
import shlex
import signal
import subprocess
import time

import pytest

from conftest import ROOT
from test_ext2 import build_disk_app, mkfs

pytestmark = pytest.mark.skipif(
    subprocess.run(["sh", "-c", "command -v e2fsck && command -v debugfs"],
                   capture_output=True).returncode != 0,
    reason="e2fsprogs missing (make deps installs it)")

REPORT = re.compile(r"^durable (\S+) (\d+) ([0-9a-f]{64})\s*$")


@pytest.fixture(scope="module")
def disk_app():
    return build_disk_app()


def qemu_command(app, img, append):
    """The QEMU command tools/run would start: run it ourselves, so that
    the PID we kill is QEMU's."""
    r = subprocess.run(
        [os.path.join(ROOT, "tools", "run"), "--quiet", "--dry-run",
         "--mem", "128M", "--disk", img, "--append", append, app],
        cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    line = [l for l in r.stdout.splitlines() if "qemu-system" in l][-1]
    return shlex.split(line)


def run_until_report(app, img, kill_after, total, timeout=300):
    """Boot, read the console until the kill_after-th report, SIGKILL
    QEMU at once. Returns (reports, console)."""
    cmd = qemu_command(app, img, "mount=vblk0:/data:ext2 -- durable:/data:%d"
                       % total)
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    reports, lines = [], []
    deadline = time.monotonic() + timeout
    try:
        for raw in iter(proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            lines.append(line)
            m = REPORT.match(line)
            if m:
                reports.append((m.group(1), int(m.group(2)), m.group(3)))
                if len(reports) == kill_after:
                    os.kill(proc.pid, signal.SIGKILL)
                    break
            assert "FAIL" not in line, "\n".join(lines)
            assert time.monotonic() < deadline, "\n".join(lines)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    return reports, "\n".join(lines)


def debugfs_bytes(img, path):
    r = subprocess.run(["debugfs", "-R", "cat /" + path, img],
                       capture_output=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("block,kill_after", [(1024, 1), (1024, 7),
                                              (4096, 4), (4096, 16)])
def test_fsynced_files_survive_sigkill(disk_app, tmp_path, block,
                                       kill_after):
    img = str(tmp_path / "img")
    mkfs(img, "64M", block=block)
    reports, out = run_until_report(disk_app, img, kill_after, 40)
    assert len(reports) == kill_after, out
    # The kill came before any clean unmount: the image says not clean.
    r = subprocess.run(["dumpe2fs", "-h", img], capture_output=True,
                       text=True)
    assert "not clean" in r.stdout, r.stdout
    r = subprocess.run(["e2fsck", "-fy", img], capture_output=True,
                       text=True)
    assert r.returncode in (0, 1), r.stdout + r.stderr
    r = subprocess.run(["e2fsck", "-fn", img], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    for path, size, sha in reports:
        data = debugfs_bytes(img, path.lstrip("./"))
        assert len(data) == size, (path, len(data), size)
        assert hashlib.sha256(data).hexdigest() == sha, path
