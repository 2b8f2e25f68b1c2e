/* SPDX-License-Identifier: MIT */
/*
 * For providers of a scheduler class only (lib/sched's coop.c, fair.c,
 * rt.c); nothing else includes this.
 *
 * The running thread (rq->curr) is never in its class's queue: put_prev
 * puts a still-runnable thread back, pick_next takes the next one out.
 * Everything here runs with interrupts off.
 */
#ifndef PITH_SCHED_CLASS_H
#define PITH_SCHED_CLASS_H

#include <pith/bitmap.h>
#include <pith/hrtimer.h>
#include <pith/sched.h>

#define ENQUEUE_WAKEUP	0x1	/* was sleeping */
#define ENQUEUE_NEW	0x2	/* first time runnable */
#define PUT_YIELD	0x1	/* put_prev from yield() */

struct cfs_rq {
	struct rb_root_cached tasks;	/* by vruntime, curr not included */
	struct thread *curr;		/* running CFS thread, or NULL */
	struct thread *skip;		/* yielded: pick another if any */
	uint64_t min_vruntime;		/* never decreases */
	unsigned long load;		/* sum of queued + running weights */
	unsigned int nr_running;	/* queued + running */
};

struct rt_rq {
	struct list_head queue[MAX_RT_PRIO];
	DECLARE_BITMAP(bitmap, MAX_RT_PRIO);
	unsigned int nr_running;
};

struct rq {
	struct thread *curr, *idle;
	uint64_t clock;			/* ns, updated by update_rq_clock */
	unsigned int nr_running;	/* runnable, idle not counted */
	struct cfs_rq cfs;
	struct rt_rq rt;
	struct list_head coop;
	struct hrtimer slice_timer;
};

struct sched_class {
	const char *name;
	void (*enqueue)(struct rq *rq, struct thread *t, int flags);
	void (*dequeue)(struct rq *rq, struct thread *t);
	/* prev keeps running state: back into the queue (flags PUT_YIELD) */
	void (*put_prev)(struct rq *rq, struct thread *prev, int flags);
	/* prev blocks or exits: account and forget */
	void (*block)(struct rq *rq, struct thread *prev);
	/* rq->curr just joined this class (policy or priority change):
	 * account it as running, as if pick_next had returned it */
	void (*set_curr)(struct rq *rq, struct thread *curr);
	struct thread *(*pick_next)(struct rq *rq);
	/* t just became runnable: set need_resched if it should preempt */
	void (*check_preempt)(struct rq *rq, struct thread *t);
	/* ns until curr's slice ends; 0: no slice (runs until it blocks) */
	uint64_t (*slice_left)(struct rq *rq, struct thread *curr);
	/* the slice timer fired */
	void (*tick)(struct rq *rq, struct thread *curr);
	void (*task_init)(struct thread *t);	/* weights, slices */
	/* a one-line description of t's scheduling state for sched_dump */
	int (*describe)(struct thread *t, char *buf, size_t len);
};

extern const struct sched_class coop_sched_class, fair_sched_class,
	rt_sched_class;
extern struct rq runqueue;

static inline uint64_t rq_clock(struct rq *rq)
{
	return rq->clock;
}

void update_rq_clock(struct rq *rq);
void resched_curr(struct rq *rq);
/* Around a change of t's class, prio or weight (interrupts off):
 * take it out of its class, change, put it back (see core.c). */
void sched_change_begin(struct rq *rq, struct thread *t);
void sched_change_end(struct rq *rq, struct thread *t, int old_prio);

#endif
