/* SPDX-License-Identifier: MIT */
/*
 * The preemptive scheduler's policy glue: which class a policy or a
 * priority calls for, run-queue set-up, priority changes for priority
 * inheritance (lib/lock's rt-mutex), the boot-time summary of the
 * tunables.
 *
 * Classes in order: rt (SCHED_FIFO, SCHED_RR; prio 0-99) above fair
 * (SCHED_NORMAL, SCHED_BATCH; prio 100-139).
 */
#include <pith/irqflags.h>
#include <pith/preempt.h>
#include <pith/printk.h>
#include "sched.h"

const struct sched_class *class_for_policy(int policy)
{
	switch (policy) {
	case SCHED_FIFO:
	case SCHED_RR:
		return &rt_sched_class;
	case SCHED_NORMAL:
	case SCHED_BATCH:
		return &fair_sched_class;
	default:
		return NULL;
	}
}

void sched_classes_init(struct rq *rq)
{
	rq->cfs.tasks = RB_ROOT_CACHED;
	rq->cfs.curr = rq->cfs.skip = NULL;
	rq->cfs.min_vruntime = 0;
	rq->cfs.load = 0;
	rq->cfs.nr_running = 0;
	rt_rq_init(&rq->rt);
	INIT_LIST_HEAD(&rq->coop);
}

/**
 * sched_set_prio - set a thread's effective priority (PI boost or unboost)
 * @t: any thread
 * @prio: 0-99 runs @t in the rt class at that prio (as FIFO unless its
 *        policy is RR); t->normal_prio or above returns it to the class
 *        of its own policy
 *
 * A queued thread is requeued and may preempt the running one; the
 * running thread gives way if it became less urgent. Any context.
 */
void sched_set_prio(struct thread *t, int prio)
{
	struct rq *rq = &runqueue;
	unsigned long flags;
	int old_prio;

	preempt_disable();	/* switch at the end if needed and allowed */
	flags = local_irq_save();
	old_prio = t->prio;

	if (prio != old_prio && t->class) {
		sched_change_begin(rq, t);
		t->prio = prio;
		t->class = prio < MAX_RT_PRIO ? &rt_sched_class
					      : class_for_policy(t->policy);
		t->class->task_init(t);
		sched_change_end(rq, t, old_prio);
	}
	local_irq_restore(flags);
	preempt_enable();
}

void sched_tunables_print(void)
{
	uint64_t lat, gran, wake;

	fair_tunables(&lat, &gran, &wake);
	pr_info("sched: rt (fifo, rr %d ms) over cfs: latency %llu us, "
		"min granularity %llu us, wakeup granularity %llu us\n",
		CONFIG_LIBSCHED_RR_SLICE_MS, (unsigned long long)lat / 1000,
		(unsigned long long)gran / 1000,
		(unsigned long long)wake / 1000);
}
