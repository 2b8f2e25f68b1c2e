/* SPDX-License-Identifier: MIT */
/*
 * Counting semaphores (see <pith/semaphore.h>). While threads wait the
 * count stays 0 and up() grants its unit to the first waiter instead of
 * counting it, so the unit cannot be taken by a newcomer in between.
 *
 * Lock: s->lock (interrupts off: up() may come from an interrupt handler)
 * guards count and wait_list.
 */
#include <pith/errno.h>
#include <pith/lock_debug.h>
#include <pith/semaphore.h>
#include "lock.h"

static int down_common(struct semaphore *s, uint64_t deadline, void *pc)
{
	struct lock_waiter w;
	unsigned long flags;
	int ret = 0;

	__might_sleep(pc);
	flags = spin_lock_irqsave(&s->lock);
	if (s->count) {
		s->count--;
	} else {
		lock_waiter_add(&s->wait_list, &w);
		ret = lock_waiter_sleep(&s->lock, &flags, &w, deadline);
	}
	spin_unlock_irqrestore(&s->lock, flags);
	return ret;
}

void down(struct semaphore *s)
{
	down_common(s, UINT64_MAX, __builtin_return_address(0));
}

int down_timeout(struct semaphore *s, uint64_t ns)
{
	return down_common(s, lock_deadline(ns), __builtin_return_address(0));
}

int down_trylock(struct semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->lock);
	int busy = !s->count;

	if (!busy)
		s->count--;
	spin_unlock_irqrestore(&s->lock, flags);
	return busy;
}

void up(struct semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->lock);
	struct lock_waiter *w = lock_waiter_first(&s->wait_list);

	if (w)
		lock_waiter_grant(w);
	else
		s->count++;
	spin_unlock_irqrestore(&s->lock, flags);
}
