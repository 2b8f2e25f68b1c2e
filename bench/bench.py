#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""make bench: Pith's figures, each the median of repeated runs, each
comparison a ratio taken in the same run (alternating, so drift on the
host hits both sides alike). Writes bench/results/latest.md and
bench/results/boot-to-serve.png.

  boot      whole QEMU process time of helloworld on microvm vs. the floor
            kernel (powers off at its first instruction), same flags
  serve     boot-to-serve (launch QEMU -> first byte of an HTTP reply on
            the forwarded port; the floor: to QEMU's exit) on microvm and
            q35 (qboot): floor, Pith httpd, Linux microVM (bench/linux/)
  inguest   entry-to-main time printed by the image (TSC); the httpd's
            listening line; Linux: uptime when init execs the httpd
  memory    the least -m that still serves (microvm), Pith and Linux
  wrk       requests per second, keep-alive, 1 and 64 connections, over
            user networking and over a tap in a network namespace
  size      stripped image size, and bytes per library from the ELF
            (tools/imgsize.c, libelf; the link map names the owners)
  disk      ext2 on virtio-blk against the Linux microVM (bench/disk.py,
            at most 5 runs): sequential write/read, create+fsync of small
            files, mount time

Until apps/httpd builds for Pith (apps/httpd/Config.uk and `make
APP=httpd` succeeding) the table says "pith httpd: not available yet";
apps/netecho (lwIP's TCP echo on port 7: the GET comes back as the first
byte) then stands in for boot-to-serve and memory, labelled as such.

Under TCG (these machines: /dev/kvm is PVM) absolute guest times are
emulation times; on hardware KVM the same command measures the real
thing. Usage: bench/bench.py [--runs N] [--wrk-seconds S] [--no-mem]
[--no-wrk] [--no-linux]
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
sys.path.insert(0, os.path.join(ROOT, "bench"))
import serve  # noqa: E402
import disk  # noqa: E402


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



def try_build_app(app):
    """Build app; None (and the reason) when it does not build."""
    for goal in ("defconfig", "all"):
        r = subprocess.run(["make", "--no-print-directory", "APP=" + app,
                            goal], cwd=ROOT, capture_output=True, text=True)
        if r.returncode:
            return None, (r.stdout + r.stderr).strip().split("\n")[-1]
    return os.path.join(ROOT, "build", app, app), None


def pith_httpd():
    """The Pith httpd image and its initrd, or (None, reason)."""
    if not os.path.exists(os.path.join(ROOT, "apps/httpd/Config.uk")):
        return None, "no apps/httpd/Config.uk"
    img, why = try_build_app("httpd")
    if not img:
        return None, "make APP=httpd failed: " + why
    initrd = os.path.join(ROOT, "build/httpd/initrd.cpio")
    return (img, initrd if os.path.exists(initrd) else None), None


def build_imgsize():
    os.makedirs(os.path.join(ROOT, "build/tools"), exist_ok=True)
    sh(["gcc", "-O2", "-Wall", "-Wextra", "-Werror", "tools/imgsize.c",
        "-lelf", "-o", "build/tools/imgsize"])
    return os.path.join(ROOT, "build/tools/imgsize")


def parse_imgsize(text):
    """tools/imgsize's output -> [(library, file, memory, symbols, n)];
    the total row last."""
    rows = []
    for line in text.strip().split("\n"):
        f = line.split("\t")
        if len(f) != 5:
            raise ValueError("imgsize: bad line %r" % line)
        rows.append((f[0], int(f[1]), int(f[2]), int(f[3]), int(f[4])))
    return rows


def lib_sizes(tool, app):
    b = os.path.join(ROOT, "build", app, app)
    return parse_imgsize(sh([tool, b + ".dbg", b + ".map"]))


ICOUNT = ["-icount", "shift=0"]
ICOUNT_RUNS = 3


def build_linux():
    """bench/linux/build.sh; returns (folder, None) or (None, reason)."""
    r = subprocess.run([os.path.join(ROOT, "bench/linux/build.sh"), "-q"],
                       cwd=ROOT, capture_output=True, text=True)
    if r.returncode:
        return None, (r.stdout + r.stderr).strip().split("\n")[-1]
    return r.stdout.strip().split("\n")[-1], None


def ms(x):
    return "%.1f ms" % (x * 1000) if x is not None else "-"


def ratio(a, b):
    return "%.2f" % (a / b) if a and b else "-"


def chart(series, path, title):
    """gnuplot box plots (log scale) of {label: [seconds]}; returns an
    error text or None."""
    labels = [k for k, v in series.items() if v]
    if not labels:
        return "no data"
    data = path + ".dat"
    with open(data, "w") as f:
        for i, k in enumerate(labels):
            for v in series[k]:
                f.write("%d %.6f\n" % (i + 1, v * 1000))
            f.write("\n\n")
    tics = ", ".join('"%s" %d' % (k.replace('"', "'"), i + 1)
                     for i, k in enumerate(labels))
    script = "\n".join([
        "set terminal pngcairo size 1100,560 font 'sans,10'",
        "set output '%s'" % path,
        "set title '%s'" % title.replace("'", ""),
        "set logscale y", "set ylabel 'ms (log scale)'",
        "set style fill solid 0.25 border -1",
        "set style boxplot outliers pointtype 7",
        "set style data boxplot", "set boxwidth 0.5", "unset key",
        "set grid ytics",
        "set xtics (%s) rotate by -20 font ',9'" % tics,
        "set xrange [0.3:%f]" % (len(labels) + 0.7),
        "plot for [i=0:%d] '%s' index i using (i+1):2 with boxplot, \\"
        % (len(labels) - 1, data),
        "     for [i=0:%d] '%s' index i using ($1+0.3):2 with points "
        "pointtype 1 pointsize 0.6" % (len(labels) - 1, data),
        ""])
    r = subprocess.run(["gnuplot"], input=script, capture_output=True,
                       text=True)
    os.unlink(data)
    return (r.stderr.strip() or "gnuplot failed") if r.returncode else None


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20,
                    help="boots per figure (default 20)")
    ap.add_argument("--wrk-seconds", type=int, default=5)
    ap.add_argument("--no-mem", action="store_true")
    ap.add_argument("--no-wrk", action="store_true")
    ap.add_argument("--no-linux", action="store_true")
    ap.add_argument("--no-disk", action="store_true")
    a = ap.parse_args()
    accel, _ = pithrun.detect_accel()
    started = time.time()
    machines = ("microvm", "q35")

    log("bench: building helloworld, netecho, the floor, tools/imgsize")
    hello = build_app("helloworld")
    floor = build_floor()
    tool = build_imgsize()
    netecho, ne_why = try_build_app("netecho")

    log("bench: helloworld vs floor, %d runs" % a.runs)
    th, tf, ing = bench_boot(hello, floor, a.runs)

    # --- the systems --------------------------------------------------
    targets = [serve.Target("floor", floor, kind="exit", timeout=60)]
    httpd, httpd_why = pith_httpd()
    pith = None
    if httpd:
        pith = serve.Target("pith httpd", httpd[0], initrd=httpd[1],
                            append="-- -q", timeout=60)
    elif netecho:
        pith = serve.Target("pith netecho (stand-in)", netecho,
                            guest_port=7, expect=REQUEST_ECHO,
                            listen_mark="netecho: listening", timeout=60)
    if pith:
        targets.append(pith)
    linux = None
    if a.no_linux:
        linux_why = "--no-linux"
    else:
        log("bench: building the Linux microVM (bench/linux/build.sh)")
        ldir, linux_why = build_linux()
        if ldir:
            with open(os.path.join(ldir, "cmdline")) as f:
                cmdline = f.read().strip()
            linux = serve.Target(
                "linux microVM", os.path.join(ldir, "vmlinuz"),
                initrd=os.path.join(ldir, "initramfs.cpio.gz"),
                replace_append=cmdline + " -- -q", timeout=120,
                listen_mark="linux-init:")
            targets.append(linux)

    # --- boot to serve, alternating -------------------------------------
    times = {(t.name, m): [] for t in targets for m in machines}
    cons = {(t.name, m): [] for t in targets for m in machines}
    errors = {}
    log("bench: boot-to-serve, %d runs x %s x %s" %
        (a.runs, "/".join(machines), ", ".join(t.name for t in targets)))
    for i in range(a.runs):
        order = targets[i % len(targets):] + targets[:i % len(targets)]
        for m in machines:
            for t in order:
                if (t.name, m) in errors:
                    continue
                s, c, err = serve.boot_to_serve(t, m, accel)
                if s is None:
                    errors[(t.name, m)] = err
                    log("bench: %s on %s failed: %s" % (t.name, m, err))
                    continue
                times[(t.name, m)].append(s)
                cons[(t.name, m)].append(c)
        log("bench: run %d/%d done" % (i + 1, a.runs))

    # --- in-guest work counted in instructions (-icount) -----------------
    # With -icount shift=0 the guest's clocks advance 1 ns per executed
    # instruction (and at real speed while it idles): the in-guest
    # figures become instruction counts, the same on any host, and
    # translation and host load drop out. A proxy for hardware KVM,
    # which adds the cost of exits to the hypervisor.
    icount = {}
    for t in [x for x in (pith, linux) if x]:
        it = serve.Target(t.name, t.image, initrd=t.initrd, append=t.append,
                          replace_append=t.replace_append,
                          guest_port=t.guest_port, expect=t.expect,
                          timeout=t.timeout, listen_mark=t.listen_mark,
                          qemu_extra=ICOUNT)
        for m in machines:
            figs = []
            for _ in range(ICOUNT_RUNS):
                s, c, err = serve.boot_to_serve(it, m, "tcg")
                if s is None:
                    log("bench: %s on %s with -icount failed: %s" %
                        (t.name, m, err))
                    break
                figs.append(c)
            icount[(t.name, m)] = figs
    log("bench: -icount runs done")

    def icmed(name, m, key):
        return serve.median([c[key] for c in icount.get((name, m), [])
                             if c.get(key) is not None])

    def med(name, m):
        return serve.median(times.get((name, m), []))

    def cmed(name, m, key):
        return serve.median([c[key] for c in cons.get((name, m), [])
                             if c.get(key) is not None])

    # --- least memory ---------------------------------------------------
    mem = {}
    if not a.no_mem:
        for t in [x for x in (pith, linux) if x]:
            log("bench: least memory, %s (microvm)" % t.name)
            probe_t = serve.Target(t.name, t.image, initrd=t.initrd,
                                   append=t.append,
                                   replace_append=t.replace_append,
                                   guest_port=t.guest_port, expect=t.expect,
                                   timeout=min(t.timeout, 45))
            mem[t.name] = serve.mem_search(probe_t, "microvm", accel, log=log)

    # --- wrk --------------------------------------------------------------
    rps = {}
    if not a.no_wrk:
        for t in [x for x in (pith, linux) if x and x.expect != REQUEST_ECHO]:
            log("bench: wrk, %s (microvm, %d s runs)" % (t.name,
                                                        a.wrk_seconds))
            rps[t.name] = serve.throughput(t, "microvm", accel,
                                           a.wrk_seconds)
    rps_tap, tap_why = {}, "--no-wrk" if a.no_wrk else serve.tap_unavailable()
    for t in [x for x in (pith, linux) if x and not tap_why and
              x.expect != REQUEST_ECHO]:
        log("bench: wrk on a tap in a network namespace, %s" % t.name)
        rps_tap[t.name] = serve.throughput_tap(t, "microvm", accel,
                                               a.wrk_seconds)

    # --- sizes --------------------------------------------------------
    sizes = [("helloworld", lib_sizes(tool, "helloworld"))]
    if httpd:
        sizes.append(("httpd", lib_sizes(tool, "httpd")))
    if netecho:
        sizes.append(("netecho", lib_sizes(tool, "netecho")))

    # --- chart ----------------------------------------------------------
    os.makedirs(os.path.join(ROOT, "bench/results"), exist_ok=True)
    series = {"%s, %s" % (n, m): v for (n, m), v in times.items()}
    png = os.path.join(ROOT, "bench/results/boot-to-serve.png")
    chart_err = chart(series, png, "Boot-to-serve under %s, %d runs each "
                      "(floor: to QEMU exit)" % (accel.upper(), a.runs))

    # --- the report ---------------------------------------------------
    size = os.path.getsize(hello)
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

    out += ["", "## Boot to serve", "",
            "Launch of QEMU to the first byte of an HTTP reply on the "
            "forwarded host port (the floor: to QEMU's exit), median "
            "[min-max] of %d runs, alternating, same QEMU flags "
            "(tools/pithrun.py build_command, -m 128M, virtio-net, user "
            "network); q35 boots with qboot. Chart: "
            "[boot-to-serve.png](boot-to-serve.png)." % a.runs, "",
            "| system | " + " | ".join(machines) + " |",
            "|---|" + "---|" * len(machines)]
    names = [t.name for t in targets]
    if not httpd:
        names.insert(1, None)
    for n in names:
        if n is None:
            out.append("| pith httpd: not available yet (%s) |" % httpd_why
                       + " |" * (len(machines) - 1))
            continue
        cells = []
        for m in machines:
            v = times[(n, m)]
            if (n, m) in errors and not v:
                cells.append("failed: %s" % errors[(n, m)].split(";")[0])
            elif v:
                cells.append("%s [%s-%s]" % (ms(serve.median(v)),
                                             ms(min(v))[:-3], ms(max(v))))
            else:
                cells.append("-")
        out.append("| %s | %s |" % (n, " | ".join(cells)))
    if linux is None:
        out.append("| linux microVM: not available (%s) |" % linux_why
                   + " |" * (len(machines) - 1))
    if pith:
        out.append("| ratio %s / floor | %s |" % (pith.name, " | ".join(
            ratio(med(pith.name, m), med("floor", m)) for m in machines)))
    if pith and linux:
        out.append("| ratio linux / %s | %s |" % (pith.name, " | ".join(
            ratio(med(linux.name, m), med(pith.name, m)) for m in machines)))
    if not httpd:
        out += ["", "Targets (issue 8): Pith httpd at most 1.10 x the floor "
                "and at least 10 x faster than Linux. The stand-in "
                "(apps/netecho) is the same kernel, lwIP and virtio-net "
                "path answering with an echo of the request instead of a "
                "page: it shows where the Pith httpd will land, not the "
                "httpd."]

    out += ["", "## In-guest time", "",
            "| system | " + " | ".join(machines) + " |",
            "|---|" + "---|" * len(machines)]
    if pith:
        out.append("| %s: entry to main (boot line) | %s |" % (
            pith.name, " | ".join(
                ("%d us" % cmed(pith.name, m, "booted_us"))
                if cmed(pith.name, m, "booted_us") else "-"
                for m in machines)))
        ls = [cmed(pith.name, m, "listen_s") for m in machines]
        lh = [cmed(pith.name, m, "listen_host_s") for m in machines]
        if any(ls):
            out.append("| %s: entry to first listen() (kernel clock) "
                       "| %s |" % (
                pith.name, " | ".join("%.0f us" % (x * 1e6) if x else "-"
                                      for x in ls)))
        elif any(lh):
            out.append("| %s: listening line, host-observed after the boot "
                       "line (no guest timestamp) | %s |" % (
                           pith.name, " | ".join(ms(x) for x in lh)))
        else:
            out.append("| %s: listening line | no timestamp | |" % pith.name)
    if linux:
        out.append("| linux microVM: uptime when init execs httpd | %s |" % (
            " | ".join("%.2f s" % x if x else "-" for x in
                       [cmed(linux.name, m, "linux_init_s")
                        for m in machines])))
    if icount:
        out += ["", "Counted in instructions: the same boots under TCG with "
                "`%s` (guest clocks advance 1 ns per executed instruction, "
                "so 1 us is about 1000 instructions; idle time passes at "
                "real speed), median of %d boots. Host speed, load and "
                "QEMU's translation drop out; hardware KVM adds the cost "
                "of exits." % (" ".join(ICOUNT), ICOUNT_RUNS), "",
                "| system | " + " | ".join(machines) + " |",
                "|---|" + "---|" * len(machines)]
        if pith:
            out.append("| %s: entry to first listen() | %s |" % (
                pith.name, " | ".join(
                    "%d us" % icmed(pith.name, m, "listen_us")
                    if icmed(pith.name, m, "listen_us") else "-"
                    for m in machines)))
        if linux:
            out.append("| linux microVM: uptime when init execs httpd "
                       "| %s |" % " | ".join(
                           "%.3f s" % icmed(linux.name, m, "linux_init_s")
                           if icmed(linux.name, m, "linux_init_s") else "-"
                           for m in machines))

    if mem:
        out += ["", "## Least guest memory that serves (microvm)", "",
                "Searched downwards through -m %s; serving = first reply "
                "byte within 45 s; a size fails when two boots fail." %
                ", ".join(serve.MEM_STEPS), "",
                "| system | least -m that serves | first that fails |",
                "|---|---|---|"]
        for n, (best, fail) in mem.items():
            out.append("| %s | %s | %s |" % (n, best or "none",
                                            fail or "none tried"))
    elif a.no_mem:
        out += ["", "Least guest memory: skipped (--no-mem)."]

    out += ["", "## Requests per second (wrk, keep-alive, default page, "
            "microvm, user network, %d s)" % a.wrk_seconds, "",
            "| system | 1 connection | 64 connections |", "|---|---|---|"]
    if not httpd:
        out.append("| pith httpd: not available yet | | |")
    for n, r in rps.items():
        if isinstance(r, str):
            out.append("| %s | %s | |" % (n, r))
            continue
        out.append("| %s | %s |" % (n, " | ".join(
            ("%.0f" % r[c][0] + (" (%d errors)" % r[c][1] if r[c][1] else ""))
            if r[c][0] is not None else "wrk failed" for c in (1, 64))))
    if httpd and linux and len(rps) == 2 and not any(
            isinstance(r, str) for r in rps.values()):
        out.append("| ratio pith / linux | %s |" % " | ".join(
            ratio(rps[pith.name][c][0], rps[linux.name][c][0])
            for c in (1, 64)))
    if a.no_wrk:
        out.append("| skipped (--no-wrk) | | |")
    out += ["", "Same, QEMU on a tap (`-netdev tap,vhost=%s`) inside a network "
            "namespace made and removed by the benchmark; wrk runs in it "
            "against 10.0.2.15 (checksum offload negotiated):" %
            ("on" if serve.netns.vhost_available() else "off"), "",
            "| system | 1 connection | 64 connections |", "|---|---|---|"]
    out += serve.rps_rows(rps_tap, pith.name if pith else "",
                          linux.name if linux else "") or [
        "| not run (%s) | | |" % tap_why]

    for app, rows_ in sizes:
        total = rows_[-1]
        out += ["", "## Bytes per library in %s" % app, "",
                "From the ELF (tools/imgsize.c, libelf): allocated sections "
                "split by the input sections of the link map; \"in "
                "symbols\" is the part covered by sized symbols of the "
                ".symtab (the rest: string literals, constants, code "
                "without a size); rows add up to the total. Stripped image "
                "file: %d bytes." % os.path.getsize(
                    os.path.join(ROOT, "build", app, app)), "",
                "| library | image | memory only (.bss, stacks) | in symbols "
                "| symbols |", "|---|---|---|---|---|"]
        out += ["| %s | %d | %d | %d | %d |" % r for r in rows_[:-1]]
        out.append("| **total** | **%d** | **%d** | %d | %d |" % total[1:])

    if not a.no_disk:
        log("bench: disk figures (bench/disk.py, %d runs)" % min(a.runs, 5))
        out += disk.section(min(a.runs, 5), a.no_linux)

    out += ["", "Chart: %s." % ("bench/results/boot-to-serve.png"
                                if not chart_err else
                                "not written (%s)" % chart_err),
            "", "Took %.0f s." % (time.time() - started)]
    text = "\n".join(out) + "\n"
    with open(os.path.join(ROOT, "bench/results/latest.md"), "w") as f:
        f.write(text)
    print(text)


# apps/netecho echoes the request: its first bytes are the request's
REQUEST_ECHO = serve.REQUEST[:5]


if __name__ == "__main__":
    main()
