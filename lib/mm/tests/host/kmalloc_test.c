/* SPDX-License-Identifier: MIT */
/*
 * kmalloc on slab caches: size classes, large requests, krealloc, bad
 * kfree reports, counters, and a random run against a model.
 */
#include "hosttest.h"
#include "mm_host.h"

#define MB	(1UL << 20)

TEST(kmalloc_size_classes_round_up_as_documented)
{
	static const size_t req[][2] = {
		{ 1, 8 },      { 8, 8 },      { 9, 16 },     { 16, 16 },
		{ 17, 32 },    { 33, 64 },    { 64, 64 },    { 65, 96 },
		{ 96, 96 },    { 97, 128 },   { 129, 192 },  { 192, 192 },
		{ 193, 256 },  { 257, 512 },  { 513, 1024 }, { 1025, 2048 },
		{ 2049, 4096 }, { 4097, 8192 }, { 8192, 8192 },
		{ 8193, 12288 /* pages: order 2 */ },
	};

	mm_host_setup(16 * MB, 0, 0);
	for (size_t i = 0; i < ARRAY_SIZE(req); i++) {
		void *p = kmalloc(req[i][0], GFP_KERNEL);
		size_t want = req[i][1] > 8192 ? 16384 : req[i][1];

		ASSERT_TRUE(p != NULL);
		EXPECT_EQ(ksize(p), want);
		/* natural alignment for powers of two */
		if ((want & (want - 1)) == 0)
			EXPECT_EQ((uintptr_t)p % MIN(want, PAGE_SIZE), 0);
		kfree(p);
	}
	/* geometry: at least 4 objects per slab, at most 1/8 wasted */
	EXPECT_EQ(km.caches[12].order, 3);
	EXPECT_EQ(km.caches[12].objects, 4);
	EXPECT_EQ(km.caches[4].order, 0);	/* 96: 42 objects */
	EXPECT_EQ(km.caches[4].objects, 42);
	EXPECT_EQ(mm_error_count(), 0);
}

TEST(kmalloc_zero_size_and_null_are_special)
{
	mm_host_setup(16 * MB, 0, 0);
	EXPECT_TRUE(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
	kfree(ZERO_SIZE_PTR);
	kfree(NULL);
	EXPECT_EQ(ksize(NULL), 0);
	EXPECT_EQ(ksize(ZERO_SIZE_PTR), 0);
	EXPECT_EQ(mm_error_count(), 0);
}

TEST(kmalloc_large_takes_pages_and_gives_them_back)
{
	unsigned long free0;
	struct page *pg;
	void *p;

	mm_host_setup(16 * MB, 0, 0);
	free0 = mm_host_pages_free();
	p = kmalloc(3 * PAGE_SIZE + 1, GFP_KERNEL);	/* 4 pages: order 2 */
	ASSERT_TRUE(p != NULL);
	pg = virt_to_page(p);
	EXPECT_EQ(pg->flags, PG_head | PG_large);
	EXPECT_EQ(pg->order, 2);
	EXPECT_EQ(ksize(p), 4 * PAGE_SIZE);
	EXPECT_EQ(mm_host_pages_free(), free0 - 4);
	kfree(p);
	EXPECT_EQ(mm_host_pages_free(), free0);
	EXPECT_TRUE(kmalloc(PAGE_SIZE << (MAX_PAGE_ORDER + 1), GFP_KERNEL) ==
		    NULL);
}

static unsigned long kmem_cache_stats_active(struct kmem_cache *c)
{
	struct kmem_cache_stats st;

	kmem_cache_get_stats(c, &st);
	return st.active_objs;
}

TEST(kmalloc_kfree_foreign_pointers_are_reported_and_ignored)
{
	static char not_ram[64];
	char on_stack[16];
	unsigned long free0, errs;
	struct kmalloc_stats ks;
	char *p, *big;
	struct page *pg;
	struct kmem_cache *other;
	void *obj;

	mm_host_setup(16 * MB, 0, 0);
	p = kmalloc(64, GFP_KERNEL);
	big = kmalloc(20000, GFP_KERNEL);
	pg = alloc_pages(GFP_KERNEL, 0);
	other = kmem_cache_create("other", 64, 0, 0, NULL);
	obj = kmem_cache_alloc(other, GFP_KERNEL);
	free0 = mm_host_pages_free();
	kfree(not_ram);
	kfree(on_stack);
	kfree(p + 8);			/* inside an object */
	kfree(big + PAGE_SIZE);		/* inside a large block */
	kfree(big + 16);		/* inside its first page */
	kfree(page_address(pg));	/* a page, not kmalloc'd */
	kfree((char *)page_address(pg) + 2 * MB);	/* a free page */
	kfree(obj);			/* a slab object, not kmalloc's */
	EXPECT_EQ(kmem_cache_stats_active(other), 1);
	errs = mm_error_count();
	EXPECT_EQ(errs, 8);
	kmalloc_get_stats(&ks);
	EXPECT_EQ(ks.bad_frees, 8);
	EXPECT_EQ(mm_host_pages_free(), free0);
	EXPECT_EQ(ksize(p + 8), 0);
	/* the real ones still free cleanly */
	kfree(p);
	kfree(big);
	__free_pages(pg, 0);
	kfree(big);			/* double free of a large block */
	EXPECT_EQ(mm_error_count(), errs + 2);
}

TEST(krealloc_keeps_contents_and_handles_edges)
{
	char *p, *q;

	mm_host_setup(16 * MB, 0, 0);
	p = krealloc(NULL, 10, GFP_KERNEL);
	ASSERT_TRUE(p != NULL);
	memcpy(p, "abcdefghi", 10);
	EXPECT_TRUE(krealloc(p, 16, GFP_KERNEL) == p);	/* fits its class */
	q = krealloc(p, 5000, GFP_KERNEL | __GFP_ZERO);
	ASSERT_TRUE(q != NULL);
	EXPECT_STREQ(q, "abcdefghi");
	EXPECT_EQ(q[4999], 0);
	p = krealloc(q, 50000, GFP_KERNEL);
	EXPECT_STREQ(p, "abcdefghi");
	EXPECT_TRUE(krealloc(p, 0, GFP_KERNEL) == ZERO_SIZE_PTR);
	EXPECT_EQ(mm_error_count(), 0);
}

TEST(kzalloc_returns_zeroed_memory)
{
	unsigned char *p;

	mm_host_setup(16 * MB, 0, 0);
	p = kmalloc(300, GFP_KERNEL);
	memset(p, 0xee, 300);
	kfree(p);
	p = kzalloc(300, GFP_KERNEL);
	for (int i = 0; i < 300; i++)
		ASSERT_EQ(p[i], 0);
}

TEST(kmalloc_atomic_with_interrupts_off_keeps_them_off)
{
	unsigned long flags;
	void *p;

	mm_host_setup(16 * MB, 0, 0);
	flags = local_irq_save();
	p = kmalloc(128, GFP_ATOMIC);
	EXPECT_TRUE(p != NULL);
	EXPECT_EQ(host_irq_off, 1);
	kfree(p);
	EXPECT_TRUE(alloc_pages(GFP_ATOMIC, 3) != NULL);
	EXPECT_EQ(host_irq_off, 1);
	local_irq_restore(flags);
	EXPECT_EQ(host_irq_off, 0);
}

TEST(kmalloc_stats_count_requested_and_allocated_bytes)
{
	struct kmalloc_stats ks;
	void *a, *b;

	mm_host_setup(16 * MB, 0, 0);
	a = kmalloc(100, GFP_KERNEL);
	b = kmalloc(10000, GFP_KERNEL);
	kmalloc_get_stats(&ks);
	EXPECT_EQ(ks.allocs, 2);
	EXPECT_EQ(ks.bytes_requested, 10100);
	EXPECT_EQ(ks.bytes_allocated, 128 + 16384);
	EXPECT_EQ(ks.bytes_live, 128 + 16384);
	EXPECT_EQ(ks.large_allocs, 1);
	kfree(a);
	kfree(b);
	kmalloc_get_stats(&ks);
	EXPECT_EQ(ks.frees, 2);
	EXPECT_EQ(ks.bytes_live, 0);
	meminfo_dump();
}

struct live {
	unsigned char *p;
	size_t n;
	uint32_t id;
};

static size_t random_size(void)
{
	uint64_t r = host_rand() % 100;

	if (r < 60)
		return 1 + host_rand() % 128;
	if (r < 95)
		return 1 + host_rand() % 8192;
	return 8193 + host_rand() % 60000;
}

static void shrink_one(struct kmem_cache *c, void *arg)
{
	(void)arg;
	kmem_cache_shrink(c);
}

TEST(kmalloc_random_alloc_free_never_overlaps)
{
	static struct live live[4000];
	unsigned long free0;
	uint32_t n = 0;

	mm_host_setup(64 * MB, 0, 0);
	kmalloc_init();
	free0 = mm_host_pages_free();
	host_srand(11);
	for (uint32_t op = 1; op <= 100000; op++) {
		if (n && (n == 4000 || host_rand() % 100 < 48)) {
			uint32_t i = (uint32_t)(host_rand() % n);

			for (size_t k = 0; k < live[i].n; k++)
				ASSERT_EQ(live[i].p[k],
					  (unsigned char)(live[i].id + k));
			kfree(live[i].p);
			live[i] = live[--n];
			continue;
		}
		size_t sz = random_size();
		unsigned char *p = kmalloc(sz, GFP_KERNEL);

		if (!p)
			continue;
		ASSERT_TRUE(ksize(p) >= sz);
		ASSERT_EQ((uintptr_t)p % (sz >= 16 ? 16 : 8), 0);
		for (size_t k = 0; k < sz; k++)
			p[k] = (unsigned char)(op + k);
		live[n++] = (struct live){ p, sz, op };
	}
	while (n)
		kfree(live[--n].p);
	kmem_cache_for_each(shrink_one, NULL);
	EXPECT_EQ(mm_host_pages_free(), free0);
	EXPECT_EQ(mm_error_count(), 0);
	EXPECT_EQ(host_irq_off, 0);
}

HOSTTEST_MAIN("kmalloc")
