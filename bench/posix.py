#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""bench/posix.py: the POSIX figures of bench/posix/pbench.c, run on the
host (gcc, glibc; the file figures in a tmpfs directory under /dev/shm)
and on Pith (musl, booted with tools/run; files on ramfs) in the same
run; prints a markdown table with the ratios Pith/host, the time Pith
takes to unpack a 10 MiB, 1000-file initrd at boot (the kernel's own
"initrd: ... in N us" line, median of INITRD_BOOTS boots), and the
in-guest kernel figures of apps/kbench. Under TCG the Pith side is
emulated, so the ratios are an upper bound of what hardware KVM gives."""

import os
import random
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import mkcpio  # noqa: E402

INITRD_FILES = 1000
INITRD_BYTES = 10 << 20
INITRD_BOOTS = int(os.environ.get("INITRD_BOOTS", "3"))


def sh(cmd):
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if r.returncode:
        sys.exit("bench/posix: %s failed\n%s" % (cmd, r.stdout + r.stderr))
    return r.stdout


def figures(text):
    return {m.group(1): [int(x) for x in m.group(2).split()] for m in
            re.finditer(r"figure (\w+) ([\d ]+?)(?: ns)?$", text, re.M)}


def make_initrd(path):
    """INITRD_FILES files of random bytes, INITRD_BYTES in all, in data/."""
    rnd = random.Random(7)
    out = [mkcpio.entry("data", 0o40755, ino=1)]
    for i in range(INITRD_FILES):
        size = INITRD_BYTES // INITRD_FILES + (i < INITRD_BYTES % INITRD_FILES)
        data = bytes(rnd.getrandbits(8) for _ in range(64)) * (size // 64) \
            + b"x" * (size % 64)
        out.append(mkcpio.entry("data/f%04d" % i, 0o100644, data, ino=i + 2))
    with open(path, "wb") as f:
        f.write(b"".join(out) + mkcpio.trailer())


def initrd_unpack_us(image):
    """Median unpack time (us) from the kernel line, and the line."""
    cpio = os.path.join(ROOT, "build/bench/initrd-10m.cpio")
    make_initrd(cpio)
    times, line = [], ""
    for _ in range(INITRD_BOOTS):
        out = sh(["tools/run", "--quiet", "--timeout", "300", "--mem",
                  "128M", "--initrd", cpio, "--append", "-- exit", image])
        m = re.search(r"initrd: (\d+) entries unpacked \((\d+) bytes\) "
                      r"in (\d+) us", out)
        if not m:
            sys.exit("bench/posix: no initrd timing line\n" + out)
        times.append(int(m.group(3)))
        line = m.group(0)
    return statistics.median(times), line


def main():
    os.makedirs(os.path.join(ROOT, "build/bench"), exist_ok=True)
    sh(["gcc", "-O2", "-o", "build/bench/pbench.host",
        "bench/posix/pbench.c", "-lpthread"])
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory(dir=shm) as d:
        host = figures(sh(["build/bench/pbench.host", d]))
    mk = ["make", "--no-print-directory", "APP=posixprog",
          "PROG=bench/posix/pbench.c", "BUILD=build/bench/pbench"]
    sh(mk + ["defconfig"])
    sh(mk)
    pith = figures(sh(["tools/run", "--quiet", "--timeout", "300", "--mem",
                       "128M", "build/bench/pbench/posixprog"]))
    unpack_us, unpack_line = initrd_unpack_us("build/bench/pbench/posixprog")
    sh(["make", "--no-print-directory", "APP=kbench", "defconfig"])
    sh(["make", "--no-print-directory", "APP=kbench"])
    kern = figures(sh(["tools/run", "--quiet", "--timeout", "300",
                       "build/kbench/kbench"]))
    out = ["", "POSIX calls, same program on the host and on Pith (median ns):",
           "", "| figure | host (Linux) | Pith | Pith/host |", "|---|---|---|---|"]
    for k in [k for k in host if not k.startswith("file_")]:
        h, p = host[k][0], pith.get(k, [0])[0]
        out.append("| %s | %d | %d | %.2f |" % (k, h, p, p / h if h else 0))
    out += ["", "File calls, Pith's ramfs against the host's tmpfs (median "
            "ns per call; target Pith/host <= 0.5):", "",
            "| figure | host tmpfs | Pith ramfs | Pith/host |",
            "|---|---|---|---|"]
    for k in [k for k in host if k.startswith("file_")]:
        h, p = host[k][0], pith.get(k, [0])[0]
        out.append("| %s | %d | %d | %.2f |" % (k, h, p, p / h if h else 0))
    out += ["", "Initrd unpack at boot, %d files, %d MiB (median of %d "
            "boots, the kernel's line `%s`): %.1f ms" % (
                INITRD_FILES, INITRD_BYTES >> 20, INITRD_BOOTS, unpack_line,
                unpack_us / 1000)]
    out += ["", "Kernel primitives in the guest (apps/kbench):", "",
            "| figure | median | p99 | unit |", "|---|---|---|---|"]
    for k, v in kern.items():
        if "per_s" in k:
            out.append("| %s | %d | | items/s |" % (k, v[0]))
        else:
            out.append("| %s | %d | %d | ns |" % (k, v[0], v[1]))
    text = "\n".join(out) + "\n"
    print(text)
    with open(os.path.join(ROOT, "bench/results/latest.md"), "a") as f:
        f.write(text)


if __name__ == "__main__":
    main()
