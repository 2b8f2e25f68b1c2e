/* SPDX-License-Identifier: MIT */
/*
 * Page-table interface that lib/mm uses for VM regions. plat/x86_64
 * implements it (this header may move there); lib/mm only calls it.
 *
 * Interface:
 *   arch_map_page(va, pa, vmprot)   map one 4 KiB page; may allocate
 *                                   page-table pages with
 *                                   get_free_page(GFP_KERNEL); 0 or -ENOMEM
 *   arch_unmap_page(va)             unmap one page and flush its TLB entry
 *   arch_protect_page(va, vmprot)   change the protection of a mapped page
 *
 * VM_WINDOW_START..VM_WINDOW_END is the virtual window vm_map() hands out.
 */
#ifndef PITH_PAGING_H
#define PITH_PAGING_H

#include <stdint.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

#define VM_READ		1
#define VM_WRITE	2
#define VM_EXEC		4

int arch_map_page(uintptr_t va, uintptr_t pa, unsigned int vmprot);
void arch_unmap_page(uintptr_t va);
int arch_protect_page(uintptr_t va, unsigned int vmprot);

#define VM_WINDOW_START	0x0000100000000000UL	/* 16 TiB */
#define VM_WINDOW_END	0x0000200000000000UL

#endif
