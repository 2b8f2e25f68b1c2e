/* SPDX-License-Identifier: MIT */
/*
 * VM regions, checked through the fake page tables: what is mapped where
 * with which protection, guard pages, splitting, and unwinding.
 */
#include "hosttest.h"
#include "mm_host.h"

#define MB	(1UL << 20)

static bool mapped(uintptr_t va, unsigned int *prot)
{
	uintptr_t pa;
	unsigned int p;

	if (!fake_pt_lookup(va, &pa, &p))
		return false;
	if (prot)
		*prot = p;
	return true;
}

/* Every page of [a, b) mapped (with prot, unless ~0u) to a distinct,
 * zeroed RAM page marked PG_vm. */
static bool all_mapped(uintptr_t a, uintptr_t b, unsigned int prot)
{
	for (uintptr_t va = a; va < b; va += PAGE_SIZE) {
		uintptr_t pa;
		unsigned int p;
		struct page *pg;

		if (!fake_pt_lookup(va, &pa, &p) || (prot != ~0u && p != prot))
			return false;
		pg = virt_to_page((void *)pa);
		if (!pg || !(pg->flags & PG_vm) || pg->index != va ||
		    *(unsigned char *)pa != 0)
			return false;
	}
	return true;
}

static unsigned long vm_regions(void)
{
	struct vm_stats st;

	vm_get_stats(&st);
	return st.regions;
}

TEST(vm_map_maps_zeroed_pages_above_an_unmapped_guard)
{
	uintptr_t a, b;
	struct vm_stats st;

	mm_host_setup(16 * MB, 0, 0);
	a = (uintptr_t)vm_map(3 * PAGE_SIZE + 1, VM_READ | VM_WRITE, 0, "heap");
	ASSERT_FALSE(IS_ERR((void *)a));
	EXPECT_EQ(a % PAGE_SIZE, 0);
	EXPECT_TRUE(a >= VM_WINDOW_START + PAGE_SIZE && a < VM_WINDOW_END);
	EXPECT_TRUE(all_mapped(a, a + 4 * PAGE_SIZE, VM_READ | VM_WRITE));
	EXPECT_FALSE(mapped(a - PAGE_SIZE, NULL));
	EXPECT_FALSE(mapped(a + 4 * PAGE_SIZE, NULL));
	b = (uintptr_t)vm_map(PAGE_SIZE, VM_READ, 0, "two");
	EXPECT_TRUE(b >= a + 5 * PAGE_SIZE);	/* room for b's guard */
	EXPECT_FALSE(mapped(b - PAGE_SIZE, NULL));
	vm_get_stats(&st);
	EXPECT_EQ(st.regions, 2);
	EXPECT_EQ(st.pages, 5);
}

TEST(vm_unmap_whole_region_frees_its_pages)
{
	unsigned long free0;
	void *a;

	mm_host_setup(16 * MB, 0, 0);
	a = vm_map(PAGE_SIZE, VM_READ, 0, "warm");	/* tables, cache */
	vm_unmap(a, PAGE_SIZE);
	kmem_cache_shrink(vm.cache);
	free0 = mm_host_pages_free();
	a = vm_map(10 * PAGE_SIZE, VM_READ | VM_WRITE, 0, "x");
	ASSERT_FALSE(IS_ERR(a));
	/* 10 pages and the region cache's slab */
	EXPECT_EQ(mm_host_pages_free(), free0 - 10 - 1);
	EXPECT_EQ(vm_unmap(a, 10 * PAGE_SIZE), 0);
	EXPECT_EQ(fake_pt_mapped, 0);
	EXPECT_EQ(vm_regions(), 0);
	kmem_cache_shrink(vm.cache);
	EXPECT_EQ(mm_host_pages_free(), free0);
}

TEST(vm_unmap_middle_splits_the_region)
{
	uintptr_t a;
	char msg[128];

	mm_host_setup(16 * MB, 0, 0);
	a = (uintptr_t)vm_map(10 * PAGE_SIZE, VM_READ | VM_WRITE, 0, "split");
	ASSERT_EQ(vm_unmap((void *)(a + 3 * PAGE_SIZE), 2 * PAGE_SIZE), 0);
	EXPECT_EQ(vm_regions(), 2);
	EXPECT_TRUE(all_mapped(a, a + 3 * PAGE_SIZE, ~0u));
	EXPECT_FALSE(mapped(a + 3 * PAGE_SIZE, NULL));
	EXPECT_FALSE(mapped(a + 4 * PAGE_SIZE, NULL));
	EXPECT_TRUE(all_mapped(a + 5 * PAGE_SIZE, a + 10 * PAGE_SIZE, ~0u));
	/* the hole's top page is the guard of the upper part */
	EXPECT_TRUE(vm_describe_fault(a + 4 * PAGE_SIZE, msg, sizeof(msg)));
	EXPECT_FALSE(vm_describe_fault(a + 3 * PAGE_SIZE, msg, sizeof(msg)));
	/* each part unmaps on its own */
	EXPECT_EQ(vm_unmap((void *)(a + 5 * PAGE_SIZE), 5 * PAGE_SIZE), 0);
	EXPECT_EQ(vm_regions(), 1);
	EXPECT_EQ(vm_unmap((void *)a, 3 * PAGE_SIZE), 0);
	EXPECT_EQ(vm_regions(), 0);
	EXPECT_EQ(fake_pt_mapped, 0);
}

TEST(vm_unmap_head_tail_and_across_regions)
{
	uintptr_t a, b;

	mm_host_setup(16 * MB, 0, 0);
	a = (uintptr_t)vm_map(4 * PAGE_SIZE, VM_READ, 0, "a");
	b = (uintptr_t)vm_map(4 * PAGE_SIZE, VM_READ, 0, "b");
	ASSERT_EQ(vm_unmap((void *)a, PAGE_SIZE), 0);		/* head */
	EXPECT_FALSE(mapped(a, NULL));
	EXPECT_TRUE(all_mapped(a + PAGE_SIZE, a + 4 * PAGE_SIZE, VM_READ));
	/* from a's last page to b's first: tail of a and head of b */
	ASSERT_EQ(vm_unmap((void *)(a + 3 * PAGE_SIZE), b + PAGE_SIZE -
					  (a + 3 * PAGE_SIZE)), 0);
	EXPECT_TRUE(all_mapped(a + PAGE_SIZE, a + 3 * PAGE_SIZE, VM_READ));
	EXPECT_FALSE(mapped(a + 3 * PAGE_SIZE, NULL));
	EXPECT_FALSE(mapped(b, NULL));
	EXPECT_TRUE(all_mapped(b + PAGE_SIZE, b + 4 * PAGE_SIZE, VM_READ));
	EXPECT_EQ(vm_regions(), 2);
	EXPECT_EQ(fake_pt_mapped, 5);
	EXPECT_EQ(vm_unmap((void *)(a + 1), PAGE_SIZE), -EINVAL);
	EXPECT_EQ(vm_unmap((void *)a, 0), -EINVAL);
	EXPECT_EQ(vm_unmap((void *)(VM_WINDOW_END - PAGE_SIZE), PAGE_SIZE), 0);
}

TEST(vm_protect_changes_page_tables_of_mapped_pages_only)
{
	uintptr_t a;
	unsigned int prot;

	mm_host_setup(16 * MB, 0, 0);
	a = (uintptr_t)vm_map(4 * PAGE_SIZE, VM_READ | VM_WRITE, 0, "p");
	EXPECT_EQ(vm_protect((void *)(a + PAGE_SIZE), 2 * PAGE_SIZE, VM_READ),
		  0);
	EXPECT_TRUE(mapped(a, &prot) && prot == (VM_READ | VM_WRITE));
	EXPECT_TRUE(mapped(a + PAGE_SIZE, &prot) && prot == VM_READ);
	EXPECT_TRUE(mapped(a + 2 * PAGE_SIZE, &prot) && prot == VM_READ);
	EXPECT_TRUE(mapped(a + 3 * PAGE_SIZE, &prot) &&
		    prot == (VM_READ | VM_WRITE));
	/* the range runs into the unmapped page after: nothing changes */
	EXPECT_EQ(vm_protect((void *)(a + 3 * PAGE_SIZE), 2 * PAGE_SIZE, 0),
		  -ENOMEM);
	EXPECT_TRUE(mapped(a + 3 * PAGE_SIZE, &prot) &&
		    prot == (VM_READ | VM_WRITE));
	EXPECT_EQ(vm_protect((void *)a, PAGE_SIZE, 8), -EINVAL);
}

TEST(vm_describe_fault_names_the_region_below_a_guard_hit)
{
	uintptr_t a, s;
	char msg[128];

	mm_host_setup(16 * MB, 0, 0);
	a = (uintptr_t)vm_map(2 * PAGE_SIZE, VM_READ, 0, "ring");
	s = (uintptr_t)vm_map(4 * PAGE_SIZE, VM_READ | VM_WRITE, VM_STACK,
			      "thread main");
	ASSERT_TRUE(vm_describe_fault(a - 1, msg, sizeof(msg)));
	char want[128];

	snprintf(want, sizeof(want),
		 "guard page hit below ring region [0x%lx-0x%lx)",
		 (unsigned long)a, (unsigned long)a + 2 * PAGE_SIZE);
	EXPECT_STREQ(msg, want);
	ASSERT_TRUE(vm_describe_fault(s - PAGE_SIZE + 8, msg, sizeof(msg)));
	EXPECT_STREQ(msg, "stack overflow in thread main");
	/* inside a region: named with its protection */
	ASSERT_TRUE(vm_describe_fault(a, msg, sizeof(msg)));
	snprintf(want, sizeof(want), "in ring region [0x%lx-0x%lx) prot r--",
		 (unsigned long)a, (unsigned long)a + 2 * PAGE_SIZE);
	EXPECT_STREQ(msg, want);
	EXPECT_FALSE(vm_describe_fault(a - PAGE_SIZE - 1, msg, sizeof(msg)));
	EXPECT_FALSE(vm_describe_fault(s + 4 * PAGE_SIZE, msg, sizeof(msg)));
	EXPECT_FALSE(vm_describe_fault(0, msg, sizeof(msg)));
}

TEST(vm_map_failure_unwinds_everything)
{
	unsigned long free0, tables;
	void *a;

	mm_host_setup(16 * MB, 0, 0);
	a = vm_map(PAGE_SIZE, VM_READ, 0, "warm");
	vm_unmap(a, PAGE_SIZE);
	kmem_cache_shrink(vm.cache);
	free0 = mm_host_pages_free();
	fake_map_fail_in = 5;
	a = vm_map(20 * PAGE_SIZE, VM_READ, 0, "fail");
	EXPECT_TRUE(a == ERR_PTR(-ENOMEM));
	EXPECT_EQ(fake_pt_mapped, 0);
	EXPECT_EQ(vm_regions(), 0);
	kmem_cache_shrink(vm.cache);
	EXPECT_EQ(mm_host_pages_free(), free0);
	/* out of memory for the backing pages; page tables stay */
	tables = fake_nr_tables;
	a = vm_map(32 * MB, VM_READ, 0, "huge");
	EXPECT_TRUE(a == ERR_PTR(-ENOMEM));
	EXPECT_EQ(fake_pt_mapped, 0);
	kmem_cache_shrink(vm.cache);
	EXPECT_EQ(mm_host_pages_free(), free0 - (fake_nr_tables - tables));
}

TEST(vm_map_reuses_gaps_and_rejects_bad_arguments)
{
	uintptr_t a, b, c, d;

	mm_host_setup(16 * MB, 0, 0);
	a = (uintptr_t)vm_map(8 * PAGE_SIZE, VM_READ, 0, "a");
	b = (uintptr_t)vm_map(PAGE_SIZE, VM_READ, 0, "b");
	vm_unmap((void *)a, 8 * PAGE_SIZE);
	c = (uintptr_t)vm_map(2 * PAGE_SIZE, VM_READ, 0, "c");
	EXPECT_EQ(c, a);	/* first fit */
	d = (uintptr_t)vm_map(6 * PAGE_SIZE, VM_READ, 0, "d");
	EXPECT_TRUE(d > b);	/* 5 pages left in the gap: too small */
	EXPECT_TRUE(vm_map(0, VM_READ, 0, "z") == ERR_PTR(-EINVAL));
	EXPECT_TRUE(vm_map(PAGE_SIZE, 8, 0, "z") == ERR_PTR(-EINVAL));
	EXPECT_TRUE(vm_map(PAGE_SIZE, VM_READ, 1, "z") == ERR_PTR(-EINVAL));
	EXPECT_TRUE(vm_map(VM_WINDOW_END - VM_WINDOW_START, VM_READ, 0, "z") ==
		    ERR_PTR(-EINVAL));
	EXPECT_EQ(host_irq_off, 0);
}

static unsigned long vm_pages(void)
{
	struct vm_stats st;

	vm_get_stats(&st);
	return st.pages;
}

TEST(vm_lazy_region_backs_a_page_on_first_allowed_touch_only)
{
	uintptr_t a;
	unsigned int prot;
	unsigned long free0;

	mm_host_setup(16 * MB, 0, 0);
	a = (uintptr_t)vm_map(128 * PAGE_SIZE, VM_READ | VM_WRITE, VM_LAZY,
			      "lazy");
	ASSERT_FALSE(IS_ERR((void *)a));
	EXPECT_EQ(fake_pt_mapped, 0);
	EXPECT_EQ(vm_pages(), 0);
	free0 = mm_host_pages_free();
	EXPECT_TRUE(vm_handle_fault(a + 5 * PAGE_SIZE + 17, VM_WRITE));
	EXPECT_TRUE(all_mapped(a + 5 * PAGE_SIZE, a + 6 * PAGE_SIZE,
			       VM_READ | VM_WRITE));
	EXPECT_EQ(fake_pt_mapped, 1);
	EXPECT_EQ(vm_pages(), 1);
	EXPECT_TRUE(mm_host_pages_free() < free0);
	/* not for: exec, the guard below, past the end, outside the window */
	EXPECT_FALSE(vm_handle_fault(a + 6 * PAGE_SIZE, VM_EXEC));
	EXPECT_FALSE(vm_handle_fault(a - 1, VM_READ));
	EXPECT_FALSE(vm_handle_fault(a + 128 * PAGE_SIZE, VM_READ));
	EXPECT_FALSE(vm_handle_fault(0x1000, VM_READ));
	EXPECT_EQ(fake_pt_mapped, 1);
	/* an eager region is never backed by faults */
	uintptr_t e = (uintptr_t)vm_map(PAGE_SIZE, VM_READ, 0, "eager");
	EXPECT_TRUE(mapped(e, &prot) && prot == VM_READ);
	EXPECT_EQ(vm_unmap((void *)e, PAGE_SIZE), 0);
	/* unmapping frees only what was backed */
	EXPECT_EQ(vm_unmap((void *)a, 128 * PAGE_SIZE), 0);
	EXPECT_EQ(fake_pt_mapped, 0);
	EXPECT_EQ(vm_pages(), 0);
	EXPECT_EQ(host_irq_off, 0);
}

TEST(vm_protect_splits_a_lazy_region_and_faults_follow_each_piece)
{
	uintptr_t a;
	unsigned int prot;
	char msg[128];

	mm_host_setup(16 * MB, 0, 0);
	/* musl's thread stack: all PROT_NONE, then all but the guard RW */
	a = (uintptr_t)vm_map(8 * PAGE_SIZE, 0, VM_LAZY, "stk");
	EXPECT_FALSE(vm_handle_fault(a, VM_READ));
	EXPECT_EQ(vm_protect((void *)(a + PAGE_SIZE), 7 * PAGE_SIZE,
			     VM_READ | VM_WRITE), 0);
	EXPECT_EQ(vm_regions(), 2);
	EXPECT_FALSE(vm_handle_fault(a + 10, VM_READ));
	EXPECT_TRUE(vm_handle_fault(a + 7 * PAGE_SIZE, VM_WRITE));
	EXPECT_TRUE(mapped(a + 7 * PAGE_SIZE, &prot) &&
		    prot == (VM_READ | VM_WRITE));
	/* the PROT_NONE piece is named as itself, not as a guard */
	ASSERT_TRUE(vm_describe_fault(a + PAGE_SIZE - 1, msg, sizeof(msg)));
	EXPECT_TRUE(strstr(msg, "prot ---") != NULL);
	/* a middle piece read-only: backed page changes now, others later */
	EXPECT_TRUE(vm_handle_fault(a + 3 * PAGE_SIZE, VM_WRITE));
	EXPECT_EQ(vm_protect((void *)(a + 3 * PAGE_SIZE), 2 * PAGE_SIZE,
			     VM_READ), 0);
	EXPECT_EQ(vm_regions(), 4);
	EXPECT_TRUE(mapped(a + 3 * PAGE_SIZE, &prot) && prot == VM_READ);
	EXPECT_FALSE(vm_handle_fault(a + 4 * PAGE_SIZE, VM_WRITE));
	EXPECT_TRUE(vm_handle_fault(a + 4 * PAGE_SIZE, VM_READ));
	EXPECT_TRUE(mapped(a + 4 * PAGE_SIZE, &prot) && prot == VM_READ);
	EXPECT_TRUE(vm_handle_fault(a + 5 * PAGE_SIZE, VM_WRITE));
	/* a new mapping never lands in or right after the pieces' range */
	uintptr_t n = (uintptr_t)vm_map(PAGE_SIZE, VM_READ, VM_LAZY, "n");
	EXPECT_TRUE(n >= a + 9 * PAGE_SIZE || n + 2 * PAGE_SIZE <= a);
	/* unmapping the whole range frees every backed page of every piece */
	EXPECT_EQ(vm_unmap((void *)a, 8 * PAGE_SIZE), 0);
	EXPECT_EQ(vm_regions(), 1);
	EXPECT_EQ(vm_pages(), 0);
	EXPECT_EQ(fake_pt_mapped, 0);
	EXPECT_EQ(host_irq_off, 0);
}

TEST(vm_discard_prefault_and_partial_unmap_of_a_lazy_region)
{
	uintptr_t a;

	mm_host_setup(16 * MB, 0, 0);
	a = (uintptr_t)vm_map(16 * PAGE_SIZE, VM_READ | VM_WRITE, VM_LAZY,
			      "d");
	EXPECT_EQ(vm_prefault((void *)(a + 2 * PAGE_SIZE), 4 * PAGE_SIZE), 0);
	EXPECT_EQ(vm_pages(), 4);
	EXPECT_TRUE(all_mapped(a + 2 * PAGE_SIZE, a + 6 * PAGE_SIZE,
			       VM_READ | VM_WRITE));
	EXPECT_EQ(vm_prefault((void *)a, 4 * PAGE_SIZE), 0);	/* no doubles */
	EXPECT_EQ(vm_pages(), 6);
	/* MADV_DONTNEED: pages go, the next touch gets a zeroed one */
	uintptr_t pa;
	unsigned int prot;

	ASSERT_TRUE(fake_pt_lookup(a + 3 * PAGE_SIZE, &pa, &prot));
	*(unsigned char *)pa = 0x5a;
	EXPECT_EQ(vm_discard((void *)(a + 3 * PAGE_SIZE), 2 * PAGE_SIZE), 0);
	EXPECT_EQ(vm_pages(), 4);
	EXPECT_FALSE(mapped(a + 3 * PAGE_SIZE, NULL));
	EXPECT_TRUE(vm_handle_fault(a + 3 * PAGE_SIZE, VM_READ));
	EXPECT_TRUE(all_mapped(a + 3 * PAGE_SIZE, a + 4 * PAGE_SIZE,
			       VM_READ | VM_WRITE));
	EXPECT_EQ(vm_discard((void *)(a + 15 * PAGE_SIZE), 2 * PAGE_SIZE),
		  -ENOMEM);
	/* an eager region's pages are zeroed in place */
	uintptr_t e = (uintptr_t)vm_map(PAGE_SIZE, VM_READ | VM_WRITE, 0, "e");
	ASSERT_TRUE(fake_pt_lookup(e, &pa, &prot));
	*(unsigned char *)pa = 0x5a;
	EXPECT_EQ(vm_discard((void *)e, PAGE_SIZE), 0);
	EXPECT_EQ(*(unsigned char *)pa, 0);
	EXPECT_TRUE(mapped(e, NULL));
	/* a hole in the middle: each side keeps its backed pages */
	EXPECT_EQ(vm_unmap((void *)(a + 3 * PAGE_SIZE), 2 * PAGE_SIZE), 0);
	EXPECT_EQ(vm_pages(), 4 + 1);
	EXPECT_TRUE(vm_handle_fault(a + 10 * PAGE_SIZE, VM_WRITE));
	EXPECT_FALSE(vm_handle_fault(a + 4 * PAGE_SIZE, VM_WRITE));
	EXPECT_EQ(vm_unmap((void *)a, 16 * PAGE_SIZE), 0);
	EXPECT_EQ(vm_unmap((void *)e, PAGE_SIZE), 0);
	EXPECT_EQ(vm_pages(), 0);
	EXPECT_EQ(fake_pt_mapped, 0);
	EXPECT_EQ(vm_regions(), 0);
	EXPECT_EQ(host_irq_off, 0);
}

HOSTTEST_MAIN("vm")
