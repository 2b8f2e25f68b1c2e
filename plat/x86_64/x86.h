/* SPDX-License-Identifier: MIT */
/* Private to plat/x86_64: shared between its files, never included
 * from elsewhere. */
#ifndef PLAT_X86_64_PRIVATE_H
#define PLAT_X86_64_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <pith/trap.h>	/* struct trap_regs */

void serial_init(void);
void cpu_init(void);
bool cpu_ist_stack_contains(uintptr_t addr);
void bootinfo_parse(int protocol, uintptr_t info);
void paging_init(void);
bool paging_is_mapped(uintptr_t va);
void apic_init(void);
void apic_eoi(void);
void irq_dispatch(unsigned int vector);
void clock_init(void);
void timer_irq(void);
void acpi_init(void);
void trap_dump(const struct trap_regs *r, const char *what);

#define VEC_TIMER	0xef
#define VEC_SPURIOUS	0xff
#define VEC_GSI_BASE	0x30	/* GSI n -> vector 0x30 + n */
#define VEC_DYN_BASE	0x50	/* MSI vectors from here */

#endif
