# SPDX-License-Identifier: MIT
"""Boot-to-serve machinery of `make bench` (imported by bench/bench.py).

A target is a kernel QEMU boots with the runner's flags (built by
tools/pithrun.py's build_command, so machine and accelerator flags are
the same for everyone): the floor kernel (measured to QEMU's exit), the
Pith httpd image, and the Linux microVM of bench/linux/build.sh.

boot_to_serve() launches QEMU and measures the time from just before the
launch to the first byte of an HTTP reply on the forwarded host port.
The QEMU user network accepts host connections as soon as QEMU listens,
before the guest does, and its TCP to the guest retransmits on a timer of
its own; so a single connection retried in a loop would measure slirp's
timers. Instead a new connection is opened every PROBE_INTERVAL seconds,
each sends `GET / HTTP/1.1` as soon as it is connected and lives
PROBE_LIFE seconds; the first byte on any of them stops the clock.

Every QEMU started here is killed by its PID on every way out.
"""

import os
import re
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import pithrun  # noqa: E402
import netns  # noqa: E402,F401  (the tap variant)

PROBE_INTERVAL = 0.004
PROBE_LIFE = 0.5
PROBE_MAX = 200
REQUEST = b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n"
MEM_STEPS = ("128M", "96M", "80M", "64M", "48M", "32M", "24M", "16M", "12M",
             "8M", "6M", "5M", "4M", "3M", "2M", "1M")

# "[    0.017796] pith: booted in 17780 us (entry to main)"
STAMP = re.compile(r"^\[\s*(\d+)\.(\d+)\]\s?(.*)$")
BOOTED = re.compile(r"booted in (\d+) us")
LINUX_INIT = re.compile(r"linux-init: exec httpd at uptime ([0-9.]+) s")
# lib/net's record of the first successful listen(), in guest time
FIRST_LISTEN = re.compile(r"first listen on port (\d+) at (\d+) us since entry")


class Target:
    """One system under test.

    kind "exit": time to QEMU's exit (the floor); "http": time to the
    first byte of a reply. expect is what the reply must start with.
    """

    def __init__(self, name, image, kind="http", initrd=None, append=None,
                 replace_append=None, guest_port=80, expect=b"HTTP/1.1 ",
                 timeout=60, listen_mark="httpd: serving", qemu_extra=()):
        self.name = name
        self.image = image
        self.kind = kind
        self.initrd = initrd
        self.append = append            # through the runner (Pith)
        self.replace_append = replace_append  # verbatim (Linux)
        self.guest_port = guest_port
        self.expect = expect
        self.timeout = timeout
        self.listen_mark = listen_mark
        self.qemu_extra = list(qemu_extra)  # appended to QEMU's argv


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(target, machine, accel, port, mem="128M"):
    """The QEMU argv for target: the runner's, with a forward of
    127.0.0.1:port to the guest's port; a Linux command line replaces
    the runner's -append verbatim (the runner adds netdev.* for Pith)."""
    args = ["--machine", machine, "--mem", mem,
            "--fwd", "%d:%d" % (port, target.guest_port)]
    if target.initrd:
        args += ["--initrd", target.initrd]
    if target.append is not None:
        args += ["--append", target.append]
    cmd = pithrun.build_command(pithrun.parse_args(args + [target.image]),
                                accel)
    if target.replace_append is not None:
        i = cmd.index("-append")
        cmd[i + 1] = target.replace_append
    return cmd + target.qemu_extra


def parse_console(lines):
    """In-guest figures from console lines [(host_seconds, text)]:
    booted_us (Pith's "booted in N us"), listen_s (guest seconds from
    entry to the first listen(): the kernel's "first listen" line, else
    the guest timestamp of the app's listening line, else None),
    listen_us (the kernel's figure alone), linux_init_s
    (Linux: uptime when init execs httpd), listen_host_s (host-observed
    seconds from the boot line to the listening line)."""
    r = {"booted_us": None, "listen_s": None, "linux_init_s": None,
         "listen_host_s": None, "listen_us": None}
    boot_host = None
    for host_t, text in lines:
        m = STAMP.match(text)
        body = m.group(3) if m else text
        b = BOOTED.search(body)
        if b and r["booted_us"] is None:
            r["booted_us"] = int(b.group(1))
            boot_host = host_t
        fl = FIRST_LISTEN.search(body)
        if fl and r["listen_us"] is None:
            r["listen_us"] = int(fl.group(2))
            r["listen_s"] = r["listen_us"] / 1e6
        li = LINUX_INIT.search(body)
        if li:
            r["linux_init_s"] = float(li.group(1))
        if "httpd: serving" in body and "on port" in body:
            if m and r["listen_us"] is None:
                r["listen_s"] = int(m.group(1)) + int(m.group(2)) / 10 ** len(m.group(2))
            if boot_host is not None:
                r["listen_host_s"] = host_t - boot_host
    return r


def _pdeathsig():
    return pithrun._pdeathsig_fn()


class Qemu:
    """QEMU as our child, console lines collected with host timestamps."""

    def __init__(self, cmd):
        self.lines = []
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL,
                                     preexec_fn=_pdeathsig())
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in iter(self.proc.stdout.readline, b""):
            self.lines.append((time.perf_counter(),
                               raw.decode("utf-8", "replace").rstrip("\r\n")))

    @property
    def out(self):
        return "\n".join(t for _, t in self.lines)

    def stop(self):
        """SIGTERM by PID, SIGKILL after 3 s."""
        p = self.proc
        if p.poll() is None:
            try:
                p.send_signal(signal.SIGTERM)
                p.wait(3)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            except ProcessLookupError:
                pass
        self.reader.join(2)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def probe(port, t0, deadline, alive, expect):
    """Open a connection every PROBE_INTERVAL s until one gets a reply
    byte; return (seconds since t0 of the first byte, first bytes) or
    (None, why)."""
    sel = selectors.DefaultSelector()
    conns = {}                  # socket -> [opened, sent]
    next_open = time.perf_counter()
    addr = ("127.0.0.1", port)

    def drop(s):
        sel.unregister(s)
        del conns[s]
        s.close()
    try:
        while True:
            now = time.perf_counter()
            if now > deadline:
                return None, "timeout"
            if not alive():
                return None, "QEMU exited"
            if now >= next_open and len(conns) < PROBE_MAX:
                s = socket.socket()
                s.setblocking(False)
                s.connect_ex(addr)
                conns[s] = [now, False]
                sel.register(s, selectors.EVENT_WRITE)
                next_open = now + PROBE_INTERVAL
            for s in [s for s, c in conns.items() if now - c[0] > PROBE_LIFE]:
                drop(s)
            wait = max(0.0, next_open - time.perf_counter())
            for key, ev in sel.select(wait):
                s = key.fileobj
                if s not in conns:
                    continue
                if not conns[s][1]:
                    if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                        drop(s)
                        continue
                    try:
                        s.send(REQUEST)
                    except OSError:
                        drop(s)
                        continue
                    conns[s][1] = True
                    sel.modify(s, selectors.EVENT_READ)
                    continue
                try:
                    data = s.recv(4096)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    drop(s)
                    continue
                if not data:
                    drop(s)
                    continue
                t = time.perf_counter() - t0
                # the rest of the head, outside the measured time
                s.setblocking(True)
                s.settimeout(5)
                try:
                    while len(data) < len(expect):
                        more = s.recv(4096)
                        if not more:
                            break
                        data += more
                except OSError:
                    pass
                if not data.startswith(expect):
                    return None, "unexpected reply %r" % data[:60]
                return t, data
    finally:
        for s in list(conns):
            s.close()
        sel.close()


def boot_to_serve(target, machine, accel, mem="128M"):
    """One boot. Returns (seconds or None, console figures, error)."""
    port = free_port()
    cmd = command(target, machine, accel, port, mem)
    with Qemu(cmd) as q:
        if target.kind == "exit":
            # A blocking wait, with a timer to end a hung QEMU: wait(timeout)
            # polls with sleeps that double up to 50 ms, which snapped the
            # floor's time to about 34 or 66 ms (checks at 31 and 63 ms).
            timer = threading.Timer(target.timeout, q.proc.kill)
            timer.start()
            try:
                rc = q.proc.wait()
            finally:
                timer.cancel()
            t = time.perf_counter() - q.t0
            if rc < 0:
                return None, {}, "timeout"
            if rc != 1:
                return None, {}, "exit code %d: %s" % (rc, q.out[-300:])
            return t, {}, None
        t, why = probe(port, q.t0, q.t0 + target.timeout,
                       lambda: q.proc.poll() is None, target.expect)
        if t is None:
            return None, {}, "%s; console:\n%s" % (why, q.out[-1500:])
        # let the listening line reach the reader
        end = time.perf_counter() + 0.5
        while (time.perf_counter() < end and target.listen_mark and
               not any(target.listen_mark in x for _, x in q.lines)):
            time.sleep(0.01)
        return t, parse_console(list(q.lines)), None


def mem_search(target, machine, accel, steps=MEM_STEPS, log=None):
    """The least -m, going down steps, at which target still serves;
    stops at the first size that fails twice in a row. Returns (least
    size or None, size that failed or None)."""
    best = None
    for mem in steps:
        t, _, err = boot_to_serve(target, machine, accel, mem)
        if t is None:
            t, _, err = boot_to_serve(target, machine, accel, mem)
        if log:
            log("  %s -m %s: %s" % (target.name, mem,
                                    "serves (%.2f s)" % t if t else
                                    "does not serve (%s)" %
                                    err.split(";")[0]))
        if t is None:
            return best, mem
        best = mem
    return best, None


def wrk(port, conns, seconds, threads=None, url=None, prefix=()):
    """Requests per second from wrk (keep-alive, the default page);
    url instead of the forwarded port, prefix in front of the command
    (ip netns exec NS)."""
    threads = threads or min(conns, 2)
    r = subprocess.run(list(prefix) + [
                        "wrk", "-t%d" % threads, "-c%d" % conns,
                        "-d%ds" % seconds, "--timeout", "5s",
                        url or "http://127.0.0.1:%d/" % port],
                       capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=seconds + 60)
    return parse_wrk(r.stdout), r.stdout + r.stderr


def parse_wrk(text):
    """(requests per second, non-2xx/socket error count) from wrk's
    report, (None, None) when it has none."""
    m = re.search(r"Requests/sec:\s+([0-9.]+)", text)
    if not m:
        return None, None
    errs = 0
    n = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if n:
        errs += int(n.group(1))
    s = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                  r"timeout (\d+)", text)
    if s:
        errs += sum(int(x) for x in s.groups())
    return float(m.group(1)), errs


def throughput(target, machine, accel, seconds, conns_list=(1, 64),
               mem="128M"):
    """Boot target once, wait until it serves, run wrk for each
    connection count. Returns {conns: (rps, errors)} or an error text."""
    port = free_port()
    with Qemu(command(target, machine, accel, port, mem)) as q:
        t, why = probe(port, q.t0, q.t0 + target.timeout,
                       lambda: q.proc.poll() is None, target.expect)
        if t is None:
            return "did not serve (%s)" % why
        out = {}
        for c in conns_list:
            (rps, errs), text = wrk(port, c, seconds)
            out[c] = (rps, errs)
        return out


# --- the tap variant: the guest on a tap inside a network namespace ------
# The namespace (made and removed here, tools/netns.py) holds a tap with
# 10.0.2.2/24, the address the guests already use as their gateway: Pith
# gets netdev.ip=10.0.2.15/24 on its command line, the Linux microVM's
# init configures the same; wrk and the readiness probe run inside it.
TAP_GUEST = "10.0.2.15"
TAP_HOST = "10.0.2.2/24"


def tap_unavailable():
    """None when the tap variant can run here, else why not."""
    return netns.available()


def tap_command(target, machine, accel, ns, mem="128M", vhost=False):
    """The runner's QEMU argv for target without user networking, with a
    virtio-net on the namespace's tap."""
    args = ["--machine", machine, "--mem", mem]
    if target.initrd:
        args += ["--initrd", target.initrd]
    if target.replace_append is None:
        args += ["--append", "netdev.ip=%s/24 netdev.gw=10.0.2.2 %s" % (
            TAP_GUEST, target.append or "")]
    cmd = pithrun.build_command(pithrun.parse_args(args + [target.image]),
                                accel)
    if target.replace_append is not None:
        cmd += ["-append", target.replace_append]
    return ns.cmd(cmd + ns.qemu_args(machine, vhost))


def tap_wait(ns, deadline, alive):
    """Poll the guest's page from inside the namespace until it answers
    200; True when it did."""
    while time.perf_counter() < deadline and alive():
        r = ns.run(["curl", "-s", "-o", "/dev/null", "-m", "1", "-w",
                    "%{http_code}", "http://%s/" % TAP_GUEST],
                   capture_output=True, text=True)
        if r.stdout.strip() == "200":
            return True
        time.sleep(0.05)
    return False


def throughput_tap(target, machine, accel, seconds, conns_list=(1, 64),
                   mem="128M"):
    """throughput() with the tap backend: a fresh namespace per target,
    removed on every way out (with QEMU killed by its PID first).
    Returns {conns: (rps, errors)} or an error text."""
    vhost = netns.vhost_available()
    with netns.Netns("pith-bench", tap_addr=TAP_HOST) as ns:
        with Qemu(tap_command(target, machine, accel, ns, mem, vhost)) as q:
            if not tap_wait(ns, time.perf_counter() + target.timeout,
                            lambda: q.proc.poll() is None):
                return "did not serve on the tap; console:\n%s" % \
                    q.out[-800:]
            out = {}
            for c in conns_list:
                (rps, errs), text = wrk(None, c, seconds,
                                        url="http://%s/" % TAP_GUEST,
                                        prefix=ns.cmd([]))
                out[c] = (rps, errs)
            return out


def rps_rows(rps, pith_name, linux_name):
    """Markdown rows for {name: {conns: (rps, errors)} or error text},
    with the ratio pith / linux when both ran."""
    rows = []
    for n, r in rps.items():
        if isinstance(r, str):
            rows.append("| %s | %s | |" % (n, r.split("\n")[0]))
            continue
        rows.append("| %s | %s |" % (n, " | ".join(
            ("%.0f" % r[c][0] + (" (%d errors)" % r[c][1] if r[c][1] else ""))
            if r[c][0] is not None else "wrk failed" for c in (1, 64))))
    a, b = rps.get(pith_name), rps.get(linux_name)
    if isinstance(a, dict) and isinstance(b, dict):
        rows.append("| ratio %s / %s | %s |" % (pith_name, linux_name,
                    " | ".join("%.2f" % (a[c][0] / b[c][0])
                               if a[c][0] and b[c][0] else "-"
                               for c in (1, 64))))
    return rows


def median(xs):
    return statistics.median(xs) if xs else None
