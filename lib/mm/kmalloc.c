/* SPDX-License-Identifier: MIT */
/*
 * kmalloc on slab caches (CONFIG_LIBMM_KMALLOC_SLAB).
 *
 * Thirteen size classes, 8..8192 bytes: the powers of two plus 96 and
 * 192. Sizes up to 192 find their class through a table indexed by
 * (size - 1) / 8, larger ones by the position of the top bit of size - 1;
 * anything above 8192 bytes is a block of whole pages (kmalloc_common.c).
 *
 * The caches are static, so kmalloc_init() cannot fail and needs no
 * memory: the platform may call it right after adding RAM, or leave it
 * to the first kmalloc.
 *
 * kfree finds the object's slab through its frame descriptor and checks
 * that the pointer starts a slot of a kmalloc cache; anything else is
 * reported and ignored.
 */
#include "kmalloc_internal.h"
#include "slab_internal.h"

#define KMALLOC_NR	13

static const unsigned int kmalloc_sizes[KMALLOC_NR] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};

static const char *const kmalloc_names[KMALLOC_NR] = {
	"kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64",
	"kmalloc-96", "kmalloc-128", "kmalloc-192", "kmalloc-256",
	"kmalloc-512", "kmalloc-1k", "kmalloc-2k", "kmalloc-4k",
	"kmalloc-8k",
};

/* class index for sizes 1..192, by (size - 1) / 8 */
static const uint8_t kmalloc_small[24] = {
	0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
	5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6,
};

static struct {
	bool ready;
	struct kmem_cache caches[KMALLOC_NR];
} km;

static inline unsigned int kmalloc_index(size_t size)
{
	if (size <= 192)
		return kmalloc_small[(size - 1) >> 3];
	return (unsigned int)(63 - __builtin_clzl(size - 1));
}

/* Natural alignment (the largest power of two dividing the size), or
 * 16 bytes when debugging data follows each object. */
static size_t kmalloc_align(size_t size)
{
	if (slab_debug_enabled())
		return MIN(size, (size_t)16);
	return MIN(size & -size, (size_t)PAGE_SIZE);
}

void kmalloc_init(void)
{
	unsigned long flags = local_irq_save();

	if (!km.ready) {
		for (unsigned int i = 0; i < KMALLOC_NR; i++)
			slab_cache_setup(&km.caches[i], kmalloc_names[i],
					 kmalloc_sizes[i],
					 kmalloc_align(kmalloc_sizes[i]),
					 CACHE_STATIC, NULL);
		km.ready = true;
	}
	local_irq_restore(flags);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	struct kmem_cache *c;
	void *p;

	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	if (unlikely(size > KMALLOC_MAX_CACHE_SIZE))
		return kmalloc_large(size, gfp);
	if (unlikely(!km.ready))
		kmalloc_init();
	c = &km.caches[kmalloc_index(size)];
	p = slab_alloc(c, gfp, __builtin_return_address(0));
	if (likely(p))
		mm_stat_add(&kmalloc_ctr.bytes_requested, size);
	return p;
}

/* The kmalloc cache obj is a slot of, with its slab; NULL otherwise. */
static struct kmem_cache *kmalloc_find(const void *p, struct page **slabp)
{
	struct page *slab = slab_find(p);
	struct kmem_cache *c;

	if (!slab)
		return NULL;
	c = slab->slab;
	if ((uintptr_t)c - (uintptr_t)km.caches >= sizeof(km.caches))
		return NULL;
	*slabp = slab;
	return c;
}

void kfree(const void *p)
{
	struct kmem_cache *c;
	struct page *slab;

	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return;
	c = kmalloc_find(p, &slab);
	if (likely(c)) {
		slab_free(c, slab, (void *)p, __builtin_return_address(0));
		return;
	}
	kmalloc_free_other(p, __builtin_return_address(0));
}

size_t ksize(const void *p)
{
	struct kmem_cache *c;
	struct page *slab;

	if (ZERO_OR_NULL_PTR(p))
		return 0;
	c = kmalloc_find(p, &slab);
	if (c)
		return c->object_size;
	return kmalloc_ksize_other(p, __builtin_return_address(0));
}

void kmalloc_backend_stats(struct kmalloc_stats *st)
{
	unsigned long flags = local_irq_save();

	for (unsigned int i = 0; km.ready && i < KMALLOC_NR; i++) {
		const struct kmem_cache *c = &km.caches[i];

		st->allocs += c->allocs;
		st->frees += c->allocs - c->active;
		st->bytes_allocated += c->allocs * c->object_size;
		st->bytes_live += c->active * c->object_size;
	}
	local_irq_restore(flags);
}

void *krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	size_t old;

	if (ZERO_OR_NULL_PTR(p))
		return kmalloc(new_size, gfp);
	if (!new_size) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	old = ksize(p);
	if (!old)
		return NULL;
	if (new_size <= old)
		return (void *)p;
	return kmalloc_move(p, old, new_size, gfp);
}
