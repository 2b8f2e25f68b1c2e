/* SPDX-License-Identifier: MIT */
/*
 * lib/mm private header: do not include from outside lib/mm.
 *
 * What both kmalloc backends (kmalloc.c: slab size classes,
 * kmalloc_bump.c: region) share, implemented in kmalloc_common.c:
 * counters, requests too big for a size class (whole pages, the head
 * marked PG_large), and the report of a bad kfree.
 */
#ifndef MM_KMALLOC_INTERNAL_H
#define MM_KMALLOC_INTERNAL_H

#include "mm_internal.h"

/*
 * Updated with mm_stat_add: kmalloc runs in interrupts too. The slab
 * backend counts only bytes_requested here and leaves the rest to its
 * caches' counters (see kmalloc_backend_stats), to keep its fast path
 * short.
 */
extern struct kmalloc_stats kmalloc_ctr;

/* Add the counters the backend keeps itself to st. */
void kmalloc_backend_stats(struct kmalloc_stats *st);

static inline void kmalloc_account_alloc(size_t requested, size_t given)
{
	mm_stat_add(&kmalloc_ctr.allocs, 1);
	mm_stat_add(&kmalloc_ctr.bytes_requested, requested);
	mm_stat_add(&kmalloc_ctr.bytes_allocated, given);
	mm_stat_add(&kmalloc_ctr.bytes_live, given);
}

static inline void kmalloc_account_free(size_t given)
{
	mm_stat_add(&kmalloc_ctr.frees, 1);
	mm_stat_sub(&kmalloc_ctr.bytes_live, given);
}

/* Whole pages for size > KMALLOC_MAX_CACHE_SIZE; NULL on failure. */
void *kmalloc_large(size_t size, gfp_t gfp);
/* kfree of a pointer that is no slab object (or bump object): frees it
 * when it is a large kmalloc, else reports it. */
void kmalloc_free_other(const void *p, void *caller);
/* ksize of such a pointer: the block size, or 0 after a report. */
size_t kmalloc_ksize_other(const void *p, void *caller);
/* Report a pointer kmalloc did not hand out, and count it. */
void kmalloc_report(const void *p, void *caller, const char *what);
/* The generic part of krealloc: allocate, copy, free. */
void *kmalloc_move(const void *p, size_t old, size_t new_size, gfp_t gfp);

#endif
