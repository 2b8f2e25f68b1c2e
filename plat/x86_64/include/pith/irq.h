/* SPDX-License-Identifier: MIT */
/*
 * Interrupt lines. Device interrupts arrive through the IOAPIC (global
 * system interrupts, GSI 0-23) or as MSI vectors; the LAPIC timer has its
 * own vector. Handlers run with interrupts disabled on the interrupt stack;
 * they must not block.
 *
 * Interface:
 *   request_irq(gsi, handler, arg, name)   route a GSI (edge, active high
 *                                          for ISA lines 0-15; level,
 *                                          active low for PCI lines 16-23
 *                                          unless flags say otherwise)
 *   free_irq(gsi)
 *   irq_alloc_vector(handler, arg, name)  a vector for MSI/MSI-X
 */
#ifndef PITH_IRQ_H
#define PITH_IRQ_H

#include <stdint.h>

typedef void (*irq_handler_t)(void *arg);

#define IRQF_LEVEL	0x1
#define IRQF_LOW	0x2
#define IRQF_EDGE	0x4	/* force edge, active high */

int request_irq(unsigned int gsi, irq_handler_t fn, void *arg,
		const char *name, unsigned int flags);
void free_irq(unsigned int gsi);
int irq_alloc_vector(irq_handler_t fn, void *arg, const char *name);
uint32_t lapic_id(void);

/* Count of interrupts taken per vector, for tests and debugging. */
unsigned long irq_count(unsigned int vector);

#endif
