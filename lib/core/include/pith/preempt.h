/* SPDX-License-Identifier: MIT */
/*
 * Preemption and interrupt context, counted as in Linux: the low byte of
 * preempt_count counts preempt_disable() nesting (spinlocks take it), the
 * next byte counts hard interrupt nesting. A scheduler sets need_resched
 * when the running thread should give way; the switch then happens at
 * preempt_enable() or on return from an interrupt, never while
 * preempt_count is non-zero. Without lib/sched nothing sets need_resched
 * and these cost an increment.
 *
 * Interface:
 *   preempt_disable(), preempt_enable(), preempt_enable_no_resched()
 *   in_interrupt(), preemptible()
 *   set_need_resched(), need_resched()
 *   preempt_set_hooks(preempt_fn, irq_preempt_fn)   for lib/sched
 */
#ifndef PITH_PREEMPT_H
#define PITH_PREEMPT_H

#include <stdbool.h>
#include <pith/compiler.h>

#define PREEMPT_MASK	0x000000ff
#define HARDIRQ_OFFSET	0x00000100
#define HARDIRQ_MASK	0x0000ff00

extern volatile int __preempt_count;
extern volatile bool __need_resched;

void preempt_schedule(void);
void preempt_set_hooks(void (*preempt)(void), void (*irq_preempt)(void));

#define preempt_count()	(__preempt_count)
#define in_interrupt()	(__preempt_count & HARDIRQ_MASK)

static __always_inline void preempt_disable(void)
{
	__preempt_count++;
	barrier();
}

static __always_inline void preempt_enable_no_resched(void)
{
	barrier();
	__preempt_count--;
}

static __always_inline void preempt_enable(void)
{
	barrier();
	if (--__preempt_count == 0 && unlikely(__need_resched))
		preempt_schedule();
}

static __always_inline void set_need_resched(void)
{
	__need_resched = true;
}

static __always_inline bool need_resched(void)
{
	return __need_resched;
}

#endif
