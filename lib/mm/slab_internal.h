/* SPDX-License-Identifier: MIT */
/*
 * lib/mm private header: do not include from outside lib/mm.
 *
 * The slab cache structure and the allocation fast paths, inline so that
 * kmalloc.c gets them without a call.
 *
 * A slab is a 2^order block from the page allocator. Its head descriptor
 * holds the cache (page->slab), the first free object (page->freelist)
 * and the number of objects handed out (page->inuse); every other page
 * of the slab is PG_slab | PG_tail with the slab order, so any object's
 * slab is found through virt_to_page. Each free object holds the address
 * of the next one at fp_offset.
 *
 * Field legend: [I] changed only with interrupts disabled.
 */
#ifndef MM_SLAB_INTERNAL_H
#define MM_SLAB_INTERNAL_H

#include <pith/slab.h>
#include "mm_internal.h"
#include "slab_debug.h"

#define CACHE_STATIC	0x100u	/* not from kmem_cache_create: keep it */

struct kmem_cache {
	struct list_head partial;	/* [I] slabs with free and used objs */
	struct list_head free;		/* [I] slabs with no object in use */
	unsigned int size;		/* slot stride */
	unsigned int fp_offset;		/* free pointer within a slot */
	unsigned int objects;		/* per slab */
	uint32_t recip;			/* ceil(2^32 / size) */
	unsigned int order;		/* slab order */
	unsigned int object_size;
	unsigned int align;
	unsigned int flags;		/* SLAB_* | CACHE_* */
	void (*ctor)(void *);
	struct list_head full;		/* [I] slabs with no free object */
	unsigned long nr_partial, nr_full, nr_free;	/* [I] slabs */
	unsigned long active, total;	/* [I] objects */
	unsigned long allocs;		/* [I] frees = allocs - active */
	unsigned long ctor_calls;	/* [I] */
	unsigned long errors;
	struct list_head list;		/* in slab_caches */
	char name[KMEM_CACHE_NAME_LEN];
};

extern struct list_head slab_caches;

/* Fill in a cache (static or from kmem_cache_create). 0 or -EINVAL. */
int slab_cache_setup(struct kmem_cache *c, const char *name, size_t size,
		     size_t align, unsigned int flags, void (*ctor)(void *));
/* Grow the cache by a slab and allocate from it. */
void *slab_alloc_slow(struct kmem_cache *c, gfp_t gfp, void *caller);
/* Give an idle slab back to the page allocator. */
void slab_release(struct kmem_cache *c, struct page *slab);
/* Slab list moves, out of the fast paths. All [I]. */
/* An idle slab moved to the partial list, or NULL. */
struct page *slab_use_idle(struct kmem_cache *c);
/* slab just handed out its last free object. */
void slab_now_full(struct kmem_cache *c, struct page *slab);
/* An object came back to a slab that was full or is now empty; returns
 * a slab to release when too many are idle. */
struct page *slab_now_partial_or_empty(struct kmem_cache *c,
				       struct page *slab, bool was_full);
/* Report misuse: pr_err with cache, object and caller; counts it. */
void slab_report(struct kmem_cache *c, const void *obj, void *caller,
		 const char *what);
void slab_count_error(struct kmem_cache *c);

static inline void *slab_get_fp(const struct kmem_cache *c, void *obj)
{
	return *(void **)((char *)obj + c->fp_offset);
}

static inline void slab_set_fp(const struct kmem_cache *c, void *obj,
			       void *next)
{
	*(void **)((char *)obj + c->fp_offset) = next;
}

/* Pop an object from the first partial (or idle) slab, or NULL. */
static inline void *slab_take(struct kmem_cache *c)
{
	unsigned long flags = local_irq_save();
	struct page *slab;
	void *obj = NULL;

	slab = list_first_entry_or_null(&c->partial, struct page, lru);
	if (unlikely(!slab))
		slab = slab_use_idle(c);
	if (likely(slab)) {
		obj = slab->freelist;
		slab->freelist = slab_get_fp(c, obj);
		if (unlikely(++slab->inuse == c->objects))
			slab_now_full(c, slab);
		c->active++;
		c->allocs++;
	}
	local_irq_restore(flags);
	return obj;
}

static inline void *slab_alloc(struct kmem_cache *c, gfp_t gfp, void *caller)
{
	void *obj;

	do {
		obj = slab_take(c);
		if (unlikely(!obj))
			return slab_alloc_slow(c, gfp, caller);
	} while (unlikely(!slab_debug_alloc(c, obj, caller)));
	if (gfp & __GFP_ZERO)
		__builtin_memset(obj, 0, c->object_size);
	return obj;
}

/*
 * The slab head of obj when obj is the start of a slot in a live slab,
 * else NULL. Uses only the frame descriptors, so any pointer is safe. A
 * slab is aligned to its size (a buddy block), so the head and the
 * offset follow from the address and the order every slab page holds.
 */
static inline struct page *slab_find(const void *obj)
{
	struct page *page = mm_lookup_page(obj);
	struct kmem_cache *c;
	unsigned int order;
	uintptr_t off, idx;

	if (unlikely(!page) || unlikely(!(page->flags & PG_slab)))
		return NULL;
	order = page->order;
	page -= ((uintptr_t)obj >> PAGE_SHIFT) & ((1UL << order) - 1);
	if (unlikely(page->flags != (PG_head | PG_slab) ||
		     page->order != order))
		return NULL;
	c = page->slab;
	off = (uintptr_t)obj & ((PAGE_SIZE << order) - 1);
	idx = (off * c->recip) >> 32;
	if (unlikely(idx >= c->objects || idx * c->size != off))
		return NULL;
	return page;
}

/* Free obj, a slot of slab (from slab_find) in cache c. Returns false
 * when the free was refused (and reported). */
static inline bool slab_free(struct kmem_cache *c, struct page *slab,
			     void *obj, void *caller)
{
	unsigned long flags = local_irq_save();
	struct page *release = NULL;
	bool was_full, ok = false;

	if (unlikely(obj == slab->freelist)) {
		slab_report(c, obj, caller, "double free");
		goto out;
	}
	if (unlikely(!slab_debug_free(c, obj, caller)))
		goto out;
	ok = true;
	slab_set_fp(c, obj, slab->freelist);
	slab->freelist = obj;
	c->active--;
	was_full = slab->inuse == c->objects;
	if (unlikely(--slab->inuse == 0 || was_full))
		release = slab_now_partial_or_empty(c, slab, was_full);
out:
	local_irq_restore(flags);
	if (unlikely(release))
		slab_release(c, release);
	return ok;
}

#endif
