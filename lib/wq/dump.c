/* SPDX-License-Identifier: MIT */
/*
 * wq_dump(): the state of every pool (its workers and what each runs)
 * and of every queue (active/max, inactive, in flight, pending items),
 * for debugging stalls (LIBWQ_DEBUG_DUMP).
 *
 * Interface: wq_dump() (<pith/wq.h>), any thread context.
 *
 * NOTE: it reads without taking the pool locks, so that it can also run
 * from a panic, where a lock may be held forever; the figures of a busy
 * system may be a moment apart. Printing it on panic is not wired yet:
 * the panic context hook belongs to lib/sched.
 */
#include <pith/errno.h>
#include <pith/kernel.h>
#include <pith/init.h>
#include <pith/ksym.h>
#include <pith/printk.h>
#include "wq_internal.h"

#define DUMP_ITEMS	8	/* pending items listed per queue */

static const char *pool_kind[NR_WQ_POOLS] = {
	"cpu0", "cpu0 highpri", "unbound", "unbound highpri",
};

static void dump_worker(struct worker *w)
{
	char sym[64] = "";

	if (w->current_func)
		ksym_format((uintptr_t)w->current_func, sym, sizeof(sym));
	printk(LOGLEVEL_EMERG, "    %-15s tid %-4d %s%s%s\n", w->task->name,
	       w->task->tid, w->flags & WORKER_IDLE ? "idle" :
	       w->current_func ? "runs " : "prep", sym,
	       w->sleeping ? " (blocked)" : "");
}

static void dump_pool(struct worker_pool *p)
{
	struct list_head *pos;
	struct worker *w;
	int n = 0;

	list_for_each(pos, &p->worklist)
		n++;
	printk(LOGLEVEL_EMERG, "wq: pool %d (%s, nice %d): workers %d idle %d "
	       "running %d, worklist %d%s, processed %lu\n", p->id,
	       pool_kind[p->id], p->nice, p->nr_workers, p->nr_idle,
	       p->nr_running, n, p->manager ? ", manager active" : "",
	       p->nr_processed);
	list_for_each_entry(w, &p->workers, node)
		dump_worker(w);
}

static void dump_items(struct list_head *head, struct pool_workqueue *pwq,
		       const char *what)
{
	struct work_struct *work;
	char sym[64];
	int n = 0;

	list_for_each_entry(work, head, entry) {
		if (work->pwq != pwq)
			continue;
		if (n++ < DUMP_ITEMS) {
			ksym_format((uintptr_t)work->func, sym, sizeof(sym));
			printk(LOGLEVEL_EMERG, "      %s %s%s\n", what, sym,
			       work->flags & WORK_BARRIER ? " (barrier)" : "");
		}
	}
	if (n > DUMP_ITEMS)
		printk(LOGLEVEL_EMERG, "      ... %d more %s\n",
		       n - DUMP_ITEMS, what);
}

static void dump_wq(struct workqueue_struct *wq)
{
	struct pool_workqueue *pwq = &wq->pwq;

	printk(LOGLEVEL_EMERG, "wq: queue %s (flags %#x) on pool %d: active "
	       "%d/%d, in flight %d+%d%s%s\n", wq->name, wq->flags,
	       pwq->pool->id, pwq->nr_active, pwq->max_active,
	       pwq->nr_in_flight[0], pwq->nr_in_flight[1],
	       wq->rescuer ? ", rescuer" : "",
	       wq->flags & __WQ_DRAINING ? ", draining" : "");
	dump_items(&pwq->pool->worklist, pwq, "pending");
	dump_items(&pwq->inactive_works, pwq, "inactive");
}

void wq_dump(void)
{
	struct workqueue_struct *wq;

	for (int i = 0; i < NR_WQ_POOLS; i++)
		dump_pool(&wq_pools[i]);
	list_for_each_entry(wq, &all_workqueues, list)
		dump_wq(wq);
}

/* LIBWQ_DEBUG_DUMP: every crash report ends with the workqueue state. */
static int wq_dump_register(void)
{
	return panic_add_dump(wq_dump) ? -ENOSPC : 0;
}
late_initcall(wq_dump_register);
