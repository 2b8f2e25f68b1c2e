/* SPDX-License-Identifier: MIT */
/*
 * Mutexes (see <pith/mutex.h>): an owner word, a wait_lock spinlock and a
 * FIFO list of waiters.
 *
 * Fast paths: lock is a compare-and-swap of the owner word from 0 to
 * current; unlock one from current back to 0. The swap fails on unlock
 * when MUTEX_FLAG_WAITERS is set, which a waiter sets under wait_lock
 * before it sleeps; the slow unlock then gives the mutex to the first
 * waiter directly (owner = that thread), so the mutex is never free while
 * anyone waits and nobody can barge in ahead of the queue.
 *
 * Lock: m->wait_lock guards wait_list and the WAITERS bit's transitions;
 * the owner word is changed by atomic operations only.
 */
#include <pith/errno.h>
#include <pith/lock_debug.h>
#include <pith/mutex.h>
#include <pith/sched.h>
#include "lock.h"

static bool owner_cmpxchg(struct mutex *m, uintptr_t old, uintptr_t new)
{
	return __atomic_compare_exchange_n(&m->owner, &old, new, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

/*
 * wait_lock held: set WAITERS so that the owner's unlock comes to the wait
 * list, or take the mutex if it was released meanwhile.
 * Return: true if the caller now owns it.
 */
static bool mark_waiters_or_take(struct mutex *m)
{
	for (;;) {
		uintptr_t old = __atomic_load_n(&m->owner, __ATOMIC_RELAXED);
		uintptr_t new = old ? old | MUTEX_FLAG_WAITERS
				    : (uintptr_t)current;

		if (owner_cmpxchg(m, old, new))
			return !old;
	}
}

int mutex_acquire(struct mutex *m, uint64_t deadline, void *pc)
{
	struct lock_waiter w;
	unsigned long flags;
	int ret = 0;

	__might_sleep(pc);
	if (!mutex_debug_lock(m, pc))
		return -EDEADLK;
	if (owner_cmpxchg(m, 0, (uintptr_t)current))
		goto taken;
	flags = spin_lock_irqsave(&m->wait_lock);
	if (!mark_waiters_or_take(m)) {
		lock_waiter_add(&m->wait_list, &w);
		ret = lock_waiter_sleep(&m->wait_lock, &flags, &w, deadline);
		/* Timed out as the last waiter: unlock may take the fast
		 * path again. */
		if (ret && list_empty(&m->wait_list))
			__atomic_fetch_and(&m->owner, ~MUTEX_FLAG_WAITERS,
					   __ATOMIC_RELAXED);
	}
	spin_unlock_irqrestore(&m->wait_lock, flags);
	if (ret)
		return ret;
taken:
	mutex_debug_acquired(m, pc);
	return 0;
}

void mutex_release(struct mutex *m, void *pc)
{
	struct lock_waiter *w;
	unsigned long flags;

	if (!mutex_debug_unlock(m, pc))
		return;
	if (owner_cmpxchg(m, (uintptr_t)current, 0))
		return;
	flags = spin_lock_irqsave(&m->wait_lock);
	w = lock_waiter_first(&m->wait_list);
	if (!w) {
		__atomic_store_n(&m->owner, 0, __ATOMIC_RELEASE);
	} else {
		list_del_init(&w->node);
		/* Handoff: the first waiter owns it before it even runs. */
		__atomic_store_n(&m->owner, (uintptr_t)w->thread |
				 (list_empty(&m->wait_list) ? 0 :
				  MUTEX_FLAG_WAITERS), __ATOMIC_RELEASE);
		lock_waiter_grant(w);
	}
	spin_unlock_irqrestore(&m->wait_lock, flags);
}

void mutex_lock(struct mutex *m)
{
	mutex_acquire(m, UINT64_MAX, __builtin_return_address(0));
}

int mutex_lock_timeout(struct mutex *m, uint64_t ns)
{
	return mutex_acquire(m, lock_deadline(ns),
			     __builtin_return_address(0));
}

int mutex_trylock(struct mutex *m)
{
	if (!owner_cmpxchg(m, 0, (uintptr_t)current))
		return 0;
	mutex_debug_acquired(m, __builtin_return_address(0));
	return 1;
}

void mutex_unlock(struct mutex *m)
{
	mutex_release(m, __builtin_return_address(0));
}
