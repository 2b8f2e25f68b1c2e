/* SPDX-License-Identifier: MIT */
/*
 * Final page tables, built once at boot from the RAM map (the entry code's
 * 4 GiB identity map only gets us here). Large pages (1 GiB when the CPU
 * has them, else 2 MiB) for RAM; 4 KiB pages for the first 2 MiB (page 0
 * stays unmapped), the image (per-section permissions), guard pages, MMIO
 * and the VM window.
 */
#include <pith/bootinfo.h>
#include <pith/compiler.h>
#include <pith/cpu.h>
#include <pith/errno.h>
#include <pith/io.h>
#include <pith/irqflags.h>
#include <pith/paging.h>
#include <pith/plat.h>
#include <pith/printk.h>
#include <pith/trap.h>
#include "x86.h"

#define PTE_P		(1ull << 0)
#define PTE_W		(1ull << 1)
#define PTE_PWT		(1ull << 3)
#define PTE_PCD		(1ull << 4)
#define PTE_PS		(1ull << 7)
#define PTE_G		(1ull << 8)
#define PTE_NX		(1ull << 63)
#define PTE_ADDR	0x000ffffffffff000ull

#define SZ_2M		0x200000ull
#define SZ_1G		0x40000000ull

static uint64_t *pml4;
static uint64_t nx_bit;
static uintptr_t (*page_alloc)(void) = bootmem_alloc_page;

extern char boot_stack_guard[];

void paging_set_page_allocator(uintptr_t (*alloc)(void))
{
	page_alloc = alloc;
}

static inline unsigned int idx(uintptr_t va, int level)
{
	return (va >> (12 + 9 * level)) & 511;
}

/* The table that the entry at 'level' points to, made if missing. A
 * large page in the way is split, keeping its mapping and flags. */
static uint64_t *next_table(uint64_t *table, uintptr_t va, int level)
{
	uint64_t *e = &table[idx(va, level)];

	if (!(*e & PTE_P) || (*e & PTE_PS)) {
		uintptr_t page = page_alloc();
		uint64_t old = *e;

		if (!page)
			return NULL;
		if (old & PTE_P) {
			uint64_t step = 1ull << (12 + 9 * (level - 1));
			uint64_t fl = old & ~PTE_ADDR & ~(level == 1 ? PTE_PS : 0);
			uint64_t *t = (uint64_t *)page;

			fl |= old & PTE_NX;
			for (int i = 0; i < 512; i++)
				t[i] = ((old & PTE_ADDR & ~(step * 512 - 1)) +
					i * step) | fl;
		}
		*e = page | PTE_P | PTE_W;
	}
	return (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
}

/* PROT_NONE (vmprot 0) pages keep their frame but are not present, so
 * any access faults: x86 has no present-but-inaccessible page. */
static uint64_t prot_flags(unsigned int vmprot)
{
	uint64_t f = vmprot ? PTE_P : 0;

	if (vmprot & VM_WRITE)
		f |= PTE_W;
	if (!(vmprot & VM_EXEC))
		f |= nx_bit;
	return f;
}

/* Map [va, va+len) to pa with the largest pages alignment allows. */
static int map_range(uintptr_t va, uint64_t pa, uint64_t len, uint64_t fl)
{
	while (len) {
		uint64_t *t = pml4;
		int level = 3;

		for (; level > 0; level--) {
			uint64_t sz = 1ull << (12 + 9 * level);

			if (level <= 2 && !((va | pa) & (sz - 1)) && len >= sz &&
			    (level == 1 || cpu_has(X86_FEATURE_PDPE1GB)))
				break;
			t = next_table(t, va, level);
			if (!t)
				return -ENOMEM;
		}
		uint64_t sz = 1ull << (12 + 9 * level);

		t[idx(va, level)] = pa | fl | (level ? PTE_PS : 0);
		va += sz;
		pa += sz;
		len -= sz;
	}
	return 0;
}

static uint64_t *pte_of(uintptr_t va)
{
	uint64_t *t = pml4;

	for (int level = 3; level > 0; level--) {
		uint64_t e = t[idx(va, level)];

		if (!(e & PTE_P))
			return NULL;
		if (e & PTE_PS)
			return &t[idx(va, level)];
		t = (uint64_t *)(uintptr_t)(e & PTE_ADDR);
	}
	return &t[idx(va, 0)];
}

bool paging_is_mapped(uintptr_t va)
{
	uint64_t *e;

	if (va >= 0x0000800000000000ull && va < 0xffff800000000000ull)
		return false;	/* non-canonical */
	e = pml4 ? pte_of(va) : NULL;
	return pml4 ? e && (*e & PTE_P) : va < 0x100000000ull;
}

bool paging_is_writable(uintptr_t va)
{
	uint64_t *t = pml4;

	if (!pml4 || (va >= 0x0000800000000000ull &&
		      va < 0xffff800000000000ull))
		return false;
	for (int level = 3; level >= 0; level--) {
		uint64_t e = t[idx(va, level)];

		if ((e & (PTE_P | PTE_W)) != (PTE_P | PTE_W))
			return false;
		if (!level || (e & PTE_PS))
			return true;
		t = (uint64_t *)(uintptr_t)(e & PTE_ADDR);
	}
	return false;
}

int arch_map_page(uintptr_t va, uintptr_t pa, unsigned int vmprot)
{
	unsigned long flags;
	int ret;

	if ((va | pa) & (PAGE_SIZE - 1))
		return -EINVAL;
	flags = local_irq_save();
	ret = map_range(va, pa, PAGE_SIZE, prot_flags(vmprot));
	local_irq_restore(flags);
	invlpg(va);
	return ret;
}

void arch_unmap_page(uintptr_t va)
{
	unsigned long flags = local_irq_save();
	uint64_t *t = pml4;

	/* Walk with splitting, so a page inside a large page unmaps alone. */
	for (int level = 3; level > 0 && t; level--)
		t = next_table(t, va, level);
	if (t)
		t[idx(va, 0)] = 0;
	local_irq_restore(flags);
	invlpg(va);
}

int arch_protect_page(uintptr_t va, unsigned int vmprot)
{
	uint64_t *e = pte_of(va);

	if (!e || (*e & PTE_PS))
		return -EINVAL;
	*e = (*e & PTE_ADDR) | prot_flags(vmprot);
	invlpg(va);
	return 0;
}

void *ioremap(uintptr_t pa, uintptr_t len)
{
	uintptr_t start = ALIGN_DOWN(pa, PAGE_SIZE);
	uintptr_t end = ALIGN_UP(pa + len, PAGE_SIZE);

	for (uintptr_t a = start; a < end; a += PAGE_SIZE) {
		uint64_t *e = pte_of(a);

		if (e && (*e & PTE_P) && (*e & PTE_PCD))
			continue;
		if (map_range(a, a, PAGE_SIZE, PTE_P | PTE_W | PTE_PCD |
					       PTE_PWT | nx_bit))
			panic("ioremap: out of page-table pages\n");
		invlpg(a);
	}
	return (void *)pa;
}

static void map_image(void)
{
	uintptr_t img = (uintptr_t)__image_start;
	uint64_t rw = PTE_P | PTE_W | PTE_G | nx_bit;

	/* Below the image: page 0 unmapped, the rest (BIOS tables, the
	 * loader's structures) read-write data. */
	map_range(PAGE_SIZE, PAGE_SIZE, img - PAGE_SIZE, rw);
	map_range(img, img, (uintptr_t)__text_start - img,
		  PTE_P | PTE_G | nx_bit);
	map_range((uintptr_t)__text_start, (uintptr_t)__text_start,
		  (uintptr_t)__text_end - (uintptr_t)__text_start,
		  PTE_P | PTE_G);
	map_range((uintptr_t)__rodata_start, (uintptr_t)__rodata_start,
		  (uintptr_t)__rodata_end - (uintptr_t)__rodata_start,
		  PTE_P | PTE_G | nx_bit);
	map_range((uintptr_t)__data_start, (uintptr_t)__data_start,
		  (uintptr_t)__image_end - (uintptr_t)__data_start, rw);
}

static bool boot_stack_describe(uintptr_t addr, char *buf, size_t len)
{
	uintptr_t g = (uintptr_t)boot_stack_guard;

	if (addr < g || addr >= g + PAGE_SIZE)
		return false;
	ksnprintf(buf, len, "stack overflow in the boot stack (guard page %#lx)",
		  (unsigned long)g);
	return true;
}

void paging_init(void)
{
	const struct bootinfo *bi = bootinfo_get();
	uint64_t rw;

	nx_bit = cpu_has(X86_FEATURE_NX) ? PTE_NX : 0;
	rw = PTE_P | PTE_W | PTE_G | nx_bit;
	pml4 = (uint64_t *)bootmem_alloc_page();
	map_image();
	for (int i = 0; i < bi->nr_ram; i++)
		map_range(bi->ram[i].start, bi->ram[i].start,
			  bi->ram[i].end - bi->ram[i].start, rw);
	if (bi->initrd_size)
		map_range(ALIGN_DOWN(bi->initrd_start, PAGE_SIZE),
			  ALIGN_DOWN(bi->initrd_start, PAGE_SIZE),
			  ALIGN_UP(bi->initrd_start + bi->initrd_size,
				   PAGE_SIZE) -
			  ALIGN_DOWN(bi->initrd_start, PAGE_SIZE), rw);
	write_cr3((uintptr_t)pml4);
	arch_unmap_page((uintptr_t)boot_stack_guard);
	trap_add_describe(boot_stack_describe);
}
