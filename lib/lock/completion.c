/* SPDX-License-Identifier: MIT */
/*
 * Completions (see <pith/completion.h>): a count of banked events and a
 * FIFO of waiters. An event goes straight to the first waiter when there
 * is one (so a try_wait_for_completion() cannot steal it from a thread
 * already woken for it), else it is banked in done.
 *
 * Lock: c->lock (interrupts off: complete() may come from an interrupt
 * handler) guards done and wait_list.
 */
#include <pith/lock_debug.h>
#include <pith/completion.h>
#include <pith/time.h>
#include "lock.h"

/* c->lock held: take a banked event if there is one. */
static bool consume(struct completion *c)
{
	if (!c->done)
		return false;
	if (c->done != COMPLETION_ALL)
		c->done--;
	return true;
}

static int wait_common(struct completion *c, uint64_t deadline, void *pc)
{
	struct lock_waiter w;
	unsigned long flags;
	int ret = 0;

	__might_sleep(pc);
	flags = spin_lock_irqsave(&c->lock);
	if (!consume(c)) {
		lock_waiter_add(&c->wait_list, &w);
		ret = lock_waiter_sleep(&c->lock, &flags, &w, deadline);
	}
	spin_unlock_irqrestore(&c->lock, flags);
	return ret;
}

void wait_for_completion(struct completion *c)
{
	wait_common(c, UINT64_MAX, __builtin_return_address(0));
}

uint64_t wait_for_completion_timeout(struct completion *c, uint64_t ns)
{
	uint64_t deadline = lock_deadline(ns), now;

	if (wait_common(c, deadline, __builtin_return_address(0)))
		return 0;
	now = ktime_get_ns();
	return now < deadline ? deadline - now : 1;
}

bool try_wait_for_completion(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->lock);
	bool got = consume(c);

	spin_unlock_irqrestore(&c->lock, flags);
	return got;
}

bool completion_done(struct completion *c)
{
	return READ_ONCE(c->done) != 0;
}

void complete(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->lock);
	struct lock_waiter *w = lock_waiter_first(&c->wait_list);

	if (w)
		lock_waiter_grant(w);
	else if (c->done < COMPLETION_ALL - 1)
		c->done++;
	spin_unlock_irqrestore(&c->lock, flags);
}

void complete_all(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->lock);
	struct lock_waiter *w;

	c->done = COMPLETION_ALL;
	while ((w = lock_waiter_first(&c->wait_list)))
		lock_waiter_grant(w);
	spin_unlock_irqrestore(&c->lock, flags);
}
