/* SPDX-License-Identifier: MIT */
/*
 * Workqueues and queueing: alloc/destroy, queue_work and delayed work on
 * hrtimers, stealing a pending item back (cancel, mod_delayed_work), the
 * system queues, and the library's init.
 *
 * Interface: see <pith/wq.h>.
 *
 * The PENDING bit is the item's ownership token: whoever sets it (a
 * queuer, or a canceller stealing it) decides where the item goes; a
 * worker clears it just before calling the function, so the item may be
 * queued again while it runs (and then runs again after, never at the
 * same time: the pool hands a collision to the worker already running
 * it).
 *
 * Lock order and field legend: see wq_internal.h.
 */
#include <pith/init.h>
#include <pith/kernel.h>
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/string.h>
#include <pith/time.h>
#include "wq_internal.h"

LIST_HEAD(all_workqueues);
DEFINE_SPINLOCK(wq_list_lock);
struct workqueue_struct *system_wq, *system_highpri_wq, *system_long_wq,
	*system_unbound_wq;

void __init_work(struct work_struct *work, work_func_t fn)
{
	work->flags = 0;
	INIT_LIST_HEAD(&work->entry);
	work->func = fn;
	work->pwq = NULL;
	work->pool = NULL;
	work->color = 0;
}

static enum hrtimer_restart delayed_work_timer_fn(struct hrtimer *t)
{
	struct delayed_work *dw = container_of(t, struct delayed_work, timer);

	__queue_work(dw->wq, &dw->work);
	return HRTIMER_NORESTART;
}

void __init_delayed_work(struct delayed_work *dw, work_func_t fn)
{
	__init_work(&dw->work, fn);
	hrtimer_init(&dw->timer, delayed_work_timer_fn);
	dw->wq = NULL;
}

static bool test_and_set_pending(struct work_struct *work)
{
	return __atomic_fetch_or(&work->flags, WORK_PENDING,
				 __ATOMIC_ACQ_REL) & WORK_PENDING;
}

static void clear_pending(struct work_struct *work)
{
	__atomic_fetch_and(&work->flags, ~WORK_PENDING, __ATOMIC_RELEASE);
}

/* The caller runs an item of @wq: it may queue on @wq while it drains. */
static bool is_chained_work(struct workqueue_struct *wq)
{
	struct worker *w = current_wq_worker();

	return w && w->current_pwq && w->current_pwq->wq == wq;
}

/*
 * Put @work, whose PENDING bit the caller owns, on @wq's pool or, past
 * max_active, on the inactive list. Any context. False (PENDING cleared)
 * when @wq is draining and the caller is not one of its items.
 */
bool __queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	struct pool_workqueue *pwq = &wq->pwq;
	struct worker_pool *pool = pwq->pool;
	unsigned long flags = spin_lock_irqsave(&pool->lock);

	if (unlikely(wq->flags & __WQ_DRAINING) && !is_chained_work(wq)) {
		spin_unlock_irqrestore(&pool->lock, flags);
		pr_warn("wq: %s is draining: refused to queue %p\n",
			wq->name, (void *)work->func);
		clear_pending(work);
		return false;
	}
	work->pwq = pwq;
	work->color = pwq->work_color;
	pwq->nr_in_flight[work->color]++;
	if (pwq->nr_active < pwq->max_active) {
		pwq->nr_active++;
		list_add_tail(&work->entry, &pool->worklist);
		if (wq_need_more_worker(pool))
			wq_wake_up_worker(pool);
	} else {
		work->flags |= WORK_INACTIVE;
		list_add_tail(&work->entry, &pwq->inactive_works);
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	wq_pool_kick(pool);	/* no worker yet: have one made */
	return true;
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	unsigned long flags = local_irq_save();
	bool ret = false;

	if (!test_and_set_pending(work))
		ret = __queue_work(wq, work);
	local_irq_restore(flags);
	return ret;
}

/* PENDING is the caller's. Delay 0 queues at once. */
static void __queue_delayed_work(struct workqueue_struct *wq,
				 struct delayed_work *dw, uint64_t delay_ns)
{
	dw->wq = wq;
	if (!delay_ns) {
		__queue_work(wq, &dw->work);
		return;
	}
	hrtimer_start(&dw->timer, ktime_get_ns() + delay_ns);
}

bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw,
			uint64_t delay_ns)
{
	unsigned long flags = local_irq_save();
	bool ret = false;

	if (!test_and_set_pending(&dw->work)) {
		__queue_delayed_work(wq, dw, delay_ns);
		ret = true;
	}
	local_irq_restore(flags);
	return ret;
}

/* Dequeue @work (PENDING set, on a list); pool->lock held. */
static void steal_queued_work(struct work_struct *work)
{
	struct pool_workqueue *pwq = work->pwq;

	/* Activate first: its linked barriers must reach the worklist. */
	if (work->flags & WORK_INACTIVE)
		wq_pwq_activate_work(pwq, work);
	list_del_init(&work->entry);
	wq_pwq_dec_nr_in_flight(pwq, work->flags, work->color);
	work->flags = WORK_PENDING;
	if (wq_need_more_worker(pwq->pool))
		wq_wake_up_worker(pwq->pool);
}

/*
 * Take PENDING for the caller, interrupts off. Returns 1 if the item was
 * pending (timer disarmed or dequeued), 0 if it was idle, -ENOENT if
 * someone else holds PENDING without a queue (a cancel in progress).
 */
static int try_to_grab_pending(struct work_struct *work, bool is_dwork)
{
	struct worker_pool *pool;
	unsigned long flags;
	int ret = -ENOENT;

	if (is_dwork && hrtimer_cancel(&to_delayed_work(work)->timer))
		return 1;
	if (!test_and_set_pending(work))
		return 0;
	if (list_empty(&work->entry) || !work->pwq)
		return -ENOENT;
	pool = work->pwq->pool;
	flags = spin_lock_irqsave(&pool->lock);
	if (!list_empty(&work->entry)) {
		steal_queued_work(work);
		ret = 1;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	return ret;
}

bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw,
		      uint64_t delay_ns)
{
	unsigned long flags = local_irq_save();
	int ret = try_to_grab_pending(&dw->work, true);

	if (ret >= 0)
		__queue_delayed_work(wq, dw, delay_ns);
	local_irq_restore(flags);
	return ret == 1;
}

bool cancel_delayed_work(struct delayed_work *dw)
{
	unsigned long flags = local_irq_save();
	int ret = try_to_grab_pending(&dw->work, true);

	if (ret >= 0)
		clear_pending(&dw->work);
	local_irq_restore(flags);
	return ret == 1;
}

bool wq_flush_running(struct work_struct *work);	/* flush.c */

static bool __cancel_work_sync(struct work_struct *work, bool is_dwork)
{
	unsigned long flags;
	int ret;

	for (;;) {
		flags = local_irq_save();
		ret = try_to_grab_pending(work, is_dwork);
		local_irq_restore(flags);
		if (ret >= 0)
			break;
		msleep(1);	/* another canceller holds it: let it finish */
	}
	/* We hold PENDING: nobody can queue it while we wait. */
	wq_flush_running(work);
	clear_pending(work);
	return ret == 1;
}

bool cancel_work_sync(struct work_struct *work)
{
	return __cancel_work_sync(work, false);
}

bool cancel_delayed_work_sync(struct delayed_work *dw)
{
	return __cancel_work_sync(&dw->work, true);
}

struct work_struct *current_work(void)
{
	struct worker *w = current_wq_worker();

	return w ? w->current_work : NULL;
}

static void init_pwq(struct workqueue_struct *wq, int max_active)
{
	struct pool_workqueue *pwq = &wq->pwq;

	pwq->wq = wq;
	pwq->pool = wq_pool_for(wq->flags);
	pwq->max_active = max_active;
	INIT_LIST_HEAD(&pwq->inactive_works);
	INIT_LIST_HEAD(&pwq->mayday_node);
}

struct workqueue_struct *alloc_workqueue(const char *name, unsigned int flags,
					 int max_active)
{
	struct workqueue_struct *wq;
	unsigned long irqf;

	if (max_active < 0 || max_active > WQ_MAX_ACTIVE) {
		pr_err("wq: %s: max_active %d out of 0..%d\n", name,
		       max_active, WQ_MAX_ACTIVE);
		return NULL;
	}
	wq = kzalloc(sizeof(*wq), GFP_KERNEL);
	if (!wq)
		return NULL;
	kstrlcpy(wq->name, name, sizeof(wq->name));
	wq->flags = flags & ~__WQ_DRAINING;
	init_waitqueue_head(&wq->flush_wait);
	INIT_LIST_HEAD(&wq->maydays);
	init_pwq(wq, max_active ? max_active : CONFIG_LIBWQ_DFL_ACTIVE);
	if ((flags & WQ_MEM_RECLAIM) && wq_rescuer_start(wq)) {
		kfree(wq);
		return NULL;
	}
	irqf = spin_lock_irqsave(&wq_list_lock);
	list_add_tail(&wq->list, &all_workqueues);
	spin_unlock_irqrestore(&wq_list_lock, irqf);
	return wq;
}

struct workqueue_struct *alloc_ordered_workqueue(const char *name,
						 unsigned int flags)
{
	return alloc_workqueue(name, flags | WQ_UNBOUND | __WQ_ORDERED, 1);
}

void drain_workqueue(struct workqueue_struct *wq);

void destroy_workqueue(struct workqueue_struct *wq)
{
	unsigned long flags;

	if (is_chained_work(wq)) {
		pr_err("wq: destroy_workqueue(%s) from one of its own items: "
		       "refused, it would never return\n", wq->name);
		return;
	}
	drain_workqueue(wq);
	if (wq->rescuer)
		wq_rescuer_stop(wq);
	flags = spin_lock_irqsave(&wq_list_lock);
	list_del(&wq->list);
	spin_unlock_irqrestore(&wq_list_lock, flags);
	kfree(wq);
}

static int wq_init(void)
{
	int err = wq_pools_init();

	if (err)
		return err;
	system_wq = alloc_workqueue("events", 0, 0);
	system_highpri_wq = alloc_workqueue("events_highpri", WQ_HIGHPRI, 0);
	system_long_wq = alloc_workqueue("events_long", 0, 0);
	system_unbound_wq = alloc_workqueue("events_unbound", WQ_UNBOUND,
					    WQ_UNBOUND_MAX_ACTIVE);
	if (!system_wq || !system_highpri_wq || !system_long_wq ||
	    !system_unbound_wq)
		return -ENOMEM;
	return 0;
}
subsys_initcall(wq_init);
