/* SPDX-License-Identifier: MIT */
/*
 * In-image tests of lib/mm on the real allocator: the host tests' model
 * properties with smaller counts, plus what only the image has: real
 * interrupt masking (GFP_ATOMIC with interrupts off) and real page
 * tables behind vm_map. Suites: mm_buddy, mm_slab, mm_kmalloc, mm_vm.
 *
 * The system is shared with whatever else booted, so cases compare
 * counts before and after themselves instead of assuming a fresh state.
 */
#include <pith/irqflags.h>
#include <pith/ktest.h>
#include <pith/mm.h>
#include <pith/paging.h>
#include <pith/slab.h>
#include <pith/string.h>
#include <pith/trap.h>

/* Live allocations carry a pattern from their id: overlap breaks it. */
#define KT_RANDOM_OPS	4000
#define KT_LIVE		128

static void kt_fill(void *p, size_t n, unsigned int id)
{
	unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(id * 31 + i);
}

static bool kt_intact(const void *p, size_t n, unsigned int id)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != (unsigned char)(id * 31 + i))
			return false;
	return true;
}

static uint64_t kt_rng = 88172645463325252ULL;

static uint64_t kt_rand(void)
{
	kt_rng ^= kt_rng << 13;
	kt_rng ^= kt_rng >> 7;
	kt_rng ^= kt_rng << 17;
	return kt_rng;
}

/* ---- mm_buddy ---- */

static void mm_buddy_alloc_pages_block_aligned_to_its_order(struct ktest *t)
{
	for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++) {
		struct page *p = alloc_pages(GFP_KERNEL, o);

		if (!p && o >= 8)
			continue;	/* a small guest may lack big blocks */
		KT_ASSERT_TRUE(t, p != NULL);
		KT_EXPECT_EQ(t, page_to_phys(p) & ((PAGE_SIZE << o) - 1), 0);
		KT_EXPECT_TRUE(t, virt_to_page(page_address(p)) == p);
		__free_pages(p, o);
	}
	KT_EXPECT_TRUE(t, alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1) == NULL);
}

static void mm_buddy_random_alloc_free_never_overlaps(struct ktest *t)
{
	static struct page *live[KT_LIVE];
	static unsigned int order[KT_LIVE], id[KT_LIVE];
	unsigned long free0, errs0 = mm_error_count();
	unsigned int n = 0;

	page_alloc_drain();
	free0 = nr_free_pages();
	for (unsigned int op = 1; op <= KT_RANDOM_OPS; op++) {
		if (n && (n == KT_LIVE || kt_rand() % 2)) {
			unsigned int i = (unsigned int)(kt_rand() % n);

			KT_ASSERT_TRUE(t, kt_intact(page_address(live[i]),
						    PAGE_SIZE << order[i],
						    id[i]));
			__free_pages(live[i], order[i]);
			n--;
			live[i] = live[n];
			order[i] = order[n];
			id[i] = id[n];
			continue;
		}
		unsigned int o = (unsigned int)(kt_rand() % 5);
		struct page *p = alloc_pages(GFP_KERNEL, o);

		if (!p)
			continue;
		KT_ASSERT_EQ(t, page_to_phys(p) & ((PAGE_SIZE << o) - 1), 0);
		kt_fill(page_address(p), PAGE_SIZE << o, op);
		live[n] = p;
		order[n] = o;
		id[n++] = op;
	}
	while (n--)
		__free_pages(live[n], order[n]);
	page_alloc_drain();
	KT_EXPECT_EQ(t, nr_free_pages(), free0);
	KT_EXPECT_EQ(t, mm_error_count(), errs0);
}

static void kt_shrink(struct kmem_cache *c, void *arg)
{
	(void)arg;
	kmem_cache_shrink(c);
}

/*
 * Chain max-order blocks through their first word until none is left.
 * Running low calls the slab hook, which frees idle slabs: shrink them
 * first, so that the count before compares with the count after.
 */
static void mm_buddy_exhaustion_returns_null_then_recovers(struct ktest *t)
{
	uintptr_t chain = 0, p;
	unsigned long free0, n = 0;

	kmem_cache_for_each(kt_shrink, NULL);
	page_alloc_drain();
	free0 = nr_free_pages();
	while ((p = __get_free_pages(GFP_KERNEL, MAX_PAGE_ORDER)) != 0) {
		*(uintptr_t *)p = chain;
		chain = p;
		n++;
	}
	KT_EXPECT_TRUE(t, __get_free_pages(GFP_KERNEL, MAX_PAGE_ORDER) == 0);
	while (chain) {
		p = chain;
		chain = *(uintptr_t *)p;
		free_pages(p, MAX_PAGE_ORDER);
	}
	page_alloc_drain();
	KT_EXPECT_EQ(t, nr_free_pages(), free0);
	p = __get_free_pages(GFP_KERNEL, 0);
	KT_EXPECT_TRUE(t, p != 0);
	free_pages(p, 0);
	KT_EXPECT_TRUE(t, n > 0);
}

static void mm_buddy_atomic_with_interrupts_off(struct ktest *t)
{
	unsigned long flags = local_irq_save();
	struct page *p = alloc_pages(GFP_ATOMIC | __GFP_ZERO, 1);
	bool zero = true;

	if (p)
		for (size_t i = 0; i < 2 * PAGE_SIZE; i++)
			zero &= ((unsigned char *)page_address(p))[i] == 0;
	if (p)
		__free_pages(p, 1);
	local_irq_restore(flags);
	KT_EXPECT_TRUE(t, p != NULL);
	KT_EXPECT_TRUE(t, zero);
}

static void mm_buddy_bad_free_is_reported_and_ignored(struct ktest *t)
{
	unsigned long errs0 = mm_error_count(), free0;
	struct page *p = alloc_pages(GFP_KERNEL, 1);

	KT_ASSERT_TRUE(t, p != NULL);
	free0 = nr_free_pages();
	__free_pages(p, 0);		/* wrong order */
	free_pages((uintptr_t)page_address(p) + 16, 1);
	KT_EXPECT_EQ(t, mm_error_count(), errs0 + 2);
	KT_EXPECT_EQ(t, nr_free_pages(), free0);
	__free_pages(p, 1);
}

static struct ktest_case mm_buddy_cases[] = {
	KTEST_CASE(mm_buddy_alloc_pages_block_aligned_to_its_order),
	KTEST_CASE(mm_buddy_random_alloc_free_never_overlaps),
	KTEST_CASE(mm_buddy_exhaustion_returns_null_then_recovers),
	KTEST_CASE(mm_buddy_atomic_with_interrupts_off),
	KTEST_CASE(mm_buddy_bad_free_is_reported_and_ignored),
	{}
};
KTEST_SUITE(mm_buddy, mm_buddy_cases);

/* ---- mm_slab ---- */

static unsigned long kt_ctor_runs;

static void kt_ctor(void *p)
{
	kt_ctor_runs++;
	*(unsigned long *)p = 0xc0ffee;
}

static void mm_slab_ctor_runs_once_per_object(struct ktest *t)
{
	struct kmem_cache *c = kmem_cache_create("kt_ctor", 72, 0, 0,
						 kt_ctor);
	struct kmem_cache_stats st;
	void *p;

	KT_ASSERT_TRUE(t, c != NULL);
	kt_ctor_runs = 0;
	p = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_get_stats(c, &st);
	KT_EXPECT_EQ(t, kt_ctor_runs, st.objects_per_slab);
	for (int i = 0; i < 500; i++) {
		KT_ASSERT_EQ(t, *(unsigned long *)p, 0xc0ffee);
		kmem_cache_free(c, p);
		p = kmem_cache_alloc(c, GFP_KERNEL);
	}
	KT_EXPECT_EQ(t, kt_ctor_runs, st.objects_per_slab);
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
}

static void mm_slab_objects_per_slab_boundary(struct ktest *t)
{
	static void *objs[256];
	struct kmem_cache *c = kmem_cache_create("kt_geo", 300, 64, 0, NULL);
	struct kmem_cache_stats st;
	unsigned int per;

	KT_ASSERT_TRUE(t, c != NULL);
	kmem_cache_get_stats(c, &st);
	per = st.objects_per_slab;
	KT_ASSERT_TRUE(t, per < 255);
	for (unsigned int i = 0; i <= per; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		KT_ASSERT_TRUE(t, objs[i] != NULL);
		KT_EXPECT_EQ(t, (uintptr_t)objs[i] % 64, 0);
	}
	kmem_cache_get_stats(c, &st);
	KT_EXPECT_EQ(t, st.slabs, 2);
	for (unsigned int i = 0; i <= per; i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_destroy(c);
}

static void mm_slab_atomic_alloc_with_interrupts_off(struct ktest *t)
{
	struct kmem_cache *c = kmem_cache_create("kt_irq", 64, 0, 0, NULL);
	unsigned long flags;
	void *p, *q;

	KT_ASSERT_TRUE(t, c != NULL);
	flags = local_irq_save();
	p = kmem_cache_alloc(c, GFP_ATOMIC);	/* grows the cache here */
	q = kmem_cache_alloc(c, GFP_ATOMIC);
	kmem_cache_free(c, p);
	kmem_cache_free(c, q);
	local_irq_restore(flags);
	KT_EXPECT_TRUE(t, p && q && p != q);
	kmem_cache_destroy(c);
}

static void mm_slab_double_free_is_reported_and_refused(struct ktest *t)
{
	struct kmem_cache *c = kmem_cache_create("kt_df", 48, 0, 0, NULL);
	unsigned long errs0 = mm_error_count();
	void *a, *b;

	KT_ASSERT_TRUE(t, c != NULL);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, a);
	kmem_cache_free(c, a);	/* caught without debugging too */
	KT_EXPECT_EQ(t, mm_error_count(), errs0 + 1);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	b = kmem_cache_alloc(c, GFP_KERNEL);
	KT_EXPECT_TRUE(t, a != b);
	kmem_cache_free(c, a);
	kmem_cache_free(c, b);
	kmem_cache_destroy(c);
}

static void mm_slab_debug_catches_overrun_and_use_after_free(struct ktest *t)
{
	struct kmem_cache *c = kmem_cache_create("kt_dbg", 48, 0, 0, NULL);
	unsigned long errs0 = mm_error_count();
	struct kmem_cache_stats st;
	char *a, *b;

	KT_ASSERT_TRUE(t, c != NULL);
	kmem_cache_get_stats(c, &st);
	if (st.slot_size == st.object_size) {
		/* no red zone: the writes below would corrupt the cache */
		kmem_cache_destroy(c);
		kt_skip(t, "CONFIG_LIBMM_SLAB_DEBUG is off");
	}
	a = kmem_cache_alloc(c, GFP_KERNEL);
	b = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, a);
	kmem_cache_free(c, b);
	kmem_cache_free(c, a);	/* double free, not the last one freed */
	KT_EXPECT_EQ(t, mm_error_count(), errs0 + 1);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	a[48] = 1;		/* overrun into the red zone */
	kmem_cache_free(c, a);
	KT_EXPECT_EQ(t, mm_error_count(), errs0 + 2);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, a);
	a[0] = 1;		/* use after free */
	b = kmem_cache_alloc(c, GFP_KERNEL);
	KT_EXPECT_EQ(t, mm_error_count(), errs0 + 3);
	KT_EXPECT_TRUE(t, b != a);
	kmem_cache_free(c, b);
}

static struct ktest_case mm_slab_cases[] = {
	KTEST_CASE(mm_slab_ctor_runs_once_per_object),
	KTEST_CASE(mm_slab_objects_per_slab_boundary),
	KTEST_CASE(mm_slab_atomic_alloc_with_interrupts_off),
	KTEST_CASE(mm_slab_double_free_is_reported_and_refused),
	KTEST_CASE(mm_slab_debug_catches_overrun_and_use_after_free),
	{}
};
KTEST_SUITE(mm_slab, mm_slab_cases);

/* ---- mm_kmalloc ---- */

static void mm_kmalloc_random_alloc_free_never_overlaps(struct ktest *t)
{
	static unsigned char *live[KT_LIVE];
	static size_t size[KT_LIVE];
	static unsigned int id[KT_LIVE];
	unsigned long errs0 = mm_error_count();
	unsigned int n = 0;

	for (unsigned int op = 1; op <= KT_RANDOM_OPS; op++) {
		if (n && (n == KT_LIVE || kt_rand() % 2)) {
			unsigned int i = (unsigned int)(kt_rand() % n);

			KT_ASSERT_TRUE(t, kt_intact(live[i], size[i], id[i]));
			kfree(live[i]);
			n--;
			live[i] = live[n];
			size[i] = size[n];
			id[i] = id[n];
			continue;
		}
		size_t sz = 1 + kt_rand() % (kt_rand() % 8 ? 512 : 20000);
		unsigned char *p = kmalloc(sz, GFP_KERNEL);

		KT_ASSERT_TRUE(t, p != NULL);
		KT_ASSERT_TRUE(t, ksize(p) >= sz);
		kt_fill(p, sz, op);
		live[n] = p;
		size[n] = sz;
		id[n++] = op;
	}
	while (n--)
		kfree(live[n]);
	KT_EXPECT_EQ(t, mm_error_count(), errs0);
}

static void mm_kmalloc_atomic_with_interrupts_off(struct ktest *t)
{
	unsigned long flags = local_irq_save();
	void *p = kmalloc(200, GFP_ATOMIC);
	void *q = kzalloc(20000, GFP_ATOMIC);

	kfree(p);
	kfree(q);
	local_irq_restore(flags);
	KT_EXPECT_TRUE(t, p != NULL);
	KT_EXPECT_TRUE(t, q != NULL);
}

static void mm_kmalloc_foreign_kfree_is_reported(struct ktest *t)
{
	static char not_heap[32];
	unsigned long errs0 = mm_error_count();
	char *p = kmalloc(64, GFP_KERNEL);

	kfree(not_heap);
	kfree(p + 8);
	KT_EXPECT_EQ(t, mm_error_count(), errs0 + 2);
	kfree(NULL);
	kfree(ZERO_SIZE_PTR);
	kfree(p);
	KT_EXPECT_EQ(t, mm_error_count(), errs0 + 2);
}

static struct ktest_case mm_kmalloc_cases[] = {
	KTEST_CASE(mm_kmalloc_random_alloc_free_never_overlaps),
	KTEST_CASE(mm_kmalloc_atomic_with_interrupts_off),
	KTEST_CASE(mm_kmalloc_foreign_kfree_is_reported),
	{}
};
KTEST_SUITE(mm_kmalloc, mm_kmalloc_cases);

/* ---- mm_vm ---- */

static void mm_vm_map_write_read_and_describe_guard(struct ktest *t)
{
	char msg[96];
	unsigned char *p = vm_map(3 * PAGE_SIZE, VM_READ | VM_WRITE,
				  VM_STACK, "kt_stack");

	KT_ASSERT_FALSE(t, IS_ERR(p));
	for (size_t i = 0; i < 3 * PAGE_SIZE; i++)
		KT_ASSERT_EQ(t, p[i], 0);
	kt_fill(p, 3 * PAGE_SIZE, 7);
	KT_EXPECT_TRUE(t, kt_intact(p, 3 * PAGE_SIZE, 7));
	KT_EXPECT_TRUE(t, vm_describe_fault((uintptr_t)p - 8, msg,
					    sizeof(msg)));
	/* inside a region: named, not called a guard */
	KT_EXPECT_TRUE(t, vm_describe_fault((uintptr_t)p, msg, sizeof(msg)));
	KT_EXPECT_EQ(t, kstrncmp(msg, "in kt_stack", 11), 0);
	KT_EXPECT_EQ(t, vm_unmap(p + PAGE_SIZE, PAGE_SIZE), 0);
	KT_EXPECT_TRUE(t, vm_describe_fault((uintptr_t)p + PAGE_SIZE, msg,
					    sizeof(msg)));
	KT_EXPECT_TRUE(t, kt_intact(p + 2 * PAGE_SIZE, PAGE_SIZE, 7));
	KT_EXPECT_EQ(t, vm_protect(p, PAGE_SIZE, VM_READ), 0);
	KT_EXPECT_EQ(t, vm_protect(p, 3 * PAGE_SIZE, VM_READ), -ENOMEM);
	KT_EXPECT_EQ(t, vm_unmap(p, 3 * PAGE_SIZE), 0);
}

static void mm_vm_map_unmap_gives_pages_back(struct ktest *t)
{
	struct vm_stats st0, st;
	void *p;

	vm_get_stats(&st0);
	p = vm_map(16 * PAGE_SIZE, VM_READ | VM_WRITE, 0, "kt_heap");
	KT_ASSERT_FALSE(t, IS_ERR(p));
	vm_get_stats(&st);
	KT_EXPECT_EQ(t, st.pages, st0.pages + 16);
	KT_EXPECT_EQ(t, vm_unmap(p, 16 * PAGE_SIZE), 0);
	vm_get_stats(&st);
	KT_EXPECT_EQ(t, st.pages, st0.pages);
	KT_EXPECT_EQ(t, st.regions, st0.regions);
}

static int kt_released;

static void kt_backing_release(struct vm_backing *b)
{
	kt_released++;
}

/* Borrowed pages: shared with their owner, counted down across a split,
 * released once after the last, never freed. */
static void mm_vm_map_pages_borrowed_released_after_last(struct ktest *t)
{
	struct vm_backing b = { .release = kt_backing_release,
				.maxprot = VM_READ | VM_WRITE };
	uintptr_t pa[3];
	unsigned char *own[3], *p;

	for (int i = 0; i < 3; i++) {
		own[i] = (unsigned char *)get_free_page(GFP_KERNEL | __GFP_ZERO);
		KT_ASSERT_TRUE(t, own[i] != NULL);
		pa[i] = page_to_phys(virt_to_page(own[i]));
	}
	kt_released = 0;
	p = vm_map_pages(3 * PAGE_SIZE, VM_READ | VM_WRITE, pa, &b, "kt_file");
	KT_ASSERT_FALSE(t, IS_ERR(p));
	KT_EXPECT_TRUE(t, vm_is_borrowed(p + PAGE_SIZE));
	p[PAGE_SIZE + 5] = 0x5a;
	KT_EXPECT_EQ(t, own[1][5], 0x5a);
	own[2][9] = 0xa5;
	KT_EXPECT_EQ(t, p[2 * PAGE_SIZE + 9], 0xa5);
	KT_EXPECT_EQ(t, vm_protect(p, PAGE_SIZE, VM_READ | VM_EXEC), -EACCES);
	KT_EXPECT_EQ(t, vm_protect(p, PAGE_SIZE, VM_READ), 0);
	KT_EXPECT_EQ(t, vm_unmap(p + PAGE_SIZE, PAGE_SIZE), 0);	/* split */
	KT_EXPECT_EQ(t, b.mapped, 2ul);
	KT_EXPECT_EQ(t, vm_unmap(p, PAGE_SIZE), 0);
	KT_EXPECT_EQ(t, kt_released, 0);
	KT_EXPECT_EQ(t, vm_unmap(p + 2 * PAGE_SIZE, PAGE_SIZE), 0);
	KT_EXPECT_EQ(t, kt_released, 1);
	KT_EXPECT_FALSE(t, vm_is_borrowed(p));
	for (int i = 0; i < 3; i++)	/* still ours: writable, freeable */
		own[i][0] = 1;
	for (int i = 0; i < 3; i++)
		free_pages((uintptr_t)own[i], 0);
}

/* 1 MiB lazily: only the touched pages take memory, untouched ones
 * read as zeros (each read backs a zeroed page). */
static void mm_vm_lazy_only_touched_pages_take_memory(struct ktest *t)
{
	struct page_alloc_stats pa0, pa;
	struct vm_stats st0, st;
	volatile unsigned char *p;

	vm_get_stats(&st0);
	page_alloc_get_stats(&pa0);
	p = vm_map(256 * PAGE_SIZE, VM_READ | VM_WRITE, VM_LAZY, "kt_lazy");
	KT_ASSERT_FALSE(t, IS_ERR((void *)p));
	vm_get_stats(&st);
	KT_EXPECT_EQ(t, st.pages, st0.pages);
	KT_EXPECT_FALSE(t, paging_is_mapped((uintptr_t)p));
	p[0] = 1;
	p[100 * PAGE_SIZE + 7] = 2;
	p[100 * PAGE_SIZE + 8] = 3;		/* same page: no new fault */
	KT_EXPECT_EQ(t, p[255 * PAGE_SIZE + 4095], 0);
	vm_get_stats(&st);
	KT_EXPECT_EQ(t, st.pages, st0.pages + 3);
	KT_EXPECT_EQ(t, st.faults, st0.faults + 3);
	page_alloc_get_stats(&pa);
	/* 3 pages and maybe a few page-table pages, not 256 */
	KT_EXPECT_TRUE(t, pa0.free_pages - pa.free_pages < 16);
	KT_EXPECT_EQ(t, p[0], 1);
	KT_EXPECT_EQ(t, p[100 * PAGE_SIZE + 7], 2);
	KT_EXPECT_EQ(t, p[50 * PAGE_SIZE], 0);
	KT_EXPECT_EQ(t, vm_unmap((void *)p, 256 * PAGE_SIZE), 0);
	vm_get_stats(&st);
	KT_EXPECT_EQ(t, st.pages, st0.pages);
}

/* Kernel code copying into an untouched buffer (what read() does with an
 * app's fresh mmap memory: one ring-0 address space) is served, also
 * with interrupts off. */
static void mm_vm_lazy_kernel_copy_into_untouched_buffer(struct ktest *t)
{
	static const char src[] = "copied by the kernel";
	unsigned char *p = vm_map(4 * PAGE_SIZE, VM_READ | VM_WRITE, VM_LAZY,
				  "kt_buf");
	unsigned long flags;

	KT_ASSERT_FALSE(t, IS_ERR(p));
	memcpy(p + PAGE_SIZE - 4, src, sizeof(src));	/* straddles two */
	KT_EXPECT_EQ(t, memcmp(p + PAGE_SIZE - 4, src, sizeof(src)), 0);
	flags = local_irq_save();
	memset(p + 3 * PAGE_SIZE, 0x77, PAGE_SIZE);
	local_irq_restore(flags);
	KT_EXPECT_EQ(t, p[4 * PAGE_SIZE - 1], 0x77);
	KT_EXPECT_EQ(t, p[2 * PAGE_SIZE + 100], 0);
	KT_EXPECT_EQ(t, vm_unmap(p, 4 * PAGE_SIZE), 0);
}

/* MADV_DONTNEED frees the pages and they read back as zeros; mlock's
 * prefault backs them all at once. */
static void mm_vm_lazy_discard_frees_and_rezeroes(struct ktest *t)
{
	struct vm_stats st0, st;
	unsigned char *p = vm_map(8 * PAGE_SIZE, VM_READ | VM_WRITE, VM_LAZY,
				  "kt_dn");

	KT_ASSERT_FALSE(t, IS_ERR(p));
	vm_get_stats(&st0);
	KT_EXPECT_EQ(t, vm_prefault(p, 8 * PAGE_SIZE), 0);
	vm_get_stats(&st);
	KT_EXPECT_EQ(t, st.pages, st0.pages + 8);
	kt_fill(p, 8 * PAGE_SIZE, 9);
	KT_EXPECT_EQ(t, vm_discard(p + 2 * PAGE_SIZE, 4 * PAGE_SIZE), 0);
	vm_get_stats(&st);
	KT_EXPECT_EQ(t, st.pages, st0.pages + 4);
	for (size_t i = 2 * PAGE_SIZE; i < 6 * PAGE_SIZE; i += 512)
		KT_ASSERT_EQ(t, p[i], 0);
	KT_EXPECT_TRUE(t, kt_intact(p, 2 * PAGE_SIZE, 9));
	KT_EXPECT_TRUE(t, kt_intact(p + 6 * PAGE_SIZE, 2 * PAGE_SIZE, 9));
	KT_EXPECT_EQ(t, vm_unmap(p, 8 * PAGE_SIZE), 0);
}

static volatile unsigned char *volatile kt_lazy_ptr;

/* PROT_NONE and read-only pieces of a lazy region still fault (the
 * fault is fatal, hence trap_catch), the rest is served. */
static void mm_vm_lazy_prot_none_still_faults(struct ktest *t)
{
	unsigned char *p = vm_map(4 * PAGE_SIZE, VM_READ | VM_WRITE, VM_LAZY,
				  "kt_none");
	struct kjmp_buf jb;
	int v;

	KT_ASSERT_FALSE(t, IS_ERR(p));
	KT_EXPECT_EQ(t, vm_protect(p + PAGE_SIZE, PAGE_SIZE, 0), 0);
	KT_EXPECT_EQ(t, vm_protect(p + 2 * PAGE_SIZE, PAGE_SIZE, VM_READ), 0);
	kt_lazy_ptr = p + PAGE_SIZE + 8;
	if ((v = kjmp_set(&jb)) == 0) {
		trap_catch(&jb);
		(void)*kt_lazy_ptr;
		trap_catch(NULL);
		KT_ASSERT_TRUE(t, !"no fault on a PROT_NONE page");
	}
	KT_EXPECT_EQ(t, v, 14 + 1);
	KT_EXPECT_EQ(t, trap_last_fault()->addr, (uintptr_t)kt_lazy_ptr);
	kt_lazy_ptr = p + 2 * PAGE_SIZE;
	KT_EXPECT_EQ(t, *kt_lazy_ptr, 0);	/* read: served */
	if ((v = kjmp_set(&jb)) == 0) {
		trap_catch(&jb);
		*kt_lazy_ptr = 1;
		trap_catch(NULL);
		KT_ASSERT_TRUE(t, !"no fault writing a read-only page");
	}
	KT_EXPECT_EQ(t, v, 14 + 1);
	p[3 * PAGE_SIZE] = 5;
	KT_EXPECT_EQ(t, vm_protect(p, 4 * PAGE_SIZE, VM_READ | VM_WRITE), 0);
	p[PAGE_SIZE] = 6;
	KT_EXPECT_EQ(t, p[3 * PAGE_SIZE] + p[PAGE_SIZE], 11);
	KT_EXPECT_EQ(t, vm_unmap(p, 4 * PAGE_SIZE), 0);
}

static struct ktest_case mm_vm_cases[] = {
	KTEST_CASE(mm_vm_map_write_read_and_describe_guard),
	KTEST_CASE(mm_vm_map_unmap_gives_pages_back),
	KTEST_CASE(mm_vm_map_pages_borrowed_released_after_last),
	KTEST_CASE(mm_vm_lazy_only_touched_pages_take_memory),
	KTEST_CASE(mm_vm_lazy_kernel_copy_into_untouched_buffer),
	KTEST_CASE(mm_vm_lazy_discard_frees_and_rezeroes),
	KTEST_CASE(mm_vm_lazy_prot_none_still_faults),
	{}
};
KTEST_SUITE(mm_vm, mm_vm_cases);
