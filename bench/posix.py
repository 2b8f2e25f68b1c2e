#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""bench/posix.py: the POSIX figures of bench/posix/pbench.c, run on the
host (gcc, glibc) and on Pith (musl, booted with tools/run) in the same
run; prints a markdown table with the ratios Pith/host, and the in-guest
kernel figures of apps/kbench. Under TCG the Pith side is emulated, so
the ratios are an upper bound of what hardware KVM gives."""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(cmd):
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if r.returncode:
        sys.exit("bench/posix: %s failed\n%s" % (cmd, r.stdout + r.stderr))
    return r.stdout


def figures(text):
    return {m.group(1): [int(x) for x in m.group(2).split()] for m in
            re.finditer(r"figure (\w+) ([\d ]+?)(?: ns)?$", text, re.M)}


def main():
    os.makedirs(os.path.join(ROOT, "build/bench"), exist_ok=True)
    sh(["gcc", "-O2", "-o", "build/bench/pbench.host",
        "bench/posix/pbench.c", "-lpthread"])
    host = figures(sh(["build/bench/pbench.host"]))
    mk = ["make", "--no-print-directory", "APP=posixprog",
          "PROG=bench/posix/pbench.c", "BUILD=build/bench/pbench"]
    sh(mk + ["defconfig"])
    sh(mk)
    pith = figures(sh(["tools/run", "--quiet", "--timeout", "300", "--mem",
                       "128M", "build/bench/pbench/posixprog"]))
    sh(["make", "--no-print-directory", "APP=kbench", "defconfig"])
    sh(["make", "--no-print-directory", "APP=kbench"])
    kern = figures(sh(["tools/run", "--quiet", "--timeout", "300",
                       "build/kbench/kbench"]))
    out = ["", "POSIX calls, same program on the host and on Pith (median ns):",
           "", "| figure | host (Linux) | Pith | Pith/host |", "|---|---|---|---|"]
    for k in host:
        h, p = host[k][0], pith.get(k, [0])[0]
        out.append("| %s | %d | %d | %.2f |" % (k, h, p, p / h if h else 0))
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
