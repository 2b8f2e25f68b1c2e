/* SPDX-License-Identifier: MIT */
/*
 * Slab caches.
 *
 * A cache hands out fixed-size objects from slabs of 2^order pages. Each
 * cache keeps three slab lists: partial (some objects free: allocations
 * come from the first one), full, and free (idle: no object in use). A
 * slab whose last object comes back moves to the free list; beyond
 * SLAB_IDLE_MAX idle slabs the oldest goes back to the page allocator,
 * and the low-memory hook returns all of them.
 *
 * Constructors run once per object, when its slab is made; objects must
 * be freed in their constructed state. For caches with a constructor the
 * free pointer lives after the object so that it doesn't clobber it.
 *
 * NOTE: there is no per-CPU freelist in front of the slabs (SLUB's CPU
 * slab). With one CPU it bought nothing: tried, an alloc/free pair got
 * slower on the host benchmark (9.8 ns against 6.7 ns). SMP may want it.
 *
 * The structures that describe caches come from a static bootstrap cache
 * of struct kmem_cache, so creating a cache needs no kmalloc.
 *
 * Interface: see <pith/slab.h>. Fast paths: slab_internal.h.
 */
#include "slab_internal.h"

#define SLAB_IDLE_MAX	2	/* idle slabs a cache keeps */
#define SLAB_MIN_ALIGN	8

LIST_HEAD(slab_caches);

static struct {
	bool booted;
	bool hooked;
	struct kmem_cache caches;	/* objects: struct kmem_cache */
	struct lowmem_hook hook;
} slab_state;

void slab_count_error(struct kmem_cache *c)
{
	__atomic_fetch_add(&c->errors, 1, __ATOMIC_RELAXED);
	mm_count_error();
}

void slab_report(struct kmem_cache *c, const void *obj, void *caller,
		 const char *what)
{
	pr_err("slab %s: %s: object %p (caller %p)\n", c->name, what, obj,
	       caller);
	slab_count_error(c);
}

/* Pick the smallest slab order with at least 4 objects and at most 1/8
 * waste; failing that, the largest order. */
static int slab_pick_order(struct kmem_cache *c)
{
	unsigned int o, n = 0;

	for (o = 0; o <= SLAB_MAX_ORDER; o++) {
		size_t bytes = PAGE_SIZE << o;

		n = (unsigned int)(bytes / c->size);
		if (n >= 4 && (bytes - n * c->size) * 8 <= bytes)
			break;
	}
	if (o > SLAB_MAX_ORDER)
		o = SLAB_MAX_ORDER;
	if (n == 0)
		return -EINVAL;
	c->order = o;
	c->objects = n;
	c->recip = (uint32_t)(((1ULL << 32) + c->size - 1) / c->size);
	return 0;
}

static int slab_layout(struct kmem_cache *c)
{
	size_t raw;

	if (slab_debug_enabled()) {
		raw = slab_debug_layout(c);
	} else if (c->ctor) {
		c->fp_offset = ALIGN_UP(c->object_size, 8u);
		raw = c->fp_offset + sizeof(void *);
	} else {
		c->fp_offset = 0;
		raw = MAX(c->object_size, (unsigned int)sizeof(void *));
	}
	if (raw > (PAGE_SIZE << SLAB_MAX_ORDER))
		return -EINVAL;
	c->size = (unsigned int)ALIGN_UP(raw, (size_t)c->align);
	return slab_pick_order(c);
}

static unsigned long slab_reclaim(struct lowmem_hook *h, unsigned long want,
				  gfp_t gfp)
{
	struct kmem_cache *c;
	unsigned long pages = 0;

	(void)h;
	(void)want;
	(void)gfp;
	list_for_each_entry(c, &slab_caches, list)
		pages += kmem_cache_shrink(c);
	return pages;
}

static void slab_link(struct kmem_cache *c)
{
	unsigned long flags = local_irq_save();
	bool hook = !slab_state.hooked;

	slab_state.hooked = true;
	list_add_tail(&c->list, &slab_caches);
	local_irq_restore(flags);
	if (hook) {
		slab_state.hook.name = "slab";
		slab_state.hook.reclaim = slab_reclaim;
		slab_state.hook.flags = LOWMEM_HOOK_ATOMIC;
		register_lowmem_hook(&slab_state.hook);
	}
}

int slab_cache_setup(struct kmem_cache *c, const char *name, size_t size,
		     size_t align, unsigned int flags, void (*ctor)(void *))
{
	size_t i;

	if (!size || size > (PAGE_SIZE << SLAB_MAX_ORDER) ||
	    (align & (align - 1)) || align > PAGE_SIZE ||
	    (flags & ~(SLAB_HWCACHE_ALIGN | CACHE_STATIC)))
		return -EINVAL;
	for (i = 0; name && name[i] && i < KMEM_CACHE_NAME_LEN - 1; i++)
		c->name[i] = name[i];
	c->name[i] = '\0';
	c->object_size = (unsigned int)size;
	c->align = (unsigned int)MAX(align, (size_t)SLAB_MIN_ALIGN);
	if (flags & SLAB_HWCACHE_ALIGN)
		c->align = MAX(c->align, 64u);
	c->flags = flags;
	c->ctor = ctor;
	if (slab_layout(c))
		return -EINVAL;
	INIT_LIST_HEAD(&c->partial);
	INIT_LIST_HEAD(&c->full);
	INIT_LIST_HEAD(&c->free);
	c->nr_partial = c->nr_full = c->nr_free = 0;
	c->active = c->total = c->allocs = 0;
	c->ctor_calls = c->errors = 0;
	slab_link(c);
	return 0;
}

/* A new slab with every object constructed and on its freelist. */
static struct page *slab_new(struct kmem_cache *c, gfp_t gfp)
{
	struct page *slab = alloc_pages(gfp & ~__GFP_ZERO, c->order);
	char *base;
	void *next = NULL;

	if (!slab)
		return NULL;
	base = page_address(slab);
	slab->flags = PG_head | PG_slab;
	slab->slab = c;
	slab->inuse = 0;
	for (unsigned long i = 1; i < (1UL << c->order); i++) {
		slab[i].flags = PG_slab | PG_tail;
		slab[i].order = (uint8_t)c->order;
	}
	for (unsigned int i = c->objects; i-- > 0;) {
		void *obj = base + (size_t)i * c->size;

		if (c->ctor)
			c->ctor(obj);
		slab_debug_init_obj(c, obj);
		slab_set_fp(c, obj, next);
		next = obj;
	}
	slab->freelist = next;
	return slab;
}

void *slab_alloc_slow(struct kmem_cache *c, gfp_t gfp, void *caller)
{
	struct page *slab = slab_new(c, gfp);
	unsigned long flags;

	if (!slab)
		return NULL;
	flags = local_irq_save();
	list_add(&slab->lru, &c->partial);
	c->nr_partial++;
	c->total += c->objects;
	if (c->ctor)
		c->ctor_calls += c->objects;
	local_irq_restore(flags);
	return slab_alloc(c, gfp, caller);
}

void slab_release(struct kmem_cache *c, struct page *slab)
{
	for (unsigned long i = 1; i < (1UL << c->order); i++)
		slab[i].flags = 0;
	slab->flags = PG_head;
	slab->slab = NULL;
	slab->freelist = NULL;
	slab->inuse = 0;
	__free_pages(slab, c->order);
}

__attribute__((cold)) struct page *slab_use_idle(struct kmem_cache *c)
{
	struct page *slab;

	slab = list_first_entry_or_null(&c->free, struct page, lru);
	if (slab) {
		list_move(&slab->lru, &c->partial);
		c->nr_free--;
		c->nr_partial++;
	}
	return slab;
}

__attribute__((cold)) void slab_now_full(struct kmem_cache *c,
					 struct page *slab)
{
	list_move(&slab->lru, &c->full);
	c->nr_partial--;
	c->nr_full++;
}

__attribute__((cold)) struct page *
slab_now_partial_or_empty(struct kmem_cache *c, struct page *slab,
			  bool was_full)
{
	struct page *victim;

	if (was_full)
		c->nr_full--;
	else
		c->nr_partial--;
	if (slab->inuse) {
		list_move(&slab->lru, &c->partial);
		c->nr_partial++;
		return NULL;
	}
	list_move(&slab->lru, &c->free);
	if (++c->nr_free <= SLAB_IDLE_MAX)
		return NULL;
	victim = list_last_entry(&c->free, struct page, lru);
	list_del(&victim->lru);
	c->nr_free--;
	c->total -= c->objects;
	return victim;
}

static void slab_bootstrap(void)
{
	unsigned long flags = local_irq_save();
	bool first = !slab_state.booted;

	slab_state.booted = true;
	local_irq_restore(flags);
	if (first)
		slab_cache_setup(&slab_state.caches, "kmem_cache",
				 sizeof(struct kmem_cache), 0, CACHE_STATIC,
				 NULL);
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     size_t align, unsigned int flags,
				     void (*ctor)(void *))
{
	struct kmem_cache *c;

	if (!slab_state.booted)
		slab_bootstrap();
	if (flags & CACHE_STATIC)
		goto err_args;
	c = slab_alloc(&slab_state.caches, GFP_KERNEL | __GFP_ZERO,
		       __builtin_return_address(0));
	if (!c)
		return NULL;
	if (slab_cache_setup(c, name, size, align, flags, ctor) == 0)
		return c;
	kmem_cache_free(&slab_state.caches, c);
err_args:
	pr_err("kmem_cache_create(%s): bad size %zu, align %zu or flags 0x%x\n",
	       name ? name : "?", size, align, flags);
	return NULL;
}

unsigned long kmem_cache_shrink(struct kmem_cache *c)
{
	unsigned long pages = 0;

	for (;;) {
		unsigned long flags = local_irq_save();
		struct page *slab;

		slab = list_first_entry_or_null(&c->free, struct page, lru);
		if (slab) {
			list_del(&slab->lru);
			c->nr_free--;
			c->total -= c->objects;
		}
		local_irq_restore(flags);
		if (!slab)
			return pages;
		slab_release(c, slab);
		pages += 1UL << c->order;
	}
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	unsigned long flags, active;

	if (!c)
		return;
	if (c->flags & CACHE_STATIC) {
		pr_err("kmem_cache_destroy(%s): built-in cache\n", c->name);
		slab_count_error(c);
		return;
	}
	flags = local_irq_save();
	active = c->active;
	if (!active)
		list_del(&c->list);
	local_irq_restore(flags);
	if (active) {
		pr_err("kmem_cache_destroy(%s): %lu objects still in use, cache kept\n",
		       c->name, active);
		slab_count_error(c);
		return;
	}
	kmem_cache_shrink(c);
	kmem_cache_free(&slab_state.caches, c);
}

void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp)
{
	return slab_alloc(c, gfp, __builtin_return_address(0));
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	struct page *slab;

	if (!obj)
		return;
	slab = slab_find(obj);
	if (unlikely(!slab || slab->slab != c)) {
		slab_report(c, obj, __builtin_return_address(0),
			    slab ? "object of another cache"
				 : "not an object of this cache");
		return;
	}
	slab_free(c, slab, obj, __builtin_return_address(0));
}

const char *kmem_cache_name(const struct kmem_cache *c)
{
	return c->name;
}

void kmem_cache_get_stats(const struct kmem_cache *c,
			  struct kmem_cache_stats *st)
{
	unsigned long flags = local_irq_save();

	st->name = c->name;
	st->object_size = c->object_size;
	st->slot_size = c->size;
	st->order = c->order;
	st->objects_per_slab = c->objects;
	st->active_objs = c->active;
	st->total_objs = c->total;
	st->partial_slabs = c->nr_partial;
	st->full_slabs = c->nr_full;
	st->free_slabs = c->nr_free;
	st->slabs = c->nr_partial + c->nr_full + c->nr_free;
	st->allocs = c->allocs;
	st->frees = c->allocs - c->active;
	st->ctor_calls = c->ctor_calls;
	st->errors = c->errors;
	local_irq_restore(flags);
}

void kmem_cache_for_each(void (*fn)(struct kmem_cache *c, void *arg),
			 void *arg)
{
	struct kmem_cache *c;

	list_for_each_entry(c, &slab_caches, list)
		fn(c, arg);
}
