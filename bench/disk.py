#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The disk figures of `make bench`: ext2 on virtio-blk, Pith against a
Linux microVM, the same C program (tests/posix/disk.c) on both.

Each run makes a fresh 1 GiB ext2 image (mke2fs -t ext2 -b 4096) per
system and boots it on microvm with the same QEMU flags and disk backend
(tools/pithrun.py build_command: -m 256M, a raw file on virtio-blk), the
program doing, in order:
  mounttime  mount(2) of the image as ext2, timed by the program
  bench      write 256 MiB in 1 MiB writes + fsync, then read it back
             cold (Linux drops its page cache; Pith's buffer cache holds
             at most 4 MiB)
  small      create, write 100 bytes, fsync: 10,000 files
Pith: apps/posixdisk; its kernel also logs the mount time it measures
around ext2_mount ("ext2: vblk0: mounted in N us"). Linux: Debian's cloud
kernel with busybox, built by bench/linux/build-disk.sh (ext4 mounts ext2;
fsync there writes the one file, on Pith the whole file system). Runs
alternate the systems; medians are reported, with ratios Pith / Linux
(above 1: Pith faster; for the mount time, Linux / Pith).

Usage: bench/disk.py [--runs 3] [--mb 256] [--files 10000] [--no-linux]
bench/bench.py calls section() for bench/results/latest.md.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import pithrun  # noqa: E402

MEM = "256M"
BENCH = re.compile(r"bench write ([\d.]+) MB/s read ([\d.]+) MB/s")
SMALL = re.compile(r"small (\d+) files ([\d.]+) s ([\d.]+) files/s")
MOUNTT = re.compile(r"mounttime \S+ (\d+) us")
KMOUNT = re.compile(r"ext2: vblk0: mounted in (\d+) us")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def build_pith():
    build = os.path.join("build", "disk", "bench")
    args = ["make", "--no-print-directory", "APP=posixdisk",
            "PROG=tests/posix/disk.c", "BUILD=" + build]
    for goal in ("defconfig", "nodebug", "olddefconfig", "all"):
        if goal == "nodebug":
            # posixdisk's defconfig turns lock debugging on for the tests;
            # the figures are of the build a user would ship.
            config = os.path.join(ROOT, build, ".config")
            text = open(config).read().replace(
                "CONFIG_LIBLOCK_DEBUG=y\n",
                "# CONFIG_LIBLOCK_DEBUG is not set\n")
            open(config, "w").write(text)
            continue
        r = subprocess.run(args + [goal], cwd=ROOT, capture_output=True,
                           text=True)
        if r.returncode:
            raise RuntimeError("posixdisk build failed:\n" +
                               (r.stdout + r.stderr)[-3000:])
    if "CONFIG_LIBLOCK_DEBUG=y" in open(config).read():
        raise RuntimeError("posixdisk for the bench still has lock debugging")
    return os.path.join(ROOT, build, "posixdisk")


def build_linux():
    """(folder, None) or (None, why)."""
    r = subprocess.run([os.path.join(ROOT, "bench/linux/build-disk.sh"),
                        "-q"], cwd=ROOT, capture_output=True, text=True)
    if r.returncode:
        return None, (r.stderr.strip().splitlines() or ["failed"])[-1]
    return r.stdout.strip().splitlines()[-1], None


def mkimg(path):
    if os.path.exists(path):
        os.unlink(path)
    r = subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096",
                        path, "1G"], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError("mke2fs: " + r.stderr)


def qemu(image, img, accel, initrd=None, append=None, linux_cmdline=None):
    args = ["--machine", "microvm", "--mem", MEM, "--disk", img]
    if initrd:
        args += ["--initrd", initrd]
    args += ["--append", append if append is not None else "x"]
    cmd = pithrun.build_command(pithrun.parse_args(args + [image]), accel)
    if linux_cmdline is not None:
        cmd[cmd.index("-append") + 1] = linux_cmdline
    return cmd


def run_one(cmd, timeout):
    """Run QEMU; its console, or raise."""
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise RuntimeError("timeout after %d s" % timeout)
    return out.decode("utf-8", "replace")


def parse(out):
    r = {}
    m = BENCH.search(out)
    if m:
        r["write"], r["read"] = float(m.group(1)), float(m.group(2))
    m = SMALL.search(out)
    if m:
        r["small"] = float(m.group(3))
    m = MOUNTT.search(out)
    if m:
        r["mount_prog"] = int(m.group(1))
    m = KMOUNT.search(out)
    if m:
        r["mount_kernel"] = int(m.group(1))
    return r


def measure(runs=3, mb=256, files=10000, no_linux=False):
    """{system: {figure: [values]}}, notes."""
    accel, _ = pithrun.detect_accel()
    pith = build_pith()
    cmds = "bench:/data:%d small:/data:%d" % (mb, files)
    systems = [("pith", lambda img: qemu(
        pith, img, accel, append="-- mounttime:vblk0:/data " + cmds))]
    notes = []
    if no_linux:
        notes.append("Linux microVM: skipped (--no-linux)")
    else:
        ldir, why = build_linux()
        if ldir:
            with open(os.path.join(ldir, "cmdline")) as f:
                cmdline = f.read().strip()
            line = (cmdline + " -- mounttime:/dev/vda:/data " + cmds +
                    " umount:/data")
            systems.append(("linux", lambda img: qemu(
                os.path.join(ldir, "vmlinuz"), img, accel,
                initrd=os.path.join(ldir, "initramfs-disk.cpio.gz"),
                linux_cmdline=line)))
        else:
            notes.append("Linux microVM: not available (%s)" % why)
    res = {name: {} for name, _ in systems}
    failed = set()
    work = tempfile.mkdtemp(prefix="pith-diskbench-")
    img = os.path.join(work, "disk.img")
    try:
        for i in range(runs):
            order = systems[i % len(systems):] + systems[:i % len(systems)]
            for name, make in order:
                if name in failed:
                    continue
                mkimg(img)
                t0 = time.monotonic()
                try:
                    out = run_one(make(img), 1800)
                except RuntimeError as e:
                    out = str(e)
                got = parse(out)
                if "write" not in got or "small" not in got:
                    failed.add(name)
                    notes.append("%s: failed (%s)" % (
                        name, (out.strip().splitlines() or ["?"])[-1]))
                    log("bench/disk: %s failed:\n%s" % (name, out[-3000:]))
                    continue
                for k, v in got.items():
                    res[name].setdefault(k, []).append(v)
                log("bench/disk: run %d/%d %s: %s (%.0f s)" %
                    (i + 1, runs, name, got, time.monotonic() - t0))
    finally:
        if os.path.exists(img):
            os.unlink(img)
        os.rmdir(work)
    return res, notes, accel


def fmt(vals, unit, digits=1):
    if not vals:
        return "-"
    return "%.*f %s" % (digits, statistics.median(vals), unit)


def ratio(a, b):
    if not a or not b:
        return "-"
    return "%.2f" % (statistics.median(a) / statistics.median(b))


def section(runs=3, no_linux=False, mb=256, files=10000):
    """Markdown lines for bench/results/latest.md."""
    try:
        res, notes, accel = measure(runs, mb, files, no_linux)
    except RuntimeError as e:
        return ["", "## Disk (ext2 on virtio-blk)", "",
                "Not measured: %s" % str(e).splitlines()[0]]
    p, l = res.get("pith", {}), res.get("linux", {})
    out = ["", "## Disk (ext2 on virtio-blk)", "",
           "bench/disk.py: tests/posix/disk.c on Pith (apps/posixdisk) and "
           "on the Linux microVM (bench/linux/build-disk.sh), microvm, -m %s,"
           " a fresh 1 GiB ext2 image (4 KiB blocks) per boot on the same "
           "QEMU disk backend (raw file, virtio-blk), accel %s, median of "
           "%d alternating runs. Ratio: Pith / Linux for rates, Linux / "
           "Pith for times (above 1: Pith faster)." % (MEM, accel, runs),
           "", "| figure | pith | linux microVM | ratio |",
           "|---|---|---|---|"]
    out.append("| sequential write %d MiB + fsync | %s | %s | %s |" % (
        mb, fmt(p.get("write"), "MiB/s"), fmt(l.get("write"), "MiB/s"),
        ratio(p.get("write"), l.get("write"))))
    out.append("| sequential read %d MiB, cold | %s | %s | %s |" % (
        mb, fmt(p.get("read"), "MiB/s"), fmt(l.get("read"), "MiB/s"),
        ratio(p.get("read"), l.get("read"))))
    out.append("| create + write 100 B + fsync, %d files | %s | %s | %s |"
               % (files, fmt(p.get("small"), "files/s"),
                  fmt(l.get("small"), "files/s"),
                  ratio(p.get("small"), l.get("small"))))
    out.append("| mount(2) of the 1 GiB image, as the program sees it | "
               "%s | %s | %s |" % (fmt(p.get("mount_prog"), "us", 0),
                                  fmt(l.get("mount_prog"), "us", 0),
                                  ratio(l.get("mount_prog"),
                                        p.get("mount_prog"))))
    out.append("| ext2_mount in the kernel (printk around it) | %s | | |"
               % fmt(p.get("mount_kernel"), "us", 0))
    for n in notes:
        out.append("")
        out.append(n)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mb", type=int, default=256)
    ap.add_argument("--files", type=int, default=10000)
    ap.add_argument("--no-linux", action="store_true")
    a = ap.parse_args()
    print("\n".join(section(a.runs, a.no_linux, a.mb, a.files)))


if __name__ == "__main__":
    main()
