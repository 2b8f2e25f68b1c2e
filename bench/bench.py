#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""make bench: Pith's figures, each the median of repeated runs, each
comparison a ratio taken in the same run (alternating, so drift on the
host hits both sides alike). Writes bench/results/latest.md.

  boot      whole QEMU process time of helloworld on microvm vs. the floor
            kernel (powers off at its first instruction), same flags
  inguest   entry-to-main time printed by the image (TSC)
  size      stripped image size, and bytes per library from the link map

Under TCG (these machines: /dev/kvm is PVM) absolute guest times are
emulation times; on hardware KVM the same command measures the real
thing. Usage: bench/bench.py [--runs N]
"""

import argparse
import os
import re
import shlex
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import pithrun  # noqa: E402


def sh(cmd, **kw):
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, **kw)
    if r.returncode:
        sys.exit("bench: %s failed:\n%s" % (" ".join(cmd), r.stdout + r.stderr))
    return r.stdout


def build_app(app):
    sh(["make", "--no-print-directory", "APP=" + app, "defconfig"])
    sh(["make", "--no-print-directory", "APP=" + app])
    return os.path.join(ROOT, "build", app, app)


def build_floor():
    os.makedirs(os.path.join(ROOT, "build/tools"), exist_ok=True)
    sh(["as", "--64", "-o", "build/tools/floor.o", "tools/floor/floor.S"])
    sh(["ld", "-m", "elf_x86_64", "-nostdlib", "-z", "noexecstack", "-z",
        "noseparate-code", "-z", "max-page-size=0x1000",
        "-Ttext-segment=0x100000", "-e", "floor_entry", "-o",
        "build/tools/floor.elf", "build/tools/floor.o"])
    return os.path.join(ROOT, "build/tools/floor.elf")


def qemu_cmd(image, append=None):
    """The runner's QEMU command line, run directly: no Python start-up
    in the measured time."""
    args = ["--dry-run", "--quiet", image]
    if append:
        args = ["--append", append] + args
    out = subprocess.run([sys.executable, "tools/run"] + args, cwd=ROOT,
                         capture_output=True, text=True).stdout
    return shlex.split(out.strip().split("\n")[-1])


def timed(cmd):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL)
    return time.perf_counter() - t0, r


def bench_boot(hello, floor, runs):
    hc, fc = qemu_cmd(hello), qemu_cmd(floor)
    th, tf, inguest = [], [], []
    for _ in range(runs):
        t, r = timed(hc)
        if r.returncode != 1 or "Hello from Pith" not in r.stdout:
            sys.exit("bench: helloworld run failed: %d\n%s" %
                     (r.returncode, r.stdout + r.stderr))
        th.append(t)
        m = re.search(r"booted in (\d+) us", r.stdout)
        inguest.append(int(m.group(1)))
        t, r = timed(fc)
        tf.append(t)
    return statistics.median(th), statistics.median(tf), \
        statistics.median(inguest)


def lib_owner(name):
    if "/obj/" in name:
        return "/".join(name.split("/obj/", 1)[1].split("/")[:2])
    if "libc.a" in name or "musl" in name:
        return "musl libc"
    if "libkmem" in name:
        return "lib/core (kmem)"
    if "ksyms" in name:
        return "symbol table"
    if "syscall_names" in name:
        return "lib/posix"
    return "other"


def lib_sizes(mapfile):
    """Bytes per library folder from the link map: (in the image file,
    in memory only: .bss and stacks)."""
    image, memonly = {}, {}
    sec = None
    full = re.compile(r"^ (\.\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$")
    cont = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+\.(?:o|a)\S*)$")
    alone = re.compile(r"^ (\.\S+)$")
    for line in open(mapfile):
        line = line.rstrip("\n")
        m = full.match(line)
        if m:
            sec, addr, size, name = m.group(1), m.group(2), m.group(3), m.group(4)
        else:
            m = cont.match(line)
            if m and sec:
                addr, size, name = m.group(1), m.group(2), m.group(3)
            else:
                m = alone.match(line)
                sec = m.group(1) if m else sec
                continue
        size, addr = int(size, 16), int(addr, 16)
        if not size or addr < 0x100000:    # debug sections sit at 0
            continue
        nofile = sec.startswith((".bss", ".tbss", ".stacks", "COMMON"))
        d = memonly if nofile else image
        lib = lib_owner(name)
        d[lib] = d.get(lib, 0) + size
    return image, memonly


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=21)
    a = ap.parse_args()
    accel, _ = pithrun.detect_accel()
    hello = build_app("helloworld")
    floor = build_floor()
    th, tf, ing = bench_boot(hello, floor, a.runs)
    size = os.path.getsize(hello)
    libs, mem = lib_sizes(os.path.join(ROOT, "build/helloworld/helloworld.map"))
    rows = [
        ("helloworld stripped image", "%d bytes (%.1f KiB)" % (size, size / 1024),
         "target <= 64 KiB"),
        ("entry to main (in guest, TSC)", "%d us" % ing,
         "TCG here; target <= 50 us on hardware KVM"),
        ("QEMU process, helloworld, microvm", "%.1f ms" % (th * 1000), ""),
        ("QEMU process, floor kernel, microvm", "%.1f ms" % (tf * 1000), ""),
        ("ratio helloworld / floor", "%.3f" % (th / tf), "target <= 1.10"),
    ]
    out = ["# Pith benchmarks", "",
           "`make bench`, %s, median of %d alternating runs, accel: %s." %
           (time.strftime("%Y-%m-%d"), a.runs, accel), "",
           "| figure | value | note |", "|---|---|---|"]
    out += ["| %s | %s | %s |" % r for r in rows]
    out += ["", "Bytes per library in helloworld (from the link map): in the "
            "image file, and in memory only (.bss, stacks):", "",
            "| library | image | memory only |", "|---|---|---|"]
    out += ["| %s | %d | %d |" % (k, libs.get(k, 0), mem.get(k, 0)) for k in
            sorted(set(libs) | set(mem), key=lambda k: -libs.get(k, 0))]
    text = "\n".join(out) + "\n"
    os.makedirs(os.path.join(ROOT, "bench/results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench/results/latest.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
