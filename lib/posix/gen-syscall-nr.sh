#!/bin/sh
# SPDX-License-Identifier: MIT
#
# gen-syscall-nr.sh MUSL_SYSCALL_H OUT_H OUT_C: the Linux x86-64 system
# call numbers, as musl knows them, for the kernel: NR_name defines and a
# table of names indexed by number (for strace and the ENOSYS log).
set -e
in=$1 h=$2 c=$3
list=$(sed -n 's/^#define __NR_\([a-z0-9_]*\)[[:space:]]\+\([0-9]\+\).*/\1 \2/p' "$in")
[ -n "$list" ] || { echo "gen-syscall-nr: no __NR_ lines in $in" >&2; exit 1; }
{
	echo "/* Generated from $in by lib/posix/gen-syscall-nr.sh. */"
	echo "#ifndef GENERATED_SYSCALL_NR_H"
	echo "#define GENERATED_SYSCALL_NR_H"
	echo "$list" | awk '{printf "#define NR_%s %s\n", $1, $2}'
	echo "$list" | awk 'BEGIN{m=0} {if ($2+0>m) m=$2+0} END{printf "#define NR_SYSCALLS %d\n", m+1}'
	echo "#endif"
} > "$h"
{
	echo "/* Generated from $in by lib/posix/gen-syscall-nr.sh. */"
	echo "const char *const syscall_names[] = {"
	echo "$list" | awk '{printf "\t[%s] = \"%s\",\n", $2, $1}'
	echo "};"
	echo "const unsigned long syscall_names_count ="
	echo "	sizeof(syscall_names) / sizeof(syscall_names[0]);"
} > "$c"
