# SPDX-License-Identifier: MIT
"""initrd boot tests: an app's rootfs/ folder, packed by the build, reads
back byte-exact in the image; each kind of damaged cpio archive boots,
is reported with the entry's name and offset, and keeps the entries
before the damage."""

import os
import sys

import pytest

from conftest import ROOT, boot, build

sys.path.insert(0, os.path.join(ROOT, "tools"))
import mkcpio  # noqa: E402

ROOTFS = os.path.join(ROOT, "apps", "initrdtest", "rootfs")


def fnv1a(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return "%016x" % h


@pytest.fixture(scope="session")
def initrdtest():
    return build("initrdtest")


def test_initrd_from_rootfs_folder_is_byte_exact(initrdtest):
    cpio = os.path.join(ROOT, "build", "initrdtest", "initrd.cpio")
    assert os.path.exists(cpio)
    b = boot(initrdtest, args=["--initrd", cpio])
    assert b.rc == 0, b
    for rel in ("etc/motd", "data/blob.bin", "data/motd.link"):
        with open(os.path.join(ROOTFS, rel), "rb") as f:
            data = f.read()
        line = "/%s %d %s" % (rel, len(data), fnv1a(data))
        assert line in b.out, b


GOOD = mkcpio.entry("ok.txt", 0o100644, b"fine data\n")
REG = 0o100644


def bad_magic():
    e = mkcpio.entry("bad", REG, b"x")
    return b"123456" + e[6:]


def name_without_nul():
    name = b"nonul"
    h = mkcpio.header(name, REG, 0)
    return mkcpio.pad(h + name + b"X")


CASES = {
    "bad magic": (bad_magic(), "?", "bad magic"),
    "truncated header": (mkcpio.entry("cut", REG, b"abc")[:60], "?",
                         "truncated header"),
    "truncated data": (mkcpio.entry("short", REG, b"y" * 1000)[:200],
                       "short", "size past the end"),
    "name without NUL": (name_without_nul(), "?", "name without its NUL"),
    "name past the end": (mkcpio.header(b"far", REG, 0, namesize=4000) +
                          b"far\0", "?", "name past the end"),
    "dotdot escapes": (mkcpio.entry("a/../../evil", REG, b"e"),
                       "a/../../evil", "path escapes the root"),
    "absurd mode": (mkcpio.entry("weird", 0xffffffff, b""), "weird",
                    "absurd mode"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_initrd_is_reported_and_keeps_earlier(initrdtest, case,
                                                        tmp_path):
    damage, name, why = CASES[case]
    cpio = tmp_path / "bad.cpio"
    # A cut-off archive ends at the damage; the others go on normally.
    tail = b"" if case.startswith("truncated") else mkcpio.trailer()
    cpio.write_bytes(GOOD + damage + tail)
    b = boot(initrdtest, args=["--initrd", str(cpio)],
             append="-- /ok.txt /evil")
    assert b.rc == 0, b
    msg = "initrd: entry '%s' at offset %d: %s" % (name, len(GOOD), why)
    assert msg in b.out, b
    assert "/ok.txt 10 %s" % fnv1a(b"fine data\n") in b.out, b
    assert "/evil: error 2" in b.out, b
    assert "initrdtest done" in b.out, b
