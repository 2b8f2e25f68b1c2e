# SPDX-License-Identifier: MIT
"""Differential POSIX tests: each program in tests/posix runs on Linux (in
a temporary directory) and as the Pith app `posixtest` (on ramfs); the
outputs must agree line by line."""

import os
import re
import subprocess

import pytest

from conftest import ROOT, boot, build

PROGRAMS = ["fsops"]


def linux_output(prog, tmp_path):
    exe = tmp_path / prog
    src = os.path.join(ROOT, "tests", "posix", prog + ".c")
    r = subprocess.run(["gcc", "-O2", "-Wall", "-Wextra", "-Werror", src,
                        "-o", str(exe)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    work = tmp_path / "work"
    work.mkdir()
    r = subprocess.run([str(exe)], cwd=work, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout.splitlines()


def pith_output(out, first):
    # The app's lines, without kernel log lines ("[    0.123] ...").
    lines = [l.rstrip("\r") for l in out.splitlines()]
    lines = [l for l in lines if not re.match(r"\[\s*\d+\.\d+\]", l)]
    return lines[lines.index(first):] if first in lines else lines


@pytest.fixture(scope="session")
def posixtest():
    return build("posixtest")


@pytest.mark.parametrize("prog", PROGRAMS)
def test_posix_program_matches_linux(posixtest, prog, tmp_path):
    want = linux_output(prog, tmp_path)
    b = boot(posixtest)
    assert b.rc == 0, b
    got = pith_output(b.out, want[0])
    for i, (w, g) in enumerate(zip(want, got)):
        assert g == w, "line %d differs: linux %r, pith %r\n%s" % (
            i + 1, w, g, b)
    assert len(got) == len(want), b
