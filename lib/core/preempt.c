/* SPDX-License-Identifier: MIT */
/*
 * The preemption counter and the hooks a scheduler installs (see
 * <pith/preempt.h>). irq_exit_preempt() is called by the platform's
 * interrupt exit path with the interrupted thread's frame already moved
 * onto that thread's stack.
 */
#include <pith/irqflags.h>
#include <pith/preempt.h>

volatile int __preempt_count;
volatile bool __need_resched;
static void (*preempt_hook)(void);
static void (*irq_preempt_hook)(void);

void preempt_set_hooks(void (*preempt)(void), void (*irq_preempt)(void))
{
	preempt_hook = preempt;
	irq_preempt_hook = irq_preempt;
}

void preempt_schedule(void)
{
	if (preempt_hook && !__preempt_count && !irqs_disabled())
		preempt_hook();
}

/* Whether the interrupt exit path should switch threads: a scheduler is
 * there, it asked, and the interrupted code could be preempted. */
bool irq_exit_wants_preempt(unsigned long rflags)
{
	return irq_preempt_hook && __need_resched && !__preempt_count &&
	       (rflags & 0x200);
}

void irq_exit_preempt(void)
{
	irq_preempt_hook();
}
