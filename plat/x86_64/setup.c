/* SPDX-License-Identifier: MIT */
/*
 * plat_main: the boot sequence from long mode to lib/core, one step a line.
 *
 * Each step's end is stamped with the TSC; once the clock knows its rate
 * the durations go to boot_phase() (printed with initcall_debug=1).
 * "entry" is the assembly before plat_main: .bss, boot page tables,
 * long mode.
 */
#include <pith/bootinfo.h>
#include <pith/clock.h>
#include <pith/init.h>
#include <pith/io.h>
#include <pith/kernel.h>
#include <pith/printk.h>
#include "x86.h"

enum { P_ENTRY, P_SERIAL, P_CPU, P_BOOTINFO, P_CMDLINE, P_PAGING, P_APIC,
       P_CLOCK, P_ACPI, P_NR };

static const char *const phase_names[P_NR] = {
	"entry", "serial", "cpu", "bootinfo", "cmdline", "paging", "apic",
	"clock", "acpi",
};

static void report_phases(const uint64_t *end)
{
	uint64_t start = boot_tsc;

	for (int i = 0; i < P_NR; i++) {
		boot_phase(phase_names[i], tsc_to_ns(end[i] - start));
		start = end[i];
	}
}

void plat_main(int protocol, uintptr_t info)
{
	uint64_t t[P_NR];

	t[P_ENTRY] = rdtsc();
	serial_init();		/* COM1 first: every later failure prints */
	t[P_SERIAL] = rdtsc();
	cpu_init();		/* features, SSE/XSAVE, NX, GDT/TSS/IDT */
	t[P_CPU] = rdtsc();
	bootinfo_parse(protocol, info);	/* RAM map, command line, initrd */
	t[P_BOOTINFO] = rdtsc();
	kernel_early(bootinfo_get()->cmdline);	/* parameters, loglevel */
	t[P_CMDLINE] = rdtsc();
	paging_init();		/* identity map of RAM, W^X image */
	t[P_PAGING] = rdtsc();
	apic_init();		/* PIC masked, LAPIC, IOAPIC */
	t[P_APIC] = rdtsc();
	clock_init();		/* TSC rate, one-shot timer */
	t[P_CLOCK] = rdtsc();
	acpi_init();		/* what poweroff needs */
	t[P_ACPI] = rdtsc();
	report_phases(t);
	kernel_main();		/* initcalls, the app; never returns */
}
