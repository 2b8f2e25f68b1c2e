# SPDX-License-Identifier: MIT
"""ext2 on virtio-blk, checked with e2fsprogs: images made by mke2fs -d
read back byte-exact (tests/posix/disk.c prints the sha256 of every file,
compared with the same program run natively on the source tree); a write
workload leaves an image that e2fsck -fn passes and whose files debugfs
dumps with the bytes the program reported (the same workload run natively
gives the expected hashes); the root on a disk; corrupt and ext4 images
refused with a message while the boot goes on; read-only mounts refuse
every change with EROFS and leave the image untouched; mount(2) and
umount2(2). Each runs on microvm (virtio-mmio) or q35 (virtio-pci).
"""

import hashlib
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, boot

OUT = os.path.join(ROOT, "build", "disk")
KERNEL_LINE = re.compile(r"^\[[ \d]{5,}\.\d{6}\] ")

pytestmark = pytest.mark.skipif(
    not shutil.which("mke2fs") or not shutil.which("e2fsck")
    or not shutil.which("debugfs"),
    reason="e2fsprogs missing (make deps installs it)")


def build_disk_app(name="disk"):
    build = os.path.join("build", "disk", name)
    args = ["make", "--no-print-directory", "APP=posixdisk",
            "PROG=tests/posix/%s.c" % name, "BUILD=" + build]
    for goal in ("defconfig", "all"):
        r = subprocess.run(args + [goal], cwd=ROOT, capture_output=True,
                           text=True)
        assert r.returncode == 0, r.stdout + r.stderr
    return os.path.join(ROOT, build, "posixdisk")


@pytest.fixture(scope="module")
def disk_app():
    return build_disk_app()


@pytest.fixture(scope="module")
def disk_native():
    os.makedirs(OUT, exist_ok=True)
    exe = os.path.join(OUT, "disk.native")
    r = subprocess.run(["gcc", "-O2", "-Wall", "-o", exe,
                        os.path.join(ROOT, "tests", "posix", "disk.c")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return exe


def make_tree(top):
    """Every size class: empty, direct, indirect, double indirect (with
    1 KiB blocks), sparse up past the triple-indirect boundary, fast and
    slow symlinks, nested directories."""
    os.makedirs(os.path.join(top, "sub", "deep", "deeper"))
    rnd = open("/dev/urandom", "rb")
    files = {"empty": 0, "tiny.txt": 13, "direct.bin": 11 * 1024,
             "sub/indirect.bin": 200 * 1024,
             "sub/deep/double.bin": 6 * 1024 * 1024 + 17}
    for name, size in files.items():
        with open(os.path.join(top, name), "wb") as f:
            f.write(rnd.read(size))
    with open(os.path.join(top, "sub/deep/deeper/sparse.bin"), "wb") as f:
        f.write(b"head")
        f.seek(5 * 1024 * 1024)
        f.write(rnd.read(5000))
        f.seek(67 * 1024 * 1024)        # triple indirect with 1 KiB blocks
        f.write(b"tail")
    os.chmod(os.path.join(top, "tiny.txt"), 0o600)
    os.symlink("tiny.txt", os.path.join(top, "fast"))
    os.symlink("x" * 80 + "/slow/target", os.path.join(top, "sub/slow"))


def mkfs(img, size, tree=None, block=1024, fstype="ext2"):
    if os.path.exists(img):
        os.unlink(img)
    cmd = ["mke2fs", "-q", "-F", "-t", fstype, "-b", str(block)]
    if tree:
        cmd += ["-d", tree]
    r = subprocess.run(cmd + [img, size], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def prog_lines(out):
    return [l.rstrip("\r") for l in out.splitlines()
            if l and not KERNEL_LINE.match(l) and not l.startswith("pith-")]


def run_disk(app, disks, params, cmds, machine="microvm"):
    args = ["--mem", "256M"]
    for d in disks:
        args += ["--disk", d]
    b = boot(app, machine=machine, args=args, timeout=600,
             append="%s -- %s" % (params, " ".join(cmds)))
    return b, prog_lines(b.out)


def native(exe, cmds, cwd):
    r = subprocess.run([exe] + cmds, capture_output=True, text=True,
                       cwd=cwd, timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def fsck_clean(img):
    r = subprocess.run(["e2fsck", "-fn", img], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run(["dumpe2fs", "-h", img], capture_output=True,
                       text=True)
    assert re.search(r"Filesystem state:\s+clean\n", r.stdout), r.stdout


@pytest.mark.parametrize("block,machine", [(1024, "microvm"),
                                           (4096, "q35")])
def test_mke2fs_tree_reads_back_exact(disk_app, disk_native, tmp_path,
                                      block, machine):
    tree = str(tmp_path / "tree")
    make_tree(tree)
    img = str(tmp_path / "img")
    mkfs(img, "96M", tree, block)
    want = native(disk_native, ["walk:tree"], str(tmp_path))
    b, got = run_disk(disk_app, [img], "mount=vblk0:/data:ext2",
                      ["walk:/data"], machine)
    assert b.rc == 0, b
    assert got == want, b
    assert any("sparse.bin" in l for l in got)
    fsck_clean(img)


def debugfs_sha(img, name):
    r = subprocess.run(["debugfs", "-R", "cat /" + name, img],
                       capture_output=True)
    assert r.returncode == 0, r.stderr
    return hashlib.sha256(r.stdout).hexdigest()


@pytest.mark.parametrize("machine", ["microvm", "q35"])
def test_write_workload_passes_e2fsck(disk_app, disk_native, tmp_path,
                                      machine):
    img = str(tmp_path / "img")
    mkfs(img, "128M", block=1024 if machine == "microvm" else 4096)
    os.makedirs(str(tmp_path / "host"))
    want = [l for l in native(disk_native, ["write:host"], str(tmp_path))
            if l.startswith("wrote ")]
    b, got = run_disk(disk_app, [img], "mount=vblk0:/data:ext2",
                      ["write:/data"], machine)
    assert b.rc == 0, b
    assert not [l for l in got if l.startswith("FAIL")], b
    wrote = [l for l in got if l.startswith("wrote ")]
    assert wrote == want, b
    fsck_clean(img)
    for line in wrote:
        _, name, sha = line.split()
        assert debugfs_sha(img, name) == sha, name
    r = subprocess.run(["debugfs", "-R", "ls /new", img],
                       capture_output=True, text=True)
    assert "orphan" not in r.stdout and "small00" not in r.stdout
    assert "sym" in r.stdout and "gone" not in r.stdout


def test_root_on_disk(disk_app, tmp_path):
    tree = str(tmp_path / "tree")
    os.makedirs(os.path.join(tree, "etc"))
    with open(os.path.join(tree, "etc", "motd"), "w") as f:
        f.write("from the disk\n")
    img = str(tmp_path / "img")
    mkfs(img, "32M", tree)
    b, got = run_disk(disk_app, [img], "root=vblk0 rootfstype=ext2",
                      ["walk:/etc", "write:/"], "q35")
    assert b.rc == 0, b
    assert "vfs: root is vblk0 (ext2)" in b.out
    sha = hashlib.sha256(b"from the disk\n").hexdigest()
    assert "F motd 14 644 %s" % sha in got, b
    fsck_clean(img)
    assert debugfs_sha(img, "new/hello.txt") == \
        hashlib.sha256(b"hello, ext2\nmore\n").hexdigest()


def corrupt_magic(img):
    with open(img, "r+b") as f:
        f.seek(1024 + 56)
        f.write(b"\0\0")


@pytest.mark.parametrize("kind", ["bad-magic", "ext4"])
def test_bad_image_is_refused_and_boot_goes_on(disk_app, tmp_path, kind):
    img = str(tmp_path / "img")
    if kind == "ext4":
        mkfs(img, "32M", fstype="ext4", block=4096)
        why = "this is ext4"
    else:
        mkfs(img, "32M")
        corrupt_magic(img)
        why = "magic"
    before = open(img, "rb").read()
    b, got = run_disk(disk_app, [img], "mount=vblk0:/data:ext2",
                      ["isdir:/data", "mount:vblk0:/data"])
    assert b.rc == 0, b
    assert why in b.out, b
    assert "vfs: cannot mount vblk0 (ext2) on /data" in b.out
    assert "isdir /data same-fs" in got
    assert "mount vblk0 /data: Invalid argument" in got
    assert open(img, "rb").read() == before


def test_read_only_mount_refuses_writes(disk_app, tmp_path):
    tree = str(tmp_path / "tree")
    os.makedirs(tree)
    with open(os.path.join(tree, "a.txt"), "w") as f:
        f.write("keep me\n")
    img = str(tmp_path / "img")
    mkfs(img, "16M", tree)
    before = open(img, "rb").read()
    b, got = run_disk(disk_app, [img], "mount=vblk0:/data:ext2:ro",
                      ["rofs:/data", "walk:/data"], "q35")
    assert b.rc == 0, b
    for op in ("creat", "mkdir", "symlink", "open-w", "unlink", "rename",
               "truncate", "chmod"):
        assert "%s EROFS" % op in got, b
    assert open(img, "rb").read() == before


def test_mount_syscall_two_disks(disk_app, disk_native, tmp_path):
    tree = str(tmp_path / "tree")
    make_tree(tree)
    one, two = str(tmp_path / "one"), str(tmp_path / "two")
    mkfs(one, "16M")
    mkfs(two, "96M", tree)
    want = native(disk_native, ["walk:tree"], str(tmp_path))
    b, got = run_disk(disk_app, [one, two], "mount=vblk0:/a:ext2",
                      ["mount:vblk1:/a", "walk:/a", "umount:/a",
                       "umount:/a", "isdir:/a"])
    assert b.rc == 0, b
    assert got[0] == "mount vblk1 /a: OK", b
    assert got[1:1 + len(want) - 1] == want[:-1], b
    assert got[-3:] == ["umount /a: OK", "isdir /a same-fs", "done"], b
    fsck_clean(one)
    fsck_clean(two)


def test_vfsrace_on_ext2_root(tmp_path):
    # tests/posix/vfsrace.c's 8 threads on an ext2 root under the
    # preemptive scheduler: the same output as on the host, then a clean
    # e2fsck (allocation and directory changes raced, nothing lost).
    app = build_disk_app("vfsrace")
    exe = os.path.join(OUT, "vfsrace.native")
    os.makedirs(OUT, exist_ok=True)
    r = subprocess.run(["gcc", "-O2", "-Wall", "-o", exe,
                        os.path.join(ROOT, "tests", "posix", "vfsrace.c"),
                        "-lpthread"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    work = tmp_path / "native"
    work.mkdir()
    want = native(exe, [], str(work))
    img = str(tmp_path / "img")
    mkfs(img, "64M", block=1024)
    # q35: a wall clock (microvm has none: deletion times would count
    # from 1970 and e2fsck reads small ones as orphan-list links).
    b, got = run_disk(app, [img], "root=vblk0 rootfstype=ext2",
                      ["preempt"], "q35")
    assert b.rc == 0, b.out
    assert "lock: BUG" not in b.out, b.out
    assert got[-1:] == ["workers preempted: yes"], b.out
    assert got[:-1] == want, b.out
    fsck_clean(img)
