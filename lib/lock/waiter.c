/* SPDX-License-Identifier: MIT */
/*
 * The FIFO waiter shared by mutex, semaphore, completion and condvar (see
 * lock.h): join the tail of a wait list, sleep until granted or a
 * deadline.
 *
 * No lost wake-ups: the waiter sets its state to sleeping before it drops
 * the object's spinlock, and the granter sets w->granted and wakes it under
 * that same spinlock; if the grant comes before schedule(), the wake-up has
 * already set the state back to running and schedule() returns at once.
 * A grant that races with the timeout wins: a granted waiter always
 * returns 0, since it now owns what it waited for.
 */
#include <pith/errno.h>
#include <pith/sched.h>
#include <pith/time.h>
#include "lock.h"

uint64_t lock_deadline(uint64_t ns)
{
	uint64_t now = ktime_get_ns();

	return ns >= UINT64_MAX - now ? UINT64_MAX : now + ns;
}

void lock_waiter_add(struct list_head *q, struct lock_waiter *w)
{
	w->thread = current;
	w->granted = false;
	list_add_tail(&w->node, q);
}

struct lock_waiter *lock_waiter_first(struct list_head *q)
{
	return list_first_entry_or_null(q, struct lock_waiter, node);
}

void lock_waiter_grant(struct lock_waiter *w)
{
	list_del_init(&w->node);
	w->granted = true;
	/* NOTE: w lives on the waiter's stack; not touched after this. */
	wake_up_process(w->thread);
}

int lock_waiter_sleep(spinlock_t *l, unsigned long *flags,
		      struct lock_waiter *w, uint64_t deadline)
{
	uint64_t now;

	while (!w->granted) {
		now = deadline == UINT64_MAX ? 0 : ktime_get_ns();
		if (now >= deadline) {
			list_del_init(&w->node);
			current->state = TASK_RUNNING;
			return -ETIMEDOUT;
		}
		current->state = TASK_UNINTERRUPTIBLE;
		spin_unlock_irqrestore(l, *flags);
		if (deadline == UINT64_MAX)
			schedule();
		else
			schedule_timeout(deadline - now);
		*flags = spin_lock_irqsave(l);
	}
	current->state = TASK_RUNNING;
	return 0;
}
