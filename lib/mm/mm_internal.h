/* SPDX-License-Identifier: MIT */
/*
 * lib/mm private header: do not include from outside lib/mm.
 *
 * The frame-descriptor map the allocators share, the interrupt masking
 * they use, and the misuse counter.
 */
#ifndef MM_INTERNAL_H
#define MM_INTERNAL_H

#include <pith/errno.h>
#include <pith/mm.h>
#include <pith/printk.h>

#ifdef PITH_HOST_TEST
/* Host tests define local_irq_save()/local_irq_restore() first. */
#define mm_snprintf snprintf
#else
#include <pith/irqflags.h>
#define mm_snprintf ksnprintf
#endif

/*
 * One descriptor per frame of [base_pfn, base_pfn + nr_pages), a span
 * aligned to max-order blocks. A block's descriptors hold meaning only
 * once its bit in init_bits is set: blocks nobody has split yet are never
 * written, so boot does not touch the array.
 */
struct mm_memmap {
	struct page *pages;
	unsigned long base_pfn;
	unsigned long nr_pages;
	uint64_t *init_bits;
};

extern struct mm_memmap mm_memmap;
extern unsigned long mm_errors;

static inline unsigned long page_to_pfn(const struct page *page)
{
	return mm_memmap.base_pfn + (unsigned long)(page - mm_memmap.pages);
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return &mm_memmap.pages[pfn - mm_memmap.base_pfn];
}

static inline void *pfn_to_virt(unsigned long pfn)
{
	return (void *)(pfn << PAGE_SHIFT);
}

/* True when pfn is in the span and its descriptor is initialised. */
static inline bool mm_pfn_valid(unsigned long pfn)
{
	unsigned long i = pfn - mm_memmap.base_pfn;	/* wraps when below */

	if (i >= mm_memmap.nr_pages)
		return false;
	i >>= MAX_PAGE_ORDER;
	return (mm_memmap.init_bits[i / 64] >> (i % 64)) & 1;
}

/* The initialised descriptor of the frame holding addr, or NULL. */
static inline struct page *mm_lookup_page(const void *addr)
{
	unsigned long pfn = (uintptr_t)addr >> PAGE_SHIFT;

	return mm_pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;
}

/*
 * Add to a counter that interrupt handlers also update: a single
 * instruction is atomic against interrupts on this CPU, and cheaper than
 * masking them. (Not across CPUs: SMP will need per-CPU counters.)
 */
static inline void mm_stat_add(unsigned long *p, unsigned long v)
{
	__asm__ volatile("addq %1, %0" : "+m"(*p) : "er"(v));
}

static inline void mm_stat_sub(unsigned long *p, unsigned long v)
{
	__asm__ volatile("subq %1, %0" : "+m"(*p) : "er"(v));
}

/* Count one misuse report (the caller prints it). */
static inline void mm_count_error(void)
{
	__atomic_fetch_add(&mm_errors, 1, __ATOMIC_RELAXED);
}

#endif
