/* SPDX-License-Identifier: MIT */
/*
 * Page tables. All RAM is identity-mapped (virtual == physical) at boot:
 * text read-only and executable, rodata read-only, everything else
 * non-executable, page 0 unmapped. Other mappings are 4 KiB pages:
 * MMIO via ioremap(), and the VM window that lib/mm hands out with
 * arch_map_page() (VM_WINDOW_START..VM_WINDOW_END).
 *
 * Page-table pages come from the boot allocator until a page allocator
 * registers with paging_set_page_allocator().
 */
#ifndef PITH_PAGING_H
#define PITH_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

#define VM_READ		1
#define VM_WRITE	2
#define VM_EXEC		4

#define VM_WINDOW_START	0x0000100000000000UL	/* 16 TiB */
#define VM_WINDOW_END	0x0000200000000000UL

/* Map one 4 KiB page; -ENOMEM when a page-table page cannot be had,
 * -EINVAL for an unaligned address. */
int arch_map_page(uintptr_t va, uintptr_t pa, unsigned int vmprot);
/* Unmap one 4 KiB page and flush its TLB entry; no-op when unmapped. */
void arch_unmap_page(uintptr_t va);
int arch_protect_page(uintptr_t va, unsigned int vmprot);
/* Identity-map MMIO uncached; returns the virtual address (== pa). */
void *ioremap(uintptr_t pa, uintptr_t len);
bool paging_is_mapped(uintptr_t va);
/* Mapped and writable (what a write by kernel code needs, CR0.WP on):
 * lib/posix checks an app stack before it writes a signal frame. */
bool paging_is_writable(uintptr_t va);
/* alloc returns a zeroed page's address or 0. */
void paging_set_page_allocator(uintptr_t (*alloc)(void));

#endif
