// hosttest-cflags: -DCONFIG_LIBMM_SLAB_DEBUG=1
/* SPDX-License-Identifier: MIT */
/*
 * Slab debugging: each kind of misuse is reported once, against the
 * right cache, and leaves the allocator consistent (checked by using the
 * cache afterwards and by the page count after a shrink).
 */
#include "hosttest.h"
#include "mm_host.h"

#define MB	(1UL << 20)

static struct kmem_cache_stats stats_of(struct kmem_cache *c)
{
	struct kmem_cache_stats st;

	kmem_cache_get_stats(c, &st);
	return st;
}

/* Use the cache hard and free everything: no new report may appear. */
static void exercise(struct kmem_cache *c, size_t size)
{
	static void *objs[3000];
	unsigned long errs = mm_error_count();

	for (int i = 0; i < 3000; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		ASSERT_TRUE(objs[i] != NULL);
		memset(objs[i], 0x11, size);
	}
	for (int i = 0; i < 3000; i++)
		kmem_cache_free(c, objs[i]);
	EXPECT_EQ(mm_error_count(), errs);
}

TEST(slab_debug_layout_adds_red_zone_and_metadata)
{
	struct kmem_cache *c;

	mm_host_setup(16 * MB, 0, 0);
	c = kmem_cache_create("dbg", 60, 0, 0, NULL);
	EXPECT_EQ(stats_of(c).object_size, 60);
	EXPECT_EQ(stats_of(c).slot_size, 64 + 8 + 24);
	EXPECT_TRUE(slab_debug_enabled());
}

TEST(slab_debug_double_free_is_reported_and_refused)
{
	struct kmem_cache *c;
	void *a, *b;

	mm_host_setup(16 * MB, 0, 0);
	c = kmem_cache_create("df", 64, 0, 0, NULL);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	b = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, a);
	kmem_cache_free(c, b);
	kmem_cache_free(c, a);	/* not the freelist head: needs the tag */
	EXPECT_EQ(stats_of(c).errors, 1);
	EXPECT_EQ(stats_of(c).active_objs, 0);
	/* a is handed out once only */
	EXPECT_TRUE(kmem_cache_alloc(c, GFP_KERNEL) == b);
	EXPECT_TRUE(kmem_cache_alloc(c, GFP_KERNEL) == a);
	EXPECT_TRUE(kmem_cache_alloc(c, GFP_KERNEL) != a);
	kmem_cache_free(c, a);
	kmem_cache_free(c, b);
	exercise(c, 64);
	EXPECT_EQ(stats_of(c).errors, 1);
	kmem_cache_shrink(c);
	EXPECT_EQ(stats_of(c).active_objs, 1);	/* the third object */
}

TEST(slab_debug_use_after_free_is_caught_on_allocation)
{
	struct kmem_cache *c;
	char *a, *b;

	mm_host_setup(16 * MB, 0, 0);
	c = kmem_cache_create("uaf", 100, 0, 0, NULL);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, a);
	a[50] = 'x';		/* write after free */
	b = kmem_cache_alloc(c, GFP_KERNEL);
	EXPECT_EQ(stats_of(c).errors, 1);
	EXPECT_TRUE(b != a);	/* the damaged object is kept out */
	kmem_cache_free(c, b);
	exercise(c, 100);
	EXPECT_EQ(stats_of(c).errors, 1);
}

TEST(slab_debug_overrun_is_caught_on_free)
{
	struct kmem_cache *c;
	char *a;

	mm_host_setup(16 * MB, 0, 0);
	c = kmem_cache_create("ovr", 100, 0, 0, NULL);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	a[100] = 0;		/* one byte past the end */
	kmem_cache_free(c, a);
	EXPECT_EQ(stats_of(c).errors, 1);
	EXPECT_EQ(stats_of(c).active_objs, 0);	/* red zone fixed, freed */
	/* the object is clean again and reusable */
	EXPECT_TRUE(kmem_cache_alloc(c, GFP_KERNEL) == a);
	kmem_cache_free(c, a);
	exercise(c, 100);
	EXPECT_EQ(stats_of(c).errors, 1);
}

TEST(slab_debug_red_zone_of_a_free_object_is_checked_on_allocation)
{
	struct kmem_cache *c;
	char *a;

	mm_host_setup(16 * MB, 0, 0);
	c = kmem_cache_create("rzf", 100, 0, 0, NULL);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, a);
	a[101] = 0;		/* stray write into a free object's red zone */
	EXPECT_TRUE(kmem_cache_alloc(c, GFP_KERNEL) != a);
	EXPECT_EQ(stats_of(c).errors, 1);
	exercise(c, 100);
	EXPECT_EQ(stats_of(c).errors, 1);
}

TEST(slab_debug_overrun_past_red_zone_refuses_the_free)
{
	struct kmem_cache *c;
	char *a;

	mm_host_setup(16 * MB, 0, 0);
	c = kmem_cache_create("ovr2", 64, 0, 0, NULL);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	memset(a, 0x41, 64 + 8 + 16);	/* over red zone, fp and tag */
	kmem_cache_free(c, a);
	EXPECT_EQ(stats_of(c).errors, 1);
	EXPECT_EQ(stats_of(c).active_objs, 1);
	exercise(c, 64);
	EXPECT_EQ(stats_of(c).errors, 1);
}

static void ctor_fill(void *p)
{
	memset(p, 0x77, 48);
}

TEST(slab_debug_ctor_cache_keeps_constructed_state)
{
	struct kmem_cache *c;
	unsigned char *a;

	mm_host_setup(16 * MB, 0, 0);
	c = kmem_cache_create("ctor", 48, 0, 0, ctor_fill);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	EXPECT_EQ(a[0], 0x77);
	EXPECT_EQ(a[47], 0x77);
	kmem_cache_free(c, a);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	EXPECT_EQ(a[47], 0x77);	/* not poisoned */
	a[48] = 1;
	kmem_cache_free(c, a);	/* the red zone still works */
	EXPECT_EQ(stats_of(c).errors, 1);
}

static void shrink_one(struct kmem_cache *c, void *arg)
{
	(void)arg;
	kmem_cache_shrink(c);
}

TEST(slab_debug_kmalloc_reports_each_misuse_with_its_cache)
{
	unsigned long free0;
	char *p, *q;

	mm_host_setup(16 * MB, 0, 0);
	kmalloc_init();
	free0 = mm_host_pages_free();
	p = kmalloc(40, GFP_KERNEL);
	EXPECT_EQ((uintptr_t)p % 16, 0);
	EXPECT_EQ(ksize(p), 64);
	q = kmalloc(40, GFP_KERNEL);
	kfree(p);
	kfree(q);
	kfree(p);
	EXPECT_EQ(mm_error_count(), 1);
	p = kmalloc(64, GFP_KERNEL);
	p[64] = 1;
	kfree(p);
	EXPECT_EQ(mm_error_count(), 2);
	p = kmalloc(64, GFP_KERNEL);
	kfree(p);
	p[0] = 0;
	p = kmalloc(64, GFP_KERNEL);
	EXPECT_EQ(mm_error_count(), 3);
	kfree(p);
	kmem_cache_for_each(shrink_one, NULL);
	/* only the dropped use-after-free object stays out */
	EXPECT_TRUE(mm_host_pages_free() >= free0 - 1);
}

TEST(slab_debug_random_kmalloc_use_reports_nothing)
{
	static struct {
		unsigned char *p;
		size_t n;
	} live[2000];
	unsigned long free0;
	uint32_t n = 0;

	mm_host_setup(64 * MB, 0, 0);
	kmalloc_init();
	free0 = mm_host_pages_free();
	host_srand(5);
	for (uint32_t op = 1; op <= 50000; op++) {
		if (n && (n == 2000 || host_rand() % 2)) {
			uint32_t i = (uint32_t)(host_rand() % n);

			for (size_t k = 0; k < live[i].n; k++)
				ASSERT_EQ(live[i].p[k], (unsigned char)k);
			kfree(live[i].p);
			live[i] = live[--n];
			continue;
		}
		size_t sz = 1 + host_rand() % 9000;
		unsigned char *p = kmalloc(sz, GFP_KERNEL);

		ASSERT_TRUE(p != NULL);
		for (size_t k = 0; k < sz; k++)
			p[k] = (unsigned char)k;
		live[n].p = p;
		live[n++].n = sz;
	}
	while (n)
		kfree(live[--n].p);
	kmem_cache_for_each(shrink_one, NULL);
	EXPECT_EQ(mm_host_pages_free(), free0);
	EXPECT_EQ(mm_error_count(), 0);
}

HOSTTEST_MAIN("slab_debug")
