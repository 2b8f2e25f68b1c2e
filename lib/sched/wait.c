/* SPDX-License-Identifier: MIT */
/*
 * Wait queues (see <pith/wait.h>). Exclusive waiters go to the tail and
 * non-exclusive ones to the head, so one wake_up reaches every
 * non-exclusive waiter and then exactly one exclusive waiter.
 */
#include <pith/wait.h>

static bool (*signal_hook)(struct thread *t);

void sched_set_signal_hook(bool (*pending)(struct thread *t))
{
	signal_hook = pending;
}

bool signal_pending(struct thread *t)
{
	return signal_hook && signal_hook(t);
}

int autoremove_wake_function(struct wait_queue_entry *e, void *key)
{
	int woke = wake_up_process(e->thread);

	/* Unlinked either way: the waiter re-adds itself if it sleeps on. */
	list_del_init(&e->entry);
	return woke;
}

void add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	e->flags &= ~WQ_FLAG_EXCLUSIVE;
	list_add(&e->entry, &wq->head);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void add_wait_queue_exclusive(struct wait_queue_head *wq,
			      struct wait_queue_entry *e)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	e->flags |= WQ_FLAG_EXCLUSIVE;
	list_add_tail(&e->entry, &wq->head);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void remove_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	list_del_init(&e->entry);
	spin_unlock_irqrestore(&wq->lock, flags);
}

static void prepare(struct wait_queue_head *wq, struct wait_queue_entry *e,
		    int state, bool exclusive)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	if (list_empty(&e->entry)) {
		if (exclusive) {
			e->flags |= WQ_FLAG_EXCLUSIVE;
			list_add_tail(&e->entry, &wq->head);
		} else {
			e->flags &= ~WQ_FLAG_EXCLUSIVE;
			list_add(&e->entry, &wq->head);
		}
	}
	current->state = state;
	spin_unlock_irqrestore(&wq->lock, flags);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *e,
		     int state)
{
	prepare(wq, e, state, false);
}

void prepare_to_wait_exclusive(struct wait_queue_head *wq,
			       struct wait_queue_entry *e, int state)
{
	prepare(wq, e, state, true);
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
	unsigned long flags;

	current->state = TASK_RUNNING;
	if (list_empty(&e->entry))
		return;
	flags = spin_lock_irqsave(&wq->lock);
	list_del_init(&e->entry);
	spin_unlock_irqrestore(&wq->lock, flags);
}

int __wake_up(struct wait_queue_head *wq, int nr, void *key)
{
	struct wait_queue_entry *e, *next;
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	int woken = 0;

	list_for_each_entry_safe(e, next, &wq->head, entry) {
		unsigned int excl = e->flags & WQ_FLAG_EXCLUSIVE;
		int ret = e->func(e, key);

		if (ret < 0)
			break;
		woken += ret > 0;
		if (ret && excl && nr && !--nr)
			break;
	}
	spin_unlock_irqrestore(&wq->lock, flags);
	return woken;
}
