#!/bin/sh
# SPDX-License-Identifier: MIT
#
# check-symbols.sh PASS1 FINAL "KERNEL_OBJS" [LIBC.a]: link-time checks.
#  1. Function addresses must be the same after both link passes, or the
#     embedded symbol table would name the wrong functions.
#  2. No kernel symbol may take a name that libc defines: the kernel and
#     musl share one link, and a collision would silently pick one of them.
set -e
pass1=$1 final=$2 objs=$3 libc=$4
funcs() { nm "$1" | awk '$2 ~ /^[tT]$/ {print $1, $3}' | sort; }
if ! funcs "$pass1" | cmp -s - /dev/stdin <<EOF2
$(funcs "$final")
EOF2
then
	echo "error: function addresses moved between link passes" >&2
	exit 1
fi
[ -n "$libc" ] || exit 0
kern=$(mktemp) lib=$(mktemp)
trap 'rm -f "$kern" "$lib"' EXIT
nm --defined-only -g $objs 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u > "$kern"
nm --defined-only -g "$libc" 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u > "$lib"
both=$(comm -12 "$kern" "$lib")
if [ -n "$both" ]; then
	echo "error: kernel symbols collide with libc: $both" >&2
	exit 1
fi
