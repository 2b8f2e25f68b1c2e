/* SPDX-License-Identifier: MIT */
/*
 * plat_main: the boot sequence from long mode to lib/core, one step a line.
 */
#include <pith/bootinfo.h>
#include <pith/kernel.h>
#include <pith/printk.h>
#include "x86.h"

void plat_main(int protocol, uintptr_t info)
{
	serial_init();		/* COM1 first: every later failure prints */
	cpu_init();		/* features, SSE/XSAVE, NX, GDT/TSS/IDT */
	bootinfo_parse(protocol, info);	/* RAM map, command line, initrd */
	kernel_early(bootinfo_get()->cmdline);	/* parameters, loglevel */
	paging_init();		/* identity map of RAM, W^X image */
	apic_init();		/* PIC masked, LAPIC, IOAPIC */
	clock_init();		/* TSC rate, one-shot timer */
	acpi_init();		/* what poweroff needs */
	kernel_main();		/* initcalls, the app; never returns */
}
