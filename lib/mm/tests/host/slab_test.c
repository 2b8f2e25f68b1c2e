/* SPDX-License-Identifier: MIT */
/*
 * Slab caches: slab geometry, list moves, constructors, idle slabs going
 * back to the page allocator, misuse reports, and a random run against a
 * model (each live object filled with its own pattern).
 */
#include "hosttest.h"
#include "mm_host.h"

#define MB	(1UL << 20)

static unsigned long ctor_runs;

static void count_ctor(void *obj)
{
	ctor_runs++;
	memset(obj, 0xc7, 24);
}

static struct kmem_cache_stats stats_of(struct kmem_cache *c)
{
	struct kmem_cache_stats st;

	kmem_cache_get_stats(c, &st);
	return st;
}

TEST(slab_alloc_objects_per_slab_boundary_makes_one_new_slab)
{
	static void *objs[1024];
	struct kmem_cache *c;
	unsigned int per;

	mm_host_setup(16 * MB, 0, 0);
	c = kmem_cache_create("t200", 200, 0, 0, NULL);
	ASSERT_TRUE(c != NULL);
	per = stats_of(c).objects_per_slab;
	EXPECT_EQ(stats_of(c).order, 0);
	EXPECT_EQ(per, 20);
	EXPECT_EQ(per,
		  (PAGE_SIZE << stats_of(c).order) / stats_of(c).slot_size);
	for (unsigned int i = 0; i < per; i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	EXPECT_EQ(stats_of(c).slabs, 1);
	EXPECT_EQ(stats_of(c).full_slabs, 1);
	objs[per] = kmem_cache_alloc(c, GFP_KERNEL);
	EXPECT_EQ(stats_of(c).slabs, 2);
	EXPECT_EQ(stats_of(c).active_objs, per + 1);
	EXPECT_EQ(stats_of(c).total_objs, 2 * per);
	for (unsigned int i = 0; i <= per; i++)
		kmem_cache_free(c, objs[i]);
	EXPECT_EQ(stats_of(c).active_objs, 0);
	kmem_cache_destroy(c);
	EXPECT_EQ(mm_error_count(), 0);
}

TEST(slab_alloc_honours_alignment)
{
	size_t aligns[] = { 0, 8, 16, 64, 128, 512, 4096 };

	mm_host_setup(16 * MB, 0, 0);
	for (size_t i = 0; i < ARRAY_SIZE(aligns); i++) {
		struct kmem_cache *c = kmem_cache_create("al", 40, aligns[i], 0,
							 NULL);
		size_t a = aligns[i] ? aligns[i] : 8;

		ASSERT_TRUE(c != NULL);
		for (int k = 0; k < 100; k++) {
			uintptr_t p = (uintptr_t)kmem_cache_alloc(c,
								  GFP_KERNEL);

			EXPECT_EQ(p % a, 0);
		}
	}
	struct kmem_cache *hw = kmem_cache_create("hw", 24, 0,
						  SLAB_HWCACHE_ALIGN, NULL);
	EXPECT_EQ((uintptr_t)kmem_cache_alloc(hw, GFP_KERNEL) % 64, 0);
	EXPECT_EQ((uintptr_t)kmem_cache_alloc(hw, GFP_KERNEL) % 64, 0);
	EXPECT_TRUE(kmem_cache_create("bad", 40, 24, 0, NULL) == NULL);
	EXPECT_TRUE(kmem_cache_create("bad", 0, 0, 0, NULL) == NULL);
	EXPECT_TRUE(kmem_cache_create("big", 64 * 1024, 0, 0, NULL) == NULL);
}

TEST(slab_ctor_runs_once_per_object_when_its_slab_is_made)
{
	static void *objs[2000];
	struct kmem_cache *c;
	unsigned long total;

	mm_host_setup(16 * MB, 0, 0);
	ctor_runs = 0;
	c = kmem_cache_create("ctor", 100, 0, 0, count_ctor);
	ASSERT_TRUE(c != NULL);
	objs[0] = kmem_cache_alloc(c, GFP_KERNEL);
	EXPECT_EQ(ctor_runs, stats_of(c).objects_per_slab);
	for (int i = 0; i < 1000; i++) {	/* reuse never reconstructs */
		kmem_cache_free(c, objs[0]);
		objs[0] = kmem_cache_alloc(c, GFP_KERNEL);
	}
	EXPECT_EQ(ctor_runs, stats_of(c).objects_per_slab);
	kmem_cache_free(c, objs[0]);
	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < 2000; i++) {
			objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
			/* constructed state survives the free pointer */
			ASSERT_EQ(((unsigned char *)objs[i])[0], 0xc7);
			ASSERT_EQ(((unsigned char *)objs[i])[23], 0xc7);
		}
		for (int i = 0; i < 2000; i++)
			kmem_cache_free(c, objs[i]);
	}
	total = stats_of(c).total_objs;
	/* idle slabs were released and remade: runs = objects ever made */
	EXPECT_EQ(ctor_runs, stats_of(c).ctor_calls);
	EXPECT_TRUE(ctor_runs >= 2000 && ctor_runs < 5 * 2000);
	EXPECT_TRUE(total <= SLAB_IDLE_MAX * stats_of(c).objects_per_slab);
}

TEST(slab_alloc_after_free_returns_the_same_object)
{
	struct kmem_cache *c;
	void *a, *b;

	mm_host_setup(16 * MB, 0, 0);
	c = kmem_cache_create("lifo", 64, 0, 0, NULL);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	(void)kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, a);
	b = kmem_cache_alloc(c, GFP_KERNEL);
	EXPECT_TRUE(a == b);
}

TEST(slab_free_moves_slabs_between_lists_and_returns_idle_ones)
{
	static void *objs[8][512];
	struct kmem_cache *c;
	unsigned int per;
	unsigned long free0;

	mm_host_setup(16 * MB, 0, 0);
	c = kmem_cache_create("lists", 512, 0, 0, NULL);
	per = stats_of(c).objects_per_slab;
	ASSERT_TRUE(per <= 512);
	free0 = mm_host_pages_free();
	for (int s = 0; s < 8; s++)
		for (unsigned int i = 0; i < per; i++)
			objs[s][i] = kmem_cache_alloc(c, GFP_KERNEL);
	EXPECT_EQ(stats_of(c).full_slabs, 8);
	kmem_cache_free(c, objs[0][0]);
	EXPECT_EQ(stats_of(c).full_slabs, 7);
	EXPECT_EQ(stats_of(c).partial_slabs, 1);
	for (int s = 0; s < 8; s++)
		for (unsigned int i = (s == 0); i < per; i++)
			kmem_cache_free(c, objs[s][i]);
	/* SLAB_IDLE_MAX idle slabs are kept, the others went back */
	EXPECT_EQ(stats_of(c).free_slabs, SLAB_IDLE_MAX);
	EXPECT_EQ(stats_of(c).slabs, SLAB_IDLE_MAX);
	EXPECT_EQ(kmem_cache_shrink(c), SLAB_IDLE_MAX << stats_of(c).order);
	EXPECT_EQ(stats_of(c).slabs, 0);
	EXPECT_EQ(mm_host_pages_free(), free0);
}

TEST(slab_destroy_with_live_objects_is_refused_then_works)
{
	struct kmem_cache *c;
	unsigned long free0;
	void *p;

	mm_host_setup(16 * MB, 0, 0);
	c = kmem_cache_create("leak", 128, 0, 0, NULL);
	free0 = mm_host_pages_free();
	p = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_destroy(c);
	EXPECT_EQ(mm_error_count(), 1);
	EXPECT_EQ(stats_of(c).active_objs, 1);
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
	EXPECT_EQ(mm_error_count(), 1);
	EXPECT_EQ(mm_host_pages_free(), free0);
}

TEST(slab_free_misuse_is_reported_and_ignored)
{
	struct kmem_cache *a, *b;
	char *p, *q;
	static char outside[64];

	mm_host_setup(16 * MB, 0, 0);
	a = kmem_cache_create("a", 64, 0, 0, NULL);
	b = kmem_cache_create("b", 64, 0, 0, NULL);
	p = kmem_cache_alloc(a, GFP_KERNEL);
	q = kmem_cache_alloc(a, GFP_KERNEL);
	kmem_cache_free(b, p);			/* wrong cache */
	EXPECT_EQ(stats_of(b).errors, 1);
	kmem_cache_free(a, p + 8);		/* not an object start */
	kmem_cache_free(a, outside);		/* not RAM */
	EXPECT_EQ(stats_of(a).errors, 2);
	kmem_cache_free(a, p);
	kmem_cache_free(a, p);			/* double free: cheap check */
	EXPECT_EQ(stats_of(a).errors, 3);
	EXPECT_EQ(stats_of(a).active_objs, 1);
	kmem_cache_free(a, NULL);
	EXPECT_EQ(mm_error_count(), 4);
	/* still consistent: p comes back once, then fresh objects */
	EXPECT_TRUE(kmem_cache_alloc(a, GFP_KERNEL) == p);
	EXPECT_TRUE(kmem_cache_alloc(a, GFP_KERNEL) != p);
	kmem_cache_free(a, q);
}

TEST(slab_lowmem_hook_returns_idle_slabs)
{
	static void *objs[4][2048];
	static struct page *held[4096];
	struct kmem_cache *c[4];
	unsigned long n = 0;

	mm_host_setup(8 * MB, 0, 0);
	for (int k = 0; k < 4; k++) {
		c[k] = kmem_cache_create("idle", 256 << k, 0, 0, NULL);
		for (int i = 0; i < 40; i++)
			objs[k][i] = kmem_cache_alloc(c[k], GFP_KERNEL);
		for (int i = 0; i < 40; i++)
			kmem_cache_free(c[k], objs[k][i]);
		ASSERT_TRUE(stats_of(c[k]).free_slabs > 0);
	}
	while ((held[n] = alloc_pages(GFP_ATOMIC, 0)) != NULL)
		n++;
	for (int k = 0; k < 4; k++)
		EXPECT_EQ(stats_of(c[k]).free_slabs, 0);
	while (n)
		__free_pages(held[--n], 0);
}

/* Fill an object with a pattern derived from its id; check it later. */
static void fill(void *p, size_t n, uint32_t id)
{
	unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(id * 31 + i);
}

static bool intact(const void *p, size_t n, uint32_t id)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != (unsigned char)(id * 31 + i))
			return false;
	return true;
}

struct live {
	void *p;
	uint32_t id;
	uint8_t cache;
};

TEST(slab_random_alloc_free_never_overlaps)
{
	static const size_t sizes[] = { 8, 24, 40, 100, 200, 700, 3000, 9000 };
	static struct live live[5000];
	struct kmem_cache *c[ARRAY_SIZE(sizes)];
	unsigned long free0;
	uint32_t n = 0;

	mm_host_setup(64 * MB, 0, 0);
	for (size_t k = 0; k < ARRAY_SIZE(sizes); k++)
		c[k] = kmem_cache_create("rnd", sizes[k], k % 2 ? 16 : 0, 0,
					 NULL);
	free0 = mm_host_pages_free();
	host_srand(7);
	for (uint32_t op = 1; op <= 100000; op++) {
		if (n && (n == 5000 || host_rand() % 100 < 48)) {
			uint32_t i = (uint32_t)(host_rand() % n);
			struct live *l = &live[i];

			ASSERT_TRUE(intact(l->p, sizes[l->cache], l->id));
			kmem_cache_free(c[l->cache], l->p);
			*l = live[--n];
			continue;
		}
		uint8_t k = (uint8_t)(host_rand() % ARRAY_SIZE(sizes));
		void *p = kmem_cache_alloc(c[k], GFP_KERNEL);

		if (!p)
			continue;
		ASSERT_EQ((uintptr_t)p % (k % 2 ? 16 : 8), 0);
		fill(p, sizes[k], op);
		live[n++] = (struct live){ p, op, k };
	}
	while (n) {
		struct live *l = &live[--n];

		ASSERT_TRUE(intact(l->p, sizes[l->cache], l->id));
		kmem_cache_free(c[l->cache], l->p);
	}
	for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
		EXPECT_EQ(stats_of(c[k]).active_objs, 0);
		kmem_cache_destroy(c[k]);
	}
	EXPECT_EQ(mm_host_pages_free(), free0);
	EXPECT_EQ(mm_error_count(), 0);
	EXPECT_EQ(host_irq_off, 0);
}

HOSTTEST_MAIN("slab")
