#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make deps: install the host packages Pith needs (Debian 12) and fetch
# the pinned lwIP source package into deps/. Idempotent, quiet when all
# is present. Needs root (or sudo) only when something is missing.
set -eu

PKGS="gcc make binutils kconfig-frontends qemu-system-x86 qemu-system-data
musl-tools musl-dev libelf-dev e2fsprogs python3 python3-pytest curl wrk
dpkg-dev xz-utils busybox-static gnuplot-nox"

LWIP_VERSION=2.1.3+dfsg1-2
LWIP_ORIG=lwip_2.1.3+dfsg1.orig.tar.xz
LWIP_SHA256=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24
SRC_LIST=/etc/apt/sources.list.d/pith-deb-src.sources

cd "$(dirname "$0")/.."

as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		echo "deps: need root to run: $*" >&2
		exit 1
	fi
}

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q "install ok installed" || missing="$missing $p"
done

need_src=0
[ -f deps/lwip/.pith-verified ] || need_src=1
if [ "$need_src" = 1 ] && ! apt-cache showsrc lwip >/dev/null 2>&1; then
	echo "deps: adding a deb-src entry for Debian's source packages ($SRC_LIST)"
	as_root sh -c "cat > $SRC_LIST" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	missing="$missing __update__"
fi

if [ -n "$missing" ]; then
	echo "deps: installing:$(echo "$missing" | sed 's/ __update__//')"
	as_root apt-get update -q >/dev/null
	pkgs=$(echo "$missing" | sed 's/__update__//')
	[ -z "$(echo $pkgs)" ] || as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends $pkgs >/dev/null
fi

if [ "$need_src" = 1 ]; then
	echo "deps: fetching lwIP $LWIP_VERSION (Debian source package)"
	rm -rf deps/lwip deps/src
	mkdir -p deps/src
	(cd deps/src && apt-get source --download-only -q "lwip=$LWIP_VERSION" \
		>/dev/null 2>&1) || {
		echo "deps: could not download the lwip source package" >&2
		exit 1
	}
	sum=$(sha256sum "deps/src/$LWIP_ORIG" | cut -d' ' -f1)
	if [ "$sum" != "$LWIP_SHA256" ]; then
		echo "deps: $LWIP_ORIG checksum mismatch: $sum" >&2
		exit 1
	fi
	mkdir -p deps/lwip
	tar -xJf "deps/src/$LWIP_ORIG" -C deps/lwip --strip-components=1
	touch deps/lwip/.pith-verified
fi
