# SPDX-License-Identifier: MIT
"""Console input by interrupt: tests/posix/consolepoll.c polls, epolls
and reads standard input (the serial console) while the host types three
lines with pauses; every wait must end with the line that arrived, on
microvm and q35."""

import os
import subprocess
import threading
import time

import pytest

from conftest import ROOT
from test_posix import build_pith

EXPECTED = [
    "poll before input: 0",
    "poll: 1 revents 0x1",
    "read 11: first line",
    "epoll: 1",
    "read 7: second",
    "blocking read 6: third",
]


@pytest.mark.parametrize("machine", ["microvm", "q35"])
def test_console_poll_epoll_and_read_wake_on_input(machine):
    image = build_pith("consolepoll")
    proc = subprocess.Popen(
        [os.path.join(ROOT, "tools", "run"), "--quiet", "--machine",
         machine, "--timeout", "120", image], cwd=ROOT,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    out = []
    started = threading.Event()

    def collect():
        for raw in iter(proc.stdout.readline, b""):
            out.append(raw.decode("utf-8", "replace").rstrip("\r\n"))
            if out[-1].startswith("poll before input"):
                started.set()
        started.set()
    reader = threading.Thread(target=collect, daemon=True)
    reader.start()
    try:
        # Type only once the program has waited without input.
        assert started.wait(120), "\n".join(out)
        for line in (b"first line\n", b"second\n", b"third\n"):
            time.sleep(1.0)
            proc.stdin.write(line)
            proc.stdin.flush()
        proc.wait(120)
        reader.join(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = "\n".join(out)
    lines = [l for l in text.splitlines() if l in EXPECTED]
    assert lines == EXPECTED, text
    assert proc.returncode == 0, text
