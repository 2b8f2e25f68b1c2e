/* SPDX-License-Identifier: MIT */
/*
 * Slab caches: many objects of one size carved from 2^k-page slabs, with
 * the free objects chained through a pointer stored in them.
 *
 * Interface:
 *   c = kmem_cache_create("conn", sizeof(struct conn), 0, 0, conn_ctor);
 *   p = kmem_cache_alloc(c, GFP_KERNEL);   constructed by conn_ctor once,
 *   kmem_cache_free(c, p);                 when its slab was made: give
 *                                          objects back in that state
 *   kmem_cache_shrink(c);                  return idle slabs to the pages
 *   kmem_cache_destroy(c);                 refused while objects are live
 *
 * kmem_cache_alloc/kmem_cache_free may be called from interrupt context
 * with GFP_ATOMIC. With CONFIG_LIBMM_SLAB_DEBUG, free objects are poisoned
 * (unless the cache has a constructor) and followed by a red zone; double
 * frees, writes after free and overruns are reported with pr_err (cache,
 * object, caller) and a bad free is refused.
 */
#ifndef PITH_SLAB_H
#define PITH_SLAB_H

#include <stddef.h>
#include <pith/mm.h>

struct kmem_cache;

/* kmem_cache_create flags */
#define SLAB_HWCACHE_ALIGN	0x1u	/* align objects to cache lines */

#define KMEM_CACHE_NAME_LEN	24	/* longer names are truncated */
#define SLAB_MAX_ORDER		3	/* slabs are at most 8 pages */

/*
 * Create a cache of size-byte objects aligned to align (0: 8 bytes; a
 * power of two otherwise). ctor, when given, runs once per object when
 * its slab is created. Returns NULL on bad arguments or no memory. May
 * block.
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     size_t align, unsigned int flags,
				     void (*ctor)(void *));
/* Destroy an empty cache; with objects still live it reports the leak
 * and keeps the cache. May block. */
void kmem_cache_destroy(struct kmem_cache *c);
/* An object or NULL. IRQ-safe with GFP_ATOMIC. */
void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp);
/* Give obj back; NULL is a no-op; an object not from c is reported and
 * ignored. IRQ-safe. */
void kmem_cache_free(struct kmem_cache *c, void *obj);
/* Return every idle slab to the page allocator; returns pages freed. */
unsigned long kmem_cache_shrink(struct kmem_cache *c);
const char *kmem_cache_name(const struct kmem_cache *c);

struct kmem_cache_stats {
	const char *name;
	size_t object_size;	/* as created */
	size_t slot_size;	/* stride in the slab, with any debug data */
	unsigned int order;	/* slab order */
	unsigned int objects_per_slab;
	unsigned long active_objs, total_objs;
	unsigned long slabs, partial_slabs, full_slabs, free_slabs;
	unsigned long allocs, frees;
	unsigned long ctor_calls;
	unsigned long errors;	/* misuse reports against this cache */
};
void kmem_cache_get_stats(const struct kmem_cache *c,
			  struct kmem_cache_stats *st);
/* Call fn for every cache (kmalloc's included), in creation order. */
void kmem_cache_for_each(void (*fn)(struct kmem_cache *c, void *arg),
			 void *arg);

#endif
