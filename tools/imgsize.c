// SPDX-License-Identifier: MIT
/*
 * imgsize: bytes per library of a linked Pith image, read from the ELF
 * with libelf; the link map only says which object file each address
 * range came from.
 *
 * Build:
 *   gcc -O2 -Wall -Wextra -Werror tools/imgsize.c -lelf -o build/tools/imgsize
 * Use:
 *   imgsize IMAGE.dbg IMAGE.map
 *
 * Method (every byte counted once, so the rows add up to the total):
 *   1. The ELF's section headers give the allocated sections (SHF_ALLOC
 *      with a nonzero size): PROGBITS bytes are in the image file,
 *      NOBITS (.bss, .stacks) take memory only.
 *   2. The GNU ld link map gives the input sections: address, size and
 *      object file (path or archive(member)); each object maps to a
 *      library (owner(): "lib/posix", "deps/lwip", "musl libc", ...).
 *      Only input sections inside an allocated section count (debug
 *      sections sit at address 0).
 *   3. The bytes of an input section go to its library; bytes of an
 *      allocated section that no input section covers (alignment fill,
 *      linker-made bytes) go to "(padding)".
 *   4. The ELF's .symtab: each defined FUNC/OBJECT/TLS symbol with a
 *      nonzero size, one per address (aliases count once, the largest),
 *      adds its size, clipped to the input section holding its address,
 *      to that library's "in symbols" figure; the rest of a library's
 *      bytes is string literals, constant pools and code without a size.
 *
 * Output, tab-separated, largest first, then a total row whose file and
 * memory figures equal the sums of the allocated sections' sizes:
 *   library <TAB> file_bytes <TAB> memory_only_bytes <TAB> symbol_bytes
 *           <TAB> symbols
 * Exit status: 0 on success, 1 on any error (with a message on stderr).
 */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct range {			/* one input section from the map */
	uint64_t addr, size;
	int lib;
};

struct lib {
	char name[64];
	uint64_t file, mem, sym;
	unsigned long nsyms;
};

struct asec {			/* one allocated section of the ELF */
	uint64_t addr, size;
	int nobits;
};

struct ssym {
	uint64_t addr, size;
};

static struct range *ranges;
static size_t nranges, cranges;
static struct lib libs[64];
static int nlibs;
static struct asec secs[64];
static int nsecs;

static void die(const char *what)
{
	fprintf(stderr, "imgsize: %s\n", what);
	exit(1);
}

/* The library an object file of the link belongs to. */
static const char *owner(const char *obj, char *buf, size_t len)
{
	const char *p = strstr(obj, "/obj/");

	if (p) {
		const char *a = p + 5, *b = strchr(a, '/');

		if (b && (b = strchr(b + 1, '/'))) {
			snprintf(buf, len, "%.*s", (int)(b - a), a);
			return buf;
		}
	}
	if (strstr(obj, "libkmem"))
		return "lib/core (kmem)";
	if (strstr(obj, "ksyms"))
		return "symbol table";
	if (strstr(obj, "syscall_names"))
		return "lib/posix";
	if (strstr(obj, "libgcc"))
		return "libgcc";
	if (strstr(obj, "libc.a") || strstr(obj, "musl"))
		return "musl libc";
	return "other";
}

static int lib_index(const char *name)
{
	for (int i = 0; i < nlibs; i++)
		if (!strcmp(libs[i].name, name))
			return i;
	if (nlibs == (int)(sizeof(libs) / sizeof(libs[0])))
		die("too many libraries");
	snprintf(libs[nlibs].name, sizeof(libs[nlibs].name), "%s", name);
	return nlibs++;
}

static const struct asec *sec_of(uint64_t addr)
{
	for (int i = 0; i < nsecs; i++)
		if (addr >= secs[i].addr && addr < secs[i].addr + secs[i].size)
			return &secs[i];
	return NULL;
}

static int is_obj(const char *s)
{
	size_t n = strlen(s);

	return (n > 2 && !strcmp(s + n - 2, ".o")) ||
	       (n > 3 && !strcmp(s + n - 3, ".lo")) ||
	       (n > 1 && s[n - 1] == ')' && strstr(s, ".a("));
}

/*
 * GNU ld map lines holding an input section:
 *   " .text.foo   0x0000000000101000   0x1a3 build/x/obj/lib/a/b.o"
 * or, for a long section name, the name alone on one line and
 *   "             0x0000000000101000   0x1a3 build/x/obj/lib/a/b.o"
 * on the next. Output section lines (no object) and *fill* are skipped.
 */
static void read_map(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096], obj[4096], name[1024], buf[64];
	unsigned long long addr, size;

	if (!f)
		die("cannot open the link map");
	while (fgets(line, sizeof(line), f)) {
		int ok;

		if (line[0] != ' ')
			continue;
		if (line[1] == '0' || line[1] == ' ')
			ok = sscanf(line, " 0x%llx 0x%llx %4095s", &addr, &size,
				    obj) == 3;
		else
			ok = sscanf(line, " %1023s 0x%llx 0x%llx %4095s", name,
				    &addr, &size, obj) == 4;
		if (!ok || !size || !is_obj(obj) || !sec_of(addr))
			continue;
		if (nranges == cranges) {
			cranges = cranges ? 2 * cranges : 1024;
			ranges = realloc(ranges, cranges * sizeof(*ranges));
			if (!ranges)
				die("out of memory");
		}
		ranges[nranges].addr = addr;
		ranges[nranges].size = size;
		ranges[nranges].lib = lib_index(owner(obj, buf, sizeof(buf)));
		nranges++;
	}
	fclose(f);
}

static int by_addr(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct ssym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->size > y->size ? -1 : x->size < y->size;	/* largest first */
}

static int by_size(const void *a, const void *b)
{
	const struct lib *x = a, *y = b;
	uint64_t sx = x->file + x->mem, sy = y->file + y->mem;

	return sx > sy ? -1 : sx < sy;
}

static const struct range *range_of(uint64_t addr)
{
	size_t lo = 0, hi = nranges;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ranges[mid].addr + ranges[mid].size <= addr)
			lo = mid + 1;
		else if (ranges[mid].addr > addr)
			hi = mid;
		else
			return &ranges[mid];
	}
	return NULL;
}

int main(int argc, char **argv)
{
	Elf *e;
	Elf_Scn *scn = NULL;
	Elf_Data *symdata = NULL;
	GElf_Shdr sh, symsh = { 0 };
	struct ssym *syms = NULL;
	size_t nsyms = 0, shstrndx;
	uint64_t tfile = 0, tmem = 0, tsym = 0, covered_end;
	unsigned long tn = 0;
	int fd, pad;

	if (argc != 3) {
		fprintf(stderr, "usage: imgsize IMAGE.dbg IMAGE.map\n");
		return 1;
	}
	if (elf_version(EV_CURRENT) == EV_NONE)
		die("libelf is too old");
	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		die("cannot open the ELF");
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstrndx))
		die("not an ELF file");

	while ((scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, &sh))
			die("bad section header");
		if (sh.sh_type == SHT_SYMTAB) {
			symsh = sh;
			symdata = elf_getdata(scn, NULL);
		}
		if (!(sh.sh_flags & SHF_ALLOC) || !sh.sh_size)
			continue;
		if (nsecs == (int)(sizeof(secs) / sizeof(secs[0])))
			die("too many sections");
		secs[nsecs].addr = sh.sh_addr;
		secs[nsecs].size = sh.sh_size;
		secs[nsecs].nobits = sh.sh_type == SHT_NOBITS;
		nsecs++;
	}
	if (!symdata)
		die("no .symtab (give the .dbg ELF, not the stripped image)");

	read_map(argv[2]);
	if (!nranges)
		die("no input sections in the link map");
	qsort(ranges, nranges, sizeof(*ranges), by_addr);

	/* 3: bytes per library and padding, section by section. Input
	 * sections never overlap; clip defensively anyway. */
	pad = lib_index("(padding)");
	for (int s = 0; s < nsecs; s++) {
		uint64_t lo = secs[s].addr, hi = lo + secs[s].size, cov = 0;

		covered_end = lo;
		for (size_t i = 0; i < nranges; i++) {
			uint64_t a = ranges[i].addr, b = a + ranges[i].size;

			if (b <= lo || a >= hi)
				continue;
			if (a < covered_end)
				a = covered_end;
			if (b > hi)
				b = hi;
			if (b <= a)
				continue;
			if (secs[s].nobits)
				libs[ranges[i].lib].mem += b - a;
			else
				libs[ranges[i].lib].file += b - a;
			cov += b - a;
			covered_end = b;
		}
		if (secs[s].nobits) {
			libs[pad].mem += secs[s].size - cov;
			tmem += secs[s].size;
		} else {
			libs[pad].file += secs[s].size - cov;
			tfile += secs[s].size;
		}
	}

	/* 4: sized symbols, one per address. */
	if (symsh.sh_entsize) {
		size_t n = symsh.sh_size / symsh.sh_entsize;

		syms = calloc(n ? n : 1, sizeof(*syms));
		if (!syms)
			die("out of memory");
		for (size_t i = 0; i < n; i++) {
			GElf_Sym sym;
			int t;

			if (!gelf_getsym(symdata, i, &sym))
				continue;
			t = GELF_ST_TYPE(sym.st_info);
			if (sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE ||
			    !sym.st_size ||
			    (t != STT_FUNC && t != STT_OBJECT && t != STT_TLS))
				continue;
			syms[nsyms].addr = sym.st_value;
			syms[nsyms].size = sym.st_size;
			nsyms++;
		}
		qsort(syms, nsyms, sizeof(*syms), sym_cmp);
	}
	for (size_t i = 0; i < nsyms; i++) {
		const struct range *r;
		uint64_t end;

		if (i && syms[i].addr == syms[i - 1].addr)
			continue;	/* an alias */
		r = range_of(syms[i].addr);
		if (!r)
			continue;
		end = syms[i].addr + syms[i].size;
		if (end > r->addr + r->size)
			end = r->addr + r->size;
		libs[r->lib].sym += end - syms[i].addr;
		libs[r->lib].nsyms++;
	}

	qsort(libs, nlibs, sizeof(libs[0]), by_size);
	for (int i = 0; i < nlibs; i++) {
		printf("%s\t%llu\t%llu\t%llu\t%lu\n", libs[i].name,
		       (unsigned long long)libs[i].file,
		       (unsigned long long)libs[i].mem,
		       (unsigned long long)libs[i].sym, libs[i].nsyms);
		tsym += libs[i].sym;
		tn += libs[i].nsyms;
	}
	printf("total\t%llu\t%llu\t%llu\t%lu\n", (unsigned long long)tfile,
	       (unsigned long long)tmem, (unsigned long long)tsym, tn);
	free(syms);
	free(ranges);
	elf_end(e);
	close(fd);
	return 0;
}
