/* SPDX-License-Identifier: MIT */
/*
 * Symbol lookup in the table that tools/symtab writes into the image.
 *
 * Entries are 8 bytes, strictly ascending: a 32-bit offset from ksym_base
 * and a name offset into ksym_names. An entry's function runs up to the
 * next entry; entries with name offset 0 (the empty name) mark gaps, code
 * that no function symbol covers, and a nonempty table ends with one.
 * See <pith/ksym.h> and tools/symtab.c.
 */
#include <pith/ksym.h>
#include <pith/printk.h>
#include <pith/string.h>

struct ksym {
	uint32_t addr;		/* minus ksym_base */
	uint32_t name;		/* into ksym_names; 0: a gap */
};

extern const uint64_t ksym_base;
extern const uint64_t ksym_count;
extern const struct ksym ksym_table[];
extern const char ksym_names[];

const char *ksym_lookup(uintptr_t addr, uintptr_t *offset, uintptr_t *size)
{
	uint64_t lo = 0, hi = ksym_count, rel;

	if (addr < ksym_base)
		return NULL;
	rel = addr - ksym_base;

	/* The last entry whose address is <= addr. */
	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;

		if (ksym_table[mid].addr <= rel)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* NOTE: the last entry is a gap, so a function always has a next. */
	if (!lo || lo == ksym_count || !ksym_table[lo - 1].name)
		return NULL;
	const struct ksym *s = &ksym_table[lo - 1];

	if (offset)
		*offset = rel - s->addr;
	if (size)
		*size = s[1].addr - s->addr;
	return &ksym_names[s->name];
}

void ksym_format(uintptr_t addr, char *buf, size_t len)
{
	uintptr_t off, size;
	const char *name = ksym_lookup(addr, &off, &size);

	if (name)
		ksnprintf(buf, len, "%s+%#lx/%#lx", name, (unsigned long)off,
			  (unsigned long)size);
	else
		ksnprintf(buf, len, "%#lx", (unsigned long)addr);
}

void ksym_format_ret(uintptr_t addr, char *buf, size_t len)
{
	uintptr_t off, size;
	const char *name = ksym_lookup(addr - 1, &off, &size);

	if (name)
		ksnprintf(buf, len, "%s+%#lx/%#lx", name,
			  (unsigned long)off + 1, (unsigned long)size);
	else
		ksnprintf(buf, len, "%#lx", (unsigned long)addr);
}

uintptr_t ksym_address(const char *name)
{
	for (uint64_t i = 0; i < ksym_count; i++)
		if (ksym_table[i].name &&
		    !kstrcmp(&ksym_names[ksym_table[i].name], name))
			return ksym_base + ksym_table[i].addr;
	return 0;
}
