#!/bin/sh
# SPDX-License-Identifier: MIT
#
# bench/linux/build.sh: the Linux microVM baseline of `make bench`, built
# from Debian packages into build/bench/linux/ (idempotent):
#
#   vmlinuz            Debian's linux-image-cloud-amd64 kernel (a bzImage,
#                      booted with QEMU -kernel on microvm and q35/qboot)
#   initramfs.cpio.gz  cpio newc, gzip: busybox (busybox-static), the
#                      virtio modules (virtio_net and virtio_mmio/virtio_pci
#                      are modules in the cloud kernel: init insmods them),
#                      apps/httpd built statically with musl-gcc, the same
#                      index.html, and an init that configures eth0 as
#                      10.0.2.15/24 via 10.0.2.2 and execs httpd on port 80
#   cmdline            the kernel command line to boot it with (with this
#                      host's TSC rate: tsckhz.c)
#
# Usage: bench/linux/build.sh [-q]     (prints the output folder's path)
set -eu

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
OUT=$ROOT/build/bench/linux
QUIET=${1:-}
say() { [ "$QUIET" = -q ] || echo "bench/linux: $*" >&2; }

mkdir -p "$OUT/debs"

# --- the kernel package (the meta package names the real one) ----------
kpkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9].*-cloud-amd64\)$/\1/p' |
	head -n 1)
if [ -z "$kpkg" ]; then
	# no package lists yet: whatever we downloaded before will do
	kpkg=$(ls "$OUT/debs" 2>/dev/null | sed -n 's/_.*//p' |
		grep '^linux-image-[0-9]' | head -n 1 || true)
fi
[ -n "$kpkg" ] || { echo "bench/linux: cannot resolve linux-image-cloud-amd64 (apt-get update?)" >&2; exit 1; }
if ! ls "$OUT/debs/${kpkg}_"*.deb >/dev/null 2>&1; then
	say "downloading $kpkg"
	# apt's _apt user must be able to write the folder
	(cd "$OUT/debs" && apt-get download -q "$kpkg" >/dev/null 2>&1) || {
		echo "bench/linux: apt-get download $kpkg failed" >&2; exit 1; }
fi
deb=$(ls "$OUT/debs/${kpkg}_"*.deb | head -n 1)
if [ ! -f "$OUT/kernel/.from" ] || [ "$(cat "$OUT/kernel/.from")" != "$deb" ]; then
	say "unpacking $(basename "$deb")"
	rm -rf "$OUT/kernel"
	dpkg -x "$deb" "$OUT/kernel"
	echo "$deb" > "$OUT/kernel/.from"
fi
kver=$(ls "$OUT/kernel/lib/modules" | head -n 1)
cp -f "$OUT/kernel/boot/vmlinuz-$kver" "$OUT/vmlinuz"
config="$OUT/kernel/boot/config-$kver"

# --- the httpd, static ---------------------------------------------------
CC=musl-gcc
command -v musl-gcc >/dev/null || CC=gcc   # glibc -static works too
$CC -static -O2 -o "$OUT/httpd" apps/httpd/main.c apps/httpd/http.c

# --- busybox -------------------------------------------------------------
BUSYBOX=/bin/busybox
if ! file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked'; then
	echo "bench/linux: $BUSYBOX is not static: install busybox-static (make deps)" >&2
	exit 1
fi

# --- the initramfs -------------------------------------------------------
# The modules the network needs, in load order, when the config has them
# as modules (=m); built in (=y) ones need nothing.
mods=""
for pair in VIRTIO_RING:drivers/virtio/virtio_ring VIRTIO:drivers/virtio/virtio \
	VIRTIO_MMIO:drivers/virtio/virtio_mmio \
	VIRTIO_PCI_LIB_LEGACY:drivers/virtio/virtio_pci_legacy_dev \
	VIRTIO_PCI_LIB:drivers/virtio/virtio_pci_modern_dev \
	VIRTIO_PCI:drivers/virtio/virtio_pci FAILOVER:net/core/failover \
	NET_FAILOVER:drivers/net/net_failover VIRTIO_NET:drivers/net/virtio_net; do
	opt=${pair%%:*} ko=${pair#*:}
	if grep -q "^CONFIG_$opt=m" "$config"; then
		mods="$mods $ko"
	elif [ "$opt" = VIRTIO_RING ] && [ -f "$OUT/kernel/lib/modules/$kver/kernel/$ko.ko" ]; then
		mods="$mods $ko"	# no option of its own (part of VIRTIO)
	fi
done

IR=$OUT/initramfs
rm -rf "$IR"
mkdir -p "$IR/bin" "$IR/dev" "$IR/proc" "$IR/sys" "$IR/lib/modules" "$IR/www"
cp "$BUSYBOX" "$IR/bin/busybox"
ln -s busybox "$IR/bin/sh"
cp "$OUT/httpd" "$IR/bin/httpd"
cp apps/httpd/rootfs/index.html "$IR/www/index.html"
names=""
for ko in $mods; do
	cp "$OUT/kernel/lib/modules/$kver/kernel/$ko.ko" "$IR/lib/modules/"
	names="$names $(basename "$ko")"
done
cat > "$IR/init" <<EOF
#!/bin/busybox sh
# The Linux microVM of make bench: network up, then the httpd.
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
/bin/busybox mount -t proc proc /proc
for m in$names; do
	/bin/busybox insmod /lib/modules/\$m.ko 2>/dev/null
done
/bin/busybox ip link set lo up
/bin/busybox ip link set eth0 up
/bin/busybox ip addr add 10.0.2.15/24 dev eth0
/bin/busybox ip route add default via 10.0.2.2
read up idle </proc/uptime
echo "linux-init: exec httpd at uptime \$up s"
exec /bin/httpd -p 80 -r /www "\$@"
EOF
chmod 755 "$IR/init"
python3 tools/mkcpio.py "$IR" "$OUT/initramfs.cpio"
gzip -9 -n -f "$OUT/initramfs.cpio"

# console=ttyS0 quiet, and what makes it boot faster or at all: no
# keyboard controller probing, no clocksource watchdog, panic exits QEMU,
# and the TSC rate given (tsckhz.c says why).
gcc -O2 -o "$OUT/tsckhz" bench/linux/tsckhz.c
khz=$("$OUT/tsckhz")
echo "console=ttyS0 quiet panic=-1 rdinit=/init i8042.noaux i8042.nokbd i8042.nopnp i8042.dumbkbd tsc=reliable tsc_early_khz=$khz no_timer_check noreplace-smp cryptomgr.notests random.trust_cpu=on" > "$OUT/cmdline"
say "kernel $kver, modules:$names"
say "$OUT: vmlinuz $(stat -c %s "$OUT/vmlinuz") bytes, initramfs.cpio.gz $(stat -c %s "$OUT/initramfs.cpio.gz") bytes"
echo "$OUT"
