/* SPDX-License-Identifier: MIT */
/*
 * Rescuers: a WQ_MEM_RECLAIM queue owns one thread that runs its items
 * when their pool cannot get a worker (creating one failed, typically
 * out of memory), so that reclaim work itself never waits for memory.
 *
 * Interface (to the rest of lib/wq):
 *   wq_rescuer_start(wq)    at alloc_workqueue; 0 or -ENOMEM
 *   wq_send_mayday(work)    the pool's mayday timer, pool->lock held:
 *                           ask @work's queue's rescuer for help
 *   wq_rescuer_stop(wq)     at destroy_workqueue, after the drain
 *
 * The rescuer is a worker that never counts as running (PREP for good),
 * so it does not disturb concurrency management. It attaches to the
 * starving pool, takes every item of its queue from the worklist, runs
 * them, and asks again while the pool still starves.
 *
 * Lock order and field legend: see wq_internal.h.
 */
#include <pith/kernel.h>
#include <pith/mm.h>
#include <pith/printk.h>
#include "wq_internal.h"

DEFINE_SPINLOCK(wq_mayday_lock);

static void mayday_pwq(struct pool_workqueue *pwq)
{
	struct workqueue_struct *wq = pwq->wq;
	unsigned long flags = spin_lock_irqsave(&wq_mayday_lock);

	if (list_empty(&pwq->mayday_node)) {
		list_add_tail(&pwq->mayday_node, &wq->maydays);
		wake_up_process(wq->rescuer->task);
	}
	spin_unlock_irqrestore(&wq_mayday_lock, flags);
}

void wq_send_mayday(struct work_struct *work)
{
	if (work->pwq && work->pwq->wq->rescuer)
		mayday_pwq(work->pwq);
}

static bool pwq_has_ready_work(struct pool_workqueue *pwq)
{
	struct work_struct *work;

	list_for_each_entry(work, &pwq->pool->worklist, entry)
		if (work->pwq == pwq)
			return true;
	return false;
}

/* Run @pwq's ready items on the rescuer @r. */
static void rescue_pwq(struct worker *r, struct pool_workqueue *pwq)
{
	struct worker_pool *pool = pwq->pool;
	struct work_struct *work, *n;

	spin_lock_irq(&pool->lock);
	r->pool = pool;
	list_for_each_entry_safe(work, n, &pool->worklist, entry)
		if (work->pwq == pwq)
			wq_move_linked_works(work, &r->scheduled, &n);
	wq_process_scheduled_works(r);
	/* Requeued or newly activated items: ask again while starving. */
	if (pwq_has_ready_work(pwq) && wq_need_to_create_worker(pool))
		mayday_pwq(pwq);
	if (wq_keep_working(pool))
		wq_wake_up_worker(pool);
	spin_unlock_irq(&pool->lock);
}

/* The next pwq to rescue, NULL to exit; sleeps while there is none. */
static struct pool_workqueue *next_mayday(struct worker *r)
{
	struct workqueue_struct *wq = r->rescue_wq;
	struct pool_workqueue *pwq;

	for (;;) {
		spin_lock_irq(&wq_mayday_lock);
		pwq = list_first_entry_or_null(&wq->maydays,
					       struct pool_workqueue,
					       mayday_node);
		if (pwq || r->stop)
			break;
		current->state = TASK_UNINTERRUPTIBLE;
		spin_unlock_irq(&wq_mayday_lock);
		schedule();
	}
	if (pwq)
		list_del_init(&pwq->mayday_node);
	spin_unlock_irq(&wq_mayday_lock);
	return pwq;
}

static int rescuer_thread(void *arg)
{
	struct worker *r = arg;
	struct pool_workqueue *pwq;

	while ((pwq = next_mayday(r)))
		rescue_pwq(r, pwq);
	r->task->worker = NULL;
	return 0;
}

int wq_rescuer_start(struct workqueue_struct *wq)
{
	struct worker_pool *pool = wq_pool_for(wq->flags);
	struct thread_attr attr = { .nice = pool->nice };
	struct worker *r = kzalloc(sizeof(*r), GFP_KERNEL);
	struct thread *t;

	if (!r)
		return -ENOMEM;
	INIT_LIST_HEAD(&r->entry);
	INIT_LIST_HEAD(&r->busy_node);
	INIT_LIST_HEAD(&r->node);
	INIT_LIST_HEAD(&r->scheduled);
	r->flags = WORKER_PREP | WORKER_RESCUER;
	r->rescue_wq = wq;
	r->pool = pool;
	t = kthread_create_attr(rescuer_thread, r, wq->name, &attr);
	if (IS_ERR(t)) {
		pr_err("wq: %s: cannot create its rescuer: %ld\n", wq->name,
		       PTR_ERR(t));
		kfree(r);
		return PTR_ERR(t);
	}
	r->task = t;
	t->worker = r;
	wq->rescuer = r;
	wake_up_process(t);
	return 0;
}

void wq_rescuer_stop(struct workqueue_struct *wq)
{
	struct worker *r = wq->rescuer;
	unsigned long flags = spin_lock_irqsave(&wq_mayday_lock);

	r->stop = true;
	wake_up_process(r->task);
	spin_unlock_irqrestore(&wq_mayday_lock, flags);
	kthread_join(r->task, NULL);
	wq->rescuer = NULL;
	kfree(r);
}
