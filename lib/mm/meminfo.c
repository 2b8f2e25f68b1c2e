/* SPDX-License-Identifier: MIT */
/*
 * meminfo_dump(): every lib/mm counter on the console, for people; tests
 * and benchmarks read the same numbers through the *_get_stats calls.
 */
#include <pith/slab.h>
#include "mm_internal.h"

static void meminfo_pages(void)
{
	struct page_alloc_stats st;
	char line[16 * (MAX_PAGE_ORDER + 1) + 1];
	size_t n = 0;

	page_alloc_get_stats(&st);
	pr_info("mm: pages managed %lu free %lu hot %lu untouched-blocks %lu memmap %zu bytes\n",
		st.managed_pages, st.free_pages, st.hot_pages,
		st.untouched_blocks, st.memmap_bytes);
	pr_info("mm: watermarks min %lu low %lu high %lu; allocs %lu frees %lu failures %lu lowmem-rounds %lu bad-frees %lu\n",
		st.wmark_min, st.wmark_low, st.wmark_high, st.allocs,
		st.frees, st.failures, st.lowmem_calls, st.bad_frees);
	line[0] = '\0';
	for (unsigned int o = 0; o <= MAX_PAGE_ORDER && n < sizeof(line); o++)
		n += (size_t)mm_snprintf(line + n, sizeof(line) - n, " %lu",
					 st.free_blocks[o]);
	pr_info("mm: free blocks by order 0..%d:%s\n", MAX_PAGE_ORDER, line);
}

static void meminfo_cache(struct kmem_cache *c, void *arg)
{
	struct kmem_cache_stats st;

	(void)arg;
	kmem_cache_get_stats(c, &st);
	pr_info("slab %s: obj %zu slot %zu order %u per-slab %u active %lu total %lu slabs %lu (partial %lu full %lu free %lu) errors %lu\n",
		st.name, st.object_size, st.slot_size, st.order,
		st.objects_per_slab, st.active_objs, st.total_objs, st.slabs,
		st.partial_slabs, st.full_slabs, st.free_slabs, st.errors);
}

void meminfo_dump(void)
{
	struct kmalloc_stats ks;
	struct vm_stats vs;

	meminfo_pages();
	kmem_cache_for_each(meminfo_cache, NULL);
	kmalloc_get_stats(&ks);
	pr_info("kmalloc: allocs %lu frees %lu requested %lu allocated %lu live %lu large %lu bad-frees %lu\n",
		ks.allocs, ks.frees, ks.bytes_requested, ks.bytes_allocated,
		ks.bytes_live, ks.large_allocs, ks.bad_frees);
	vm_get_stats(&vs);
	pr_info("vm: regions %lu pages %lu; misuse reports %lu\n", vs.regions,
		vs.pages, mm_error_count());
}
