#!/bin/sh
# SPDX-License-Identifier: MIT
#
# bench/linux/build-disk.sh: the Linux microVM of the disk figures of
# `make bench` (bench/disk.py), next to build.sh's (which it runs first
# for the kernel and the virtio modules) in build/bench/linux/:
#
#   initramfs-disk.cpio.gz  busybox, the virtio modules of build.sh plus
#                           virtio_blk (a module in Debian's cloud kernel;
#                           ext4, which mounts ext2, is built in), and
#                           tests/posix/disk.c built statically with
#                           musl-gcc as /bin/diskbench; init runs
#                           diskbench with the words after "--" on the
#                           kernel command line, then ends QEMU through
#                           its isa-debug-exit port (0xf4, bench/linux/
#                           qemuexit.c; exit status 1), rebooting if
#                           that fails (QEMU runs with -no-reboot)
#
# Usage: bench/linux/build-disk.sh [-q]    (prints the output folder)
set -eu

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
QUIET=${1:-}
OUT=$("$ROOT/bench/linux/build.sh" -q)
say() { [ "$QUIET" = -q ] || echo "bench/linux: $*" >&2; }

kver=$(ls "$OUT/kernel/lib/modules" | head -n 1)
blk=$OUT/kernel/lib/modules/$kver/kernel/drivers/block/virtio_blk.ko
config="$OUT/kernel/boot/config-$kver"
grep -q '^CONFIG_EXT4_USE_FOR_EXT2=y' "$config" ||
	grep -q '^CONFIG_EXT2_FS=y' "$config" || {
	echo "bench/linux: this kernel has no built-in ext2 driver" >&2; exit 1; }

CC=musl-gcc
command -v musl-gcc >/dev/null || CC=gcc
$CC -static -O2 -o "$OUT/diskbench" tests/posix/disk.c
$CC -static -O2 -o "$OUT/qemuexit" bench/linux/qemuexit.c

IR=$OUT/initramfs-disk
rm -rf "$IR"
mkdir -p "$IR/bin" "$IR/dev" "$IR/proc" "$IR/sys" "$IR/lib/modules"
cp /bin/busybox "$IR/bin/busybox"
ln -s busybox "$IR/bin/sh"
cp "$OUT/diskbench" "$IR/bin/diskbench"
cp "$OUT/qemuexit" "$IR/bin/qemuexit"
# build.sh's modules, in its load order, then virtio_blk
names=$(sed -n 's/^for m in\(.*\); do$/\1/p' "$OUT/initramfs/init")
cp "$OUT"/initramfs/lib/modules/*.ko "$IR/lib/modules/"
if [ -f "$blk" ]; then
	cp "$blk" "$IR/lib/modules/"
	names="$names virtio_blk"
fi
cat > "$IR/init" <<EOI
#!/bin/busybox sh
# The Linux microVM of the disk bench: modules, then diskbench "\$@".
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
/bin/busybox mount -t proc proc /proc
for m in$names; do
	/bin/busybox insmod /lib/modules/\$m.ko 2>/dev/null
done
/bin/diskbench "\$@"
echo "linux-init: diskbench exited \$?"
/bin/busybox sync
/bin/qemuexit 0
/bin/busybox reboot -f
EOI
chmod 755 "$IR/init"
python3 tools/mkcpio.py "$IR" "$OUT/initramfs-disk.cpio"
gzip -9 -n -f "$OUT/initramfs-disk.cpio"
say "initramfs-disk.cpio.gz $(stat -c %s "$OUT/initramfs-disk.cpio.gz") bytes, modules:$names"
echo "$OUT"
