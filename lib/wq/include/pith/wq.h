/* SPDX-License-Identifier: MIT */
/*
 * Workqueues: deferred work run by kernel worker threads, Linux's
 * concurrency-managed workqueues (cmwq) on one CPU.
 *
 * A work item is a function and a list node, embedded in the caller's
 * object. A workqueue is a policy (priority, whether it is bound to the
 * CPU's concurrency management, how many of its items may be in flight,
 * whether it has a rescuer) over a worker pool that all queues of the
 * same kind share. A pool runs one worker at a time while its items do
 * not block; when the running worker blocks, another one starts the
 * next item.
 *
 * Interface:
 *   wq = alloc_workqueue(name, flags, max_active)   WQ_* flags below;
 *                                   max_active 0: the Kconfig default
 *   wq = alloc_ordered_workqueue(name, flags)   one at a time, in order
 *   destroy_workqueue(wq)           drains it first
 *   INIT_WORK(&w, fn), INIT_DELAYED_WORK(&dw, fn)
 *   queue_work(wq, &w)              false when already pending
 *   queue_delayed_work(wq, &dw, delay_ns), mod_delayed_work(wq, &dw, ns)
 *   flush_work(&w), flush_delayed_work(&dw)     wait for the last instance
 *   cancel_work_sync(&w), cancel_delayed_work(&dw),
 *   cancel_delayed_work_sync(&dw)
 *   flush_workqueue(wq), drain_workqueue(wq)
 *   work_pending(&w), delayed_work_pending(&dw), current_work()
 *   schedule_work(&w) etc.: the same on system_wq
 *   wq_dump()                       pools, workers, pending items
 *   wq_fail_worker_creation(on)     fault injection (LIBWQ_FAULT_INJECT)
 *
 * Context: queue_work, queue_delayed_work, mod_delayed_work,
 * cancel_delayed_work and work_pending may be called from any context,
 * interrupts included. Everything else may sleep: threads only.
 * Delays are in nanoseconds (Pith has no jiffies).
 */
#ifndef PITH_WQ_H
#define PITH_WQ_H

#include <stdbool.h>
#include <stdint.h>
#include <pith/hrtimer.h>
#include <pith/list.h>

struct work_struct;
struct pool_workqueue;
struct worker_pool;
struct workqueue_struct;
typedef void (*work_func_t)(struct work_struct *work);

/* work_struct.flags; all but WORK_PENDING are private to lib/wq. */
#define WORK_PENDING	0x01UL	/* queued, or its timer is armed */
#define WORK_INACTIVE	0x02UL	/* on its pwq's inactive list */
#define WORK_LINKED	0x04UL	/* the next item (a barrier) goes with it */
#define WORK_BARRIER	0x08UL	/* a flush barrier, not counted active */

struct work_struct {
	unsigned long flags;		/* WORK_* */
	struct list_head entry;		/* worklist, inactive or scheduled */
	work_func_t func;
	struct pool_workqueue *pwq;	/* while queued */
	struct worker_pool *pool;	/* last pool it ran on */
	int color;			/* flush color while queued */
};

struct delayed_work {
	struct work_struct work;
	struct hrtimer timer;
	struct workqueue_struct *wq;	/* where the timer queues it */
};

/* alloc_workqueue flags (Linux's values). */
#define WQ_UNBOUND		0x0002	/* no concurrency management */
#define WQ_MEM_RECLAIM		0x0008	/* has a rescuer thread */
#define WQ_HIGHPRI		0x0010	/* workers at nice -20 */
#define WQ_CPU_INTENSIVE	0x0020	/* does not hold back others */
#define __WQ_DRAINING		0x10000	/* internal: being drained */
#define __WQ_ORDERED		0x20000	/* internal: alloc_ordered_* */

#define WQ_MAX_ACTIVE		512
#define WQ_UNBOUND_MAX_ACTIVE	WQ_MAX_ACTIVE
#define WQ_NAME_LEN		24

void __init_work(struct work_struct *work, work_func_t fn);
void __init_delayed_work(struct delayed_work *dw, work_func_t fn);

#define INIT_WORK(w, fn)		__init_work((w), (fn))
#define INIT_DELAYED_WORK(dw, fn)	__init_delayed_work((dw), (fn))
#define to_delayed_work(w)	container_of(w, struct delayed_work, work)

/**
 * alloc_workqueue - create a workqueue
 * @name: copied (WQ_NAME_LEN - 1 characters kept); names the rescuer
 * @flags: WQ_UNBOUND, WQ_HIGHPRI, WQ_CPU_INTENSIVE, WQ_MEM_RECLAIM
 * @max_active: items in flight at once, 1..WQ_MAX_ACTIVE; 0 = default
 *
 * Return: the queue, or NULL (bad max_active, out of memory).
 */
struct workqueue_struct *alloc_workqueue(const char *name, unsigned int flags,
					 int max_active);
/* Unbound, max_active 1: items run one at a time in queueing order. */
struct workqueue_struct *alloc_ordered_workqueue(const char *name,
						 unsigned int flags);
/* Drain, stop the rescuer, free. Delayed items still armed are the
 * caller's to cancel first. Not from one of the queue's own items. */
void destroy_workqueue(struct workqueue_struct *wq);

/**
 * queue_work - queue @work on @wq
 * Return: true if queued, false if it was already pending (it will run
 * once for both calls) or @wq is being drained by someone else.
 * Context: any, interrupts included.
 */
bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
/* Queue after @delay_ns (0: now). False if already pending. Any context. */
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw,
			uint64_t delay_ns);
/* Queue after @delay_ns whether or not pending (moves the timer); true if
 * it was pending. Any context. */
bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw,
		      uint64_t delay_ns);

/**
 * flush_work - wait until the last queued instance of @work has finished
 * Return: true if it waited, false if @work was idle, or if the caller is
 * @work itself (reported with pr_err: that would never return).
 */
bool flush_work(struct work_struct *work);
/* Queue a pending delayed item now, then flush_work() it. */
bool flush_delayed_work(struct delayed_work *dw);
/* Take @work off its queue and wait for a running instance; true if it
 * was pending. It is not pending afterwards. */
bool cancel_work_sync(struct work_struct *work);
/* Disarm or dequeue; true if it was pending. Does not wait. Any context. */
bool cancel_delayed_work(struct delayed_work *dw);
bool cancel_delayed_work_sync(struct delayed_work *dw);
/* Wait for every item queued on @wq before the call. */
void flush_workqueue(struct workqueue_struct *wq);
/* Flush until empty; meanwhile only @wq's own items may queue on it. */
void drain_workqueue(struct workqueue_struct *wq);
/* The item the calling worker is running, NULL outside a work item. */
struct work_struct *current_work(void);

static inline bool work_pending(const struct work_struct *work)
{
	return *(const volatile unsigned long *)&work->flags & WORK_PENDING;
}

static inline bool delayed_work_pending(const struct delayed_work *dw)
{
	return work_pending(&dw->work);
}

extern struct workqueue_struct *system_wq, *system_highpri_wq,
	*system_long_wq, *system_unbound_wq;

static inline bool schedule_work(struct work_struct *work)
{
	return queue_work(system_wq, work);
}

static inline bool schedule_delayed_work(struct delayed_work *dw,
					 uint64_t delay_ns)
{
	return queue_delayed_work(system_wq, dw, delay_ns);
}

#ifdef CONFIG_LIBWQ_DEBUG_DUMP
void wq_dump(void);
#else
static inline void wq_dump(void)
{
}
#endif

#ifdef CONFIG_LIBWQ_FAULT_INJECT
/* Make every worker creation fail (true) or work again (false). */
void wq_fail_worker_creation(bool on);
#else
static inline void wq_fail_worker_creation(bool on)
{
}
#endif

#endif
