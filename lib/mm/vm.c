/* SPDX-License-Identifier: MIT */
/*
 * VM regions: page-granular mappings in the window VM_WINDOW_START..END,
 * for the app's mmap and for thread stacks.
 *
 * A region is a run of pages with one protection; vm_map leaves an
 * unmapped guard page below each new one. Regions sit on a list sorted
 * by address; vm_map never lets them touch, but vm_protect splits a
 * region at the bounds of its range, so the pieces of one mapping may
 * be adjacent. A fault address in a gap just below a region's start is
 * a guard hit. vm_map finds the first gap that fits (first fit from the
 * bottom of the window). An eager region (the default: kernel stacks,
 * MAP_POPULATE) backs each page with an order-0 page at once; a VM_LAZY
 * region (anonymous private mmap) only reserves the range, its
 * page-table entries stay not-present, and vm_handle_fault backs a page
 * when it is first touched (zeroed, mapped with the region's prot). The
 * backing pages stay on the region's list (in no particular order),
 * page->index holding their virtual address, so no other metadata is
 * needed. Unmapping the middle of a region splits it: the unmapped page
 * just below the upper part becomes its guard page.
 *
 * vm_protect splits regions at a and b, records the new protection in
 * each region inside [a, b) (what later faults map with) and changes
 * the page-table entries of the pages already backed.
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
#define VM_FLAGS_ALL	(VM_STACK | VM_LAZY)

struct vm_region {
	struct list_head node;		/* [I] in vm.regions, by address */
	uintptr_t start, end;		/* [I] mapped part; guard below */
	unsigned int prot, flags;	/* [I] */
	struct list_head pages;		/* [I] backing pages, any order */
	struct vm_backing *backing;	/* not NULL: pages are not ours */
	char owner[VM_OWNER_LEN];
};

static struct {
	struct list_head regions;	/* [I] */
	struct kmem_cache *cache;
	unsigned long nr_regions;	/* [I] */
	unsigned long nr_pages;
	unsigned long nr_faults;	/* pages backed on first touch */
	unsigned long nr_fault_oom;	/* faults refused: no free page */
	uintptr_t oom_addr;		/* page of the last such fault */
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
		/* r's own guard page must stay free as well (r may start
		 * right at lo: a piece split off by vm_protect) */
		if (r->start - lo >= 2 * PAGE_SIZE + len)
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

/* Unmap and free the backing pages of r in [lo, hi). The fault handler
 * adds to the list, hence interrupts off around the walk. */
static void vm_release_pages(struct vm_region *r, uintptr_t lo, uintptr_t hi)
{
	unsigned long flags;
	struct page *page, *tmp;

	if (r->backing) {		/* never lazy: no fault adds to it */
		vm_release_borrowed(r->backing, lo, hi);
		return;
	}
	flags = local_irq_save();
	list_for_each_entry_safe(page, tmp, &r->pages, lru) {
		if (page->index >= hi || page->index < lo)
			continue;
		arch_unmap_page(page->index);
		list_del(&page->lru);
		page->flags &= (uint16_t)~PG_vm;
		page->index = 0;
		__free_pages(page, 0);
		mm_stat_sub(&vm.nr_pages, 1);
	}
	local_irq_restore(flags);
}

/* Take r off the list: no fault can reach it afterwards. */
static void vm_unlink(struct vm_region *r)
{
	unsigned long flags = local_irq_save();

	list_del(&r->node);
	vm.nr_regions--;
	local_irq_restore(flags);
}

static void vm_remove(struct vm_region *r)
{
	vm_unlink(r);
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
	if (flags & VM_LAZY)
		return (void *)r->start;	/* backed by vm_handle_fault */
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

/* Move r's pages at and above va to n. [I] */
static void vm_split_pages(struct vm_region *r, struct vm_region *n,
			   uintptr_t va)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, &r->pages, lru)
		if (page->index >= va)
			list_move_tail(&page->lru, &n->pages);
}

/* Make n the part of r from va up (same prot, flags, owner). [I] */
static void vm_split_at(struct vm_region *r, struct vm_region *n,
			uintptr_t va)
{
	n->prot = r->prot;
	n->flags = r->flags;
	n->backing = r->backing;
	__builtin_memcpy(n->owner, r->owner, VM_OWNER_LEN);
	vm_split_pages(r, n, va);
	n->start = va;
	n->end = r->end;
	r->end = va;
	list_add(&n->node, &r->node);
	vm.nr_regions++;
}

/* Unmap [lo, hi), a non-empty part of r; spare is used for a split.
 * The bounds change first, so no fault backs a page in [lo, hi) again
 * while its pages are being freed. */
static void vm_cut(struct vm_region *r, uintptr_t lo, uintptr_t hi,
		   struct vm_region **spare)
{
	unsigned long flags;

	if (lo == r->start && hi == r->end) {
		vm_unlink(r);
		vm_release_pages(r, lo, hi);
		kmem_cache_free(vm.cache, r);
		return;
	}
	flags = local_irq_save();
	if (lo != r->start && hi != r->end) {
		vm_split_at(r, *spare, hi);
		*spare = NULL;
	}
	if (lo == r->start)
		r->start = hi;
	else
		r->end = lo;
	local_irq_restore(flags);
	vm_release_pages(r, lo, hi);	/* still on r's list */
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

/* The region holding va, or NULL. [I] */
static struct vm_region *vm_find(uintptr_t va)
{
	struct vm_region *r;

	list_for_each_entry(r, &vm.regions, node) {
		if (va < r->start)
			break;
		if (va < r->end)
			return r;
	}
	return NULL;
}

/* Set prot on r's backed pages in [lo, hi) (those not backed yet take
 * r->prot when touched). Every page of a region that is not lazy is
 * mapped. [I] */
static void vm_protect_pages(struct vm_region *r, uintptr_t lo, uintptr_t hi,
			     unsigned int prot)
{
	struct page *page;

	if (!(r->flags & VM_LAZY)) {
		for (uintptr_t va = lo; va < hi; va += PAGE_SIZE)
			arch_protect_page(va, prot);
		return;
	}
	list_for_each_entry(page, &r->pages, lru)
		if (page->index >= lo && page->index < hi)
			arch_protect_page(page->index, prot);
}

int vm_protect(void *addr, size_t len, unsigned int prot)
{
	uintptr_t a = (uintptr_t)addr, b;
	struct vm_region *r, *spare[2] = { NULL, NULL };
	unsigned long flags;
	int nspare = 0;

	int err;

	if (!vm_range_ok(a, len, &b) || (prot & ~VM_PROT_ALL))
		return -EINVAL;
	err = vm_covered(a, b, prot);
	if (err)
		return err;
	/* A region that straddles a or b is split there: each region has
	 * one protection, the one its not yet backed pages get. */
	for (int i = 0; i < 2; i++) {
		spare[i] = vm_region_new();
		if (!spare[i]) {
			if (spare[0])
				kmem_cache_free(vm.cache, spare[0]);
			return -ENOMEM;
		}
	}
	flags = local_irq_save();
	list_for_each_entry(r, &vm.regions, node) {
		if (r->end <= a)
			continue;
		if (r->start >= b)
			break;
		if (r->start < a) {
			vm_split_at(r, spare[nspare++], a);
			continue;	/* the next one is the piece from a */
		}
		if (r->end > b)
			vm_split_at(r, spare[nspare++], b);
		r->prot = prot;
		vm_protect_pages(r, r->start, r->end, prot);
	}
	local_irq_restore(flags);
	while (nspare < 2)
		kmem_cache_free(vm.cache, spare[nspare++]);
	return 0;
}

/*
 * Back the page at va of the lazy region r. [I] Returns false when no
 * page (or page-table page) can be had without blocking.
 */
static bool vm_back_page(struct vm_region *r, uintptr_t va)
{
	/* Never blocks and leaves the GFP_ATOMIC reserve to interrupts. */
	struct page *page = alloc_pages(__GFP_ZERO, 0);

	if (!page)
		return false;
	if (arch_map_page(va, page_to_phys(page), r->prot)) {
		__free_pages(page, 0);
		return false;
	}
	page->flags |= PG_vm;
	page->index = va;
	list_add_tail(&page->lru, &r->pages);
	vm.nr_pages++;
	return true;
}

bool vm_handle_fault(uintptr_t addr, unsigned int access)
{
	unsigned long flags = local_irq_save();
	uintptr_t va = addr & PAGE_MASK;
	struct vm_region *r = NULL;
	bool ok = false;

	if (addr >= VM_WINDOW_START && addr < VM_WINDOW_END)
		r = vm_find(va);
	/* Only a lazy region's untouched page whose protection allows the
	 * access; anything else (guard, PROT_NONE, a write to a read-only
	 * page) stays a fault. */
	if (r && (r->flags & VM_LAZY) && access && !(access & ~r->prot)) {
		ok = vm_back_page(r, va);
		if (ok) {
			vm.nr_faults++;
		} else {
			vm.nr_fault_oom++;
			vm.oom_addr = va;	/* for vm_describe_fault */
		}
	}
	local_irq_restore(flags);
	return ok;
}

/* Is the page at va backed? [I] */
static bool vm_backed(struct vm_region *r, uintptr_t va)
{
	struct page *page;

	list_for_each_entry(page, &r->pages, lru)
		if (page->index == va)
			return true;
	return false;
}

int vm_prefault(void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr, b;
	int err = 0;

	if (!vm_range_ok(a, len, &b))
		return -EINVAL;
	if (vm_covered(a, b, 0))
		return -ENOMEM;
	for (uintptr_t va = a; va < b && !err; va += PAGE_SIZE) {
		unsigned long flags = local_irq_save();
		struct vm_region *r = vm_find(va);

		if (r && (r->flags & VM_LAZY) && r->prot &&
		    !vm_backed(r, va) && !vm_back_page(r, va))
			err = -ENOMEM;
		local_irq_restore(flags);
	}
	return err;
}

int vm_discard(void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr, b;
	struct vm_region *r;

	if (!vm_range_ok(a, len, &b))
		return -EINVAL;
	if (vm_covered(a, b, 0))
		return -ENOMEM;
	list_for_each_entry(r, &vm.regions, node) {
		uintptr_t lo = MAX(a, r->start), hi = MIN(b, r->end);
		unsigned long flags;
		struct page *page;

		if (r->start >= b)
			break;
		if (r->end <= a)
			continue;
		if (r->flags & VM_LAZY) {
			vm_release_pages(r, lo, hi);	/* zero on next touch */
			continue;
		}
		/* Eager regions never fault: zero the pages in place. */
		flags = local_irq_save();
		list_for_each_entry(page, &r->pages, lru)
			if (page->index >= lo && page->index < hi)
				__builtin_memset(page_address(page), 0,
						 PAGE_SIZE);
		local_irq_restore(flags);
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
	unsigned int rflags = 0, prot = 0;
	bool inside = false, oom = (addr & PAGE_MASK) == vm.oom_addr;
	struct vm_region *r;

	list_for_each_entry(r, &vm.regions, node) {
		if (addr >= r->end)
			continue;
		inside = addr >= r->start;
		if (inside || addr >= r->start - PAGE_SIZE) {
			start = r->start;
			end = r->end;
			rflags = r->flags;
			prot = r->prot;
			__builtin_memcpy(owner, r->owner, VM_OWNER_LEN);
		}
		break;
	}
	local_irq_restore(flags);
	if (!start)
		return false;
	if (inside)
		mm_snprintf(buf, len, "%s %s region [0x%lx-0x%lx) prot %c%c%c",
			    oom ? "out of memory backing a page of" : "in",
			    owner, (unsigned long)start, (unsigned long)end,
			    prot & VM_READ ? 'r' : '-',
			    prot & VM_WRITE ? 'w' : '-',
			    prot & VM_EXEC ? 'x' : '-');
	else if (rflags & VM_STACK)
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
	st->faults = vm.nr_faults;
	st->fault_oom = vm.nr_fault_oom;
	local_irq_restore(flags);
}
