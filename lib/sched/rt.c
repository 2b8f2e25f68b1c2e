/* SPDX-License-Identifier: MIT */
/*
 * The real-time class, above CFS: SCHED_FIFO and SCHED_RR threads with
 * rt_priority 1-99, kept as t->prio = 99 - rt_priority (lower is more
 * urgent) in one list per prio, with a bitmap of the non-empty lists.
 * The most urgent runnable thread always runs; a FIFO thread runs until
 * it blocks, yields or a more urgent one wakes; an RR thread also goes to
 * the back of its list when its slice (CONFIG_LIBSCHED_RR_SLICE_MS) ends
 * and another of its prio is waiting. A preempted thread goes back to the
 * head of its list, a yielding one to the tail, a woken one to the tail.
 * A CFS thread boosted by priority inheritance runs here as FIFO.
 *
 * There is no throttling: an RT thread that never blocks starves CFS.
 */
#include <pith/kernel.h>
#include <pith/printk.h>
#include "sched.h"

#define RR_SLICE_NS	((uint64_t)CONFIG_LIBSCHED_RR_SLICE_MS * 1000000)

static bool is_rr(const struct thread *t)
{
	return t->policy == SCHED_RR;
}

static void queue_add(struct rt_rq *rt, struct thread *t, bool head)
{
	struct list_head *q = &rt->queue[t->prio];

	if (head)
		list_add(&t->rt.run_list, q);
	else
		list_add_tail(&t->rt.run_list, q);
	__set_bit(t->prio, rt->bitmap);
}

static void queue_del(struct rt_rq *rt, struct thread *t)
{
	list_del_init(&t->rt.run_list);
	if (list_empty(&rt->queue[t->prio]))
		__clear_bit(t->prio, rt->bitmap);
}

/* Charge the running thread; RR slices run down. */
static void update_curr_rt(struct rq *rq, struct thread *t)
{
	int64_t delta = (int64_t)(rq->clock - t->se.exec_start);

	if (delta <= 0)
		return;
	t->se.exec_start = rq->clock;
	t->se.sum_exec_runtime += delta;
	t->rt.time_slice -= (uint64_t)delta < t->rt.time_slice ?
			    (uint64_t)delta : t->rt.time_slice;
}

static void rt_enqueue(struct rq *rq, struct thread *t, int flags)
{
	if (!t->rt.time_slice)		/* used up just before it blocked */
		t->rt.time_slice = RR_SLICE_NS;
	queue_add(&rq->rt, t, false);
	rq->rt.nr_running++;
}

static void rt_dequeue(struct rq *rq, struct thread *t)
{
	queue_del(&rq->rt, t);
	rq->rt.nr_running--;
}

static void rt_put_prev(struct rq *rq, struct thread *prev, int flags)
{
	bool to_tail = (flags & PUT_YIELD) ||
		       (is_rr(prev) && !prev->rt.time_slice);

	update_curr_rt(rq, prev);
	if (to_tail)
		prev->rt.time_slice = RR_SLICE_NS;
	queue_add(&rq->rt, prev, !to_tail);
}

static void rt_block(struct rq *rq, struct thread *prev)
{
	update_curr_rt(rq, prev);
	rq->rt.nr_running--;
}

static void rt_set_curr(struct rq *rq, struct thread *curr)
{
	curr->se.exec_start = rq->clock;
	rq->rt.nr_running++;
}

static struct thread *rt_pick_next(struct rq *rq)
{
	struct rt_rq *rt = &rq->rt;
	unsigned long prio = find_first_bit(rt->bitmap, MAX_RT_PRIO);
	struct thread *t;

	if (prio >= MAX_RT_PRIO)
		return NULL;
	t = list_first_entry(&rt->queue[prio], struct thread, rt.run_list);
	queue_del(rt, t);
	t->se.exec_start = rq->clock;
	return t;
}

/* More urgent woken RT threads preempt; CFS never preempts RT. */
static void rt_check_preempt(struct rq *rq, struct thread *t)
{
	if (t->class == &rt_sched_class && t->prio < rq->curr->prio)
		resched_curr(rq);
}

static uint64_t rt_slice_left(struct rq *rq, struct thread *curr)
{
	return is_rr(curr) ? curr->rt.time_slice : 0;
}

static void rt_tick(struct rq *rq, struct thread *curr)
{
	update_curr_rt(rq, curr);
	if (!is_rr(curr))
		return;
	if (!curr->rt.time_slice) {
		/* Time is up: rotate if a peer waits, else go on. */
		if (!list_empty(&rq->rt.queue[curr->prio])) {
			resched_curr(rq);
			return;
		}
		curr->rt.time_slice = RR_SLICE_NS;
	}
	hrtimer_start(&rq->slice_timer, rq->clock + curr->rt.time_slice);
}

static void rt_task_init(struct thread *t)
{
	t->rt.time_slice = RR_SLICE_NS;
}

static int rt_describe(struct thread *t, char *buf, size_t len)
{
	return ksnprintf(buf, len, "%s rtprio=%d%s",
			 is_rr(t) ? "rr" : "fifo", MAX_RT_PRIO - 1 - t->prio,
			 t->prio != t->normal_prio ? " (pi)" : "");
}

const struct sched_class rt_sched_class = {
	.name = "rt",
	.enqueue = rt_enqueue,
	.dequeue = rt_dequeue,
	.put_prev = rt_put_prev,
	.block = rt_block,
	.set_curr = rt_set_curr,
	.pick_next = rt_pick_next,
	.check_preempt = rt_check_preempt,
	.slice_left = rt_slice_left,
	.tick = rt_tick,
	.task_init = rt_task_init,
	.describe = rt_describe,
};

void rt_rq_init(struct rt_rq *rt)
{
	for (int i = 0; i < MAX_RT_PRIO; i++)
		INIT_LIST_HEAD(&rt->queue[i]);
	bitmap_zero(rt->bitmap, MAX_RT_PRIO);
	rt->nr_running = 0;
}
