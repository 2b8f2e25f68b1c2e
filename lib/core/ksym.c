/* SPDX-License-Identifier: MIT */
/*
 * Symbol lookup in the table that tools/symtab writes into the image
 * (sorted by address; see <pith/ksym.h>).
 */
#include <pith/ksym.h>
#include <pith/printk.h>
#include <pith/string.h>

struct ksym {
	uint64_t addr;
	uint32_t size;
	uint32_t name;
};

extern const uint64_t ksym_count;
extern const struct ksym ksym_table[];
extern const char ksym_names[];

const char *ksym_lookup(uintptr_t addr, uintptr_t *offset, uintptr_t *size)
{
	uint64_t lo = 0, hi = ksym_count;

	/* The last entry whose address is <= addr. */
	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;

		if (ksym_table[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	const struct ksym *s = &ksym_table[lo - 1];

	if (addr >= s->addr + s->size)
		return NULL;
	if (offset)
		*offset = addr - s->addr;
	if (size)
		*size = s->size;
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
		if (!kstrcmp(&ksym_names[ksym_table[i].name], name))
			return ksym_table[i].addr;
	return 0;
}
