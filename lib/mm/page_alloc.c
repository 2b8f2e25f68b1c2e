/* SPDX-License-Identifier: MIT */
/*
 * Buddy page allocator.
 *
 * Free memory is kept as blocks of 2^k pages aligned to their size, one
 * list per order 0..MAX_PAGE_ORDER. An allocation takes the smallest
 * block that fits and splits it, putting the upper halves on the lower
 * lists; a free merges the block with its buddy (pfn ^ 2^k) for as long
 * as the buddy is a free block of the same order.
 *
 * Boot cost does not grow with RAM: the whole max-order blocks of a range
 * stay "untouched" (counted as free, on no list, their descriptors never
 * written) until an allocation needs one, and only then are the block's
 * descriptors initialised (pa_carve_untouched). The unaligned head and
 * tail of a range are freed at once as smaller blocks; the other
 * descriptors of their max-order block are marked PG_reserved.
 *
 * Order-0 frees go to a short LIFO hot list first (Linux's per-CPU page
 * lists), so alloc/free pairs don't split and merge all the way up.
 *
 * Watermarks: GFP_KERNEL allocations fail rather than take free pages
 * below min; GFP_ATOMIC may use that reserve. Falling below low, or being
 * about to fail, runs the low-memory hooks until free pages reach high.
 *
 * Interface: see <pith/mm.h>. The platform calls page_alloc_init() and
 * then page_alloc_add_range() for each usable range, at the early level.
 *
 * Field legend: [I] changed only with interrupts disabled.
 */
#include "mm_internal.h"

#define BLOCK_PAGES	MAX_ORDER_NR_PAGES
#define PA_MAX_RANGES	32
#define PA_HOT_HIGH	64	/* hot-list length that triggers a drain */
#define PA_HOT_BATCH	16	/* pages a drain returns to the buddy lists */

enum { WMARK_MIN, WMARK_LOW, WMARK_HIGH };

struct pa_range {
	unsigned long start_pfn, end_pfn;	/* managed pages */
	unsigned long untouched, untouched_end;	/* [I] unsplit blocks */
};

struct pa_free_area {
	struct list_head list;	/* [I] heads of free blocks, PG_buddy */
	unsigned long nr;	/* [I] blocks on the list */
};

static struct {
	bool ready;			/* page_alloc_init() done */
	bool min_fixed;			/* page_alloc_set_min_free() used */
	bool in_hooks;			/* [I] a hook round is running */
	unsigned int nr_ranges;
	unsigned int untouched_cur;	/* [I] ranges before it are used up */
	unsigned long span_lo, span_hi;	/* pfns, max-order aligned */
	unsigned long nr_free;		/* [I] free list + untouched pages */
	unsigned long nr_untouched;	/* [I] untouched blocks */
	unsigned long nr_hot;		/* [I] */
	unsigned long managed;
	unsigned long wmark[3];
	struct pa_free_area area[MAX_PAGE_ORDER + 1];
	struct list_head hot;		/* [I] free order-0 pages, PG_hot */
	struct list_head hooks;		/* [I] lowmem_hook.node */
	struct pa_range ranges[PA_MAX_RANGES];
	unsigned long allocs, frees, failures, lowmem_calls, bad_frees;
	size_t memmap_bytes;
} pa = { .hooks = LIST_HEAD_INIT(pa.hooks) };

struct mm_memmap mm_memmap;
unsigned long mm_errors;

/* ---- free lists ---- */

static void pa_area_add(struct page *page, unsigned int order)
{
	page->flags = PG_buddy;
	page->order = (uint8_t)order;
	page->refcount = 0;
	list_add(&page->lru, &pa.area[order].list);
	pa.area[order].nr++;
	pa.nr_free += 1UL << order;
}

static void pa_area_del(struct page *page, unsigned int order)
{
	list_del(&page->lru);
	page->flags = 0;
	pa.area[order].nr--;
	pa.nr_free -= 1UL << order;
}

/* Put a block on the free lists, merging it with free buddies. [I] */
static void pa_free_block(unsigned long pfn, unsigned int order)
{
	while (order < MAX_PAGE_ORDER) {
		struct page *buddy = pfn_to_page(pfn ^ (1UL << order));

		if (!(buddy->flags & PG_buddy) || buddy->order != order)
			break;
		pa_area_del(buddy, order);
		pfn &= ~(1UL << order);
		order++;
	}
	pa_area_add(pfn_to_page(pfn), order);
}

static void pa_block_init(unsigned long pfn, uint16_t fill)
{
	unsigned long blk = (pfn - mm_memmap.base_pfn) >> MAX_PAGE_ORDER;
	struct page *p = pfn_to_page(pfn);

	__builtin_memset(p, 0, BLOCK_PAGES * sizeof(*p));
	for (unsigned long i = 0; fill && i < BLOCK_PAGES; i++)
		p[i].flags = fill;
	mm_memmap.init_bits[blk / 64] |= 1ULL << (blk % 64);
}

/*
 * Take an untouched max-order block, initialising its descriptors. [I]
 * NOTE: this writes 2^MAX_PAGE_ORDER descriptors with interrupts off
 * (48 KiB for 4 MiB, a few microseconds), once per block in a boot.
 */
static struct page *pa_carve_untouched(void)
{
	for (; pa.untouched_cur < pa.nr_ranges; pa.untouched_cur++) {
		struct pa_range *r = &pa.ranges[pa.untouched_cur];
		unsigned long pfn = r->untouched;

		if (pfn >= r->untouched_end)
			continue;
		r->untouched += BLOCK_PAGES;
		pa.nr_untouched--;
		pa.nr_free -= BLOCK_PAGES;
		pa_block_init(pfn, 0);
		return pfn_to_page(pfn);
	}
	return NULL;
}

static void pa_hot_drain(unsigned long n)
{
	while (n-- && pa.nr_hot) {
		struct page *page = list_last_entry(&pa.hot, struct page, lru);

		list_del(&page->lru);
		page->flags = 0;
		pa.nr_hot--;
		pa_free_block(page_to_pfn(page), 0);
	}
}

static void pa_hot_push(struct page *page)
{
	page->flags = PG_hot;
	list_add(&page->lru, &pa.hot);
	if (++pa.nr_hot > PA_HOT_HIGH)
		pa_hot_drain(PA_HOT_BATCH);
}

/* Remove a block of the given order from the free memory. [I] */
static struct page *pa_rmqueue(unsigned int order)
{
	struct page *page = NULL;
	unsigned int k;

	if (order == 0 && pa.nr_hot) {
		page = list_first_entry(&pa.hot, struct page, lru);
		list_del(&page->lru);
		pa.nr_hot--;
		return page;
	}
	for (k = order; k <= MAX_PAGE_ORDER; k++) {
		page = list_first_entry_or_null(&pa.area[k].list, struct page,
						lru);
		if (page) {
			pa_area_del(page, k);
			break;
		}
	}
	if (!page) {
		page = pa_carve_untouched();
		if (!page)
			return NULL;
		k = MAX_PAGE_ORDER;
	}
	while (k > order) {
		k--;
		pa_area_add(page + (1UL << k), k);
	}
	return page;
}

/* ---- ranges ---- */

static unsigned int pa_fit_order(unsigned long pfn, unsigned long end)
{
	unsigned int order = MAX_PAGE_ORDER;

	if (pfn && (unsigned int)__builtin_ctzl(pfn) < order)
		order = (unsigned int)__builtin_ctzl(pfn);
	while (pfn + (1UL << order) > end)
		order--;
	return order;
}

/* Free [s, e), which lies inside one max-order block, as aligned blocks. */
static void pa_release_partial(unsigned long s, unsigned long e)
{
	if (s >= e)
		return;
	if (!mm_pfn_valid(s))
		pa_block_init(ALIGN_DOWN(s, BLOCK_PAGES), PG_reserved);
	while (s < e) {
		unsigned int order = pa_fit_order(s, e);

		for (unsigned long i = 0; i < (1UL << order); i++)
			pfn_to_page(s + i)->flags = 0;
		pa_free_block(s, order);
		s += 1UL << order;
	}
}

static void pa_release_range(struct pa_range *r)
{
	unsigned long s = r->start_pfn, e = r->end_pfn;
	unsigned long bs = ALIGN_UP(s, BLOCK_PAGES);
	unsigned long be = ALIGN_DOWN(e, BLOCK_PAGES);
	unsigned long flags = local_irq_save();

	if (bs < be) {
		r->untouched = bs;
		r->untouched_end = be;
		pa.nr_untouched += (be - bs) >> MAX_PAGE_ORDER;
		pa.nr_free += be - bs;
	}
	pa_release_partial(s, MIN(e, bs));
	pa_release_partial(MAX(bs, be), e);
	pa.managed += e - s;
	local_irq_restore(flags);
}

/*
 * Carve the descriptor array and its block bitmap from the end of r if it
 * fits there. Only the bitmap is cleared: descriptors are written block
 * by block when first used.
 */
static bool pa_place_memmap(struct pa_range *r)
{
	unsigned long nr = pa.span_hi - pa.span_lo;
	unsigned long words = DIV_ROUND_UP(nr >> MAX_PAGE_ORDER, 64);
	size_t bytes = nr * sizeof(struct page) + words * sizeof(uint64_t);
	unsigned long need = DIV_ROUND_UP(bytes, PAGE_SIZE);

	if (r->end_pfn - r->start_pfn <= need)
		return false;
	r->end_pfn -= need;
	mm_memmap.pages = pfn_to_virt(r->end_pfn);
	mm_memmap.init_bits = (uint64_t *)(mm_memmap.pages + nr);
	__builtin_memset(mm_memmap.init_bits, 0, words * sizeof(uint64_t));
	mm_memmap.base_pfn = pa.span_lo;
	mm_memmap.nr_pages = nr;
	pa.memmap_bytes = bytes;
	return true;
}

static unsigned long pa_isqrt(unsigned long x)
{
	unsigned long r = 0;

	for (unsigned long bit = 1UL << 62; bit; bit >>= 2) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
	}
	return r;
}

static void pa_set_wmarks(unsigned long min)
{
	pa.wmark[WMARK_MIN] = min;
	pa.wmark[WMARK_LOW] = min + min / 4;
	pa.wmark[WMARK_HIGH] = min + min / 2;
}

/* Linux's classic default: min_free_kbytes = sqrt(16 * managed KiB),
 * between 128 KiB and 64 MiB, but never more than 1/16 of memory. */
static void pa_update_wmarks(void)
{
	unsigned long kb = pa.managed * (PAGE_SIZE / 1024);
	unsigned long min = pa_isqrt(kb * 16);

	if (pa.min_fixed)
		return;
	min = MIN(MAX(min, 128UL), 65536UL) / (PAGE_SIZE / 1024);
	pa_set_wmarks(MIN(min, pa.managed / 16));
}

static int pa_check_range(unsigned long s, unsigned long e)
{
	if (s < pa.span_lo || e > pa.span_hi) {
		pr_err("page_alloc: range 0x%lx-0x%lx outside 0x%lx-0x%lx\n",
		       s << PAGE_SHIFT, e << PAGE_SHIFT,
		       pa.span_lo << PAGE_SHIFT, pa.span_hi << PAGE_SHIFT);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < pa.nr_ranges; i++) {
		const struct pa_range *r = &pa.ranges[i];

		if (s < r->end_pfn && e > r->start_pfn) {
			pr_err("page_alloc: range 0x%lx-0x%lx overlaps 0x%lx-0x%lx\n",
			       s << PAGE_SHIFT, e << PAGE_SHIFT,
			       r->start_pfn << PAGE_SHIFT,
			       r->end_pfn << PAGE_SHIFT);
			return -EINVAL;
		}
	}
	if (pa.nr_ranges == PA_MAX_RANGES) {
		pr_err("page_alloc: more than %d RAM ranges\n", PA_MAX_RANGES);
		return -ENOSPC;
	}
	return 0;
}

int page_alloc_init(uintptr_t lowest, uintptr_t highest)
{
	if (pa.ready)
		return -EBUSY;
	if (highest <= lowest) {
		pr_err("page_alloc: empty span 0x%lx-0x%lx\n",
		       (unsigned long)lowest, (unsigned long)highest);
		return -EINVAL;
	}
	pa.span_lo = ALIGN_DOWN(lowest >> PAGE_SHIFT, BLOCK_PAGES);
	pa.span_hi = ALIGN_UP(DIV_ROUND_UP(highest, PAGE_SIZE), BLOCK_PAGES);
	for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++)
		INIT_LIST_HEAD(&pa.area[o].list);
	INIT_LIST_HEAD(&pa.hot);
	pa.ready = true;
	return 0;
}

int page_alloc_add_range(uintptr_t start, uintptr_t end)
{
	unsigned long s = DIV_ROUND_UP(start, PAGE_SIZE);
	unsigned long e = end >> PAGE_SHIFT;
	struct pa_range *r;
	int err;

	if (!pa.ready) {
		pr_err("page_alloc: add_range before page_alloc_init\n");
		return -EINVAL;
	}
	if (e <= s)
		return 0;
	err = pa_check_range(s, e);
	if (err)
		return err;
	r = &pa.ranges[pa.nr_ranges++];
	r->start_pfn = s;
	r->end_pfn = e;
	if (mm_memmap.pages) {
		pa_release_range(r);
	} else if (pa_place_memmap(r)) {
		/* ranges too small for the array waited for it */
		for (unsigned int i = 0; i < pa.nr_ranges; i++)
			pa_release_range(&pa.ranges[i]);
	}
	pa_update_wmarks();
	return 0;
}

/* ---- allocation and free ---- */

static void pa_lowmem(gfp_t gfp, unsigned long want)
{
	struct lowmem_hook *h;
	unsigned long flags = local_irq_save();

	pa_hot_drain(pa.nr_hot);
	if (!pa.in_hooks) {
		pa.in_hooks = true;
		pa.lowmem_calls++;
		list_for_each_entry(h, &pa.hooks, node) {
			unsigned long goal = pa.wmark[WMARK_HIGH] + want;

			if (pa.nr_free >= goal)
				break;
			if (!(gfp & __GFP_WAIT) &&
			    !(h->flags & LOWMEM_HOOK_ATOMIC))
				continue;
			local_irq_restore(flags);
			h->reclaim(h, goal - pa.nr_free, gfp);
			flags = local_irq_save();
		}
		pa.in_hooks = false;
	}
	local_irq_restore(flags);
}

static struct page *pa_try_alloc(gfp_t gfp, unsigned int order, bool final,
				 bool *went_low)
{
	unsigned long n = 1UL << order;
	unsigned long flags = local_irq_save();
	unsigned long before = pa.nr_free + pa.nr_hot;
	struct page *page = NULL;

	if ((gfp & __GFP_HIGH) || before >= pa.wmark[WMARK_MIN] + n)
		page = pa_rmqueue(order);
	if (page) {
		page->flags = PG_head;
		page->order = (uint8_t)order;
		page->refcount = 1;
		page->index = 0;
		page->freelist = NULL;
		page->inuse = 0;
		pa.allocs++;
		*went_low = before >= pa.wmark[WMARK_LOW] &&
			    before - n < pa.wmark[WMARK_LOW];
	} else if (final) {
		pa.failures++;
	}
	local_irq_restore(flags);
	return page;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	struct page *page;
	bool went_low = false;

	if (order > MAX_PAGE_ORDER)
		return NULL;
	page = pa_try_alloc(gfp, order, false, &went_low);
	if (unlikely(!page)) {
		pa_lowmem(gfp, 1UL << order);
		page = pa_try_alloc(gfp, order, true, &went_low);
		if (!page)
			return NULL;
	}
	if (unlikely(went_low))
		pa_lowmem(gfp, 0);
	if (gfp & __GFP_ZERO)
		__builtin_memset(page_address(page), 0, PAGE_SIZE << order);
	return page;
}

/* Is page the head of an allocated, unowned block of this order? */
static bool pa_free_ok(const struct page *page, unsigned int order,
		       void *caller)
{
	uintptr_t off = (uintptr_t)page - (uintptr_t)mm_memmap.pages;
	unsigned long idx = off / sizeof(struct page);

	if (page && off % sizeof(struct page) == 0 &&
	    idx < mm_memmap.nr_pages && mm_pfn_valid(page_to_pfn(page))) {
		if (page->flags == PG_head && page->order == order)
			return true;
		pr_err("page_alloc: bad free of pfn 0x%lx order %u (flags 0x%x, order %u) by %p\n",
		       page_to_pfn(page), order, page->flags, page->order,
		       caller);
	} else {
		pr_err("page_alloc: free of %p, not a page descriptor, by %p\n",
		       (const void *)page, caller);
	}
	pa.bad_frees++;
	mm_count_error();
	return false;
}

static void pa_free(struct page *page, unsigned int order, void *caller)
{
	unsigned long flags = local_irq_save();

	if (pa_free_ok(page, order, caller)) {
		page->flags = 0;
		page->refcount = 0;
		if (order == 0)
			pa_hot_push(page);
		else
			pa_free_block(page_to_pfn(page), order);
		pa.frees++;
	}
	local_irq_restore(flags);
}

void __free_pages(struct page *page, unsigned int order)
{
	pa_free(page, order, __builtin_return_address(0));
}

uintptr_t __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? (uintptr_t)page_address(page) : 0;
}

void free_pages(uintptr_t addr, unsigned int order)
{
	struct page *page;

	if (!addr)
		return;
	page = mm_lookup_page((const void *)addr);
	if (!page || (addr & ~PAGE_MASK)) {
		pr_err("free_pages: 0x%lx is not a block from the page allocator (by %p)\n",
		       (unsigned long)addr, __builtin_return_address(0));
		__atomic_fetch_add(&pa.bad_frees, 1, __ATOMIC_RELAXED);
		mm_count_error();
		return;
	}
	pa_free(page, order, __builtin_return_address(0));
}

void *page_address(const struct page *page)
{
	return pfn_to_virt(page_to_pfn(page));
}

uintptr_t page_to_phys(const struct page *page)
{
	return (uintptr_t)page_to_pfn(page) << PAGE_SHIFT;
}

struct page *virt_to_page(const void *addr)
{
	return mm_lookup_page(addr);
}

unsigned long nr_free_pages(void)
{
	return READ_ONCE(pa.nr_free) + READ_ONCE(pa.nr_hot);
}

void page_alloc_drain(void)
{
	unsigned long flags = local_irq_save();

	pa_hot_drain(pa.nr_hot);
	local_irq_restore(flags);
}

/* ---- hooks and counters ---- */

void register_lowmem_hook(struct lowmem_hook *h)
{
	unsigned long flags = local_irq_save();

	list_add_tail(&h->node, &pa.hooks);
	local_irq_restore(flags);
}

void unregister_lowmem_hook(struct lowmem_hook *h)
{
	unsigned long flags = local_irq_save();

	list_del_init(&h->node);
	local_irq_restore(flags);
}

void page_alloc_set_min_free(unsigned long pages)
{
	unsigned long flags = local_irq_save();

	pa.min_fixed = true;
	pa_set_wmarks(pages);
	local_irq_restore(flags);
}

void page_alloc_get_stats(struct page_alloc_stats *st)
{
	unsigned long flags = local_irq_save();

	st->managed_pages = pa.managed;
	st->free_pages = pa.nr_free + pa.nr_hot;
	st->hot_pages = pa.nr_hot;
	for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++)
		st->free_blocks[o] = pa.area[o].nr;
	st->free_blocks[MAX_PAGE_ORDER] += pa.nr_untouched;
	st->untouched_blocks = pa.nr_untouched;
	st->wmark_min = pa.wmark[WMARK_MIN];
	st->wmark_low = pa.wmark[WMARK_LOW];
	st->wmark_high = pa.wmark[WMARK_HIGH];
	st->allocs = pa.allocs;
	st->frees = pa.frees;
	st->failures = pa.failures;
	st->lowmem_calls = pa.lowmem_calls;
	st->bad_frees = pa.bad_frees;
	st->memmap_bytes = pa.memmap_bytes;
	local_irq_restore(flags);
}

unsigned long mm_error_count(void)
{
	return READ_ONCE(mm_errors);
}
