// SPDX-License-Identifier: MIT
/*
 * symtab: turn a linked kernel ELF's function symbols into an assembly file
 * that, linked back into the image, gives it a symbol table for backtraces.
 *
 * Build:
 *   gcc -O2 -Wall -Wextra -Werror tools/symtab.c -lelf -o build/tools/symtab
 * Use:
 *   symtab IN.elf OUT.S     every STT_FUNC symbol of IN's .symtab with a
 *                           nonzero size, local and global, by address;
 *                           at one address a global beats a weak beats a
 *                           local, then the first name in byte order wins
 *   symtab --empty OUT.S    the same symbols with no entries (first link)
 *
 * OUT.S defines, in section .ksymtab (flags "a"), 8-byte aligned:
 *   ksym_base    .quad lowest function address (0 in an empty table)
 *   ksym_count   .quad number of entries, gap entries included
 *   ksym_table   entries { .long addr - ksym_base; .long name_offset },
 *                strictly ascending by address
 *   ksym_names   NUL-terminated names; name_offset indexes into these.
 *                The first byte is a NUL: offset 0 is the empty name.
 * C view: struct ksym { u32 addr; u32 name; };
 *
 * No entry stores a size: a function ends where the next entry starts.
 * Where the bytes between a function's end (value + st_size) and the next
 * function are 16 or more, and after the last function, a gap entry
 * (name_offset 0) marks the start of code no symbol covers; shorter
 * stretches are alignment padding and count as part of the function
 * before them, as in Linux's kallsyms. A nonempty table therefore ends
 * with a gap entry. An offset that does not fit 32 bits is an error.
 *
 * Link the image twice (--empty, then the real table) or three times if
 * the table's size moves code; placing .ksymtab after all code
 * keeps function addresses stable between the links.
 * Exit status: 0 on success, 1 on any error (with a message on stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sym {
	uint64_t addr;
	uint64_t size;
	int rank;		/* 2 global, 1 weak, 0 local */
	const char *name;
};

/* One table entry: a function's start, or a gap's (name NULL). */
struct entry {
	uint64_t addr;
	const char *name;
};

/* Bytes between two functions from which on they are a gap, not padding. */
#define GAP_MIN 16

static const char *out_path;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fputs("symtab: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (out_path)
		unlink(out_path);
	exit(1);
}

static int bind_rank(int bind)
{
	if (bind == STB_GLOBAL)
		return 2;
	if (bind == STB_WEAK)
		return 1;
	return 0;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return y->rank - x->rank;	/* stronger binding first */
	return strcmp(x->name, y->name);
}

/* Read IN's function symbols, sorted and without duplicate addresses. */
static struct sym *read_syms(const char *path, Elf **elfp, size_t *countp)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	Elf_Data *data;
	struct sym *syms;
	size_t i, n, count = 0, out;
	int fd;

	if (elf_version(EV_CURRENT) == EV_NONE)
		die("libelf is out of date");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF)
		die("%s: not an ELF file", path);

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &shdr))
			die("%s: bad section header: %s", path, elf_errmsg(-1));
		if (shdr.sh_type == SHT_SYMTAB)
			break;
	}
	if (!scn)
		die("%s: no .symtab (stripped?)", path);
	data = elf_getdata(scn, NULL);
	if (!data || !shdr.sh_entsize)
		die("%s: cannot read .symtab: %s", path, elf_errmsg(-1));

	n = shdr.sh_size / shdr.sh_entsize;
	syms = calloc(n ? n : 1, sizeof(*syms));
	if (!syms)
		die("out of memory");

	for (i = 0; i < n; i++) {
		GElf_Sym s;
		const char *name;

		if (!gelf_getsym(data, (int)i, &s))
			die("%s: bad symbol %zu: %s", path, i, elf_errmsg(-1));
		if (GELF_ST_TYPE(s.st_info) != STT_FUNC || !s.st_size ||
		    s.st_shndx == SHN_UNDEF)
			continue;
		name = elf_strptr(elf, shdr.sh_link, s.st_name);
		if (!name || !*name)
			continue;
		if (s.st_size > UINT64_MAX - s.st_value)
			die("%s: %s: size %#llx runs past the end of the "
			    "address space", path, name,
			    (unsigned long long)s.st_size);
		syms[count++] = (struct sym){
			.addr = s.st_value,
			.size = s.st_size,
			.rank = bind_rank(GELF_ST_BIND(s.st_info)),
			.name = name,
		};
	}

	qsort(syms, count, sizeof(*syms), sym_cmp);
	for (i = 0, out = 0; i < count; i++)
		if (!out || syms[i].addr != syms[out - 1].addr)
			syms[out++] = syms[i];

	*elfp = elf;
	*countp = out;
	return syms;
}

/*
 * The table's entries: each function's start, and a gap entry where the
 * next function starts GAP_MIN or more bytes after this one's end (always
 * after the last one). Dies if an address is more than 32 bits above the
 * first.
 */
static struct entry *make_entries(const char *path, const struct sym *syms,
				  size_t count, size_t *countp)
{
	struct entry *ents = calloc(2 * count + 1, sizeof(*ents));
	size_t i, n = 0;

	if (!ents)
		die("out of memory");
	for (i = 0; i < count; i++) {
		uint64_t end = syms[i].addr + syms[i].size;

		ents[n++] = (struct entry){ syms[i].addr, syms[i].name };
		if (i + 1 == count || (syms[i + 1].addr > end &&
				       syms[i + 1].addr - end >= GAP_MIN))
			ents[n++] = (struct entry){ end, NULL };
	}
	for (i = 0; i < n; i++) {
		uint64_t off = ents[i].addr - ents[0].addr;

		/* a gap entry always follows its function's entry */
		if (off > UINT32_MAX)
			die("%s: %s%s at %#llx is %#llx bytes above the lowest "
			    "function at %#llx: table offsets are 32 bits",
			    path, ents[i].name ? "" : "the end of ",
			    ents[i].name ? ents[i].name : ents[i - 1].name,
			    (unsigned long long)ents[i].addr,
			    (unsigned long long)off,
			    (unsigned long long)ents[0].addr);
	}
	*countp = n;
	return ents;
}

/* A name as the body of an .asciz string. */
static void put_name(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\%03o", c);
		else
			fputc(c, f);
	}
}

/* A global object symbol's header in OUT.S. */
static void put_object(FILE *f, const char *name)
{
	fprintf(f, "\t.globl %s\n\t.type %s, @object\n", name, name);
}

static void write_asm(FILE *f, const char *src, const struct entry *ents,
		      size_t count)
{
	uint64_t base = count ? ents[0].addr : 0;
	uint64_t off = 1;	/* offset 0: the empty name of gap entries */
	size_t i;

	fprintf(f, "/* Generated by tools/symtab from %s; do not edit. */\n",
		src);
	fputs("\t.section .ksymtab, \"a\"\n\t.balign 8\n", f);
	put_object(f, "ksym_base");
	fprintf(f, "\t.size ksym_base, 8\nksym_base:\n\t.quad 0x%llx\n\n",
		(unsigned long long)base);
	put_object(f, "ksym_count");
	fprintf(f, "\t.size ksym_count, 8\nksym_count:\n\t.quad %zu\n\n",
		count);

	put_object(f, "ksym_table");
	fprintf(f, "\t.size ksym_table, %zu\nksym_table:\n", count * 8);
	for (i = 0; i < count; i++) {
		const char *name = ents[i].name;

		if (off > UINT32_MAX)
			die("names exceed 4 GiB");
		fprintf(f, "\t.long 0x%llx, %llu",
			(unsigned long long)(ents[i].addr - base),
			(unsigned long long)(name ? off : 0));
		if (!name)
			fputs("\t/* gap */", f);
		else if (!strstr(name, "*/"))
			fprintf(f, "\t/* %s */", name);
		fputc('\n', f);
		if (name)
			off += strlen(name) + 1;
	}

	fputc('\n', f);
	put_object(f, "ksym_names");
	fputs("ksym_names:\n\t.byte 0\n", f);
	for (i = 0; i < count; i++) {
		if (!ents[i].name)
			continue;
		fputs("\t.asciz \"", f);
		put_name(f, ents[i].name);
		fputs("\"\n", f);
	}
	fputs("\t.size ksym_names, . - ksym_names\n\n"
	      "\t.section .note.GNU-stack, \"\", @progbits\n", f);
}

static void usage(void)
{
	fputs("usage: symtab IN.elf OUT.S\n"
	      "       symtab --empty OUT.S\n", stderr);
	exit(1);
}

int main(int argc, char **argv)
{
	struct sym *syms = NULL;
	struct entry *ents = NULL;
	Elf *elf = NULL;
	size_t count = 0, nents = 0;
	const char *src;
	FILE *f;

	if (argc != 3)
		usage();
	if (!strcmp(argv[1], "--empty")) {
		src = "nothing (--empty)";
	} else {
		if (argv[1][0] == '-')
			usage();
		src = argv[1];
		syms = read_syms(src, &elf, &count);
		ents = make_entries(src, syms, count, &nents);
	}

	out_path = argv[2];
	f = fopen(out_path, "w");
	if (!f) {
		out_path = NULL;
		die("%s: %s", argv[2], strerror(errno));
	}
	write_asm(f, src, ents, nents);
	if (ferror(f) | fclose(f))
		die("%s: write error", argv[2]);

	free(ents);
	free(syms);
	if (elf)
		elf_end(elf);
	return 0;
}
