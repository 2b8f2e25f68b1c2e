# SPDX-License-Identifier: MIT
"""The ext2 corruption fuzz through the VM (tests/ext2fuzz.py): 200
images with seeded corruption of the superblock, group descriptors,
inodes, indirect and directory blocks, eight disks a boot on microvm;
no panic, no hang, a clean exit and no byte written past any image. A
failure names the seed and image (and how to replay it)."""

import os
import shutil
import sys

import pytest

from conftest import ROOT
from test_ext2 import build_disk_app

sys.path.insert(0, os.path.join(ROOT, "tests"))
import ext2fuzz  # noqa: E402

pytestmark = pytest.mark.skipif(
    not shutil.which("mke2fs") or not shutil.which("debugfs")
    or not shutil.which("dumpe2fs"),
    reason="e2fsprogs missing (make deps installs it)")


def test_200_corrupted_images_boot_mount_or_refuse_and_power_off(capsys):
    app = build_disk_app()
    rc = ext2fuzz.main(["--app", app, "--images", "200"])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "200 images" in out and " 0 failed" in out, out
