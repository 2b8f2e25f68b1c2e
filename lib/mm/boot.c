/* SPDX-License-Identifier: MIT */
/*
 * lib/mm's start at the early init level: take every RAM range the
 * platform's boot allocator has not used, become the page-table page
 * allocator, name guard pages in fault reports and back lazy regions'
 * pages on their first touch.
 */
#include <pith/bootinfo.h>
#include <pith/init.h>
#include <pith/mm.h>
#include <pith/paging.h>
#include <pith/printk.h>
#include <pith/trap.h>

static void add_range(uint64_t start, uint64_t end, void *arg)
{
	int ret = page_alloc_add_range(start, end);

	if (ret)
		pr_err("mm: RAM range [%#lx-%#lx) refused: %d\n",
		       (unsigned long)start, (unsigned long)end, ret);
}

static uintptr_t pgtable_page(void)
{
	return __get_free_pages(GFP_ATOMIC | __GFP_ZERO, 0);
}

static int mm_boot(void)
{
	const struct bootinfo *bi = bootinfo_get();
	int ret;

	if (!bi->nr_ram)
		panic("mm: no usable RAM in the boot memory map\n");
	ret = page_alloc_init(bi->ram[0].start, bi->ram_top);
	if (ret)
		panic("mm: page_alloc_init failed: %d\n", ret);
	bootmem_take(add_range, NULL);
	paging_set_page_allocator(pgtable_page);
	trap_add_describe(vm_describe_fault);
	trap_set_fault_fixup(vm_handle_fault);
	pr_debug("mm: %lu pages free\n", nr_free_pages());
	return 0;
}
early_initcall(mm_boot);
