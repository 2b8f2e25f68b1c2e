/* SPDX-License-Identifier: MIT */
/*
 * Lock debugging (CONFIG_LIBLOCK_DEBUG): the checks every sleeping lock
 * makes, and the count of problems found so far. Without the option these
 * are empty inlines and lock_debug_reports() is always 0.
 *
 * Interface:
 *   might_sleep()           report if the caller may not sleep here: in
 *                           interrupt context, holding a spinlock, or with
 *                           preemption disabled (does not refuse anything)
 *   __might_sleep(pc)       the same, naming pc as the offending call site
 *   lock_debug_enabled()    true when the checks are built in
 *   lock_debug_reports()    problems reported since boot (tests read it)
 *
 * Each report is a "lock: BUG: ..." line, the call site of the bad
 * operation, the call site where the lock involved was taken, and a stack
 * dump. All of these may be called from any context.
 */
#ifndef PITH_LOCK_DEBUG_H
#define PITH_LOCK_DEBUG_H

#include <stdbool.h>
#include <pith/spinlock.h>

#ifdef CONFIG_LIBLOCK_DEBUG
void __might_sleep(void *pc);
unsigned long lock_debug_reports(void);

static inline bool lock_debug_enabled(void)
{
	return true;
}
#else
static inline void __might_sleep(void *pc)
{
}

static inline unsigned long lock_debug_reports(void)
{
	return 0;
}

static inline bool lock_debug_enabled(void)
{
	return false;
}
#endif

#define might_sleep()	__might_sleep(_THIS_IP_)

#endif
