# SPDX-License-Identifier: MIT
"""Tests of make bench's pure logic (no timings): console and wrk parsing,
the QEMU command lines, and tools/imgsize on a small ELF linked here."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import bench  # noqa: E402
import serve  # noqa: E402


def test_parse_console_pith():
    lines = [(10.0, "[    0.003941] clock: tsc"),
             (10.5, "[    0.017796] pith: booted in 17780 us (entry to main)"),
             (10.7, "[    0.020500] httpd: serving / on port 80")]
    r = serve.parse_console(lines)
    assert r["booted_us"] == 17780
    assert r["listen_s"] == pytest.approx(0.0205)
    assert r["listen_host_s"] == pytest.approx(0.2)
    assert r["linux_init_s"] is None


def test_parse_console_listen_without_timestamp():
    r = serve.parse_console([(1.0, "[    0.1] pith: booted in 5 us"),
                             (1.25, "httpd: serving / on port 80")])
    assert r["booted_us"] == 5
    assert r["listen_s"] is None
    assert r["listen_host_s"] == pytest.approx(0.25)


def test_parse_console_first_listen_kernel_line():
    r = serve.parse_console([
        (1.0, "[    0.021504] pith: booted in 21490 us (entry to main)"),
        (1.1, "[    0.026163] net: first listen on port 80 at 26142 us "
              "since entry"),
        (1.3, "[    0.030000] httpd: serving / on port 80")])
    assert r["listen_us"] == 26142
    assert r["listen_s"] == pytest.approx(0.026142)
    assert r["listen_host_s"] == pytest.approx(0.3)


def test_parse_console_linux():
    r = serve.parse_console([(0, "linux-init: exec httpd at uptime 2.27 s"),
                             (0, "httpd: serving /www on port 80")])
    assert r["linux_init_s"] == 2.27
    assert r["booted_us"] is None and r["listen_host_s"] is None


WRK = """Running 5s test @ http://127.0.0.1:8080/
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.00ms    1.00ms  20.00ms   90.00%
  4000 requests in 5.00s, 1.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    800.25
Transfer/sec:    200.00KB
"""


def test_parse_wrk():
    assert serve.parse_wrk(WRK) == (800.25, 7)
    assert serve.parse_wrk("Requests/sec: 12.5\n") == (12.5, 0)
    assert serve.parse_wrk("unable to connect") == (None, None)


def test_command_same_flags_linux_append_verbatim():
    pith = serve.Target("p", "img", initrd="rd", append="-- -q")
    lin = serve.Target("l", "vmlinuz", initrd="ird.gz",
                       replace_append="console=ttyS0 quiet -- -q")
    for m in ("microvm", "q35"):
        a = serve.command(pith, m, "tcg", 8080, "64M")
        b = serve.command(lin, m, "tcg", 8080, "64M")
        assert a[a.index("-append") + 1].startswith("netdev.ip=10.0.2.15/24")
        assert b[b.index("-append") + 1] == "console=ttyS0 quiet -- -q"
        # everything but the kernel, initrd and command line is the same
        strip = {"-kernel", "-initrd", "-append"}

        def rest(c):
            return [x for i, x in enumerate(c)
                    if x not in strip and c[i - 1] not in strip]
        assert rest(a) == rest(b)
        assert "hostfwd=tcp:127.0.0.1:8080-:80" in " ".join(a)
        assert ["-m", "64M"] == a[a.index("-m"):a.index("-m") + 2]


def test_mem_steps_go_down():
    sizes = [int(x[:-1]) for x in serve.MEM_STEPS]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] >= 128 and sizes[-1] <= 2


def test_parse_imgsize():
    rows = bench.parse_imgsize("lib/a\t10\t20\t5\t1\ntotal\t10\t20\t5\t1\n")
    assert rows == [("lib/a", 10, 20, 5, 1), ("total", 10, 20, 5, 1)]
    with pytest.raises(ValueError):
        bench.parse_imgsize("garbage\n")


A_C = """
const char a_msg[] = "a literal in .rodata of lib/aa";
int a_counter = 3;
char a_buf[4096];
int a_func(int x) { a_buf[x & 4095] = (char)x; return x * 7 + a_counter; }
"""
B_C = """
int b_zero[100];
int a_func(int);
void _start(void) { b_zero[1] = a_func(b_zero[0]); for (;;) ; }
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    d = tmp_path_factory.mktemp("imgsize")
    tool = str(d / "imgsize")
    r = subprocess.run(["gcc", "-O2", "-Wall", "-Wextra", "-Werror",
                        os.path.join(ROOT, "tools/imgsize.c"), "-lelf",
                        "-o", tool], capture_output=True, text=True)
    if r.returncode:
        pytest.skip("cannot build tools/imgsize (libelf-dev?): " + r.stderr)
    objs = []
    for lib, src in (("lib/aa", A_C), ("lib/bb", B_C)):
        os.makedirs(d / "obj" / lib, exist_ok=True)
        c = d / "obj" / lib / "x.c"
        c.write_text(src)
        o = str(c)[:-2] + ".o"
        subprocess.run(["gcc", "-O2", "-fno-pie", "-ffreestanding", "-c",
                        str(c), "-o", o], check=True)
        objs.append(o)
    elf = str(d / "t.dbg")
    subprocess.run(["ld", "-static", "-no-pie", "-Map", str(d / "t.map"),
                    "-o", elf] + objs, check=True)
    out = subprocess.run([tool, elf, str(d / "t.map")], capture_output=True,
                         text=True, check=True).stdout
    return elf, bench.parse_imgsize(out)


def alloc_sections(elf):
    """(PROGBITS and other file bytes, NOBITS bytes) of SHF_ALLOC
    sections, from readelf."""
    out = subprocess.run(["readelf", "-SW", elf], capture_output=True,
                         text=True, check=True).stdout
    f = m = 0
    for line in out.split("\n"):
        parts = line.replace("[ ", "[").split()
        if len(parts) < 8 or not parts[0].startswith("["):
            continue
        try:
            size = int(parts[5], 16)
        except ValueError:
            continue
        if "A" not in parts[7]:
            continue
        if parts[2] == "NOBITS":
            m += size
        else:
            f += size
    return f, m


def test_imgsize_rows_add_up_to_the_sections(tiny):
    elf, rows = tiny
    total = rows[-1]
    assert total[0] == "total"
    assert sum(r[1] for r in rows[:-1]) == total[1]
    assert sum(r[2] for r in rows[:-1]) == total[2]
    assert (total[1], total[2]) == alloc_sections(elf)


def test_imgsize_attributes_to_the_right_library(tiny):
    _, rows = tiny
    by = {r[0]: r for r in rows}
    assert by["lib/aa"][2] >= 4096          # a_buf is .bss of lib/aa
    assert by["lib/bb"][2] >= 400           # b_zero
    assert by["lib/aa"][1] >= len("a literal in .rodata of lib/aa")
    # a_func, a_msg, a_counter, a_buf; _start, b_zero
    assert by["lib/aa"][4] == 4 and by["lib/bb"][4] == 2
    assert by["lib/aa"][3] <= by["lib/aa"][1] + by["lib/aa"][2]


class FakeNs:
    def cmd(self, argv):
        return ["ip", "netns", "exec", "ns"] + list(argv)

    @staticmethod
    def qemu_args(machine, vhost=False):
        return ["-netdev", "tap,vhost=%s" % ("on" if vhost else "off")]


def test_tap_command_pith_gets_static_address_no_user_net():
    pith = serve.Target("p", "img", initrd="rd", append="-- -q")
    cmd = serve.tap_command(pith, "microvm", "tcg", FakeNs())
    assert cmd[:4] == ["ip", "netns", "exec", "ns"]
    app = cmd[cmd.index("-append") + 1]
    assert app.startswith("netdev.ip=10.0.2.15/24 netdev.gw=10.0.2.2 ")
    assert app.endswith("-- -q")
    assert "user,id=net0" not in " ".join(cmd)
    assert cmd[-2:] == ["-netdev", "tap,vhost=off"]


def test_tap_command_linux_append_verbatim():
    linux = serve.Target("l", "vmlinuz", initrd="rd",
                         replace_append="console=ttyS0 -- -q")
    cmd = serve.tap_command(linux, "q35", "tcg", FakeNs(), vhost=True)
    assert cmd.count("-append") == 1
    assert cmd[cmd.index("-append") + 1] == "console=ttyS0 -- -q"
    assert cmd[-1] == "tap,vhost=on"


def test_rps_rows_ratio_and_errors():
    rows = serve.rps_rows({"p": {1: (300.0, 0), 64: (900.0, 2)},
                           "l": {1: (100.0, 0), 64: (300.0, 0)}}, "p", "l")
    assert rows == ["| p | 300 | 900 (2 errors) |", "| l | 100 | 300 |",
                    "| ratio p / l | 3.00 | 3.00 |"]
    assert serve.rps_rows({"p": "did not serve\nconsole"}, "p", "l") == [
        "| p | did not serve | |"]


def test_disk_parse_figures():
    import disk  # bench/disk.py
    out = ("[    0.038] ext2: vblk0: mounted in 3060 us\n"
           "mounttime vblk0 19884 us\n"
           "bench write 148.3 MB/s read 368.9 MB/s (32 MiB)\n"
           "small 300 files 0.489 s 613.4 files/s\n")
    r = disk.parse(out)
    assert r == {"write": 148.3, "read": 368.9, "small": 613.4,
                 "mount_prog": 19884, "mount_kernel": 3060}
    assert disk.ratio([148.3], [36.1]) == "4.11"
    assert disk.ratio([], [1.0]) == "-"
