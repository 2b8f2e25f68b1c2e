# SPDX-License-Identifier: MIT
"""Tests for tools/run (tools/pithrun.py).

    python3 -m pytest -q tools/test_run.py

Command-line construction, accelerator detection with faked /dev/kvm and
/proc/modules, and exit-code translation are checked by importing
pithrun; the end-to-end tests build tools/floor/floor.S with as/ld and
boot it under TCG on microvm, pc and q35 (skipped without QEMU or as).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest

TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)
import pithrun  # noqa: E402

RUN = os.path.join(TOOLS, "run")
FLOOR_S = os.path.join(TOOLS, "floor", "floor.S")


def opts(*argv):
    return pithrun.parse_args(list(argv) + ["k.elf"])


def cmd(*argv, accel="tcg", qboot=None):
    return pithrun.build_command(opts(*argv), accel, qboot=qboot)


def pairs(c):
    """The (option, value) pairs of a command line, for membership."""
    return list(zip(c, c[1:]))


# ---------------------------------------------------------------------------
# Command lines


def test_common_flags():
    c = cmd()
    assert c[0] == "qemu-system-x86_64"
    for flag in ("-nodefaults", "-no-user-config", "-nographic",
                 "-no-reboot"):
        assert flag in c
    assert ("-serial", "stdio") in pairs(c)
    assert ("-display", "none") in pairs(c)
    assert ("-kernel", "k.elf") in pairs(c)
    assert ("-m", "64M") in pairs(c)
    assert ("-device", "isa-debug-exit,iobase=0xf4,iosize=0x04") in pairs(c)


def test_microvm_default_machine_and_devices():
    c = cmd("--disk", "a.img", "--disk", "b.img", "--net")
    assert ("-M", "microvm,x-option-roms=off,rtc=off,ioapic2=off") in pairs(c)
    assert ("-global", "virtio-mmio.force-legacy=false") in pairs(c)
    assert "-bios" not in c
    assert ("-drive", "if=none,id=disk0,format=raw,file=a.img") in pairs(c)
    assert ("-device", "virtio-blk-device,drive=disk0") in pairs(c)
    assert ("-drive", "if=none,id=disk1,format=raw,file=b.img") in pairs(c)
    assert ("-device", "virtio-blk-device,drive=disk1") in pairs(c)
    assert ("-device", "virtio-net-device,netdev=net0") in pairs(c)
    assert not any("-pci" in a for a in c)


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_pci_machines(machine, tmp_path):
    qboot = tmp_path / "qboot.rom"
    qboot.write_bytes(b"\0")
    c = cmd("--machine", machine, "--disk", "a.img", "--net",
            qboot=str(qboot))
    assert ("-M", machine) in pairs(c)
    assert ("-bios", str(qboot)) in pairs(c)
    assert ("-device", "virtio-blk-pci,drive=disk0") in pairs(c)
    assert ("-device", "virtio-net-pci,netdev=net0") in pairs(c)
    assert not any(a.endswith("-device,drive=disk0") for a in c)


def test_pci_machine_without_qboot(tmp_path):
    c = cmd("--machine", "q35", qboot=str(tmp_path / "absent.rom"))
    assert "-bios" not in c


def test_hostfwd_bound_to_localhost():
    c = cmd("--net", "--fwd", "8080:80", "--fwd", "2222:22")
    netdev = c[c.index("-netdev") + 1]
    assert netdev == ("user,id=net0,hostfwd=tcp:127.0.0.1:8080-:80,"
                      "hostfwd=tcp:127.0.0.1:2222-:22")
    for part in netdev.split(",")[2:]:
        assert part.startswith("hostfwd=tcp:127.0.0.1:")


def test_fwd_implies_net():
    c = cmd("--fwd", "8080:80")
    assert "-netdev" in c


def test_no_net_by_default():
    c = cmd()
    assert "-netdev" not in c and "virtio-net-device" not in " ".join(c)


NET = "netdev.ip=10.0.2.15/24 netdev.gw=10.0.2.2 netdev.dns=10.0.2.3"


@pytest.mark.parametrize("argv,append", [
    (["--net"], NET),
    (["--fwd", "8080:80"], NET),
    (["--net", "--append", "loglevel=7 -- a b"], NET + " loglevel=7 -- a b"),
    (["--net", "--append", "-- x"], NET + " -- x"),
    # The user's own netdev.* wins: nothing added.
    (["--net", "--append", "netdev.ip=10.0.2.20/24"], "netdev.ip=10.0.2.20/24"),
    (["--net", "--append", "loglevel=7 netdev.dns=1.1.1.1 -- a"],
     "loglevel=7 netdev.dns=1.1.1.1 -- a"),
    # netdev.* among the app's arguments is the app's business.
    (["--net", "--append", "-- netdev.ip=1.2.3.4/8"],
     NET + " -- netdev.ip=1.2.3.4/8"),
])
def test_net_passes_user_network_address(argv, append):
    assert ("-append", append) in pairs(cmd(*argv))


def test_no_net_no_address():
    c = cmd("--append", "loglevel=7")
    assert ("-append", "loglevel=7") in pairs(c)
    assert "netdev.ip" not in " ".join(c)


@pytest.mark.parametrize("bad", ["80", "a:80", "0:80", "80:70000", "1:2:3"])
def test_bad_fwd_rejected(bad):
    with pytest.raises(SystemExit) as e:
        opts("--fwd", bad)
    assert e.value.code == 2


def test_options_mem_smp_initrd_append():
    c = cmd("--mem", "256M", "--smp", "4", "--initrd", "rd.img",
            "--append", "loglevel=7 -- app --flag")
    assert ("-m", "256M") in pairs(c)
    assert ("-smp", "4") in pairs(c)
    assert ("-initrd", "rd.img") in pairs(c)
    assert ("-append", "loglevel=7 -- app --flag") in pairs(c)


def test_no_exit_device():
    c = cmd("--no-exit-device")
    assert not any("isa-debug-exit" in a for a in c)


def test_extra_args_after_double_dash():
    o = pithrun.parse_args(["--machine", "pc", "k.elf", "--", "-s", "-S"])
    assert o.image == "k.elf" and o.machine == "pc"
    c = pithrun.build_command(o, "tcg", qboot=None)
    assert c[-2:] == ["-s", "-S"]


def test_comma_in_disk_path_escaped():
    c = cmd("--disk", "a,b.img")
    assert ("-drive", "if=none,id=disk0,format=raw,file=a,,b.img") in \
        pairs(c)


def test_accel_flags():
    kvm = cmd(accel="kvm")
    assert ("-accel", "kvm") in pairs(kvm)
    assert ("-cpu", "host,-arch-capabilities") in pairs(kvm)
    tcg = cmd(accel="tcg")
    assert ("-accel", "tcg") in pairs(tcg)
    assert ("-cpu", "max") in pairs(tcg)


def test_dry_run_cli():
    r = subprocess.run([sys.executable, RUN, "--dry-run", "--accel", "tcg",
                        "--machine", "q35", "--disk", "d.img", "x.elf"],
                       capture_output=True, text=True)
    assert r.returncode == 0
    assert "virtio-blk-pci,drive=disk0" in r.stdout
    assert "-kernel x.elf" in r.stdout
    assert r.stderr.strip() == "pith-run: accel=tcg (requested)"
    r = subprocess.run([sys.executable, RUN, "--dry-run", "--quiet",
                        "--accel", "tcg", "x.elf"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and r.stderr == ""
    assert "microvm,x-option-roms=off,rtc=off,ioapic2=off" in r.stdout


# ---------------------------------------------------------------------------
# Accelerator detection


@pytest.fixture
def fake_kvm(tmp_path):
    dev = tmp_path / "kvm"
    dev.write_bytes(b"")
    return dev


def detect(tmp_path, dev, modules=None, sysfs=False):
    mods = tmp_path / "modules"
    if modules is not None:
        mods.write_text(modules)
    pvm = tmp_path / "sys_module_kvm_pvm"
    if sysfs:
        pvm.mkdir()
    return pithrun.detect_accel(str(dev), str(pvm), str(mods))


KVM_INTEL = ("kvm_intel 385024 0 - Live 0x0000000000000000\n"
             "kvm 1142784 1 kvm_intel, Live 0x0000000000000000\n")
KVM_PVM = ("kvm_pvm 90112 0 - Live 0x0000000000000000\n"
           "kvm 1142784 1 kvm_pvm, Live 0x0000000000000000\n")


def test_accel_kvm_when_usable_and_not_pvm(tmp_path, fake_kvm):
    assert detect(tmp_path, fake_kvm, KVM_INTEL) == ("kvm", None)


def test_accel_kvm_without_proc_modules(tmp_path, fake_kvm):
    assert detect(tmp_path, fake_kvm, None) == ("kvm", None)


def test_accel_tcg_when_pvm_in_proc_modules(tmp_path, fake_kvm):
    accel, reason = detect(tmp_path, fake_kvm, KVM_PVM)
    assert accel == "tcg"
    assert pithrun.accel_line(accel, reason) == \
        "pith-run: accel=tcg (/dev/kvm is PVM, which cannot run this guest)"


def test_accel_tcg_when_pvm_in_sysfs(tmp_path, fake_kvm):
    assert detect(tmp_path, fake_kvm, KVM_INTEL, sysfs=True)[0] == "tcg"


def test_accel_tcg_without_kvm(tmp_path):
    accel, reason = detect(tmp_path, tmp_path / "absent", KVM_INTEL)
    assert accel == "tcg"
    assert pithrun.accel_line(accel, reason) == \
        "pith-run: accel=tcg (no usable /dev/kvm)"


def test_accel_tcg_when_kvm_not_writable(tmp_path, fake_kvm):
    if os.geteuid() == 0:
        pytest.skip("root can open a read-only file read-write")
    fake_kvm.chmod(0o444)
    assert detect(tmp_path, fake_kvm, KVM_INTEL)[0] == "tcg"


def test_accel_line_kvm():
    assert pithrun.accel_line("kvm", None) == "pith-run: accel=kvm"


def test_pvm_substring_is_not_pvm(tmp_path, fake_kvm):
    mods = "kvm_pvm_helper 1 0 - Live 0x0\n" + KVM_INTEL
    assert detect(tmp_path, fake_kvm, mods)[0] == "kvm"


# ---------------------------------------------------------------------------
# Exit status


@pytest.mark.parametrize("code,status", [
    (0, 0),         # ACPI poweroff, or no exit device
    (1, 0),         # guest wrote 0 to the exit port
    (3, 1),
    (11, 5),
    (255, 127),
    (2, 125),       # even: not from isa-debug-exit
    (4, 125),
    (-9, 125),      # QEMU killed by a signal
])
def test_translate_exit(code, status):
    got, msg = pithrun.translate_exit(code)
    assert got == status
    if status == 125:
        assert msg and "QEMU" in msg
    else:
        assert msg is None


def test_translate_exit_qemu_error_on_1():
    status, msg = pithrun.translate_exit(1, qemu_error=True)
    assert status == 125 and "QEMU itself failed" in msg


def test_qemu_error_lines():
    assert pithrun.is_qemu_error_line(
        "qemu-system-x86_64: -device bogus: 'bogus' is not a valid")
    assert pithrun.is_qemu_error_line("qemu: could not open kernel file")
    assert not pithrun.is_qemu_error_line(
        "qemu-system-x86_64: warning: host doesn't support feature")
    assert not pithrun.is_qemu_error_line(
        "qemu-system-x86_64: terminating on signal 15 from pid 1")
    assert not pithrun.is_qemu_error_line("hello from the guest")


# ---------------------------------------------------------------------------
# Real boots of the floor kernel under TCG

needs_qemu = pytest.mark.skipif(
    not (shutil.which("qemu-system-x86_64") and shutil.which("as")
         and shutil.which("ld")),
    reason="needs qemu-system-x86_64 and binutils")


def build_floor(out_dir, status=0):
    """Assemble floor.S, optionally writing STATUS instead of 0."""
    src = open(FLOOR_S).read()
    if status:
        src = src.replace("xorl\t%eax, %eax",
                          "movl\t$%d, %%eax" % status)
        assert "movl" in src
    s = os.path.join(out_dir, "floor%d.S" % status)
    o = os.path.join(out_dir, "floor%d.o" % status)
    elf = os.path.join(out_dir, "floor%d.elf" % status)
    with open(s, "w") as f:
        f.write(src)
    subprocess.run(["as", "--64", "-o", o, s], check=True)
    subprocess.run(["ld", "-m", "elf_x86_64", "-nostdlib",
                    "-z", "noexecstack", "-z", "noseparate-code",
                    "-z", "max-page-size=0x1000",
                    "-Ttext-segment=0x100000", "-e", "floor_entry",
                    "-o", elf, o], check=True)
    return elf


@pytest.fixture(scope="module")
def floors(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("floor"))
    return {0: build_floor(d, 0), 5: build_floor(d, 5)}


def run(*argv, timeout=60):
    return subprocess.run([sys.executable, RUN, "--accel", "tcg"]
                          + list(argv), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout)


@needs_qemu
@pytest.mark.parametrize("machine", pithrun.MACHINES)
@pytest.mark.parametrize("status", [0, 5])
def test_boot_floor(floors, machine, status):
    r = run("--machine", machine, "--timeout", "30", floors[status])
    assert r.returncode == status, r.stderr
    assert "pith-run: accel=tcg" in r.stderr


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@needs_qemu
def test_boot_with_devices(floors, tmp_path):
    disks = []
    for n in ("a", "b"):
        p = tmp_path / (n + ".img")
        p.write_bytes(b"\0" * 65536)
        disks += ["--disk", str(p)]
    for machine in pithrun.MACHINES:
        r = run("--machine", machine, "--quiet", "--smp", "2",
                "--mem", "128M", "--fwd", "%d:80" % free_port(), *disks,
                "--initrd", disks[1], "--append", "a -- b", floors[5])
        assert r.returncode == 5, (machine, r.stderr)


@needs_qemu
def test_timeout_kills_qemu(floors):
    t = time.monotonic()
    r = run("--no-exit-device", "--timeout", "1", floors[0])
    assert r.returncode == 124
    assert "timeout" in r.stderr
    assert time.monotonic() - t < 20


@needs_qemu
def test_qemu_failure_is_125(floors):
    r = run(floors[0], "--", "-device", "no-such-device")
    assert r.returncode == 125
    assert "QEMU itself failed" in r.stderr


def test_missing_image_is_125(tmp_path):
    r = run(str(tmp_path / "absent.elf"))
    assert r.returncode == 125
    assert "no such file" in r.stderr


def _children(pid):
    kids = []
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
            kids += [int(k) for k in f.read().split()]
    return kids


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@needs_qemu
@pytest.mark.skipif(not os.path.exists("/proc/self/task"),
                    reason="needs /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT,
                                 signal.SIGHUP, signal.SIGKILL])
def test_signal_kills_qemu(floors, sig):
    p = subprocess.Popen([sys.executable, RUN, "--accel", "tcg", "--quiet",
                          "--no-exit-device", floors[0]],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        qemu = []
        deadline = time.monotonic() + 10
        while not qemu and time.monotonic() < deadline:
            time.sleep(0.1)
            qemu = _children(p.pid)
        assert qemu, "QEMU did not start"
        time.sleep(0.3)
        p.send_signal(sig)
        rc = p.wait(15)
        # SIGKILL cannot be caught: PR_SET_PDEATHSIG stops QEMU then.
        assert rc == (-sig if sig == signal.SIGKILL else 128 + sig)
        deadline = time.monotonic() + 5
        while _alive(qemu[0]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(qemu[0])
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
