/* SPDX-License-Identifier: MIT */
/*
 * Waiting for work: flush_work with barrier items, flush_workqueue with
 * flush colors, drain_workqueue.
 *
 * Interface: see <pith/wq.h>; wq_flush_running(work) for cancel.
 *
 * flush_work puts a barrier, a work item that wakes the flusher, right
 * behind the target: linked after it when the target is queued (so it
 * moves with the target from the inactive list to the worklist and onto
 * the worker that takes it), or first in the scheduled list of the worker
 * running it. Barriers count in flight (so a queue is not freed under
 * one) but never against max_active.
 *
 * flush_workqueue flips the queue's color: new items get the other one,
 * and the flusher waits until no item of the old color is in flight.
 * Flushers of one queue take turns, so two colors are enough.
 *
 * Lock order and field legend: see wq_internal.h.
 */
#include <pith/kernel.h>
#include <pith/ksym.h>
#include <pith/printk.h>
#include "wq_internal.h"

static void wq_barrier_func(struct work_struct *work)
{
	struct wq_barrier *b = container_of(work, struct wq_barrier, work);
	struct thread *t = b->task;
	unsigned long flags = local_irq_save();

	/* NOTE: once done is set the flusher may return and free @b: read
	 * the thread first and wake it with interrupts still off. */
	b->done = true;
	wake_up_process(t);
	local_irq_restore(flags);
}

/* pool->lock held. @worker: put it first on its scheduled list. */
static void insert_barrier(struct pool_workqueue *pwq, struct wq_barrier *b,
			   struct work_struct *target, struct worker *worker)
{
	__init_work(&b->work, wq_barrier_func);
	b->work.flags = WORK_PENDING | WORK_BARRIER;
	b->work.pwq = pwq;
	b->work.color = pwq->work_color;
	pwq->nr_in_flight[b->work.color]++;
	b->task = current;
	b->done = false;
	if (worker) {
		list_add(&b->work.entry, &worker->scheduled);
		return;
	}
	list_add(&b->work.entry, &target->entry);
	if (target->flags & WORK_LINKED)
		b->work.flags |= WORK_LINKED;
	target->flags |= WORK_LINKED;
}

static void wait_barrier(struct wq_barrier *b)
{
	for (;;) {
		current->state = TASK_UNINTERRUPTIBLE;
		barrier();
		if (b->done)
			break;
		schedule();
	}
	current->state = TASK_RUNNING;
}

static void report_self_flush(const char *what, struct work_struct *work)
{
	char sym[64];

	ksym_format((uintptr_t)work->func, sym, sizeof(sym));
	pr_err("wq: %s(%s) from inside the item itself: it would never "
	       "return\n", what, sym);
}

/* Queue a barrier behind @work if it is queued or running (not when
 * @running_only and it is queued). True if one was queued. */
static bool start_flush_work(struct work_struct *work, struct wq_barrier *b,
			     bool running_only)
{
	struct worker_pool *pool;
	struct worker *worker = NULL;
	unsigned long lflags, flags = local_irq_save();
	bool queued = !running_only && work_pending(work) &&
		      !list_empty(&work->entry);

	pool = queued ? work->pwq->pool : work->pool;
	if (!pool) {
		local_irq_restore(flags);
		return false;
	}
	lflags = spin_lock_irqsave(&pool->lock);
	if (!queued)
		worker = wq_find_worker_executing(pool, work);
	if (queued || worker)
		insert_barrier(queued ? work->pwq : worker->current_pwq, b,
			       work, worker);
	spin_unlock_irqrestore(&pool->lock, lflags);
	local_irq_restore(flags);
	return queued || worker;
}

static bool __flush_work(struct work_struct *work, bool running_only,
			 const char *what)
{
	struct worker *me = current_wq_worker();
	struct wq_barrier b;

	if (me && me->current_work == work) {
		report_self_flush(what, work);
		return false;
	}
	if (!start_flush_work(work, &b, running_only))
		return false;
	wait_barrier(&b);
	return true;
}

bool flush_work(struct work_struct *work)
{
	return __flush_work(work, false, "flush_work");
}

/* cancel_work_sync: the item is off its queue; wait for a running one. */
bool wq_flush_running(struct work_struct *work)
{
	return __flush_work(work, true, "cancel_work_sync");
}

bool flush_delayed_work(struct delayed_work *dw)
{
	unsigned long flags = local_irq_save();

	/* Armed: fire it now (PENDING stays ours through the switch). */
	if (hrtimer_cancel(&dw->timer))
		__queue_work(dw->wq, &dw->work);
	local_irq_restore(flags);
	return flush_work(&dw->work);
}

/* Wait for our turn, then flip the color; returns the color to wait on. */
static int flush_begin(struct workqueue_struct *wq)
{
	struct pool_workqueue *pwq = &wq->pwq;
	int color;

	for (;;) {
		spin_lock_irq(&pwq->pool->lock);
		if (!wq->flush_busy)
			break;
		spin_unlock_irq(&pwq->pool->lock);
		wait_event(wq->flush_wait, !READ_ONCE(wq->flush_busy));
	}
	wq->flush_busy = true;
	color = pwq->work_color;
	pwq->work_color = (color + 1) % WORK_NR_COLORS;
	spin_unlock_irq(&pwq->pool->lock);
	return color;
}

void flush_workqueue(struct workqueue_struct *wq)
{
	struct pool_workqueue *pwq = &wq->pwq;
	int color;

	if (current_wq_worker() && current_wq_worker()->current_pwq == pwq) {
		pr_err("wq: flush_workqueue(%s) from one of its own items: "
		       "it would never return\n", wq->name);
		return;
	}
	color = flush_begin(wq);
	wait_event(wq->flush_wait, !READ_ONCE(pwq->nr_in_flight[color]));
	spin_lock_irq(&pwq->pool->lock);
	wq->flush_busy = false;
	spin_unlock_irq(&pwq->pool->lock);
	wake_up_all(&wq->flush_wait);
}

static bool pwq_is_empty(struct pool_workqueue *pwq)
{
	bool empty;

	spin_lock_irq(&pwq->pool->lock);
	empty = !pwq->nr_in_flight[0] && !pwq->nr_in_flight[1];
	spin_unlock_irq(&pwq->pool->lock);
	return empty;
}

void drain_workqueue(struct workqueue_struct *wq)
{
	struct worker_pool *pool = wq->pwq.pool;

	spin_lock_irq(&pool->lock);
	if (!wq->nr_drainers++)
		wq->flags |= __WQ_DRAINING;
	spin_unlock_irq(&pool->lock);
	for (int tries = 1;; tries++) {
		flush_workqueue(wq);
		if (pwq_is_empty(&wq->pwq))
			break;
		if (tries == 10 || tries % 100 == 0)
			pr_warn("wq: %s is still not drained after %d "
				"flushes\n", wq->name, tries);
	}
	spin_lock_irq(&pool->lock);
	if (!--wq->nr_drainers)
		wq->flags &= ~__WQ_DRAINING;
	spin_unlock_irq(&pool->lock);
}
