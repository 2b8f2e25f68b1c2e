/* SPDX-License-Identifier: MIT */
/*
 * What the boot loader told us, in one loader-neutral form: the RAM map,
 * the command line, the initrd module, the ACPI RSDP. Filled by
 * plat/x86_64 from PVH start_info or Multiboot2 before any initcall.
 *
 * Interface:
 *   const struct bootinfo *bootinfo_get(void);
 *   bootmem_alloc_page()   a zeroed page before lib/mm owns RAM (page tables)
 *   bootmem_take(cb, arg)  hands every still-free RAM range to cb once, then
 *                          bootmem_alloc_page() stops handing out pages
 */
#ifndef PITH_BOOTINFO_H
#define PITH_BOOTINFO_H

#define BOOT_PROTO_UNKNOWN	0
#define BOOT_PROTO_PVH		1
#define BOOT_PROTO_MB2		2

#ifndef __ASSEMBLY__
#include <stdint.h>
#include <stddef.h>

#define BOOT_MAX_RAM_RANGES	32

struct boot_range {
	uint64_t start;
	uint64_t end;		/* exclusive */
};

struct bootinfo {
	int protocol;
	const char *cmdline;		/* never NULL */
	struct boot_range ram[BOOT_MAX_RAM_RANGES]; /* usable RAM, sorted */
	int nr_ram;
	uint64_t ram_top;		/* end of the highest usable range */
	uint64_t initrd_start, initrd_size;	/* 0 when none */
	uint64_t rsdp;			/* physical address, 0 when unknown */
};

const struct bootinfo *bootinfo_get(void);
uintptr_t bootmem_alloc_page(void);
void bootmem_take(void (*cb)(uint64_t start, uint64_t end, void *arg),
		  void *arg);

/* The TSC value read at the first instruction of the entry code. */
extern uint64_t boot_tsc;
#endif

#endif
