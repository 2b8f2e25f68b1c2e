/* SPDX-License-Identifier: MIT */
/*
 * Buddy page allocator, against a model: a shadow owner map of every
 * page, the free-block vector per order, and the accounting invariant.
 */
#include "hosttest.h"
#include "mm_host.h"

#define MB	(1UL << 20)
#define BLK	HOST_BLOCK	/* one max-order block */
/* RAM sizes that work for every LIBMM_MAX_ORDER in 4..12 */
#define RAM_S	MAX(8 * MB, 2 * BLK)
#define RAM_M	MAX(16 * MB, 4 * BLK)
#define RAM_L	MAX(64 * MB, 16 * BLK)

static unsigned long ram_pfn0;	/* first pfn of the test RAM */

static uintptr_t setup(size_t len, size_t head, size_t tail)
{
	uintptr_t base = mm_host_setup(len, head, tail);

	ram_pfn0 = base >> PAGE_SHIFT;
	return base;
}

static unsigned long blocks_pages(const unsigned long *v)
{
	unsigned long n = 0;

	for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++)
		n += v[o] << o;
	return n;
}

static bool vec_eq(const unsigned long *a, const unsigned long *b)
{
	return !memcmp(a, b, sizeof(unsigned long) * (MAX_PAGE_ORDER + 1));
}

/* Allocate every free block below max order; return how many. */
static int take_small_blocks(struct page **held, unsigned int *orders)
{
	unsigned long v[MAX_PAGE_ORDER + 1];
	int n = 0;

	mm_host_free_vector(v);
	for (unsigned int o = 0; o < MAX_PAGE_ORDER; o++) {
		for (unsigned long i = 0; i < v[o]; i++) {
			orders[n] = o;
			held[n] = alloc_pages(GFP_ATOMIC, o);
			if (!held[n])
				return -1;
			n++;
		}
	}
	return n;
}

TEST(buddy_alloc_pages_block_aligned_to_its_order)
{
	setup(RAM_L, 0, 0);
	for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++) {
		struct page *p = alloc_pages(GFP_KERNEL, o);

		ASSERT_TRUE(p != NULL);
		EXPECT_EQ(page_to_pfn(p) & ((1UL << o) - 1), 0);
		EXPECT_EQ((uintptr_t)page_address(p), page_to_phys(p));
		EXPECT_TRUE(virt_to_page(page_address(p)) == p);
	}
	EXPECT_TRUE(alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1) == NULL);
	EXPECT_EQ(host_irq_off, 0);
	EXPECT_TRUE(host_irq_saves > 0);
}

TEST(buddy_alloc_pages_split_leaves_one_block_per_lower_order)
{
	static struct page *held[64];
	static unsigned int orders[64];
	unsigned long before[MAX_PAGE_ORDER + 1], after[MAX_PAGE_ORDER + 1];
	struct page *p;
	int n;

	setup(RAM_M, 0, 0);
	n = take_small_blocks(held, orders);
	ASSERT_TRUE(n >= 0);
	mm_host_free_vector(before);
	for (unsigned int o = 0; o < MAX_PAGE_ORDER; o++)
		ASSERT_EQ(before[o], 0);
	p = alloc_pages(GFP_KERNEL, 0);
	ASSERT_TRUE(p != NULL);
	mm_host_free_vector(after);
	for (unsigned int o = 0; o < MAX_PAGE_ORDER; o++)
		EXPECT_EQ(after[o], 1);
	EXPECT_EQ(after[MAX_PAGE_ORDER], before[MAX_PAGE_ORDER] - 1);
	__free_pages(p, 0);
	mm_host_free_vector(after);
	EXPECT_TRUE(vec_eq(before, after));
}

TEST(buddy_free_pages_in_random_order_coalesces_to_max_block)
{
	static struct page *held[64], *pages[MAX_ORDER_NR_PAGES];
	static unsigned int orders[64];
	unsigned long before[MAX_PAGE_ORDER + 1], after[MAX_PAGE_ORDER + 1];
	unsigned long n = MAX_ORDER_NR_PAGES;

	setup(RAM_M, 0, 0);
	ASSERT_TRUE(take_small_blocks(held, orders) >= 0);
	mm_host_free_vector(before);
	for (unsigned long i = 0; i < n; i++) {
		pages[i] = alloc_pages(GFP_KERNEL, 0);
		ASSERT_TRUE(pages[i] != NULL);
	}
	host_srand(3);
	for (unsigned long i = n - 1; i > 0; i--) {
		unsigned long j = host_rand() % (i + 1);
		struct page *t = pages[i];

		pages[i] = pages[j];
		pages[j] = t;
	}
	for (unsigned long i = 0; i < n; i++)
		__free_pages(pages[i], 0);
	mm_host_free_vector(after);
	EXPECT_TRUE(vec_eq(before, after));
	EXPECT_EQ(mm_error_count(), 0);
}

struct model {
	uint32_t *owner;	/* per RAM page: 0 free, else allocation id */
	struct page **page;
	unsigned int *order;
	uint32_t n;
};

static void model_claim(struct model *m, uint32_t id, struct page *p,
			unsigned int o)
{
	unsigned long first = page_to_pfn(p) - ram_pfn0;

	for (unsigned long i = 0; i < (1UL << o); i++) {
		if (m->owner[first + i])
			HT_FAIL(1, "pfn %lu handed out twice", first + i);
		m->owner[first + i] = id;
	}
}

static void model_release(struct model *m, uint32_t slot)
{
	unsigned long first = page_to_pfn(m->page[slot]) - ram_pfn0;

	for (unsigned long i = 0; i < (1UL << m->order[slot]); i++)
		m->owner[first + i] = 0;
	__free_pages(m->page[slot], m->order[slot]);
	m->page[slot] = m->page[--m->n];
	m->order[slot] = m->order[m->n];
}

static unsigned int random_order(void)
{
	uint64_t r = host_rand() % 100;

	if (r < 50)
		return 0;
	if (r < 95)
		return 1 + (unsigned int)(host_rand() % 4);
	return (unsigned int)(host_rand() % (MAX_PAGE_ORDER + 1));
}

static void check_accounting(const struct model *m)
{
	struct page_alloc_stats st;
	unsigned long used = 0;

	for (uint32_t i = 0; i < m->n; i++)
		used += 1UL << m->order[i];
	page_alloc_get_stats(&st);
	ASSERT_EQ(blocks_pages(st.free_blocks) + st.hot_pages + used,
		  st.managed_pages);
	ASSERT_EQ(st.free_pages, blocks_pages(st.free_blocks) + st.hot_pages);
}

TEST(buddy_random_alloc_free_never_overlaps_and_coalesces)
{
	static uint32_t owner[RAM_L >> PAGE_SHIFT];
	static struct page *pages[20000];
	static unsigned int orders[20000];
	struct model m = { owner, pages, orders, 0 };
	unsigned long before[MAX_PAGE_ORDER + 1], after[MAX_PAGE_ORDER + 1];

	memset(owner, 0, sizeof(owner));
	setup(RAM_L, 5 * PAGE_SIZE, 3 * PAGE_SIZE);
	mm_host_free_vector(before);
	host_srand(42);
	for (uint32_t op = 1; op <= 100000; op++) {
		if (m.n && (m.n == 20000 || host_rand() % 100 < 45)) {
			model_release(&m, (uint32_t)(host_rand() % m.n));
			continue;
		}
		unsigned int o = random_order();
		struct page *p = alloc_pages(op & 1 ? GFP_KERNEL : GFP_ATOMIC,
					     o);

		if (!p)
			continue;
		ASSERT_EQ(page_to_pfn(p) & ((1UL << o) - 1), 0);
		model_claim(&m, op, p, o);
		m.page[m.n] = p;
		m.order[m.n++] = o;
		if (op % 4096 == 0)
			check_accounting(&m);
	}
	check_accounting(&m);
	while (m.n)
		model_release(&m, m.n - 1);
	mm_host_free_vector(after);
	EXPECT_TRUE(vec_eq(before, after));
	EXPECT_EQ(mm_error_count(), 0);
	EXPECT_EQ(host_irq_off, 0);
}

TEST(buddy_alloc_pages_exhaustion_returns_null_then_recovers)
{
	static struct page *held[RAM_S >> PAGE_SHIFT];
	unsigned long before[MAX_PAGE_ORDER + 1], after[MAX_PAGE_ORDER + 1];
	struct page_alloc_stats st;
	unsigned long n = 0;

	setup(RAM_S, 0, 0);
	mm_host_free_vector(before);
	page_alloc_get_stats(&st);
	ASSERT_TRUE(st.wmark_min > 0);
	while ((held[n] = alloc_pages(GFP_KERNEL, 0)) != NULL)
		n++;
	/* GFP_KERNEL stops at the min watermark... */
	EXPECT_EQ(nr_free_pages(), st.wmark_min);
	/* ...GFP_ATOMIC may take the reserve, down to nothing */
	while ((held[n] = alloc_pages(GFP_ATOMIC, 0)) != NULL)
		n++;
	EXPECT_EQ(nr_free_pages(), 0);
	EXPECT_EQ(n, st.managed_pages);
	EXPECT_TRUE(alloc_pages(GFP_ATOMIC, 0) == NULL);
	__free_pages(held[--n], 0);
	held[n] = alloc_pages(GFP_ATOMIC, 0);
	EXPECT_TRUE(held[n] != NULL);
	n++;
	while (n)
		__free_pages(held[--n], 0);
	mm_host_free_vector(after);
	EXPECT_TRUE(vec_eq(before, after));
	page_alloc_get_stats(&st);
	EXPECT_TRUE(st.failures >= 2);
}

/* Expected free blocks for [s, e) in pfns, the way the buddy must cut it. */
static void expect_blocks(unsigned long s, unsigned long e, unsigned long *v)
{
	while (s < e) {
		unsigned int o = MAX_PAGE_ORDER;

		while ((s & ((1UL << o) - 1)) || s + (1UL << o) > e)
			o--;
		v[o]++;
		s += 1UL << o;
	}
}

TEST(buddy_add_range_unaligned_head_and_tail_become_smaller_blocks)
{
	unsigned long want[MAX_PAGE_ORDER + 1] = { 0 }, got[MAX_PAGE_ORDER + 1];
	static struct page *held[RAM_M >> PAGE_SHIFT];
	struct page_alloc_stats st;
	uintptr_t base, lo, hi;
	unsigned long n = 0;

	base = setup(RAM_M, 3 * PAGE_SIZE + 100, 5 * PAGE_SIZE + 7);
	page_alloc_get_stats(&st);
	lo = (base >> PAGE_SHIFT) + 4;	/* 3 pages and a bit: round up */
	hi = ((base + RAM_M) >> PAGE_SHIFT) - 6;
	/* the memmap was carved from the end of the range */
	hi -= DIV_ROUND_UP(st.memmap_bytes, PAGE_SIZE);
	expect_blocks(lo, hi, want);
	mm_host_free_vector(got);
	EXPECT_TRUE(vec_eq(want, got));
	EXPECT_EQ(st.managed_pages, hi - lo);
	/* the pages around the range are marked, not free */
	EXPECT_EQ(virt_to_page((void *)base)->flags, PG_reserved);
	EXPECT_EQ(pfn_to_page(hi)->flags, PG_reserved);	/* memmap */
	while ((held[n] = alloc_pages(GFP_ATOMIC, 0)) != NULL) {
		unsigned long pfn = page_to_pfn(held[n++]);

		ASSERT_TRUE(pfn >= lo && pfn < hi);
	}
	EXPECT_EQ(n, hi - lo);
	while (n)
		__free_pages(held[--n], 0);
	mm_host_free_vector(got);
	EXPECT_TRUE(vec_eq(want, got));
}

TEST(buddy_add_range_neighbours_in_one_block_coalesce)
{
	uintptr_t base = mm_host_ram(4 * BLK);
	unsigned long v[MAX_PAGE_ORDER + 1];

	ram_pfn0 = base >> PAGE_SHIFT;
	ASSERT_EQ(page_alloc_init(base, base + 4 * BLK), 0);
	/* memmap goes to the first range that fits: the last block */
	ASSERT_EQ(page_alloc_add_range(base + 3 * BLK, base + 4 * BLK), 0);
	ASSERT_EQ(page_alloc_add_range(base + 10 * PAGE_SIZE, base + BLK), 0);
	mm_host_free_vector(v);
	EXPECT_EQ(v[MAX_PAGE_ORDER], 0);
	ASSERT_EQ(page_alloc_add_range(base, base + 10 * PAGE_SIZE), 0);
	mm_host_free_vector(v);
	EXPECT_EQ(v[MAX_PAGE_ORDER], 1);
	EXPECT_EQ(page_alloc_add_range(base + 5 * PAGE_SIZE,
				       base + 6 * PAGE_SIZE), -EINVAL);
	EXPECT_EQ(page_alloc_add_range(base + 4 * BLK, base + 5 * BLK),
		  -EINVAL);
}

TEST(buddy_add_range_too_small_for_memmap_waits_for_a_bigger_one)
{
	uintptr_t base = mm_host_ram(RAM_M);
	unsigned long want[MAX_PAGE_ORDER + 1] = { 0 }, got[MAX_PAGE_ORDER + 1];
	unsigned long pfn = base >> PAGE_SHIFT, memmap_pages;
	struct page_alloc_stats st;

	ASSERT_EQ(page_alloc_init(base, base + RAM_M), 0);
	ASSERT_EQ(page_alloc_add_range(base + PAGE_SIZE, base + 5 * PAGE_SIZE),
		  0);
	EXPECT_EQ(nr_free_pages(), 0);
	EXPECT_TRUE(alloc_pages(GFP_ATOMIC, 0) == NULL);
	ASSERT_EQ(page_alloc_add_range(base + BLK, base + RAM_M), 0);
	page_alloc_get_stats(&st);
	memmap_pages = DIV_ROUND_UP(st.memmap_bytes, PAGE_SIZE);
	EXPECT_EQ(st.managed_pages,
		  4 + ((RAM_M - BLK) >> PAGE_SHIFT) - memmap_pages);
	expect_blocks(pfn + 1, pfn + 5, want);
	expect_blocks(pfn + (BLK >> PAGE_SHIFT),
		      pfn + (RAM_M >> PAGE_SHIFT) - memmap_pages, want);
	mm_host_free_vector(got);
	EXPECT_TRUE(vec_eq(want, got));
}

static unsigned long init_bits_set(void)
{
	unsigned long n = 0, words = DIV_ROUND_UP(mm_memmap.nr_pages >>
						  MAX_PAGE_ORDER, 64);

	for (unsigned long i = 0; i < words; i++)
		n += (unsigned long)__builtin_popcountll(
			mm_memmap.init_bits[i]);
	return n;
}

TEST(buddy_init_leaves_whole_blocks_untouched_until_used)
{
	size_t len = 1024 * MB;
	struct page_alloc_stats st;
	struct page *p;

	setup(len, 0, 0);
	page_alloc_get_stats(&st);
	/* only the block the memmap shares with free pages was written */
	ASSERT_TRUE(st.memmap_bytes % HOST_BLOCK != 0);
	EXPECT_EQ(init_bits_set(), 1);
	EXPECT_EQ(st.untouched_blocks,
		  len / HOST_BLOCK - DIV_ROUND_UP(st.memmap_bytes, HOST_BLOCK));
	p = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(init_bits_set(), 2);
	/* a block never used has no valid descriptor */
	EXPECT_TRUE(virt_to_page((void *)(page_address(p) + HOST_BLOCK)) ==
		    NULL);
	__free_pages(p, MAX_PAGE_ORDER);
	EXPECT_EQ(nr_free_pages(), st.free_pages);
}

TEST(buddy_free_pages_bad_frees_are_reported_and_ignored)
{
	unsigned long before[MAX_PAGE_ORDER + 1], after[MAX_PAGE_ORDER + 1];
	struct page *p, *q;
	static char not_ram[PAGE_SIZE] __attribute__((aligned(4096)));

	setup(RAM_M, 0, 0);
	mm_host_free_vector(before);
	p = alloc_pages(GFP_KERNEL, 2);
	q = alloc_pages(GFP_KERNEL, 0);
	ASSERT_TRUE(p && q);
	__free_pages(p + 1, 0);		/* not a block head */
	EXPECT_EQ(mm_error_count(), 1);
	__free_pages(p, 1);		/* wrong order */
	EXPECT_EQ(mm_error_count(), 2);
	free_pages((uintptr_t)not_ram, 0);	/* not RAM */
	EXPECT_EQ(mm_error_count(), 3);
	free_pages((uintptr_t)page_address(q) + 8, 0);	/* not page start */
	EXPECT_EQ(mm_error_count(), 4);
	__free_pages(p, 2);
	__free_pages(p, 2);		/* double free */
	EXPECT_EQ(mm_error_count(), 5);
	__free_pages(q, 0);
	__free_pages(q, 0);		/* double free from the hot list */
	EXPECT_EQ(mm_error_count(), 6);
	free_pages(0, 0);		/* no-op */
	EXPECT_EQ(mm_error_count(), 6);
	mm_host_free_vector(after);
	EXPECT_TRUE(vec_eq(before, after));
}

static struct page *hook_held[256];
static unsigned long hook_nheld, hook_calls;

static unsigned long give_back(struct lowmem_hook *h, unsigned long want,
			       gfp_t gfp)
{
	unsigned long n = 0;

	(void)h;
	(void)gfp;
	(void)want;
	hook_calls++;
	while (hook_nheld) {
		__free_pages(hook_held[--hook_nheld], 0);
		n++;
	}
	return n;
}

TEST(buddy_lowmem_hook_runs_below_low_and_gives_back)
{
	struct lowmem_hook h = { .name = "test", .reclaim = give_back };
	static struct page *held[RAM_S >> PAGE_SHIFT];
	unsigned long n = 0;

	setup(RAM_S, 0, 0);
	page_alloc_set_min_free(100);
	register_lowmem_hook(&h);
	hook_calls = 0;
	for (hook_nheld = 0; hook_nheld < 256; hook_nheld++)
		hook_held[hook_nheld] = alloc_pages(GFP_KERNEL, 0);
	/* go down to the low watermark (125) without crossing it */
	while (nr_free_pages() > 125)
		held[n++] = alloc_pages(GFP_KERNEL, 0);
	EXPECT_EQ(hook_calls, 0);
	/* an atomic caller never runs a hook without LOWMEM_HOOK_ATOMIC */
	held[n++] = alloc_pages(GFP_ATOMIC, 0);
	EXPECT_EQ(hook_calls, 0);
	EXPECT_EQ(hook_nheld, 256);
	held[n++] = alloc_pages(GFP_ATOMIC, 0);
	while (n)
		__free_pages(held[--n], 0);
	/* crossing low with GFP_KERNEL runs it, and it gives back */
	while (nr_free_pages() > 125)
		held[n++] = alloc_pages(GFP_KERNEL, 0);
	held[n++] = alloc_pages(GFP_KERNEL, 0);
	EXPECT_EQ(hook_calls, 1);
	EXPECT_EQ(hook_nheld, 0);
	EXPECT_TRUE(nr_free_pages() > 125 + 200);
	while (n)
		__free_pages(held[--n], 0);
	unregister_lowmem_hook(&h);
}

TEST(buddy_hot_list_returns_a_batch_past_its_limit)
{
	static struct page *held[PA_HOT_HIGH + 1];
	struct page_alloc_stats st;

	setup(RAM_M, 0, 0);
	for (int i = 0; i <= PA_HOT_HIGH; i++)
		held[i] = alloc_pages(GFP_KERNEL, 0);
	for (int i = 0; i < PA_HOT_HIGH; i++)
		__free_pages(held[i], 0);
	page_alloc_get_stats(&st);
	EXPECT_EQ(st.hot_pages, PA_HOT_HIGH);
	__free_pages(held[PA_HOT_HIGH], 0);
	page_alloc_get_stats(&st);
	EXPECT_EQ(st.hot_pages, PA_HOT_HIGH + 1 - PA_HOT_BATCH);
	/* LIFO: the page freed last comes back first */
	EXPECT_TRUE(alloc_pages(GFP_KERNEL, 0) == held[PA_HOT_HIGH]);
}

TEST(buddy_alloc_pages_gfp_zero_clears_the_block)
{
	struct page *p;
	unsigned char *m;

	setup(RAM_M, 0, 0);
	p = alloc_pages(GFP_KERNEL, 1);
	memset(page_address(p), 0x5a, 2 * PAGE_SIZE);
	__free_pages(p, 1);
	p = alloc_pages(GFP_KERNEL | __GFP_ZERO, 1);
	m = page_address(p);
	for (size_t i = 0; i < 2 * PAGE_SIZE; i++)
		ASSERT_EQ(m[i], 0);
	EXPECT_EQ(__get_free_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1), 0);
	EXPECT_TRUE(get_free_page(GFP_KERNEL) != 0);
}

TEST(buddy_page_alloc_init_rejects_misuse)
{
	uintptr_t base = mm_host_ram(RAM_M);

	EXPECT_EQ(page_alloc_add_range(base, base + MB), -EINVAL);
	EXPECT_EQ(page_alloc_init(base + MB, base), -EINVAL);
	EXPECT_EQ(page_alloc_init(base, base + RAM_M), 0);
	EXPECT_EQ(page_alloc_init(base, base + RAM_M), -EBUSY);
	EXPECT_EQ(page_alloc_add_range(base + 5, base + 100), 0); /* empty */
	EXPECT_EQ(nr_free_pages(), 0);
	EXPECT_TRUE(virt_to_page((void *)base) == NULL);
}

HOSTTEST_MAIN("buddy")
