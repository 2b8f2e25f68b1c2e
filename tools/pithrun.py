# SPDX-License-Identifier: MIT
"""pithrun: boot a Pith image under QEMU (the logic behind tools/run).

tools/run is a thin wrapper around main() here; tests import this module
to check the constructed command lines without starting QEMU.

    tools/run [options] IMAGE [-- extra qemu args]
    tools/run --help                     all options
    tools/run --dry-run IMAGE            print the QEMU command line

Exit status: the guest's status as written to the isa-debug-exit port
(QEMU exits with (value << 1) | 1, we report value); 0 when QEMU exits
cleanly without the exit device (ACPI poweroff); 124 on --timeout; 125
when QEMU itself failed; 128+N when the runner was stopped by signal N.
QEMU is started as our child and killed by its PID on every way out.

Stdlib only (Python 3.7+).
"""

import argparse
import os
import shlex
import signal
import subprocess
import sys
import threading

PROG = "pith-run"
QEMU = "qemu-system-x86_64"
QBOOT = "/usr/share/qemu/qboot.rom"
MACHINES = ("microvm", "q35", "pc")
EXIT_IOBASE = 0xF4

EXIT_TIMEOUT = 124
EXIT_QEMU_FAILED = 125

# /dev/kvm and where the PVM flavour of KVM shows itself. PVM ("pvm
# as a kvm module") runs guests under paravirtualised memory management,
# which a bare PVH kernel like ours does not speak.
KVM_DEV = "/dev/kvm"
PVM_SYSFS = "/sys/module/kvm_pvm"
PROC_MODULES = "/proc/modules"


class UsageError(Exception):
    """A bad option value; reported like argparse errors (exit 2)."""


# ---------------------------------------------------------------------------
# Accelerator detection


def kvm_is_pvm(pvm_sysfs=PVM_SYSFS, proc_modules=PROC_MODULES):
    """True when the host's KVM is the PVM module."""
    if os.path.exists(pvm_sysfs):
        return True
    try:
        with open(proc_modules, encoding="utf-8", errors="replace") as f:
            for line in f:
                fields = line.split()
                if fields and fields[0] == "kvm_pvm":
                    return True
    except OSError:
        pass
    return False


def kvm_usable(kvm_dev=KVM_DEV):
    """True when kvm_dev can be opened read-write."""
    try:
        fd = os.open(kvm_dev, os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    os.close(fd)
    return True


def detect_accel(kvm_dev=KVM_DEV, pvm_sysfs=PVM_SYSFS,
                 proc_modules=PROC_MODULES):
    """Pick an accelerator for --accel auto.

    Returns (accel, reason): accel is "kvm" or "tcg", reason is None or
    the text printed in parentheses after it.
    """
    if not kvm_usable(kvm_dev):
        return "tcg", "no usable /dev/kvm"
    if kvm_is_pvm(pvm_sysfs, proc_modules):
        return "tcg", "/dev/kvm is PVM, which cannot run this guest"
    return "kvm", None


def accel_line(accel, reason):
    """The one line printed to stderr about the accelerator."""
    if reason:
        return "%s: accel=%s (%s)" % (PROG, accel, reason)
    return "%s: accel=%s" % (PROG, accel)


def resolve_accel(requested, kvm_dev=KVM_DEV, pvm_sysfs=PVM_SYSFS,
                  proc_modules=PROC_MODULES):
    """Turn --accel auto|kvm|tcg into (accel, reason)."""
    if requested == "auto":
        return detect_accel(kvm_dev, pvm_sysfs, proc_modules)
    if requested == "kvm":
        if not kvm_usable(kvm_dev):
            raise UsageError("--accel kvm: cannot open %s read-write"
                             % kvm_dev)
        if kvm_is_pvm(pvm_sysfs, proc_modules):
            return "kvm", "requested; warning: /dev/kvm is PVM"
        return "kvm", "requested"
    return "tcg", "requested"


# ---------------------------------------------------------------------------
# Command-line construction


def _qemu_opt_value(s):
    """Escape a value for QEMU's key=value,... option syntax."""
    return s.replace(",", ",,")


def parse_fwd(spec):
    """"HOST:GUEST" -> (host, guest) ports, both 1..65535."""
    parts = spec.split(":")
    if len(parts) != 2:
        raise UsageError("--fwd %r: expected HOSTPORT:GUESTPORT" % spec)
    ports = []
    for p in parts:
        if not p.isdigit() or not 0 < int(p) < 65536:
            raise UsageError("--fwd %r: %r is not a port number"
                             % (spec, p))
        ports.append(int(p))
    return ports[0], ports[1]


# The address QEMU's user network expects its guest at, its router and
# its DNS forwarder (the kernel writes /etc/resolv.conf from netdev.dns=).
USER_NET_PARAMS = "netdev.ip=10.0.2.15/24 netdev.gw=10.0.2.2 netdev.dns=10.0.2.3"


def net_append(append):
    """The command line with the user network's static address added in
    front, unless the kernel part of append already sets netdev.*."""
    if append is None:
        return USER_NET_PARAMS
    words = append.split()
    kernel = words[:words.index("--")] if "--" in words else words
    if any(w.startswith("netdev.") for w in kernel):
        return append
    return USER_NET_PARAMS + " " + append


def build_command(opts, accel, qemu=QEMU, qboot=QBOOT):
    """Build the QEMU argv for parsed options and a resolved accelerator.

    opts is the argparse namespace of parse_args() (or anything with the
    same attributes); accel is "kvm" or "tcg"; qboot is the firmware used
    for pc/q35 when that file exists (None: never).
    """
    cmd = [qemu, "-nodefaults", "-no-user-config", "-nographic",
           "-display", "none", "-serial", "stdio", "-no-reboot"]

    if opts.machine == "microvm":
        # Keep the defaults isa-serial=on and the I/O APIC; ACPI stays
        # on too: with acpi=off QEMU appends virtio_mmio.device=... to
        # the command line, after any "-- app args".
        # ioapic2=off: virtio-mmio interrupts on the first IOAPIC (lines
        # 16-23); force-legacy=false: virtio 1.x, not the 0.9 layout.
        cmd += ["-M", "microvm,x-option-roms=off,rtc=off,ioapic2=off",
                "-global", "virtio-mmio.force-legacy=false"]
        virtio = "device"
    else:
        cmd += ["-M", opts.machine]
        if qboot and os.path.exists(qboot):
            cmd += ["-bios", qboot]
        virtio = "pci"

    if accel == "kvm":
        cmd += ["-accel", "kvm", "-cpu", "host,-arch-capabilities"]
    else:
        cmd += ["-accel", "tcg", "-cpu", "max"]

    cmd += ["-m", opts.mem]
    if opts.smp:
        cmd += ["-smp", str(opts.smp)]

    cmd += ["-kernel", opts.image]
    if opts.initrd:
        cmd += ["-initrd", opts.initrd]
    append = net_append(opts.append) if opts.net or opts.fwd else opts.append
    if append is not None:
        cmd += ["-append", append]

    if not opts.no_exit_device:
        cmd += ["-device", "isa-debug-exit,iobase=0x%x,iosize=0x04"
                % EXIT_IOBASE]

    for i, disk in enumerate(opts.disk or []):
        drive = "disk%d" % i
        cmd += ["-drive", "if=none,id=%s,format=raw,file=%s"
                % (drive, _qemu_opt_value(disk)),
                "-device", "virtio-blk-%s,drive=%s" % (virtio, drive)]

    if opts.net or opts.fwd:
        netdev = "user,id=net0"
        for spec in opts.fwd or []:
            host, guest = parse_fwd(spec)
            netdev += ",hostfwd=tcp:127.0.0.1:%d-:%d" % (host, guest)
        cmd += ["-netdev", netdev,
                "-device", "virtio-net-%s,netdev=net0" % virtio]

    cmd += list(opts.extra or [])
    return cmd


# ---------------------------------------------------------------------------
# Exit status


def translate_exit(code, qemu_error=False):
    """Map QEMU's exit code to the runner's (status, message or None).

    code is subprocess's returncode (negative: killed by that signal);
    qemu_error says QEMU printed an error, which disambiguates exit code
    1 (QEMU's own failure status, but also guest status 0).
    """
    if code == 0:
        return 0, None
    if code < 0:
        return EXIT_QEMU_FAILED, ("%s: QEMU was killed by signal %d"
                                  % (PROG, -code))
    if code & 1 and not (code == 1 and qemu_error):
        return code >> 1, None
    return EXIT_QEMU_FAILED, ("%s: QEMU itself failed (exit code %d)"
                              % (PROG, code))


def is_qemu_error_line(line, qemu=QEMU):
    """True for a line of QEMU's stderr that reports an error."""
    names = ("qemu: ", os.path.basename(qemu) + ": ")
    if not line.startswith(names):
        return False
    return "warning:" not in line and "terminating on signal" not in line


# ---------------------------------------------------------------------------
# Arguments


def make_parser():
    p = argparse.ArgumentParser(
        prog="tools/run",
        usage="tools/run [options] IMAGE [-- extra qemu args]",
        description="Boot a Pith image under QEMU (PVH entry, serial on "
                    "stdio) and exit with the guest's status.")
    p.add_argument("image", metavar="IMAGE", help="kernel ELF to boot")
    p.add_argument("--machine", choices=MACHINES, default="microvm",
                   help="QEMU machine type (default: microvm)")
    p.add_argument("--mem", default="64M", metavar="SIZE",
                   help="guest memory (default: 64M)")
    p.add_argument("--smp", type=int, metavar="N", help="number of CPUs")
    p.add_argument("--initrd", metavar="FILE", help="initial ramdisk")
    p.add_argument("--disk", action="append", metavar="FILE",
                   help="raw virtio-blk disk (repeatable)")
    p.add_argument("--net", action="store_true",
                   help="virtio-net with user networking")
    p.add_argument("--fwd", action="append", metavar="HOST:GUEST",
                   help="forward TCP 127.0.0.1:HOST to the guest's GUEST "
                        "port (repeatable, implies --net)")
    p.add_argument("--append", metavar="STR",
                   help='command line: "kernel params -- app args"')
    p.add_argument("--accel", choices=("auto", "kvm", "tcg"),
                   default="auto",
                   help="accelerator (default: auto, KVM unless absent "
                        "or PVM)")
    p.add_argument("--timeout", type=float, default=0, metavar="SECONDS",
                   help="kill QEMU and exit 124 after this long "
                        "(default: 0, none)")
    p.add_argument("--no-exit-device", action="store_true",
                   help="leave out the isa-debug-exit device")
    p.add_argument("--dry-run", action="store_true",
                   help="print the QEMU command line and exit 0")
    p.add_argument("--quiet", action="store_true",
                   help="do not print the accelerator line")
    p.add_argument("--qemu", default=QEMU, metavar="PATH",
                   help="QEMU binary (default: %s)" % QEMU)
    return p


def parse_args(argv):
    """Parse runner arguments; everything after a lone "--" goes to QEMU."""
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    else:
        extra = []
    p = make_parser()
    opts = p.parse_args(argv)
    opts.extra = extra
    try:
        if opts.smp is not None and opts.smp < 1:
            raise UsageError("--smp must be at least 1")
        if opts.timeout < 0:
            raise UsageError("--timeout must not be negative")
        for spec in opts.fwd or []:
            parse_fwd(spec)
    except UsageError as e:
        p.error(str(e))
    return opts


# ---------------------------------------------------------------------------
# Running QEMU


class _Stop(Exception):
    """Raised from a signal handler: the runner was asked to stop."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _pdeathsig_fn():
    """A preexec_fn that has the kernel SIGTERM QEMU if the runner dies
    (even by SIGKILL), or None where prctl() cannot be had."""
    try:
        import ctypes
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (ImportError, OSError, AttributeError):
        return None

    def set_pdeathsig():
        prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    return set_pdeathsig


def _stop_qemu(proc, grace=3.0):
    """Stop QEMU by its PID: SIGTERM (it restores the tty), then SIGKILL."""
    if proc.poll() is not None:
        return
    try:
        proc.terminate()
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    except ProcessLookupError:
        pass


def _watchdog(proc, timeout, done, expired, grace=3.0):
    """Thread: stop QEMU if it is still running after timeout seconds."""
    if done.wait(timeout):
        return
    expired.set()
    proc.send_signal(signal.SIGTERM)
    if not done.wait(grace):
        proc.kill()


def _pump_stderr(stream, out, flags, qemu):
    """Copy QEMU's stderr to ours, noting whether it reported an error."""
    for raw in iter(stream.readline, b""):
        try:
            out.write(raw)
            out.flush()
        except (OSError, ValueError):
            pass
        if is_qemu_error_line(raw.decode("utf-8", "replace"), qemu):
            flags["error"] = True
    stream.close()


def run_qemu(cmd, timeout=0, qemu=QEMU):
    """Run QEMU, wait for it, and return the runner's exit status."""
    saved_tty = None
    if sys.stdin.isatty():
        import termios
        try:
            saved_tty = termios.tcgetattr(sys.stdin.fileno())
        except termios.error:
            saved_tty = None

    stopping = []

    def on_signal(signum, frame):
        if not stopping:
            stopping.append(signum)
            raise _Stop(signum)

    old = {}
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        old[s] = signal.signal(s, on_signal)

    proc = None
    flags = {"error": False}
    done = threading.Event()
    expired = threading.Event()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        # Same process group as the runner: a TTY-reading QEMU in another
        # group would be stopped by SIGTTIN.
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE,
                                preexec_fn=_pdeathsig_fn())
        pump = threading.Thread(target=_pump_stderr, daemon=True,
                                args=(proc.stderr,
                                      sys.stderr.buffer, flags, qemu))
        pump.start()
        if timeout > 0:
            watchdog = threading.Thread(target=_watchdog, daemon=True,
                                        args=(proc, timeout, done, expired))
            watchdog.start()
        # A blocking wait returns as soon as QEMU exits (wait(timeout)
        # would poll and add up to 50 ms to every timed boot).
        code = proc.wait()
        done.set()
        pump.join(5)
        if expired.is_set():
            print("%s: timeout: QEMU still running after %g s; killed it"
                  % (PROG, timeout), file=sys.stderr)
            return EXIT_TIMEOUT
        status, msg = translate_exit(code, flags["error"])
        if msg:
            print(msg, file=sys.stderr)
        return status
    except _Stop as e:
        if proc is not None:
            _stop_qemu(proc)
        print("%s: stopped by signal %d; killed QEMU" % (PROG, e.signum),
              file=sys.stderr)
        return 128 + e.signum
    except FileNotFoundError:
        print("%s: cannot run %s: not found" % (PROG, cmd[0]),
              file=sys.stderr)
        return EXIT_QEMU_FAILED
    finally:
        stopping.append(None)  # disarm: no _Stop during clean-up
        done.set()
        if proc is not None:
            _stop_qemu(proc)
        for s, h in old.items():
            signal.signal(s, h)
        if saved_tty is not None:
            import termios
            try:
                termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN,
                                  saved_tty)
            except termios.error:
                pass


def main(argv=None):
    opts = parse_args(sys.argv[1:] if argv is None else argv)

    try:
        accel, reason = resolve_accel(opts.accel)
    except UsageError as e:
        print("%s: %s" % (PROG, e), file=sys.stderr)
        return EXIT_QEMU_FAILED
    if not opts.quiet:
        print(accel_line(accel, reason), file=sys.stderr)

    cmd = build_command(opts, accel, qemu=opts.qemu)
    if opts.dry_run:
        print(shlex.join(cmd) if hasattr(shlex, "join")
              else " ".join(shlex.quote(a) for a in cmd))
        return 0

    # QEMU's own errors exit with 1, which is also guest status 0: catch
    # the common ones before starting it.
    for what, path in ([("image", opts.image), ("initrd", opts.initrd)]
                       + [("disk", d) for d in opts.disk or []]):
        if path is not None and not os.path.isfile(path):
            print("%s: %s %s: no such file" % (PROG, what, path),
                  file=sys.stderr)
            return EXIT_QEMU_FAILED

    return run_qemu(cmd, opts.timeout, qemu=opts.qemu)


if __name__ == "__main__":
    sys.exit(main())
