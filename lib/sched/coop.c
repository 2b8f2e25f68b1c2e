/* SPDX-License-Identifier: MIT */
/*
 * The cooperative class: one round-robin queue. A thread runs until it
 * blocks, yields or exits; no slice timer is ever armed and a wake-up
 * never preempts. Nice and policies are recorded but do not matter here.
 */
#include <pith/printk.h>
#include "sched.h"

static void coop_enqueue(struct rq *rq, struct thread *t, int flags)
{
	list_add_tail(&t->rt.run_list, &rq->coop);
}

static void coop_dequeue(struct rq *rq, struct thread *t)
{
	list_del_init(&t->rt.run_list);
}

static void coop_put_prev(struct rq *rq, struct thread *prev, int flags)
{
	prev->se.sum_exec_runtime += rq->clock - prev->se.exec_start;
	list_add_tail(&prev->rt.run_list, &rq->coop);
}

static void coop_block(struct rq *rq, struct thread *prev)
{
	prev->se.sum_exec_runtime += rq->clock - prev->se.exec_start;
}

static struct thread *coop_pick_next(struct rq *rq)
{
	struct thread *t = list_first_entry_or_null(&rq->coop, struct thread,
						    rt.run_list);

	if (t) {
		list_del_init(&t->rt.run_list);
		t->se.exec_start = rq->clock;
	}
	return t;
}

static void coop_check_preempt(struct rq *rq, struct thread *t)
{
}

static uint64_t coop_slice_left(struct rq *rq, struct thread *curr)
{
	return 0;
}

static void coop_tick(struct rq *rq, struct thread *curr)
{
}

static void coop_task_init(struct thread *t)
{
}

const struct sched_class coop_sched_class = {
	.name = "coop",
	.enqueue = coop_enqueue,
	.dequeue = coop_dequeue,
	.put_prev = coop_put_prev,
	.block = coop_block,
	.pick_next = coop_pick_next,
	.check_preempt = coop_check_preempt,
	.slice_left = coop_slice_left,
	.tick = coop_tick,
	.task_init = coop_task_init,
};

const struct sched_class *class_for_policy(int policy)
{
	return policy == SCHED_NORMAL || policy == SCHED_FIFO ||
	       policy == SCHED_RR || policy == SCHED_BATCH ?
	       &coop_sched_class : NULL;
}

void sched_classes_init(struct rq *rq)
{
	INIT_LIST_HEAD(&rq->coop);
}

void sched_tunables_print(void)
{
	pr_debug("sched: cooperative round robin\n");
}

/* PI boosting (lib/lock's rt-mutex): the cooperative class does not order
 * threads by priority, so the effective priority is only recorded. */
void sched_set_prio(struct thread *t, int prio)
{
	t->prio = prio;
}
