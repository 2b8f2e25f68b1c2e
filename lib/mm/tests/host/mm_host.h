/* SPDX-License-Identifier: MIT */
/*
 * Host-test environment for lib/mm: interrupt masking that only records
 * its state, fake page tables, the lib/mm sources built in (unity build),
 * and "RAM" from mmap.
 *
 * Interface (in a *_test.c, after #include "hosttest.h"):
 *   #define MM_HOST_BUMP            before this header: the bump kmalloc
 *   #include "mm_host.h"
 *   base = mm_host_setup(len, head, tail)   fresh allocator over
 *                                   [base + head, base + len - tail)
 *   mm_host_pages_free()            free pages after draining the hot list
 *   fake_pt_lookup(va, &pa, &prot)  what the fake page tables map at va
 *
 * CONFIG_LIBMM_SLAB_DEBUG comes from the test's hosttest-cflags line.
 */
#ifndef MM_HOST_H
#define MM_HOST_H

#include <stdbool.h>
#include <sys/mman.h>
#include <pith/errno.h>
#include <pith/mm.h>

#define HOST_UNUSED __attribute__((unused))

/* ---- interrupt masking: record, so tests can check it is balanced ---- */

static int host_irq_off;
static unsigned long host_irq_saves;

static inline unsigned long local_irq_save(void)
{
	unsigned long f = (unsigned long)host_irq_off;

	host_irq_off = 1;
	host_irq_saves++;
	return f;
}

static inline void local_irq_restore(unsigned long f)
{
	host_irq_off = (int)f;
}

/* ---- fake page tables: a hash of va -> (pa, prot) ---- */

#define FAKE_PT_SLOTS	(1u << 16)
#define FAKE_PT_TABLES	1024

struct fake_pte {
	uintptr_t va, pa;
	unsigned int prot;
	int state;		/* 0 empty, 1 used, 2 deleted */
};

static struct fake_pte fake_pt[FAKE_PT_SLOTS];
static unsigned long fake_pt_mapped;
static long fake_map_fail_in = -1;	/* fail the n-th next map (0: next) */
static uintptr_t fake_tables[FAKE_PT_TABLES];	/* 2 MiB slots with a table */
static unsigned int fake_nr_tables;

static struct fake_pte *fake_pt_find(uintptr_t va, bool for_insert)
{
	unsigned int i = (unsigned int)(va >> PAGE_SHIFT) & (FAKE_PT_SLOTS - 1);

	for (unsigned int n = 0; n < FAKE_PT_SLOTS; n++) {
		struct fake_pte *e = &fake_pt[(i + n) & (FAKE_PT_SLOTS - 1)];

		if (e->state == 1 && e->va == va)
			return e;
		if (e->state == 0 || (for_insert && e->state == 2))
			return for_insert ? e : NULL;
	}
	return NULL;
}

/* Real page tables need table pages: take one per new 2 MiB slot. */
static int fake_pt_table(uintptr_t va)
{
	uintptr_t slot = va >> 21;

	for (unsigned int i = 0; i < fake_nr_tables; i++)
		if (fake_tables[i] == slot)
			return 0;
	if (fake_nr_tables == FAKE_PT_TABLES || !get_free_page(GFP_KERNEL))
		return -ENOMEM;
	fake_tables[fake_nr_tables++] = slot;
	return 0;
}

int arch_map_page(uintptr_t va, uintptr_t pa, unsigned int vmprot)
{
	struct fake_pte *e;

	if (fake_map_fail_in == 0) {
		fake_map_fail_in = -1;
		return -ENOMEM;
	}
	if (fake_map_fail_in > 0)
		fake_map_fail_in--;
	if ((va & ~PAGE_MASK) || (pa & ~PAGE_MASK) || fake_pt_find(va, false))
		abort();	/* lib/mm must never do this */
	if (fake_pt_table(va))
		return -ENOMEM;
	e = fake_pt_find(va, true);
	*e = (struct fake_pte){ va, pa, vmprot, 1 };
	fake_pt_mapped++;
	return 0;
}

void arch_unmap_page(uintptr_t va)
{
	struct fake_pte *e = fake_pt_find(va, false);

	if (!e)
		abort();	/* unmapping what is not mapped */
	e->state = 2;
	fake_pt_mapped--;
}

int arch_protect_page(uintptr_t va, unsigned int vmprot)
{
	struct fake_pte *e = fake_pt_find(va, false);

	if (!e)
		return -EINVAL;
	e->prot = vmprot;
	return 0;
}

static HOST_UNUSED bool fake_pt_lookup(uintptr_t va, uintptr_t *pa,
				       unsigned int *prot)
{
	struct fake_pte *e = fake_pt_find(va, false);

	if (!e)
		return false;
	*pa = e->pa;
	*prot = e->prot;
	return true;
}

/* ---- the code under test ---- */

#include "../../page_alloc.c"
#include "../../slab.c"
#ifdef CONFIG_LIBMM_SLAB_DEBUG
#include "../../slab_debug.c"
#endif
#include "../../kmalloc_common.c"
#ifdef MM_HOST_BUMP
#include "../../kmalloc_bump.c"
#else
#include "../../kmalloc.c"
#endif
#include "../../vm.c"
#include "../../meminfo.c"

/* ---- RAM and state ---- */

#define HOST_BLOCK	(PAGE_SIZE << MAX_PAGE_ORDER)

static void *host_map;
static size_t host_map_len;

static void mm_host_reset(void)
{
	memset(&pa, 0, sizeof(pa));
	INIT_LIST_HEAD(&pa.hooks);
	memset(&mm_memmap, 0, sizeof(mm_memmap));
	mm_errors = 0;
	memset(&slab_state, 0, sizeof(slab_state));
	INIT_LIST_HEAD(&slab_caches);
	memset(&km, 0, sizeof(km));
	memset(&kmalloc_ctr, 0, sizeof(kmalloc_ctr));
	memset(&vm, 0, sizeof(vm));
	INIT_LIST_HEAD(&vm.regions);
	memset(fake_pt, 0, sizeof(fake_pt));
	fake_pt_mapped = 0;
	fake_map_fail_in = -1;
	fake_nr_tables = 0;
	host_irq_off = 0;
}

static void mm_host_unmap(void)
{
	if (host_map)
		munmap(host_map, host_map_len);
	host_map = NULL;
}

__attribute__((destructor)) static void mm_host_fini(void)
{
	mm_host_unmap();
}

/* A block-aligned area of len bytes (not touched: MAP_NORESERVE). */
static HOST_UNUSED uintptr_t mm_host_ram(size_t len)
{
	mm_host_unmap();
	host_map_len = len + HOST_BLOCK;
	host_map = mmap(NULL, host_map_len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host_map == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	mm_host_reset();
	return ALIGN_UP((uintptr_t)host_map, HOST_BLOCK);
}

/* A fresh allocator over [base + head, base + len - tail). */
static HOST_UNUSED uintptr_t mm_host_setup(size_t len, size_t head,
					   size_t tail)
{
	uintptr_t base = mm_host_ram(len);

	if (page_alloc_init(base, base + len) ||
	    page_alloc_add_range(base + head, base + len - tail)) {
		fprintf(stderr, "mm_host_setup failed\n");
		exit(2);
	}
	return base;
}

static HOST_UNUSED unsigned long mm_host_pages_free(void)
{
	page_alloc_drain();
	return nr_free_pages();
}

static HOST_UNUSED void mm_host_free_vector(unsigned long *v)
{
	struct page_alloc_stats st;

	page_alloc_drain();
	page_alloc_get_stats(&st);
	memcpy(v, st.free_blocks, sizeof(st.free_blocks));
}

/* xorshift64*: a seeded generator, so failures repeat */
static uint64_t host_rng_state = 0x9e3779b97f4a7c15ULL;

static HOST_UNUSED void host_srand(uint64_t seed)
{
	host_rng_state = seed ? seed : 1;
}

static HOST_UNUSED uint64_t host_rand(void)
{
	host_rng_state ^= host_rng_state >> 12;
	host_rng_state ^= host_rng_state << 25;
	host_rng_state ^= host_rng_state >> 27;
	return host_rng_state * 0x2545f4914f6cdd1dULL;
}

#endif
