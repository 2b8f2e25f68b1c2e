# SPDX-License-Identifier: MIT
"""Tests for tools/symtab.c and the lookup in lib/core/ksym.c.

    python3 -m pytest -q tools/test_symtab.py

Builds symtab and a small host program with known functions (a static
one, a global alias of a static one at the same address, hand-placed ones
around gaps of 15 and 16 bytes), then links the program twice like the
kernel: first with `symtab --empty`, then with the table generated from
the first link. Checks the generated assembly against readelf's view of
the symbols, and has the program look up addresses with the kernel's own
lib/core/ksym.c (built for the host with two stand-in headers). Skipped
without gcc, ld, readelf or the libelf headers.
"""

import os
import re
import shutil
import subprocess

import pytest

TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS)
KSYM_C = os.path.join(ROOT, "lib", "core", "ksym.c")
KSYM_INC = os.path.join(ROOT, "lib", "core", "include")

pytestmark = pytest.mark.skipif(
    not (shutil.which("gcc") and shutil.which("ld")
         and shutil.which("readelf")
         and os.path.exists("/usr/include/gelf.h")),
    reason="needs gcc, ld, readelf and libelf-dev")

GAP_MIN = 16

# What lib/core/ksym.c takes from lib/core besides <pith/ksym.h>.
SHIM_PRINTK = "#include <stdio.h>\n#define ksnprintf snprintf\n"
SHIM_STRING = "#include <string.h>\n#define kstrcmp strcmp\n"

PROG = r"""
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <pith/ksym.h>

struct ksym { uint32_t addr; uint32_t name; };
extern const uint64_t ksym_base, ksym_count;
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

/* One-byte functions: t_pad then 15 bytes of padding (still t_pad's),
 * t_edge then a 16-byte gap, t_after then a 64-byte gap. */
__asm__(".text\n"
	".p2align 4\n"
	".globl t_pad\n.type t_pad, @function\nt_pad: ret\n"
	".size t_pad, 1\n.skip 15, 0xcc\n"
	".globl t_edge\n.type t_edge, @function\nt_edge: ret\n"
	".size t_edge, 1\n.skip 16, 0xcc\n"
	".globl t_after\n.type t_after, @function\nt_after: ret\n"
	".size t_after, 1\n.skip 64, 0xcc\n");
extern char t_pad[], t_edge[], t_after[];

static const char *name_at(uintptr_t a)
{
	const char *s = ksym_lookup(a, NULL, NULL);

	return s ? s : "none";
}

static void show(const char *what, uintptr_t a)
{
	char buf[128];

	ksym_format(a, buf, sizeof(buf));
	printf("%s %s\n", what, ksym_lookup(a, NULL, NULL) ? buf : "none");
}

/* Every function's size is the distance to the next entry, and all of
 * it resolves to that function. */
static void check_sizes(void)
{
	uint64_t i, n = 0;

	for (i = 0; i + 1 < ksym_count; i++) {
		uintptr_t a = ksym_base + ksym_table[i].addr, off, size;
		uint64_t want = ksym_table[i + 1].addr - ksym_table[i].addr;
		const char *s = ksym_lookup(a, &off, &size);
		const char *e = ksym_lookup(a + want - 1, &off, NULL);

		if (!ksym_table[i].name) {
			if (s || e)
				printf("gap %llu resolves\n",
				       (unsigned long long)i);
			continue;
		}
		if (s != ksym_names + ksym_table[i].name || size != want ||
		    e != s || off != want - 1)
			printf("entry %llu wrong\n", (unsigned long long)i);
		n++;
	}
	printf("checked %llu\n", (unsigned long long)n);
}

int (*volatile fns[])(int) = { alpha, beta, gamma_fn, delta_global };

int main(void)
{
	uintptr_t end = ksym_count ?
		ksym_base + ksym_table[ksym_count - 1].addr : 0;
	char buf[128];

	printf("count %llu\n", (unsigned long long)ksym_count);
	if (!ksym_count) {
		printf("alpha %s\n", name_at((uintptr_t)fns[0]));
		return 0;
	}
	printf("alpha %s\n", name_at((uintptr_t)fns[0] + 1));
	printf("beta %s\n", name_at((uintptr_t)fns[1]));
	printf("gamma_fn %s\n", name_at((uintptr_t)fns[2] + 2));
	printf("delta %s\n", name_at((uintptr_t)fns[3]));
	printf("main %s\n", name_at((uintptr_t)main));
	show("pad", (uintptr_t)t_pad);
	show("pad+15", (uintptr_t)t_pad + 15);
	show("edge", (uintptr_t)t_edge);
	show("edge+1", (uintptr_t)t_edge + 1);
	show("edge+16", (uintptr_t)t_edge + 16);
	show("after", (uintptr_t)t_after);
	show("after+1", (uintptr_t)t_after + 1);
	ksym_format_ret((uintptr_t)t_edge + 1, buf, sizeof(buf));
	printf("ret %s\n", buf);
	show("below", ksym_base - 1);
	show("zero", 0);
	show("end", end);
	show("max", UINTPTR_MAX);
	printf("address %d %d %d\n",
	       ksym_address("t_edge") == (uintptr_t)t_edge,
	       ksym_address("") == 0, ksym_address("no_such_fn") == 0);
	check_sizes();
	return fns[0](1) + fns[3](40) == 8 ? 0 : 1;
}
"""

OURS = ["alpha", "beta", "gamma_fn", "delta_global", "main", "t_pad",
        "t_edge", "t_after"]


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
    """(base, count, [(addr, name)]) from symtab's output; a gap's name
    is ""."""
    base = int(re.search(r"^ksym_base:\n\t\.quad 0x([0-9a-f]+)$", text,
                         re.M).group(1), 16)
    count = int(re.search(r"^ksym_count:\n\t\.quad (\d+)$", text,
                          re.M).group(1))
    table = text.split("ksym_table:\n", 1)[1].split("ksym_names:", 1)[0]
    rows = re.findall(r"^\t\.long 0x([0-9a-f]+), (\d+)", table, re.M)
    names_part = text.split("ksym_names:\n", 1)[1]
    assert names_part.startswith("\t.byte 0\n")
    names = re.findall(r'^\t\.asciz "(.*)"$', names_part, re.M)
    blob = "\0" + "".join(n + "\0" for n in names)
    entries = []
    for addr, off in rows:
        off = int(off)
        entries.append((base + int(addr, 16),
                        blob[off:blob.index("\0", off)]))
    return base, count, entries


def readelf_funcs(elf):
    """[(addr, size, name)] of elf's function symbols, deduplicated by
    address the way symtab does, from readelf -sW."""
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


def expected_entries(funcs):
    """The table symtab should write for funcs: each start, and a gap
    ("") where GAP_MIN or more bytes follow a function's end."""
    result = []
    for i, (addr, size, name) in enumerate(funcs):
        result.append((addr, name))
        end = addr + size
        if i + 1 == len(funcs) or funcs[i + 1][0] - end >= GAP_MIN:
            result.append((end, ""))
    return result


@pytest.fixture(scope="module")
def linked(symtab, tmp_path_factory):
    d = tmp_path_factory.mktemp("prog")
    src = d / "prog.c"
    src.write_text(PROG)
    shim = d / "shim" / "pith"
    shim.mkdir(parents=True)
    (shim / "printk.h").write_text(SHIM_PRINTK)
    (shim / "string.h").write_text(SHIM_STRING)
    inc = ["-I", str(d / "shim"), "-I", KSYM_INC]
    obj = str(d / "prog.o")
    gcc("-Wall", "-Werror", *inc, "-c", str(src), "-o", obj)
    kobj = str(d / "ksym.o")
    gcc("-Wall", "-Werror", *inc, "-c", KSYM_C, "-o", kobj)

    empty_s = str(d / "empty.S")
    subprocess.run([symtab, "--empty", empty_s], check=True)
    prog0 = str(d / "prog0")
    gcc(obj, kobj, empty_s, "-o", prog0)

    full_s = str(d / "full.S")
    subprocess.run([symtab, prog0, full_s], check=True)
    prog1 = str(d / "prog1")
    gcc(obj, kobj, full_s, "-o", prog1)
    return {"empty": open(empty_s).read(), "full": open(full_s).read(),
            "prog0": prog0, "prog1": prog1}


def entries_of(linked):
    return parse_asm(linked["full"])[2]


def test_empty_table(linked):
    base, count, entries = parse_asm(linked["empty"])
    assert base == 0 and count == 0 and entries == []
    for sym in ("ksym_base", "ksym_count", "ksym_table", "ksym_names"):
        assert "\t.globl %s\n" % sym in linked["empty"]
    assert '.section .ksymtab, "a"' in linked["empty"]
    r = subprocess.run([linked["prog0"]], capture_output=True, text=True)
    assert r.returncode == 0
    assert r.stdout.splitlines() == ["count 0", "alpha none"]


def test_table_matches_readelf(linked):
    base, count, entries = parse_asm(linked["full"])
    funcs = readelf_funcs(linked["prog0"])
    assert entries == expected_entries(funcs)
    assert count == len(entries)
    assert base == funcs[0][0] == entries[0][0]


def test_our_functions_in_address_order(linked):
    entries = entries_of(linked)
    names = [e[1] for e in entries]
    for n in OURS:
        assert n in names
    addrs = [e[0] for e in entries]
    assert addrs == sorted(addrs) and len(set(addrs)) == len(addrs)
    ours = [e for e in entries if e[1] in OURS]
    assert ours == sorted(ours)


def test_gaps_and_sizes(linked):
    """A function's size is the next entry's distance: padding under
    GAP_MIN bytes is the function's, GAP_MIN bytes or more get a gap
    entry, and the table ends with a gap after the last function."""
    entries = entries_of(linked)
    funcs = readelf_funcs(linked["prog0"])
    at = {addr: i for i, (addr, _) in enumerate(entries)}
    size = {e[1]: entries[i + 1][0] - e[0]
            for i, e in enumerate(entries[:-1]) if e[1]}

    assert size["t_pad"] == 16
    assert size["t_edge"] == 1 and size["t_after"] == 1
    edge = [e for e in entries if e[1] == "t_edge"][0][0]
    assert entries[at[edge] + 1] == (edge + 1, "")
    assert entries[at[edge] + 2] == (edge + 17, "t_after")
    assert entries[-1] == (funcs[-1][0] + funcs[-1][1], "")
    assert entries[0][1] != ""
    for i, (addr, fsize, name) in enumerate(funcs):
        assert size[name] >= fsize
        nxt = entries[at[addr] + 1][0]
        if i + 1 < len(funcs) and nxt == funcs[i + 1][0]:
            assert nxt - (addr + fsize) < GAP_MIN
        else:
            assert nxt == addr + fsize


def test_alias_dedup_prefers_global(linked):
    names = [e[1] for e in entries_of(linked)]
    assert "delta_global" in names
    assert "delta_local" not in names


def test_static_functions_included(linked):
    names = [e[1] for e in entries_of(linked)]
    assert "beta" in names


def test_lookup_at_run_time(linked):
    """lib/core/ksym.c over the generated table, in the linked program."""
    base, count, entries = parse_asm(linked["full"])
    r = subprocess.run([linked["prog1"]], capture_output=True, text=True)
    assert r.returncode == 0
    assert r.stdout.splitlines() == [
        "count %d" % count,
        "alpha alpha",
        "beta beta",
        "gamma_fn gamma_fn",
        "delta delta_global",
        "main main",
        "pad t_pad+0/0x10",
        "pad+15 t_pad+0xf/0x10",
        "edge t_edge+0/0x1",
        "edge+1 none",
        "edge+16 none",
        "after t_after+0/0x1",
        "after+1 none",
        "ret t_edge+0x1/0x1",
        "below none",
        "zero none",
        "end none",
        "max none",
        "address 1 1 1",
        "checked %d" % sum(1 for e in entries if e[1]),
    ]


def test_alignment_and_layout(linked):
    """ksym_table is 8-byte aligned, entries are 8 bytes, the names
    start with the empty one."""
    out = subprocess.run(["readelf", "-sW", linked["prog1"]], check=True,
                         capture_output=True, text=True).stdout
    syms = {ln.split()[-1]: ln.split() for ln in out.splitlines()
            if ln.split()[-1:] in (["ksym_table"], ["ksym_base"],
                                   ["ksym_names"])}
    addr, size = int(syms["ksym_table"][1], 16), int(syms["ksym_table"][2])
    assert addr % 8 == 0
    assert size == 8 * parse_asm(linked["full"])[1]
    assert int(syms["ksym_base"][2]) == 8
    names = sum(len(e[1]) + 1 for e in entries_of(linked) if e[1]) + 1
    assert int(syms["ksym_names"][2]) == names


FAR_ASM = """
	.section near_text, "ax", @progbits
	.globl f_near
	.type f_near, @function
f_near:	ret
	.size f_near, 1
	.section far_text, "ax", @progbits
	.globl f_far
	.type f_far, @function
f_far:	ret
	.size f_far, %d
	.section .note.GNU-stack, "", @progbits
"""


@pytest.mark.parametrize("off,size,error", [
    (0xfffffff0, 1, None),
    (0x100000000, 1, "f_far at 0x100400000"),
    (0xfffffff0, 0x20, "the end of f_far at 0x100400010"),
])
def test_offset_must_fit_32_bits(symtab, tmp_path, off, size, error):
    far = 0x400000 + off
    src = tmp_path / "far.S"
    src.write_text(FAR_ASM % size)
    subprocess.run(["gcc", "-c", str(src), "-o", str(tmp_path / "far.o")],
                   check=True)
    elf = str(tmp_path / "far")
    subprocess.run(["ld", "-o", elf, "-e", "f_near",
                    "--section-start=near_text=0x400000",
                    "--section-start=far_text=%#x" % far,
                    str(tmp_path / "far.o")], check=True)
    out = tmp_path / "out.S"
    r = subprocess.run([symtab, elf, str(out)], capture_output=True,
                       text=True)
    if not error:
        assert r.returncode == 0, r.stderr
        entries = parse_asm(out.read_text())[2]
        assert entries == [(0x400000, "f_near"), (0x400001, ""),
                           (far, "f_far"), (far + 1, "")]
    else:
        assert r.returncode == 1
        assert error in r.stderr and "32 bits" in r.stderr
        assert not out.exists()


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
