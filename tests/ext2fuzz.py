#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""ext2 corruption fuzz through the VM.

Makes one small ext2 image (mke2fs -d: 1 KiB blocks, 128-byte inodes,
four block groups, a file with single- and double-indirect blocks, a
multi-block directory, fast and slow symlinks), then N corrupted copies:
image i gets 1 to 8 corruptions from random.Random("SEED:i") in the
metadata regions read from the image itself (dumpe2fs, debugfs): the
superblock, the group descriptors, the used part of the inode tables,
the indirect blocks and the directory blocks. A corruption is a random
byte (as lib/ext2/tests/host/ext2_corrupt_test.c does on the host, where
the regions are fixed offsets for its own image), a bit flip, or a
32-bit field set to 0, 0xffffffff or a number just past the end.

Each disk is the image followed by a 64 KiB guard of 0xa5. Pith boots
(microvm, TCG) with up to PER_BOOT disks and tests/posix/disk.c runs
scan:vblkK:/mK for each: mount (or see the refusal), read everything
below (bounded), create and remove a file in each folder, unmount; then
power off. Checked for every image: the boot exited 0 (no panic, no
hang: the runner's timeout gives 124), its scan line came out, the disk
file has its size and its guard is intact (no write outside the image's
blocks). A failure names the seed and image, and keeps a copy of the
corrupted image: `tests/ext2fuzz.py --seed S --only I` replays it.

Usage: tests/ext2fuzz.py [--images 200] [--seed 20261123] [--per-boot 8]
       [--only I] [--app build/disk/disk/posixdisk] [--keep DIR]
Exit status 0 when every image passed. tests/boot/test_ext2_fuzz.py runs
it under pytest.
"""

import argparse
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK = 1024
GUARD = 64 * 1024
GUARD_BYTE = 0xa5
IMAGE_BLOCKS = 4096


def sh(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def build_app():
    build = os.path.join("build", "disk", "disk")
    args = ["make", "--no-print-directory", "APP=posixdisk",
            "PROG=tests/posix/disk.c", "BUILD=" + build]
    for goal in ("defconfig", "all"):
        r = sh(args + [goal], cwd=ROOT)
        if r.returncode:
            sys.exit("ext2fuzz: build failed\n" + r.stdout + r.stderr)
    return os.path.join(ROOT, build, "posixdisk")


def make_pristine(work):
    """The image every corruption starts from; returns its bytes."""
    tree = os.path.join(work, "tree")
    os.makedirs(os.path.join(tree, "d"))
    os.makedirs(os.path.join(tree, "e"))
    with open(os.path.join(tree, "f"), "wb") as f:
        f.write(b"pith-ext2-corruption\n" * 1950)          # single indirect
    with open(os.path.join(tree, "e", "big"), "wb") as f:
        f.write(bytes(range(256)) * 1172)                   # double indirect
    with open(os.path.join(tree, "d", "g"), "w") as f:
        f.write("hi\n")
    for i in range(60):                                      # 3 dir blocks
        with open(os.path.join(tree, "e", "name-%02d-long-enough" % i),
                  "w") as f:
            f.write("%d\n" % i)
    os.symlink("f", os.path.join(tree, "fast"))
    os.symlink("x" * 80, os.path.join(tree, "slow"))
    img = os.path.join(work, "pristine.img")
    r = sh(["mke2fs", "-q", "-F", "-t", "ext2", "-b", str(BLOCK), "-I",
            "128", "-N", "256", "-g", "1024", "-d", tree, img,
            str(IMAGE_BLOCKS)])
    if r.returncode:
        sys.exit("ext2fuzz: mke2fs failed: " + r.stderr)
    return img


def regions(img):
    """(name, start, length) of the metadata, in bytes."""
    out = []
    dump = sh(["dumpe2fs", img]).stdout
    isize = int(re.search(r"Inode size:\s+(\d+)", dump).group(1))
    ipg = int(re.search(r"Inodes per group:\s+(\d+)", dump).group(1))
    groups = len(re.findall(r"^Group \d+:", dump, re.M))
    out.append(("superblock", 1024, 264))
    out.append(("group descriptors", 2 * BLOCK, 32 * groups))
    for g, start, free in re.findall(
            r"^Group (\d+):.*?Inode table at (\d+)-\d+.*?"
            r"(\d+) free inodes", dump, re.M | re.S):
        used = ipg - int(free)
        if used > 0:
            out.append(("inodes of group %s" % g, int(start) * BLOCK,
                        used * isize))
    for path in ("/f", "/e/big"):
        st = sh(["debugfs", "-R", "stat " + path, img]).stdout
        for b in re.findall(r"\((?:IND|DIND|TIND)\):(\d+)", st):
            out.append(("indirect block of %s" % path, int(b) * BLOCK,
                        BLOCK))
    for path in ("/", "/d", "/e"):
        blocks = sh(["debugfs", "-R", "blocks " + path, img]).stdout.split()
        for b in blocks:
            out.append(("directory block of %s" % path, int(b) * BLOCK,
                        BLOCK))
    return out


def corrupt(data, regs, rnd):
    """Damage data (bytearray) in place; returns what was done."""
    done = []
    for _ in range(rnd.randint(1, 8)):
        name, start, length = rnd.choice(regs)
        off = start + rnd.randrange(length)
        kind = rnd.randrange(3)
        if kind == 0:
            data[off] = rnd.randrange(256)
            done.append("byte %d (%s) = %#x" % (off, name, data[off]))
        elif kind == 1:
            data[off] ^= 1 << rnd.randrange(8)
            done.append("bit flip at %d (%s)" % (off, name))
        else:
            off &= ~3
            v = rnd.choice([0, 0xffffffff, IMAGE_BLOCKS, IMAGE_BLOCKS + 1,
                            0x7fffffff, rnd.randrange(1 << 32)])
            data[off:off + 4] = struct.pack("<I", v)
            done.append("u32 at %d (%s) = %#x" % (off, name, v))
    return done


def image_for(pristine, regs, seed, i):
    rnd = random.Random("%d:%d" % (seed, i))
    data = bytearray(pristine)
    what = corrupt(data, regs, rnd)
    return bytes(data) + bytes([GUARD_BYTE]) * GUARD, what


def boot(app, disks, timeout):
    cmd = [os.path.join(ROOT, "tools", "run"), "--quiet", "--timeout",
           str(timeout), "--mem", "64M"]
    for d in disks:
        cmd += ["--disk", d]
    scans = " ".join("scan:vblk%d:/m%d" % (k, k) for k in range(len(disks)))
    cmd += ["--append", "-- " + scans, app]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                       errors="replace", stdin=subprocess.DEVNULL)
    return r.returncode, r.stdout + r.stderr


def check(rc, out, disks, k, size):
    """Why disk k of a boot failed, or None."""
    if rc == 124:
        return "hang (timeout)"
    if "panic" in out.lower() or "BUG" in out:
        return "kernel panic/BUG"
    if rc != 0:
        return "exit status %d" % rc
    if not re.search(r"^scan vblk%d (refused|mounted)" % k, out, re.M):
        return "no scan line for vblk%d" % k
    if os.path.getsize(disks[k]) != size:
        return "disk file size changed"
    with open(disks[k], "rb") as f:
        f.seek(size - GUARD)
        if f.read() != bytes([GUARD_BYTE]) * GUARD:
            return "write outside the image (guard changed)"
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--images", type=int, default=200)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--per-boot", type=int, default=8)
    ap.add_argument("--only", type=int, default=None)
    ap.add_argument("--app", default=None)
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--keep", default=os.path.join(ROOT, "build",
                                                   "ext2fuzz"))
    a = ap.parse_args(argv)
    for tool in ("mke2fs", "dumpe2fs", "debugfs"):
        if not shutil.which(tool):
            sys.exit("ext2fuzz: %s missing (make deps installs e2fsprogs)"
                     % tool)
    app = a.app or build_app()
    work = tempfile.mkdtemp(prefix="pith-ext2fuzz-")
    t0 = time.monotonic()
    failures, stats = [], {"refused": 0, "mounted": 0}
    try:
        img = make_pristine(work)
        with open(img, "rb") as f:
            pristine = f.read()
        regs = regions(img)
        todo = [a.only] if a.only is not None else list(range(a.images))
        per = max(1, min(a.per_boot, 8))     # microvm: 8 virtio-mmio slots
        for b in range(0, len(todo), per):
            batch = todo[b:b + per]
            disks, whats = [], []
            for k, i in enumerate(batch):
                data, what = image_for(pristine, regs, a.seed, i)
                path = os.path.join(work, "disk%d.img" % k)
                with open(path, "wb") as f:
                    f.write(data)
                disks.append(path)
                whats.append(what)
            rc, out = boot(app, disks, a.timeout)
            for k, i in enumerate(batch):
                one_rc, one_out, one_disks, kk = rc, out, disks, k
                if rc != 0 and len(batch) > 1:
                    # The boot failed: pin it on its image(s), each alone.
                    solo = os.path.join(work, "solo.img")
                    with open(solo, "wb") as f:
                        f.write(image_for(pristine, regs, a.seed, i)[0])
                    one_disks, kk = [solo], 0
                    one_rc, one_out = boot(app, one_disks, a.timeout)
                why = check(one_rc, one_out, one_disks, kk,
                            len(pristine) + GUARD)
                m = re.search(r"^scan vblk%d (refused|mounted)" % kk,
                              one_out, re.M)
                if m:
                    stats[m.group(1)] += 1
                if not why:
                    continue
                os.makedirs(a.keep, exist_ok=True)
                keep = os.path.join(a.keep, "seed%d-image%d.img" % (a.seed, i))
                data, _ = image_for(pristine, regs, a.seed, i)
                with open(keep, "wb") as f:
                    f.write(data)
                failures.append("seed %d image %d (vblk%d of its boot): %s;"
                                " corruption: %s; replay: tests/ext2fuzz.py"
                                " --seed %d --only %d; image kept in %s" %
                                (a.seed, i, k, why, "; ".join(whats[k]),
                                 a.seed, i, keep))
                if one_rc != 0:
                    failures[-1] += ("\n--- console tail ---\n" +
                                     one_out[-3000:])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    took = time.monotonic() - t0
    print("ext2fuzz: %d images, seed %d: %d mounted, %d refused, %d failed"
          " (%.1f s)" % (len(todo), a.seed, stats["mounted"],
                         stats["refused"], len(failures), took))
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
