/* SPDX-License-Identifier: MIT */
/*
 * Spinlocks. On one CPU a spinlock is preemption off (and, with the
 * _irq/_irqsave forms, interrupts off); the lock word exists so that the
 * debug build catches recursion and unbalanced unlocks, and so that SMP
 * can spin on it later. Never sleep while holding one.
 *
 * Interface:
 *   DEFINE_SPINLOCK(l); spin_lock_init(&l);
 *   spin_lock(&l) / spin_unlock(&l)             not against interrupts
 *   flags = spin_lock_irqsave(&l) / spin_unlock_irqrestore(&l, flags)
 *   spin_lock_irq(&l) / spin_unlock_irq(&l)
 * All forms may be used from interrupt context.
 *
 * With CONFIG_LIBLOCK_DEBUG, taking a spinlock that is already held and
 * releasing one that is not are reported with both call sites (see
 * spinlock_debug.c), and <pith/lock_debug.h>'s might_sleep() names the
 * most recently taken spinlock that is still held.
 */
#ifndef PITH_SPINLOCK_H
#define PITH_SPINLOCK_H

#include <pith/irqflags.h>
#include <pith/preempt.h>
#include <pith/printk.h>

typedef struct {
	volatile int locked;		/* debug: nesting, 2+ is a bug */
#ifdef CONFIG_LIBLOCK_DEBUG
	void *owner_pc;			/* where it was last taken */
#endif
} spinlock_t;

/* The address of this point in the code: where a lock is taken. The
 * empty asm goto keeps GCC from moving the label to the function's start. */
#ifndef _THIS_IP_
#define _THIS_IP_ ({ __label__ __here; __here:				\
	__asm__ goto("" :::: __here); (void *)&&__here; })
#endif

#define __SPIN_LOCK_UNLOCKED	{ 0 }
#define DEFINE_SPINLOCK(x)	spinlock_t x = __SPIN_LOCK_UNLOCKED

static inline void spin_lock_init(spinlock_t *l)
{
	*l = (spinlock_t)__SPIN_LOCK_UNLOCKED;
}

#ifdef CONFIG_LIBLOCK_DEBUG
void spin_debug_lock(spinlock_t *l, void *pc);
void spin_debug_unlock(spinlock_t *l, void *pc);
#else
static inline void spin_debug_lock(spinlock_t *l, void *pc)
{
	l->locked = 1;
}

static inline void spin_debug_unlock(spinlock_t *l, void *pc)
{
	l->locked = 0;
}
#endif

static __always_inline void spin_lock(spinlock_t *l)
{
	preempt_disable();
	spin_debug_lock(l, _THIS_IP_);
}

static __always_inline void spin_unlock(spinlock_t *l)
{
	spin_debug_unlock(l, _THIS_IP_);
	preempt_enable();
}

static __always_inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long flags = local_irq_save();

	spin_lock(l);
	return flags;
}

static __always_inline void spin_unlock_irqrestore(spinlock_t *l,
						   unsigned long flags)
{
	spin_debug_unlock(l, _THIS_IP_);
	preempt_enable_no_resched();
	local_irq_restore(flags);
	/* A wake-up inside the section may have asked for a switch. */
	if (!preempt_count() && !irqs_disabled() && need_resched())
		preempt_schedule();
}

static __always_inline void spin_lock_irq(spinlock_t *l)
{
	local_irq_disable();
	spin_lock(l);
}

static __always_inline void spin_unlock_irq(spinlock_t *l)
{
	spin_unlock_irqrestore(l, 0x200);
}

static inline int spin_is_locked(spinlock_t *l)
{
	return l->locked;
}

#endif
