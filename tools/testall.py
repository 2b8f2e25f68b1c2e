#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""make test: every test Pith has, one summary line at the end.

  1. host unit tests: {lib,plat,drivers,apps}/*/tests/host/*_test.c,
     each built for Linux with AddressSanitizer and UBSan and run; KTAP out.
     A first line `// hosttest-cflags: ...` adds compiler flags.
  2. in-image tests: the ktest apps (ktest: cooperative scheduler,
     ktest-preempt: rt over CFS) built from their defconfigs, booted on
     microvm under the runner, their KTAP read; a crash or timeout fails.
  3. pytest: the tools' own tests and the boot tests in tests/boot.

The last line is `N passed, N failed`; the exit status is 0 only when
nothing failed. Usage: tools/testall.py [host|ktest|pytest ...]
"""

import glob
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import ktap  # noqa: E402

OUT = os.path.join(ROOT, "build", "test")
HOST_CFLAGS = ["-std=gnu11", "-g", "-O1", "-Wall", "-Wextra", "-Werror",
               "-Wno-unused-parameter", "-fsanitize=address,undefined",
               "-fno-sanitize-recover=all", "-fno-omit-frame-pointer",
               "-DPITH_HOST_TEST", "-Itests/host"]


def log(msg):
    print(msg, flush=True)


def include_dirs():
    dirs = glob.glob("lib/*/include") + glob.glob("plat/*/include")
    return ["-I" + d for d in sorted(dirs)]


def extra_cflags(path):
    with open(path) as f:
        first = f.readline()
    tag = "// hosttest-cflags:"
    return first[len(tag):].split() if first.startswith(tag) else []


def run_host():
    passed = failed = 0
    tests = sorted(glob.glob("lib/*/tests/host/*_test.c") +
                   glob.glob("plat/*/tests/host/*_test.c") +
                   glob.glob("drivers/*/tests/host/*_test.c") +
                   glob.glob("apps/*/tests/host/*_test.c"))
    os.makedirs(os.path.join(OUT, "host"), exist_ok=True)
    for src in tests:
        name = os.path.basename(src)[:-2]
        exe = os.path.join(OUT, "host", name)
        cc = ["gcc"] + HOST_CFLAGS + include_dirs() + extra_cflags(src) + \
            [src, "-o", exe]
        r = subprocess.run(cc, capture_output=True, text=True)
        if r.returncode:
            log("host %s: does not build\n%s" % (name, r.stderr[-3000:]))
            failed += 1
            continue
        try:
            r = subprocess.run([exe], capture_output=True, text=True,
                               timeout=600)
            out, rc = r.stdout + r.stderr, r.returncode
        except subprocess.TimeoutExpired:
            out, rc = "", -1
        res = ktap.parse(out)
        p, f = res.passed, res.failed + res.missing
        if rc and not f:
            f = 1           # a sanitizer report or a crash: not a pass
        if f:
            log("host %s: FAILED (exit %d)\n%s" % (name, rc, out[-4000:]))
        else:
            log("host %s: %d passed" % (name, p))
        passed += p
        failed += f
    return passed, failed


# The in-image test apps: one per scheduler configuration.
KTEST_APPS = ("ktest", "ktest-preempt")


def run_ktest_app(app):
    mk = ["make", "--no-print-directory", "APP=" + app]
    for goal in ("defconfig", "all"):
        r = subprocess.run(mk + [goal], capture_output=True, text=True)
        if r.returncode:
            log("%s: build failed\n%s" % (app, (r.stdout + r.stderr)[-4000:]))
            return 0, 1
    r = subprocess.run(["tools/run", "--quiet", "--timeout", "600",
                        "--mem", "128M", "build/%s/%s" % (app, app)],
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    res = ktap.parse(r.stdout)
    p, f = res.passed, res.failed + res.missing
    if r.returncode != res.failed or res.errors or not res.header_seen:
        log("%s: exit status %d, %d failed cases, problems: %s\n%s" %
            (app, r.returncode, res.failed, res.errors, r.stdout[-4000:]))
        f = max(f, 1)
    log("-- %s" % app)
    ktap.report(res, summary=True)
    return p, f


def run_ktest():
    passed = failed = 0
    for app in KTEST_APPS:
        p, f = run_ktest_app(app)
        passed += p
        failed += f
    return passed, failed


def run_pytest():
    os.makedirs(OUT, exist_ok=True)
    xml = os.path.join(OUT, "pytest.xml")
    if os.path.exists(xml):
        os.remove(xml)
    subprocess.run(["/usr/bin/python3", "-m", "pytest", "-q", "-rfE",
                    "-p", "no:cacheprovider", "--junitxml", xml,
                    "tools", "tests/boot"], stdin=subprocess.DEVNULL)
    if not os.path.exists(xml):
        log("pytest: no results (did it start?)")
        return 0, 1
    suite = ET.parse(xml).getroot()
    if suite.tag == "testsuites":
        suite = suite[0]
    total = int(suite.get("tests"))
    bad = int(suite.get("failures")) + int(suite.get("errors"))
    skipped = int(suite.get("skipped"))
    return total - bad - skipped, bad


STAGES = {"host": run_host, "ktest": run_ktest, "pytest": run_pytest}


def main(argv):
    os.chdir(ROOT)
    passed = failed = 0
    for stage in argv or ["host", "ktest", "pytest"]:
        log("== %s" % stage)
        p, f = STAGES[stage]()
        passed += p
        failed += f
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
