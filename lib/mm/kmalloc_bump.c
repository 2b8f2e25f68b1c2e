/* SPDX-License-Identifier: MIT */
/*
 * kmalloc as a region (bump) allocator (CONFIG_LIBMM_KMALLOC_BUMP), for
 * the smallest images: a pointer moves through 64 KiB chunks taken from
 * the page allocator. Each object is preceded by a 16-byte header (size,
 * state, previous object), so ksize works and kfree can check what it is
 * given. kfree only marks the object dead, except that freeing the last
 * object moves the pointer back, over it and over any dead objects just
 * below it: memory freed in LIFO order is reused. Requests above
 * KMALLOC_MAX_CACHE_SIZE are whole pages and are really freed.
 *
 * Objects are 16-byte aligned. Chunk pages carry PG_kbump.
 */
#include "kmalloc_internal.h"

#define BUMP_CHUNK_ORDER	4
#define BUMP_ALIGN		16
#define BUMP_LIVE		0xb0b5a11eU
#define BUMP_DEAD		0xb0b5dead

struct bump_hdr {
	uint32_t size;		/* bytes asked for */
	uint32_t state;		/* BUMP_LIVE or BUMP_DEAD */
	void *prev;		/* object below in this chunk, or NULL */
};

_Static_assert(sizeof(struct bump_hdr) == BUMP_ALIGN, "header keeps alignment");

/* [I] */
static struct {
	char *pos, *end;	/* free part of the current chunk */
	void *last;		/* newest object of the chunk */
	unsigned long chunks;
} km;

static struct bump_hdr *bump_hdr(const void *p)
{
	return (struct bump_hdr *)p - 1;
}

static size_t bump_span(size_t size)
{
	return sizeof(struct bump_hdr) + ALIGN_UP(size, (size_t)BUMP_ALIGN);
}

void kmalloc_init(void)
{
}

void kmalloc_backend_stats(struct kmalloc_stats *st)
{
	(void)st;	/* everything is in kmalloc_ctr */
}

static void *bump_take(size_t size)
{
	struct bump_hdr *h = (struct bump_hdr *)km.pos;

	if ((size_t)(km.end - km.pos) < bump_span(size))
		return NULL;
	h->size = (uint32_t)size;
	h->state = BUMP_LIVE;
	h->prev = km.last;
	km.pos += bump_span(size);
	km.last = h + 1;
	return h + 1;
}

static bool bump_grow(gfp_t gfp)
{
	struct page *page = alloc_pages(gfp & ~__GFP_ZERO, BUMP_CHUNK_ORDER);
	unsigned long flags;

	if (!page)
		return false;
	page->flags = PG_head | PG_kbump;
	for (unsigned long i = 1; i < (1UL << BUMP_CHUNK_ORDER); i++) {
		page[i].flags = PG_kbump | PG_tail;
		page[i].order = BUMP_CHUNK_ORDER;
	}
	flags = local_irq_save();
	km.pos = page_address(page);
	km.end = km.pos + (PAGE_SIZE << BUMP_CHUNK_ORDER);
	km.last = NULL;
	km.chunks++;
	local_irq_restore(flags);
	return true;
}

void *kmalloc(size_t size, gfp_t gfp)
{
	unsigned long flags;
	void *p;

	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	if (unlikely(size > KMALLOC_MAX_CACHE_SIZE))
		return kmalloc_large(size, gfp);
	for (;;) {
		flags = local_irq_save();
		p = bump_take(size);
		local_irq_restore(flags);
		if (p)
			break;
		if (!bump_grow(gfp))
			return NULL;
	}
	if (gfp & __GFP_ZERO)
		__builtin_memset(p, 0, size);
	kmalloc_account_alloc(size, ALIGN_UP(size, (size_t)BUMP_ALIGN));
	return p;
}

/* The header of p if p is a bump object (live or dead), else NULL. */
static struct bump_hdr *bump_find(const void *p)
{
	struct page *page = mm_lookup_page(p);
	struct bump_hdr *h;

	if (!page || !(page->flags & PG_kbump) || !IS_ALIGNED((uintptr_t)p,
							     BUMP_ALIGN))
		return NULL;
	if (((uintptr_t)p & ((PAGE_SIZE << BUMP_CHUNK_ORDER) - 1)) == 0)
		return NULL;	/* a chunk starts with a header */
	h = bump_hdr(p);
	if (h->state != BUMP_LIVE && h->state != BUMP_DEAD)
		return NULL;
	return h;
}

/* Move the pointer back over the last object and dead ones below. [I] */
static void bump_roll_back(void)
{
	while (km.last && bump_hdr(km.last)->state == BUMP_DEAD) {
		struct bump_hdr *h = bump_hdr(km.last);

		km.pos = (char *)h;
		km.last = h->prev;
	}
}

void kfree(const void *p)
{
	struct bump_hdr *h;
	unsigned long flags;
	uint32_t state, size;

	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return;
	h = bump_find(p);
	if (!h) {
		kmalloc_free_other(p, __builtin_return_address(0));
		return;
	}
	flags = local_irq_save();
	state = h->state;
	size = h->size;
	h->state = BUMP_DEAD;
	if (p == km.last)
		bump_roll_back();
	local_irq_restore(flags);
	if (state == BUMP_DEAD)
		kmalloc_report(p, __builtin_return_address(0), "second kfree");
	else
		kmalloc_account_free(ALIGN_UP(size, (uint32_t)BUMP_ALIGN));
}

size_t ksize(const void *p)
{
	struct bump_hdr *h;

	if (ZERO_OR_NULL_PTR(p))
		return 0;
	h = bump_find(p);
	if (h && h->state == BUMP_LIVE)
		return ALIGN_UP(h->size, (size_t)BUMP_ALIGN);
	return kmalloc_ksize_other(p, __builtin_return_address(0));
}

/* Grow the newest object in place when the chunk has room. */
static bool bump_grow_in_place(const void *p, size_t new_size)
{
	unsigned long flags = local_irq_save();
	struct bump_hdr *h = bump_hdr(p);
	char *new_end = (char *)p + ALIGN_UP(new_size, (size_t)BUMP_ALIGN);
	bool ok = p == km.last && new_end <= km.end;

	if (ok) {
		size_t more = (size_t)(new_end - km.pos);

		mm_stat_add(&kmalloc_ctr.bytes_requested, new_size - h->size);
		mm_stat_add(&kmalloc_ctr.bytes_allocated, more);
		mm_stat_add(&kmalloc_ctr.bytes_live, more);
		km.pos = new_end;
		h->size = (uint32_t)new_size;
	}
	local_irq_restore(flags);
	return ok;
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
	if (new_size <= KMALLOC_MAX_CACHE_SIZE && bump_find(p) &&
	    bump_grow_in_place(p, new_size)) {
		if (gfp & __GFP_ZERO)
			__builtin_memset((char *)p + old, 0, new_size - old);
		return (void *)p;
	}
	return kmalloc_move(p, old, new_size, gfp);
}
