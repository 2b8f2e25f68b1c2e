# SPDX-License-Identifier: MIT
"""Tests for tools/symtab.c.

    python3 -m pytest -q tools/test_symtab.py

Builds symtab and a small host program with known functions (a static
one, a global alias of a static one at the same address), then links the
program twice like the kernel: first with `symtab --empty`, then with the
table generated from the first link. Checks the generated assembly
against readelf's view of the symbols and has the program look up its own
functions in ksym_table at run time. Skipped without gcc, readelf or the
libelf headers.
"""

import os
import re
import shutil
import subprocess

import pytest

TOOLS = os.path.dirname(os.path.abspath(__file__))

pytestmark = pytest.mark.skipif(
    not (shutil.which("gcc") and shutil.which("readelf")
         and os.path.exists("/usr/include/gelf.h")),
    reason="needs gcc, readelf and libelf-dev")

PROG = r"""
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct ksym { uint64_t addr; uint32_t size; uint32_t name; };
extern const uint64_t ksym_count;
extern const struct ksym ksym_table[];
extern const char ksym_names[];

__attribute__((noinline)) int alpha(int x) { return x * 7 + 1; }
__attribute__((noinline)) static int beta(int x) { return x * 3 - 2; }
__attribute__((noinline)) int gamma_fn(int x) { return alpha(x) ^ beta(x); }
__attribute__((noinline, used)) static int delta_local(int x)
{
	return x - 40;
}
extern int delta_global(int x) __attribute__((alias("delta_local")));

static const char *lookup(uintptr_t a)
{
	for (uint64_t i = 0; i < ksym_count; i++)
		if (a >= ksym_table[i].addr &&
		    a < ksym_table[i].addr + ksym_table[i].size)
			return ksym_names + ksym_table[i].name;
	return "?";
}

int (*volatile fns[])(int) = { alpha, beta, gamma_fn, delta_global };

int main(void)
{
	printf("count %llu\n", (unsigned long long)ksym_count);
	printf("alpha %s\n", lookup((uintptr_t)fns[0] + 1));
	printf("beta %s\n", lookup((uintptr_t)fns[1]));
	printf("gamma_fn %s\n", lookup((uintptr_t)fns[2] + 2));
	printf("delta %s\n", lookup((uintptr_t)fns[3]));
	printf("main %s\n", lookup((uintptr_t)main));
	return fns[0](1) + fns[3](40) == 8 ? 0 : 1;
}
"""

OURS = ["alpha", "beta", "gamma_fn", "delta_global", "main"]


@pytest.fixture(scope="module")
def symtab(tmp_path_factory):
    out = tmp_path_factory.mktemp("symtab") / "symtab"
    subprocess.run(["gcc", "-O2", "-Wall", "-Wextra", "-Werror",
                    os.path.join(TOOLS, "symtab.c"), "-lelf", "-o",
                    str(out)], check=True)
    return str(out)


def gcc(*args):
    subprocess.run(["gcc", "-O1", "-fno-pie", "-no-pie"] + list(args),
                   check=True)


def parse_asm(text):
    """(count, [(addr, size, name)]) from symtab's output."""
    count = int(re.search(r"^ksym_count:\n\t\.quad (\d+)$", text,
                          re.M).group(1))
    table = re.findall(r"^\t\.quad 0x([0-9a-f]+)\n\t\.long (\d+), (\d+)",
                       text, re.M)
    names_part = text.split("ksym_names:\n", 1)[1]
    names = re.findall(r'^\t\.asciz "(.*)"$', names_part, re.M)
    blob = "".join(n + "\0" for n in names)
    entries = []
    for addr, size, off in table:
        off = int(off)
        entries.append((int(addr, 16), int(size),
                        blob[off:blob.index("\0", off)]))
    return count, entries


def readelf_funcs(elf):
    """What symtab should produce, computed from readelf -sW."""
    out = subprocess.run(["readelf", "-sW", elf], check=True,
                         capture_output=True, text=True).stdout
    section = out.split("Symbol table '.symtab'", 1)[1]
    rank = {"GLOBAL": 2, "WEAK": 1}
    syms = []
    for line in section.splitlines():
        f = line.split()
        if len(f) < 8 or not f[0].endswith(":") or f[3] != "FUNC":
            continue
        size = int(f[2], 0)
        if size == 0 or f[6] == "UND":
            continue
        syms.append((int(f[1], 16), -rank.get(f[4], 0), f[7], size))
    syms.sort()
    result = []
    for addr, _, name, size in syms:
        if not result or result[-1][0] != addr:
            result.append((addr, size, name))
    return result


@pytest.fixture(scope="module")
def linked(symtab, tmp_path_factory):
    d = tmp_path_factory.mktemp("prog")
    src = d / "prog.c"
    src.write_text(PROG)
    obj = str(d / "prog.o")
    gcc("-c", str(src), "-o", obj)

    empty_s = str(d / "empty.S")
    subprocess.run([symtab, "--empty", empty_s], check=True)
    prog0 = str(d / "prog0")
    gcc(obj, empty_s, "-o", prog0)

    full_s = str(d / "full.S")
    subprocess.run([symtab, prog0, full_s], check=True)
    prog1 = str(d / "prog1")
    gcc(obj, full_s, "-o", prog1)
    return {"empty": open(empty_s).read(), "full": open(full_s).read(),
            "prog0": prog0, "prog1": prog1}


def test_empty_table(linked):
    count, entries = parse_asm(linked["empty"])
    assert count == 0 and entries == []
    for sym in ("ksym_count", "ksym_table", "ksym_names"):
        assert "\t.globl %s\n" % sym in linked["empty"]
    assert '.section .ksymtab, "a"' in linked["empty"]
    r = subprocess.run([linked["prog0"]], capture_output=True, text=True)
    assert r.stdout.splitlines()[0] == "count 0"


def test_table_matches_readelf(linked):
    count, entries = parse_asm(linked["full"])
    assert entries == readelf_funcs(linked["prog0"])
    assert count == len(entries)


def test_our_functions_in_address_order(linked):
    count, entries = parse_asm(linked["full"])
    names = [e[2] for e in entries]
    for n in OURS:
        assert n in names
    addrs = [e[0] for e in entries]
    assert addrs == sorted(addrs) and len(set(addrs)) == len(addrs)
    ours = [e for e in entries if e[2] in OURS]
    assert ours == sorted(ours)


def test_alias_dedup_prefers_global(linked):
    names = [e[2] for e in parse_asm(linked["full"])[1]]
    assert "delta_global" in names
    assert "delta_local" not in names


def test_static_functions_included(linked):
    names = [e[2] for e in parse_asm(linked["full"])[1]]
    assert "beta" in names


def test_lookup_at_run_time(linked):
    count = parse_asm(linked["full"])[0]
    r = subprocess.run([linked["prog1"]], capture_output=True, text=True)
    assert r.returncode == 0
    assert r.stdout.splitlines() == [
        "count %d" % count,
        "alpha alpha",
        "beta beta",
        "gamma_fn gamma_fn",
        "delta delta_global",
        "main main",
    ]


def test_alignment_and_layout(linked):
    """ksym_table is 8-byte aligned, entries are 16 bytes."""
    out = subprocess.run(["readelf", "-sW", linked["prog1"]], check=True,
                         capture_output=True, text=True).stdout
    table = [ln.split() for ln in out.splitlines()
             if ln.split()[-1:] == ["ksym_table"]]
    assert table
    addr, size = int(table[0][1], 16), int(table[0][2], 0)
    assert addr % 8 == 0
    assert size == 16 * parse_asm(linked["full"])[0]


def test_not_an_elf(symtab, tmp_path):
    bad = tmp_path / "bad.elf"
    bad.write_text("hello\n")
    out = tmp_path / "out.S"
    r = subprocess.run([symtab, str(bad), str(out)], capture_output=True,
                       text=True)
    assert r.returncode == 1
    assert "not an ELF file" in r.stderr
    assert not out.exists()


def test_no_symtab(symtab, linked, tmp_path):
    stripped = str(tmp_path / "stripped")
    subprocess.run(["strip", "-o", stripped, linked["prog0"]], check=True)
    r = subprocess.run([symtab, stripped, str(tmp_path / "out.S")],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert "no .symtab" in r.stderr


def test_missing_file_and_usage(symtab, tmp_path):
    r = subprocess.run([symtab, str(tmp_path / "absent"),
                        str(tmp_path / "out.S")],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "absent" in r.stderr
    r = subprocess.run([symtab], capture_output=True, text=True)
    assert r.returncode == 1 and "usage" in r.stderr
