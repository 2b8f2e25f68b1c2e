/* SPDX-License-Identifier: MIT */
/*
 * Condition variables (see <pith/condvar.h>): a FIFO of waiters. The
 * waiter joins the list before it releases the mutex, and a signal marks
 * the first waiter granted under cv->lock, so a signal sent once the
 * mutex is free can never fall between the two.
 *
 * Lock: cv->lock guards wait_list. Lock order: the mutex, then cv->lock;
 * cv->lock is never held across a mutex operation.
 */
#include <pith/errno.h>
#include <pith/condvar.h>
#include <pith/lock_debug.h>
#include <pith/mutex.h>
#include "lock.h"

static int wait_common(struct condvar *cv, struct mutex *m,
		       uint64_t deadline, void *pc)
{
	struct lock_waiter w;
	unsigned long flags;
	int ret;

	__might_sleep(pc);
	if (!mutex_debug_unlock(m, pc))
		return -EPERM;
	flags = spin_lock_irqsave(&cv->lock);
	lock_waiter_add(&cv->wait_list, &w);
	spin_unlock_irqrestore(&cv->lock, flags);

	mutex_release(m, pc);

	flags = spin_lock_irqsave(&cv->lock);
	ret = lock_waiter_sleep(&cv->lock, &flags, &w, deadline);
	spin_unlock_irqrestore(&cv->lock, flags);

	mutex_acquire(m, UINT64_MAX, pc);
	return ret;
}

void cond_wait(struct condvar *cv, struct mutex *m)
{
	wait_common(cv, m, UINT64_MAX, __builtin_return_address(0));
}

int cond_timedwait(struct condvar *cv, struct mutex *m, uint64_t ns)
{
	return wait_common(cv, m, lock_deadline(ns),
			   __builtin_return_address(0));
}

void cond_signal(struct condvar *cv)
{
	unsigned long flags = spin_lock_irqsave(&cv->lock);
	struct lock_waiter *w = lock_waiter_first(&cv->wait_list);

	if (w)
		lock_waiter_grant(w);
	spin_unlock_irqrestore(&cv->lock, flags);
}

void cond_broadcast(struct condvar *cv)
{
	unsigned long flags = spin_lock_irqsave(&cv->lock);
	struct lock_waiter *w;

	while ((w = lock_waiter_first(&cv->wait_list)))
		lock_waiter_grant(w);
	spin_unlock_irqrestore(&cv->lock, flags);
}
