#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fixdep.sh DEPFILE BUILD AUTOCONF: rewrite a compiler .d file so that an
# object depends on the options it uses, not on the whole configuration.
# For every CONFIG_FOO in the source and its project headers, the object
# gains a prerequisite on $(wildcard BUILD/include/config/foo.h), the
# per-option file that Kconfig touches only when FOO changes (as Linux's
# fixdep does). autoconf.h itself is dropped from the prerequisites.
set -e
dep=$1 build=$2 autoconf=$3
files=$(sed -n '1,/[^\\]$/p' "$dep" | sed -e 's/^[^:]*://' -e 's/\\$//' |
	tr ' ' '\n' | grep -v -e '^/' -e '^$' -e 'autoconf\.h$' | sort -u)
target=$(sed -n '1s/:.*//p' "$dep")
syms=$(grep -ohE 'CONFIG_[A-Za-z0-9_]+' $files 2>/dev/null | sort -u |
	sed -e 's/^CONFIG_//' | tr 'A-Z_' 'a-z/')
{
	sed -e "s# $autoconf##" -e "\\#^$autoconf:#d" "$dep"
	for s in $syms; do
		echo "$target: \$(wildcard $build/include/config/$s.h)"
	done
} > "$dep.tmp"
mv "$dep.tmp" "$dep"
