/* SPDX-License-Identifier: MIT */
/*
 * Memory management: the buddy page allocator, kmalloc and VM regions.
 * Slab caches have their own header, <pith/slab.h>.
 *
 * Interface (the platform, at the early init level, before anything
 * allocates; addresses are identity-mapped, virtual == physical):
 *   page_alloc_init(lowest, highest)     bounds of all usable RAM
 *   page_alloc_add_range(start, end)     once per usable RAM range; the
 *                                        frame descriptors are carved from
 *                                        the first range that can hold them
 *   kmalloc_init()                       optional: the first kmalloc does it
 *
 * Interface (everyone):
 *   alloc_pages(gfp, order) / __free_pages(page, order)
 *   __get_free_pages(gfp, order) / get_free_page(gfp) / free_pages(addr, order)
 *   page_address(page), virt_to_page(addr), nr_free_pages()
 *   kmalloc / kzalloc / krealloc / kfree / ksize
 *   vm_map / vm_unmap / vm_protect, vm_describe_fault (page-fault handler)
 *   vm_map_pages (pages owned elsewhere: file mappings), vm_is_borrowed
 *   vm_handle_fault (lazy regions), vm_prefault (mlock), vm_discard
 *   register_lowmem_hook(hook)           give memory back when it runs low
 *   page_alloc_get_stats / kmalloc_get_stats / vm_get_stats, meminfo_dump()
 *
 * Context: the page allocator, kmalloc, krealloc, kfree and ksize may be
 * called from interrupt context with GFP_ATOMIC. The vm_* calls may not
 * (they allocate with GFP_KERNEL), except vm_describe_fault and
 * vm_handle_fault.
 */
#ifndef PITH_MM_H
#define PITH_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pith/compiler.h>
#include <pith/errno.h>
#include <pith/list.h>
#include <pith/paging.h>

#ifndef CONFIG_LIBMM_MAX_ORDER
#define CONFIG_LIBMM_MAX_ORDER 10
#endif

/* Largest block order, inclusive: orders 0..MAX_PAGE_ORDER exist. */
#define MAX_PAGE_ORDER		CONFIG_LIBMM_MAX_ORDER
#define MAX_ORDER_NR_PAGES	(1UL << MAX_PAGE_ORDER)

/* Allocation intent. */
typedef unsigned int gfp_t;
#define __GFP_WAIT	0x1u	/* may block: every low-memory hook may run */
#define __GFP_HIGH	0x2u	/* may use the reserve below min watermark */
#define __GFP_ZERO	0x4u	/* zero-fill the memory */
#define GFP_KERNEL	__GFP_WAIT
#define GFP_ATOMIC	__GFP_HIGH	/* interrupt context: never blocks */

/*
 * Page frame descriptor, one per 4 KiB frame of the RAM span. Owned by
 * lib/mm; other libraries may read flags and use lru/index on pages they
 * allocated with alloc_pages().
 */
struct page {
	uint16_t flags;		/* PG_* below */
	uint8_t order;		/* block order (heads), slab order (PG_tail) */
	uint8_t _pad;
	uint32_t refcount;	/* 1 while allocated, 0 while free */
	struct list_head lru;	/* free list, or the owner's list */
	union {
		struct kmem_cache *slab;	/* PG_slab head: its cache */
		uintptr_t index;		/* owner's use (vm: address) */
		size_t large_size;		/* PG_large: bytes requested */
	};
	void *freelist;		/* PG_slab head: first free object */
	uint32_t inuse;		/* PG_slab head: objects handed out */
	uint32_t _pad2;
};

#define PG_buddy	0x0001	/* head of a free block on a free list */
#define PG_hot		0x0002	/* free order-0 page on the hot list */
#define PG_head		0x0004	/* head of an allocated block */
#define PG_tail		0x0008	/* other page of a slab or bump chunk */
#define PG_reserved	0x0010	/* in the span but not managed */
#define PG_slab		0x0020	/* belongs to a slab */
#define PG_large	0x0040	/* head of a large kmalloc block */
#define PG_kbump	0x0080	/* belongs to a bump-kmalloc chunk */
#define PG_vm		0x0100	/* backs a VM region page */

/* Set up the frame-descriptor span [lowest, highest). 0, -EINVAL, -EBUSY. */
int page_alloc_init(uintptr_t lowest, uintptr_t highest);
/*
 * Hand the usable RAM range [start, end) to the allocator. Unaligned ends
 * are fine. Returns 0, -EINVAL (outside the span, overlapping a range
 * added before, or called before page_alloc_init) or -ENOSPC (too many
 * ranges). Early init only.
 */
int page_alloc_add_range(uintptr_t start, uintptr_t end);

/*
 * Allocate 2^order contiguous pages aligned to their size. Returns the
 * head descriptor or NULL. GFP_KERNEL fails rather than go below the min
 * watermark; GFP_ATOMIC may use that reserve. IRQ-safe with GFP_ATOMIC.
 */
struct page *alloc_pages(gfp_t gfp, unsigned int order);
/* Free a block from alloc_pages() with the same order. A bad free (free
 * page, wrong order, not a block head) is reported and ignored. IRQ-safe. */
void __free_pages(struct page *page, unsigned int order);
/* As alloc_pages, returning the address of the block, or 0. */
uintptr_t __get_free_pages(gfp_t gfp, unsigned int order);
static inline uintptr_t get_free_page(gfp_t gfp)
{
	return __get_free_pages(gfp, 0);
}
/* Free by address; addr 0 is a no-op. */
void free_pages(uintptr_t addr, unsigned int order);

/* The address of the page (RAM is identity-mapped). */
void *page_address(const struct page *page);
/* The descriptor of the frame holding addr, or NULL when addr is not in
 * RAM the allocator manages or lies in a block never handed out. */
struct page *virt_to_page(const void *addr);
/* The physical address of the page, for page tables and DMA. */
uintptr_t page_to_phys(const struct page *page);
/* Pages free now (buddy lists, untouched blocks and the hot list). */
unsigned long nr_free_pages(void);

/* Smallest order whose block holds size bytes. */
static inline unsigned int get_order(size_t size)
{
	if (size <= PAGE_SIZE)
		return 0;
	return (unsigned int)(64 - __builtin_clzl((size - 1) >> PAGE_SHIFT));
}

/*
 * Low-memory hooks. When free pages fall below the low watermark, or an
 * allocation is about to fail, the allocator calls each hook until free
 * pages reach the high watermark. reclaim() gives back what it can and
 * returns the number of pages it freed; gfp says whether it may block.
 * Hooks without LOWMEM_HOOK_ATOMIC are skipped for GFP_ATOMIC callers.
 */
struct lowmem_hook {
	struct list_head node;
	const char *name;
	unsigned long (*reclaim)(struct lowmem_hook *h, unsigned long want,
				 gfp_t gfp);
	unsigned int flags;
};
#define LOWMEM_HOOK_ATOMIC	0x1u	/* never blocks: fine in IRQs */

void register_lowmem_hook(struct lowmem_hook *h);
void unregister_lowmem_hook(struct lowmem_hook *h);

/* Counters of the page allocator. */
struct page_alloc_stats {
	unsigned long managed_pages;	/* handed to the allocator */
	unsigned long free_pages;	/* = nr_free_pages() */
	unsigned long hot_pages;	/* of which on the order-0 hot list */
	unsigned long free_blocks[MAX_PAGE_ORDER + 1];	/* buddy blocks */
	unsigned long untouched_blocks;	/* max-order, descriptors unset */
	unsigned long wmark_min, wmark_low, wmark_high;
	unsigned long allocs, frees, failures;
	unsigned long lowmem_calls;	/* hook rounds run */
	unsigned long bad_frees;	/* refused __free_pages/free_pages */
	unsigned long memmap_bytes;	/* descriptor array + bitmap */
};
void page_alloc_get_stats(struct page_alloc_stats *st);
/* Set the min watermark (low = min * 5/4, high = min * 3/2). */
void page_alloc_set_min_free(unsigned long pages);
/* Return hot-list pages to the buddy lists (coalescing them). */
void page_alloc_drain(void);

/* ---- kmalloc ---- */

#define KMALLOC_MAX_CACHE_SIZE	8192	/* larger requests take whole pages */
#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(p)	((uintptr_t)(p) <= (uintptr_t)ZERO_SIZE_PTR)

/* Set up the kmalloc size classes; the first kmalloc calls it. */
void kmalloc_init(void);
/*
 * Allocate size bytes: NULL on failure, ZERO_SIZE_PTR for size 0.
 * Memory is 8-byte aligned (16 from 16 bytes up); with the slab backend
 * and no slab debugging a power-of-two size is aligned to itself up to
 * PAGE_SIZE. IRQ-safe with GFP_ATOMIC.
 */
void *kmalloc(size_t size, gfp_t gfp);
static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}
/* Resize, keeping the contents up to the smaller size. krealloc(NULL, n)
 * is kmalloc(n); krealloc(p, 0) frees p and returns ZERO_SIZE_PTR. On
 * failure returns NULL and p is untouched. */
void *krealloc(const void *p, size_t new_size, gfp_t gfp);
/* Free; NULL and ZERO_SIZE_PTR are no-ops. A pointer kmalloc did not
 * hand out is reported with pr_err and ignored. */
void kfree(const void *p);
/* Usable size of a kmalloc'd object (>= the size asked for). */
size_t ksize(const void *p);

struct kmalloc_stats {
	unsigned long allocs, frees;
	unsigned long bytes_requested;	/* sum of sizes asked for */
	unsigned long bytes_allocated;	/* sum of sizes handed out */
	unsigned long bytes_live;	/* handed out and not yet freed */
	unsigned long large_allocs;	/* served by the page allocator */
	unsigned long bad_frees;	/* refused kfree calls */
};
void kmalloc_get_stats(struct kmalloc_stats *st);

/* ---- VM regions ---- */

/* vm_map flags (prot is VM_READ | VM_WRITE | VM_EXEC) */
#define VM_STACK	0x100u	/* a guard hit is reported as stack overflow */
/* Reserve only: each page is backed (zeroed, mapped with the region's
 * prot) when first touched, by vm_handle_fault. Never for memory the
 * kernel touches where it cannot fault (kernel stacks). */
#define VM_LAZY		0x200u

/*
 * Map len bytes (rounded up to pages) of zeroed memory in the VM window,
 * with an unmapped guard page below. owner names the region in fault
 * reports. Returns the address, ERR_PTR(-EINVAL) or ERR_PTR(-ENOMEM);
 * never NULL. May block.
 */
void *vm_map(size_t len, unsigned int prot, unsigned int flags,
	     const char *owner);
/*
 * Pages of someone else's (a file's, for a MAP_SHARED mapping) mapped by
 * vm_map_pages. lib/mm sets mapped to the number of pages and counts it
 * down as they are unmapped (a partial munmap, a split region); when it
 * reaches 0, release(b) is called (from vm_unmap: may block). The pages
 * are never freed by lib/mm.
 */
struct vm_backing {
	unsigned long mapped;
	void (*release)(struct vm_backing *b);
	unsigned int maxprot;	/* vm_protect beyond it: -EACCES */
};
/*
 * Map the len / PAGE_SIZE pages at physical addresses pa[] (len rounded
 * up) with prot, below an unmapped guard page. Returns the address or
 * ERR_PTR(-EINVAL / -ENOMEM); on failure b is untouched. May block.
 */
void *vm_map_pages(size_t len, unsigned int prot, const uintptr_t *pa,
		   struct vm_backing *b, const char *owner);
/* True when addr lies in a region made by vm_map_pages. */
bool vm_is_borrowed(const void *addr);
/* Unmap [addr, addr + len): whole regions, or part of one (a hole in the
 * middle splits it). 0, -EINVAL (unaligned, empty) or -ENOMEM. */
int vm_unmap(void *addr, size_t len);
/* Change the protection of [addr, addr + len): of the pages backed
 * already and of those a lazy region backs later (a region straddling a
 * bound is split there). 0, -EINVAL, -ENOMEM when part of the range is
 * not mapped or no region record can be had, or -EACCES when prot
 * exceeds a borrowed region's maxprot (nothing changed then). */
int vm_protect(void *addr, size_t len, unsigned int prot);
/*
 * For the page-fault handler, on a not-present fault: when addr lies in
 * a VM_LAZY region whose protection allows access (VM_READ, VM_WRITE or
 * VM_EXEC), back its page with a zeroed one and return true (the
 * instruction is re-executed). Never blocks; false for anything else,
 * and when no free page can be had without blocking (the fault then
 * stays fatal: reported, and a signal's default action for the app).
 */
bool vm_handle_fault(uintptr_t addr, unsigned int access);
/* Back every untouched page of the lazy regions in [addr, addr + len)
 * now (mlock). 0, -EINVAL, -ENOMEM (a gap, or out of memory). */
int vm_prefault(void *addr, size_t len);
/* Drop the contents of [addr, addr + len) (MADV_DONTNEED): a lazy
 * region's pages are freed and read back as zeros; an eager region's
 * are zeroed in place. 0, -EINVAL, -ENOMEM (part not mapped). */
int vm_discard(void *addr, size_t len);
/*
 * For the page-fault handler: when addr is a guard page, write
 * "guard page hit below <owner> region [start-end)" (or "stack overflow
 * in <owner>" for VM_STACK regions) into buf and return true. Callable
 * from exception context.
 */
bool vm_describe_fault(uintptr_t addr, char *buf, size_t len);
/* Whether addr lies inside a region (whatever its protection now, guard
 * pages excluded): lib/posix tells SEGV_ACCERR from SEGV_MAPERR by it,
 * as Linux does by the VMA. Callable from exception context. */
bool vm_region_at(uintptr_t addr);

struct vm_stats {
	unsigned long regions;
	unsigned long pages;		/* backing pages mapped */
	unsigned long faults;		/* pages backed on first touch */
	unsigned long fault_oom;	/* lazy faults refused: no free page */
};
void vm_get_stats(struct vm_stats *st);

/* ---- all allocators ---- */

/* Misuse reports so far (bad frees, double frees, poison, red zones). */
unsigned long mm_error_count(void);
/* Print every counter above and one line per slab cache (pr_info). */
void meminfo_dump(void);

#endif
