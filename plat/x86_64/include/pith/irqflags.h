/* SPDX-License-Identifier: MIT */
/*
 * Interrupt enable flag. local_irq_save() disables interrupts and returns
 * the previous state for local_irq_restore(); both nest. Any context.
 */
#ifndef PITH_IRQFLAGS_H
#define PITH_IRQFLAGS_H

#include <stdbool.h>

static inline unsigned long local_save_flags(void)
{
	unsigned long f;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(f) : : "memory");
	return f;
}

static inline void local_irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

static inline void local_irq_enable(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

static inline unsigned long local_irq_save(void)
{
	unsigned long f = local_save_flags();

	local_irq_disable();
	return f;
}

static inline void local_irq_restore(unsigned long f)
{
	if (f & 0x200)
		local_irq_enable();
}

static inline bool irqs_disabled(void)
{
	return !(local_save_flags() & 0x200);
}

/* Wait for the next interrupt with interrupts enabled (no lost wake-up:
 * sti takes effect after the following instruction). */
static inline void safe_halt(void)
{
	__asm__ __volatile__("sti; hlt" ::: "memory");
}

#endif
