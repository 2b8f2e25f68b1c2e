/* SPDX-License-Identifier: MIT */
/*
 * The part of kmalloc both backends share: large requests, which go
 * straight to the page allocator as one block whose head descriptor is
 * marked PG_large and remembers the size asked for; the counters; and the
 * report of a kfree or ksize on a pointer kmalloc never handed out.
 */
#include "kmalloc_internal.h"

struct kmalloc_stats kmalloc_ctr;

void kmalloc_report(const void *p, void *caller, const char *what)
{
	pr_err("kmalloc: %s of %p: not a live kmalloc object (caller %p)\n",
	       what, p, caller);
	mm_stat_add(&kmalloc_ctr.bad_frees, 1);
	mm_count_error();
}

void *kmalloc_large(size_t size, gfp_t gfp)
{
	unsigned int order = get_order(size);
	struct page *page;

	if (order > MAX_PAGE_ORDER)
		return NULL;
	page = alloc_pages(gfp, order);
	if (!page)
		return NULL;
	page->flags = PG_head | PG_large;
	page->large_size = size;
	kmalloc_account_alloc(size, PAGE_SIZE << order);
	mm_stat_add(&kmalloc_ctr.large_allocs, 1);
	return page_address(page);
}

static struct page *kmalloc_large_page(const void *p)
{
	struct page *page = mm_lookup_page(p);

	if (page && page->flags == (PG_head | PG_large) &&
	    page_address(page) == p)
		return page;
	return NULL;
}

void kmalloc_free_other(const void *p, void *caller)
{
	unsigned long flags = local_irq_save();
	struct page *page = kmalloc_large_page(p);

	/* claim it with interrupts off, so a racing kfree sees it gone */
	if (page)
		page->flags = PG_head;
	local_irq_restore(flags);
	if (!page) {
		kmalloc_report(p, caller, "kfree");
		return;
	}
	kmalloc_account_free(PAGE_SIZE << page->order);
	page->large_size = 0;
	__free_pages(page, page->order);
}

size_t kmalloc_ksize_other(const void *p, void *caller)
{
	struct page *page = kmalloc_large_page(p);

	if (page)
		return PAGE_SIZE << page->order;
	kmalloc_report(p, caller, "ksize");
	return 0;
}

void *kmalloc_move(const void *p, size_t old, size_t new_size, gfp_t gfp)
{
	void *q = kmalloc(new_size, gfp & ~__GFP_ZERO);

	if (!q)
		return NULL;
	__builtin_memcpy(q, p, MIN(old, new_size));
	if ((gfp & __GFP_ZERO) && new_size > old)
		__builtin_memset((char *)q + old, 0, new_size - old);
	kfree(p);
	return q;
}

void kmalloc_get_stats(struct kmalloc_stats *st)
{
	unsigned long flags = local_irq_save();

	*st = kmalloc_ctr;
	local_irq_restore(flags);
	kmalloc_backend_stats(st);
}
