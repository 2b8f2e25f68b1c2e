/* SPDX-License-Identifier: MIT */
/*
 * VM regions: page-granular mappings in the window VM_WINDOW_START..END,
 * for the app's mmap and for thread stacks.
 *
 * A region is a run of mapped pages with an unmapped guard page below
 * it; regions sit on a list sorted by address and never touch (there is
 * always at least the guard page between two), so a fault address just
 * below a region's start is a guard hit. vm_map finds the first gap that
 * fits (first fit from the bottom of the window), backs each page with an
 * order-0 page and maps it through arch_map_page. The backing pages stay
 * on the region's list in address order, page->index holding their
 * virtual address, so no other metadata is needed. Unmapping the middle
 * of a region splits it: the unmapped page just below the upper part
 * becomes its guard page.
 *
 * vm_protect changes the page tables only; a region remembers the
 * protection it was mapped with.
 *
 * vm_map_pages maps pages that belong to someone else (a file's pages,
 * for MAP_SHARED): such a region keeps no page list but a vm_backing,
 * which counts the pages still mapped (across the pieces of a split) and
 * is released when the last one goes. Nothing is freed here.
 *
 * Field legend: [I] changed only with interrupts disabled (the fault
 * handler reads the region list).
 * TODO(lib/lock): a mutex around map/unmap/protect once threads preempt.
 */
#include <pith/slab.h>
#include "mm_internal.h"

#define VM_OWNER_LEN	24
#define VM_PROT_ALL	(VM_READ | VM_WRITE | VM_EXEC)
#define VM_FLAGS_ALL	VM_STACK

struct vm_region {
	struct list_head node;		/* [I] in vm.regions, by address */
	uintptr_t start, end;		/* [I] mapped part; guard below */
	unsigned int prot, flags;
	struct list_head pages;		/* backing pages, by address */
	struct vm_backing *backing;	/* not NULL: pages are not ours */
	char owner[VM_OWNER_LEN];
};

static struct {
	struct list_head regions;	/* [I] */
	struct kmem_cache *cache;
	unsigned long nr_regions;	/* [I] */
	unsigned long nr_pages;
} vm = { .regions = LIST_HEAD_INIT(vm.regions) };

static struct vm_region *vm_region_new(void)
{
	struct vm_region *r;

	if (!vm.cache) {
		vm.cache = kmem_cache_create("vm_region",
					     sizeof(struct vm_region), 0, 0,
					     NULL);
		if (!vm.cache)
			return NULL;
	}
	r = kmem_cache_alloc(vm.cache, GFP_KERNEL | __GFP_ZERO);
	if (r)
		INIT_LIST_HEAD(&r->pages);
	return r;
}

static void vm_set_owner(struct vm_region *r, const char *owner)
{
	size_t i;

	for (i = 0; owner && owner[i] && i < VM_OWNER_LEN - 1; i++)
		r->owner[i] = owner[i];
	r->owner[i] = '\0';
}

/* First gap that holds a guard page and len bytes. [I] */
static uintptr_t vm_find_hole(size_t len, struct list_head **after)
{
	uintptr_t lo = VM_WINDOW_START;	/* lowest free address */
	struct list_head *prev = &vm.regions;
	struct vm_region *r;

	list_for_each_entry(r, &vm.regions, node) {
		/* r's own guard page must stay free as well */
		if (r->start - PAGE_SIZE - lo >= PAGE_SIZE + len)
			break;
		lo = r->end;
		prev = &r->node;
	}
	if (&r->node == &vm.regions && VM_WINDOW_END - lo < PAGE_SIZE + len)
		return 0;
	*after = prev;
	return lo + PAGE_SIZE;
}

static bool vm_reserve(struct vm_region *r, size_t len)
{
	unsigned long flags = local_irq_save();
	struct list_head *after;
	uintptr_t start = vm_find_hole(len, &after);

	if (start) {
		r->start = start;
		r->end = start + len;
		list_add(&r->node, after);
		vm.nr_regions++;
	}
	local_irq_restore(flags);
	return start != 0;
}

/* Unmap borrowed pages in [lo, hi); release the backing after its last. */
static void vm_release_borrowed(struct vm_backing *b, uintptr_t lo,
				uintptr_t hi)
{
	for (uintptr_t va = lo; va < hi; va += PAGE_SIZE)
		arch_unmap_page(va);
	b->mapped -= (hi - lo) / PAGE_SIZE;
	if (!b->mapped && b->release)
		b->release(b);
}

/* Unmap and free the backing pages of r in [lo, hi). */
static void vm_release_pages(struct vm_region *r, uintptr_t lo, uintptr_t hi)
{
	struct page *page, *tmp;

	if (r->backing) {
		vm_release_borrowed(r->backing, lo, hi);
		return;
	}
	list_for_each_entry_safe(page, tmp, &r->pages, lru) {
		if (page->index >= hi)
			break;
		if (page->index < lo)
			continue;
		arch_unmap_page(page->index);
		list_del(&page->lru);
		page->flags &= (uint16_t)~PG_vm;
		page->index = 0;
		__free_pages(page, 0);
		mm_stat_sub(&vm.nr_pages, 1);
	}
}

static void vm_remove(struct vm_region *r)
{
	unsigned long flags = local_irq_save();

	list_del(&r->node);
	vm.nr_regions--;
	local_irq_restore(flags);
	kmem_cache_free(vm.cache, r);
}

static int vm_populate(struct vm_region *r)
{
	for (uintptr_t va = r->start; va < r->end; va += PAGE_SIZE) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0);
		int err;

		if (!page)
			return -ENOMEM;
		err = arch_map_page(va, page_to_phys(page), r->prot);
		if (err) {
			__free_pages(page, 0);
			return err;
		}
		page->flags |= PG_vm;
		page->index = va;
		list_add_tail(&page->lru, &r->pages);
		mm_stat_add(&vm.nr_pages, 1);
	}
	return 0;
}

void *vm_map(size_t len, unsigned int prot, unsigned int flags,
	     const char *owner)
{
	struct vm_region *r;
	int err;

	if (!len || len > VM_WINDOW_END - VM_WINDOW_START - 2 * PAGE_SIZE ||
	    (prot & ~VM_PROT_ALL) || (flags & ~VM_FLAGS_ALL))
		return ERR_PTR(-EINVAL);
	len = ALIGN_UP(len, PAGE_SIZE);
	r = vm_region_new();
	if (!r)
		return ERR_PTR(-ENOMEM);
	r->prot = prot;
	r->flags = flags;
	vm_set_owner(r, owner);
	if (!vm_reserve(r, len)) {
		kmem_cache_free(vm.cache, r);
		return ERR_PTR(-ENOMEM);
	}
	err = vm_populate(r);
	if (err) {
		vm_release_pages(r, r->start, r->end);
		vm_remove(r);
		return ERR_PTR(err);
	}
	return (void *)r->start;
}

void *vm_map_pages(size_t len, unsigned int prot, const uintptr_t *pa,
		   struct vm_backing *b, const char *owner)
{
	struct vm_region *r;

	if (!len || len > VM_WINDOW_END - VM_WINDOW_START - 2 * PAGE_SIZE ||
	    (prot & ~VM_PROT_ALL) || !b)
		return ERR_PTR(-EINVAL);
	len = ALIGN_UP(len, PAGE_SIZE);
	r = vm_region_new();
	if (!r)
		return ERR_PTR(-ENOMEM);
	r->prot = prot;
	vm_set_owner(r, owner);
	if (!vm_reserve(r, len)) {
		kmem_cache_free(vm.cache, r);
		return ERR_PTR(-ENOMEM);
	}
	for (size_t i = 0; i < len / PAGE_SIZE; i++) {
		int err = arch_map_page(r->start + i * PAGE_SIZE, pa[i], prot);

		if (err) {
			while (i--)
				arch_unmap_page(r->start + i * PAGE_SIZE);
			vm_remove(r);
			return ERR_PTR(err);
		}
	}
	b->mapped = len / PAGE_SIZE;
	r->backing = b;
	return (void *)r->start;
}

bool vm_is_borrowed(const void *addr)
{
	uintptr_t a = (uintptr_t)addr;
	struct vm_region *r;

	list_for_each_entry(r, &vm.regions, node)
		if (a >= r->start && a < r->end)
			return r->backing != NULL;
	return false;
}

/* Move r's pages at and above va to n, keeping their order. */
static void vm_split_pages(struct vm_region *r, struct vm_region *n,
			   uintptr_t va)
{
	while (!list_empty(&r->pages)) {
		struct page *page;

		page = list_last_entry(&r->pages, struct page, lru);

		if (page->index < va)
			break;
		list_move(&page->lru, &n->pages);
	}
}

/* Unmap [lo, hi), a non-empty part of r; spare is used for a split. */
static void vm_cut(struct vm_region *r, uintptr_t lo, uintptr_t hi,
		   struct vm_region **spare)
{
	struct vm_region *n = NULL;
	unsigned long flags;

	vm_release_pages(r, lo, hi);
	if (lo == r->start && hi == r->end) {
		vm_remove(r);
		return;
	}
	if (lo != r->start && hi != r->end) {
		n = *spare;
		*spare = NULL;
		n->prot = r->prot;
		n->flags = r->flags;
		n->backing = r->backing;
		__builtin_memcpy(n->owner, r->owner, VM_OWNER_LEN);
		vm_split_pages(r, n, hi);
	}
	flags = local_irq_save();
	if (n) {
		n->start = hi;
		n->end = r->end;
		r->end = lo;
		list_add(&n->node, &r->node);
		vm.nr_regions++;
	} else if (lo == r->start) {
		r->start = hi;
	} else {
		r->end = lo;
	}
	local_irq_restore(flags);
}

static bool vm_range_ok(uintptr_t a, size_t len, uintptr_t *b)
{
	if (!len || !IS_ALIGNED(a, PAGE_SIZE) || a < VM_WINDOW_START ||
	    a >= VM_WINDOW_END || len > VM_WINDOW_END - a)
		return false;
	*b = a + ALIGN_UP(len, PAGE_SIZE);
	return true;
}

int vm_unmap(void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr, b;
	struct vm_region *r, *tmp, *spare = NULL;

	if (!vm_range_ok(a, len, &b))
		return -EINVAL;
	list_for_each_entry(r, &vm.regions, node) {
		if (r->start < a && b < r->end) {
			spare = vm_region_new();
			if (!spare)
				return -ENOMEM;
			break;
		}
	}
	list_for_each_entry_safe(r, tmp, &vm.regions, node) {
		if (r->start >= b)
			break;
		if (r->end > a)
			vm_cut(r, MAX(a, r->start), MIN(b, r->end), &spare);
	}
	if (spare)
		kmem_cache_free(vm.cache, spare);
	return 0;
}

/* Is every page of [a, b) in some region (allowing prot)? 0, -ENOMEM
 * or -EACCES. */
static int vm_covered(uintptr_t a, uintptr_t b, unsigned int prot)
{
	struct vm_region *r;

	list_for_each_entry(r, &vm.regions, node) {
		if (r->end <= a)
			continue;
		if (r->start > a)
			return -ENOMEM;
		if (r->backing && (prot & ~r->backing->maxprot))
			return -EACCES;
		a = r->end;
		if (a >= b)
			return 0;
	}
	return -ENOMEM;
}

int vm_protect(void *addr, size_t len, unsigned int prot)
{
	uintptr_t a = (uintptr_t)addr, b;
	int err;

	if (!vm_range_ok(a, len, &b) || (prot & ~VM_PROT_ALL))
		return -EINVAL;
	err = vm_covered(a, b, prot);
	if (err)
		return err;
	for (uintptr_t va = a; va < b; va += PAGE_SIZE) {
		err = arch_protect_page(va, prot);
		if (err)
			return err;
	}
	return 0;
}

bool vm_region_at(uintptr_t addr)
{
	unsigned long flags = local_irq_save();
	struct vm_region *r;
	bool in = false;

	list_for_each_entry(r, &vm.regions, node)
		if (addr >= r->start && addr < r->end) {
			in = true;
			break;
		}
	local_irq_restore(flags);
	return in;
}

bool vm_describe_fault(uintptr_t addr, char *buf, size_t len)
{
	unsigned long flags = local_irq_save();
	char owner[VM_OWNER_LEN];
	uintptr_t start = 0, end = 0;
	unsigned int rflags = 0;
	struct vm_region *r;

	list_for_each_entry(r, &vm.regions, node) {
		if (addr >= r->start)
			continue;
		if (addr >= r->start - PAGE_SIZE) {
			start = r->start;
			end = r->end;
			rflags = r->flags;
			__builtin_memcpy(owner, r->owner, VM_OWNER_LEN);
		}
		break;
	}
	local_irq_restore(flags);
	if (!start)
		return false;
	if (rflags & VM_STACK)
		mm_snprintf(buf, len, "stack overflow in %s", owner);
	else
		mm_snprintf(buf, len,
			    "guard page hit below %s region [0x%lx-0x%lx)",
			    owner, (unsigned long)start, (unsigned long)end);
	return true;
}

void vm_get_stats(struct vm_stats *st)
{
	unsigned long flags = local_irq_save();

	st->regions = vm.nr_regions;
	st->pages = vm.nr_pages;
	local_irq_restore(flags);
}
