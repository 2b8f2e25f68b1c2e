/* SPDX-License-Identifier: MIT */
/*
 * Lock debugging that needs no scheduler (CONFIG_LIBLOCK_DEBUG): spinlock
 * recursion and unbalanced unlocks, sleeping in atomic context, and the
 * report format every lock check uses.
 *
 * Interface (see <pith/spinlock.h>, <pith/lock_debug.h>, lock.h):
 *   spin_debug_lock(l, pc), spin_debug_unlock(l, pc)   from spinlock.h
 *   __might_sleep(pc)             at every sleeping entry point
 *   lock_report(pc, site, site_pc, fmt, ...)   one report, counted
 *   lock_debug_reports()          how many so far
 *
 * A spinlock's lock word counts nesting in this build: a second
 * spin_lock() of a held lock is reported (on SMP it would spin forever)
 * and counted, so the matching unlocks stay balanced. The spinlocks held
 * right now are kept on a small stack so that a sleeping call can name
 * the one it sleeps under. Everything here runs with interrupts off
 * around its own updates; one CPU.
 */
#include <stdarg.h>
#include <pith/irqflags.h>
#include <pith/ksym.h>
#include <pith/lock_debug.h>
#include <pith/plat.h>
#include <pith/printk.h>
#include "lock.h"

#define MAX_HELD	16

static unsigned long nr_reports;
static spinlock_t *held[MAX_HELD];	/* taken, not yet released */
static int nr_held;			/* may exceed MAX_HELD: not kept */

unsigned long lock_debug_reports(void)
{
	return nr_reports;
}

void lock_report(void *pc, const char *site, void *site_pc,
		 const char *fmt, ...)
{
	char buf[128], sym[80];
	va_list ap;

	nr_reports++;
	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr_err("lock: BUG: %s\n", buf);
	ksym_format_ret((uintptr_t)pc, sym, sizeof(sym));
	pr_err("lock:   bad call at %s\n", sym);
	if (site && site_pc) {
		ksym_format_ret((uintptr_t)site_pc, sym, sizeof(sym));
		pr_err("lock:   %s %s\n", site, sym);
	}
	pr_err("WARNING: lock debug report %lu\n", nr_reports);
	plat_dump_stack();
}

static void held_push(spinlock_t *l)
{
	if (nr_held < MAX_HELD)
		held[nr_held] = l;
	nr_held++;
}

/* Unlocks need not be in reverse order: remove l wherever it is. */
static void held_remove(spinlock_t *l)
{
	int top = MIN(nr_held, MAX_HELD);

	for (int i = top - 1; i >= 0; i--) {
		if (held[i] != l)
			continue;
		for (; i < top - 1; i++)
			held[i] = held[i + 1];
		break;
	}
	nr_held--;
}

void spin_debug_lock(spinlock_t *l, void *pc)
{
	unsigned long flags = local_irq_save();

	if (l->locked) {
		l->locked++;
		lock_report(pc, "held since", l->owner_pc,
			    "spinlock %p taken while already held "
			    "(recursion; a deadlock on SMP)", (void *)l);
	} else {
		l->locked = 1;
		l->owner_pc = pc;
		held_push(l);
	}
	local_irq_restore(flags);
}

void spin_debug_unlock(spinlock_t *l, void *pc)
{
	unsigned long flags = local_irq_save();

	if (!l->locked)
		lock_report(pc, "last taken at", l->owner_pc,
			    "spin_unlock of spinlock %p, which is not held",
			    (void *)l);
	else if (!--l->locked)
		held_remove(l);
	local_irq_restore(flags);
}

void __might_sleep(void *pc)
{
	int count = preempt_count();
	spinlock_t *l;

	if (!in_interrupt() && !(count & PREEMPT_MASK))
		return;
	l = nr_held > 0 && nr_held <= MAX_HELD ? held[nr_held - 1] : NULL;
	lock_report(pc, "spinlock taken at", l ? l->owner_pc : NULL,
		    "sleeping call %s (preempt_count %#x)",
		    in_interrupt() ? "in interrupt context" :
		    l ? "while holding a spinlock" :
			"with preemption disabled", count);
}
