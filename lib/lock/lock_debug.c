/* SPDX-License-Identifier: MIT */
/*
 * Lock debugging for the sleeping locks (CONFIG_LIBLOCK_DEBUG with
 * lib/sched): a mutex taken again by its owner, a mutex or rt-mutex
 * released by a thread that does not own it. Each is reported through
 * lock_report() with the bad call's site and the site where the owner
 * took the lock, and refused: the recursive lock returns at once (instead
 * of sleeping forever), the foreign unlock does nothing.
 */
#include <pith/mutex.h>
#include <pith/rtmutex.h>
#include <pith/sched.h>
#include "lock.h"

static const char *thread_name(struct thread *t)
{
	return t ? t->name : "nobody";
}

bool mutex_debug_lock(struct mutex *m, void *pc)
{
	if (mutex_owner(m) != current)
		return true;
	lock_report(pc, "first taken at", m->owner_pc,
		    "recursive mutex_lock of %p by %s (refused)", (void *)m,
		    current->name);
	return false;
}

bool mutex_debug_unlock(struct mutex *m, void *pc)
{
	struct thread *owner = mutex_owner(m);

	if (owner == current)
		return true;
	lock_report(pc, "owner took it at", owner ? m->owner_pc : NULL,
		    "mutex %p released by %s, owned by %s (refused)",
		    (void *)m, current->name, thread_name(owner));
	return false;
}

void mutex_debug_acquired(struct mutex *m, void *pc)
{
	m->owner_pc = pc;
}

void rt_mutex_debug_bad_unlock(struct rt_mutex *l, void *pc)
{
	lock_report(pc, "owner took it at", l->owner ? l->owner_pc : NULL,
		    "rt_mutex %p released by %s, owned by %s (refused)",
		    (void *)l, current->name, thread_name(l->owner));
}

void rt_mutex_debug_acquired(struct rt_mutex *l, void *pc)
{
	l->owner_pc = pc;
}
