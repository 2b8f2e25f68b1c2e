#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tools/syscalls.py IMAGE.dbg: which Linux system calls an image answers
(its SYSCALL() table entries, read from the symbol table) against those
musl can reach: the system calls in musl's bits/syscall.h for which
libc.a defines a function of the same name (a close, simple measure: a
few calls musl makes internally are reached under other names).

Prints the counts and the missing names; --json for make bench.
"""

import json
import re
import subprocess
import sys

MUSL_SYSCALL_H = "/usr/include/x86_64-linux-musl/bits/syscall.h"
MUSL_LIBC = "/usr/lib/x86_64-linux-musl/libc.a"


def implemented(image):
    out = subprocess.run(["nm", image], capture_output=True, text=True,
                         check=True).stdout
    return sorted({m.group(1) for m in
                   re.finditer(r" [dDrR] __syscall_(\w+)$", out, re.M)})


def musl_reachable():
    names = re.findall(r"#define __NR_(\w+)\s+\d+", open(MUSL_SYSCALL_H).read())
    out = subprocess.run(["nm", "--defined-only", MUSL_LIBC],
                         capture_output=True, text=True).stdout
    funcs = set(re.findall(r" [TW] (\w+)$", out, re.M))
    return sorted(n for n in set(names) if n in funcs)


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    have = implemented(argv[0])
    reach = musl_reachable()
    missing = [n for n in reach if n not in have]
    if "--json" in argv:
        print(json.dumps({"implemented": have, "missing": missing}))
        return 0
    print("implemented: %d system calls" % len(have))
    print("musl can reach: %d; missing: %d" % (len(reach), len(missing)))
    print("missing: " + " ".join(missing))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
