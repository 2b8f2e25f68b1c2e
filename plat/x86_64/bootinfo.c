/* SPDX-License-Identifier: MIT */
/*
 * Boot information: PVH hvm_start_info and Multiboot2 info, reduced to
 * struct bootinfo. Also the boot page allocator, which hands out pages
 * from the top of usable RAM until lib/mm takes the rest.
 *
 * RAM below 1 MiB is left alone (BIOS data, the loader's tables), as is
 * the image itself and the initrd. Everything read here came from the
 * loader: bad values are clipped and reported, not trusted.
 */
#include <pith/bootinfo.h>
#include <pith/compiler.h>
#include <pith/plat.h>
#include <pith/printk.h>

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr, size, cmdline_paddr, reserved;
};

struct hvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

#define HVM_START_MAGIC	0x336ec578
#define E820_RAM	1

struct mb2_tag {
	uint32_t type, size;
};

#define MB2_TAG_END	0
#define MB2_TAG_CMDLINE	1
#define MB2_TAG_MODULE	3
#define MB2_TAG_MMAP	6
#define MB2_TAG_ACPI1	14
#define MB2_TAG_ACPI2	15

static struct bootinfo bi = { .cmdline = "" };
static uint64_t bootmem_top;	/* pages below this, down to bootmem_floor */
static uint64_t bootmem_floor;
static int bootmem_closed;
/* Raw PVH/Multiboot info may sit anywhere; keep one copy of the command
 * line inside the image. */
static char cmdline_buf[2048];

const struct bootinfo *bootinfo_get(void)
{
	return &bi;
}

static void add_ram(uint64_t start, uint64_t end)
{
	start = ALIGN_UP(start, 4096);
	end = ALIGN_DOWN(end, 4096);
	if (start < 0x100000)
		start = 0x100000;
	if (end <= start)
		return;
	if (bi.nr_ram == BOOT_MAX_RAM_RANGES) {
		pr_warn("boot: more than %d RAM ranges, ignoring [%#lx-%#lx)\n",
			BOOT_MAX_RAM_RANGES, (unsigned long)start,
			(unsigned long)end);
		return;
	}
	bi.ram[bi.nr_ram++] = (struct boot_range){ start, end };
}

static void set_cmdline(const char *s)
{
	size_t i;

	for (i = 0; s && s[i] && i < sizeof(cmdline_buf) - 1; i++)
		cmdline_buf[i] = s[i];
	cmdline_buf[i] = 0;
	if (s && s[i])
		pr_warn("boot: command line longer than %zu bytes, cut\n",
			sizeof(cmdline_buf) - 1);
	bi.cmdline = cmdline_buf;
}

static void parse_pvh(const struct hvm_start_info *si)
{
	if (si->magic != HVM_START_MAGIC) {
		pr_err("boot: bad PVH start_info magic %#x\n", si->magic);
		return;
	}
	if (si->cmdline_paddr)
		set_cmdline((const char *)(uintptr_t)si->cmdline_paddr);
	bi.rsdp = si->rsdp_paddr;
	if (si->nr_modules && si->modlist_paddr) {
		const struct hvm_modlist_entry *m =
			(const void *)(uintptr_t)si->modlist_paddr;
		bi.initrd_start = m->paddr;
		bi.initrd_size = m->size;
	}
	if (si->version < 1 || !si->memmap_paddr) {
		pr_err("boot: PVH start_info without a memory map\n");
		return;
	}
	const struct hvm_memmap_entry *e =
		(const void *)(uintptr_t)si->memmap_paddr;
	for (uint32_t i = 0; i < si->memmap_entries; i++)
		if (e[i].type == E820_RAM)
			add_ram(e[i].addr, e[i].addr + e[i].size);
}

static void parse_mb2_mmap(const struct mb2_tag *t)
{
	const uint32_t *p = (const uint32_t *)(t + 1);
	uint32_t entry_size = p[0];
	const char *e = (const char *)(p + 2);
	const char *end = (const char *)t + t->size;

	if (entry_size < 24)
		return;
	for (; e + 24 <= end; e += entry_size) {
		const struct hvm_memmap_entry *m = (const void *)e;

		if (m->type == E820_RAM)
			add_ram(m->addr, m->addr + m->size);
	}
}

static void parse_mb2(const uint8_t *info)
{
	uint32_t total = *(const uint32_t *)info;
	const uint8_t *p = info + 8, *end = info + total;

	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *t = (const void *)p;

		if (t->type == MB2_TAG_END || t->size < 8)
			break;
		if (t->type == MB2_TAG_CMDLINE)
			set_cmdline((const char *)(t + 1));
		else if (t->type == MB2_TAG_MMAP)
			parse_mb2_mmap(t);
		else if (t->type == MB2_TAG_MODULE && !bi.initrd_size) {
			const uint32_t *m = (const uint32_t *)(t + 1);

			bi.initrd_start = m[0];
			bi.initrd_size = m[1] - m[0];
		} else if (t->type == MB2_TAG_ACPI1 || t->type == MB2_TAG_ACPI2)
			bi.rsdp = (uintptr_t)(t + 1);
		p += ALIGN_UP(t->size, 8);
	}
}

static void sort_ram(void)
{
	for (int i = 1; i < bi.nr_ram; i++)
		for (int j = i; j > 0 && bi.ram[j].start < bi.ram[j - 1].start;
		     j--) {
			struct boot_range t = bi.ram[j];

			bi.ram[j] = bi.ram[j - 1];
			bi.ram[j - 1] = t;
		}
}

/* Remove [start, end) from the RAM ranges (the image, the initrd). */
static void reserve(uint64_t start, uint64_t end)
{
	start = ALIGN_DOWN(start, 4096);
	end = ALIGN_UP(end, 4096);
	for (int i = 0; i < bi.nr_ram; i++) {
		struct boot_range *r = &bi.ram[i];

		if (end <= r->start || start >= r->end)
			continue;
		if (start > r->start && end < r->end) {
			/* Split; the tail goes at the end, then re-sort. */
			if (bi.nr_ram < BOOT_MAX_RAM_RANGES)
				bi.ram[bi.nr_ram++] =
					(struct boot_range){ end, r->end };
			r->end = start;
		} else if (start <= r->start) {
			r->start = MIN(end, r->end);
		} else {
			r->end = start;
		}
	}
	sort_ram();
}

void bootinfo_parse(int protocol, uintptr_t info)
{
	bi.protocol = protocol;
	if (protocol == BOOT_PROTO_PVH)
		parse_pvh((const void *)info);
	else if (protocol == BOOT_PROTO_MB2)
		parse_mb2((const void *)info);
	else
		pr_err("boot: unknown boot protocol, no memory map\n");
	sort_ram();
	reserve((uintptr_t)__image_start, (uintptr_t)__image_end);
	if (bi.initrd_size)
		reserve(bi.initrd_start, bi.initrd_start + bi.initrd_size);
	for (int i = 0; i < bi.nr_ram; i++)
		if (bi.ram[i].end > bi.ram_top)
			bi.ram_top = bi.ram[i].end;
	/* Boot pages come from the top of the lowest range above the image,
	 * which stays inside the early 4 GiB identity map. */
	for (int i = 0; i < bi.nr_ram; i++) {
		if (bi.ram[i].end <= 0x100000000ull &&
		    bi.ram[i].end - bi.ram[i].start >= 16 * 4096) {
			bootmem_top = bi.ram[i].end;
			bootmem_floor = bi.ram[i].start;
		}
	}
}

uintptr_t bootmem_alloc_page(void)
{
	if (bootmem_closed || bootmem_top - 4096 < bootmem_floor)
		panic("boot: out of boot memory for page tables\n");
	bootmem_top -= 4096;
	__builtin_memset((void *)(uintptr_t)bootmem_top, 0, 4096);
	return bootmem_top;
}

void bootmem_take(void (*cb)(uint64_t start, uint64_t end, void *arg),
		  void *arg)
{
	bootmem_closed = 1;
	for (int i = 0; i < bi.nr_ram; i++) {
		uint64_t s = bi.ram[i].start, e = bi.ram[i].end;

		if (s == bootmem_floor && bootmem_top)
			e = bootmem_top;
		if (e > s)
			cb(s, e, arg);
	}
}
