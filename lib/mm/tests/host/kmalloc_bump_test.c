/* SPDX-License-Identifier: MIT */
/*
 * kmalloc as a bump allocator: LIFO frees roll the pointer back, other
 * frees only mark objects dead, ksize and the misuse reports still work.
 */
#include "hosttest.h"
#define MM_HOST_BUMP
#include "mm_host.h"

#define MB	(1UL << 20)

TEST(kmalloc_bump_kfree_of_last_rolls_back)
{
	char *a, *b, *c;

	mm_host_setup(16 * MB, 0, 0);
	a = kmalloc(10, GFP_KERNEL);
	b = kmalloc(100, GFP_KERNEL);
	ASSERT_TRUE(a && b);
	EXPECT_EQ((uintptr_t)a % 16, 0);
	EXPECT_EQ((uintptr_t)b % 16, 0);
	EXPECT_TRUE(b > a);
	kfree(b);
	c = kmalloc(100, GFP_KERNEL);
	EXPECT_TRUE(c == b);
	kfree(a);		/* not the last: only marked dead */
	EXPECT_TRUE((char *)kmalloc(10, GFP_KERNEL) > c);
	EXPECT_EQ(mm_error_count(), 0);
}

TEST(kmalloc_bump_lifo_frees_reclaim_dead_objects_below)
{
	char *first, *p[10];

	mm_host_setup(16 * MB, 0, 0);
	first = kmalloc(8, GFP_KERNEL);
	for (int i = 0; i < 10; i++)
		p[i] = kmalloc(50 + i, GFP_KERNEL);
	for (int i = 0; i < 9; i++)	/* out of order: nothing reclaimed */
		kfree(p[i]);
	kfree(p[9]);			/* last: rolls back over all ten */
	EXPECT_TRUE(kmalloc(1, GFP_KERNEL) == p[0]);
	EXPECT_TRUE(first != NULL);
}

TEST(kmalloc_bump_ksize_and_krealloc)
{
	char *a, *b;

	mm_host_setup(16 * MB, 0, 0);
	a = kmalloc(20, GFP_KERNEL);
	EXPECT_EQ(ksize(a), 32);
	memcpy(a, "bump", 5);
	b = krealloc(a, 2000, GFP_KERNEL);	/* the last object grows */
	EXPECT_TRUE(b == a);
	EXPECT_EQ(ksize(b), 2000);
	(void)kmalloc(8, GFP_KERNEL);
	b = krealloc(a, 4000, GFP_KERNEL | __GFP_ZERO);	/* must move */
	EXPECT_TRUE(b != a);
	EXPECT_STREQ(b, "bump");
	EXPECT_EQ(b[3999], 0);
	EXPECT_TRUE(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
	kfree(NULL);
	kfree(ZERO_SIZE_PTR);
	EXPECT_EQ(mm_error_count(), 0);
}

TEST(kmalloc_bump_misuse_is_reported_and_ignored)
{
	static char not_ram[64];
	char *a, *b;

	mm_host_setup(16 * MB, 0, 0);
	a = kmalloc(64, GFP_KERNEL);
	b = kmalloc(64, GFP_KERNEL);
	kfree(not_ram);
	kfree(a + 8);
	EXPECT_EQ(ksize(a + 8), 0);
	kfree(a + 16);		/* aligned, but no header below */
	EXPECT_EQ(mm_error_count(), 4);
	kfree(a);
	kfree(a);		/* double free of a dead object */
	EXPECT_EQ(mm_error_count(), 5);
	EXPECT_EQ(ksize(b), 64);
}

TEST(kmalloc_bump_large_requests_are_really_freed)
{
	unsigned long free0;
	void *p;

	mm_host_setup(16 * MB, 0, 0);
	free0 = mm_host_pages_free();
	p = kmalloc(50000, GFP_KERNEL);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(ksize(p), 16 * PAGE_SIZE);
	kfree(p);
	EXPECT_EQ(mm_host_pages_free(), free0);
}

TEST(kmalloc_bump_random_use_never_overlaps)
{
	static struct {
		unsigned char *p;
		size_t n;
		uint32_t id;
	} live[3000];
	struct kmalloc_stats ks;
	uint32_t n = 0;

	mm_host_setup(64 * MB, 0, 0);
	host_srand(13);
	for (uint32_t op = 1; op <= 30000; op++) {
		if (n && (n == 3000 || host_rand() % 100 < 45)) {
			/* mostly LIFO, so that roll-back gets exercised */
			uint32_t i = n - 1;

			if (host_rand() % 4 == 0)
				i = (uint32_t)(host_rand() % n);

			for (size_t k = 0; k < live[i].n; k++)
				ASSERT_EQ(live[i].p[k],
					  (unsigned char)(live[i].id + k));
			kfree(live[i].p);
			live[i] = live[--n];
			continue;
		}
		size_t sz = 1 + host_rand() % (host_rand() % 10 ? 256 : 12000);
		unsigned char *p = kmalloc(sz, GFP_KERNEL);

		ASSERT_TRUE(p != NULL);
		ASSERT_TRUE(ksize(p) >= sz);
		for (size_t k = 0; k < sz; k++)
			p[k] = (unsigned char)(op + k);
		live[n].p = p;
		live[n].n = sz;
		live[n++].id = op;
	}
	while (n)
		kfree(live[--n].p);
	kmalloc_get_stats(&ks);
	EXPECT_EQ(ks.bytes_live, 0);
	EXPECT_EQ(mm_error_count(), 0);
	EXPECT_EQ(host_irq_off, 0);
}

HOSTTEST_MAIN("kmalloc_bump")
