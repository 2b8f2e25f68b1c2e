/* SPDX-License-Identifier: MIT */
/*
 * The fair class (CFS): threads share the CPU in proportion to their
 * weight, which nice sets through the 40-entry table below (nice 0 weighs
 * 1024, each nice step about 1.25x). Each thread's virtual runtime grows
 * by its real runtime * 1024 / weight; the runnable thread with the
 * smallest vruntime runs next, so over time every thread's vruntime moves
 * at the same pace and real runtimes follow the weights.
 *
 * Interface (struct sched_class, called by core.c with interrupts off):
 *   enqueue      place a new thread (start debit) or a waking one (sleeper
 *                credit of at most latency/2), then insert it in the tree
 *   pick_next    take the leftmost out of the tree: it becomes cfs.curr
 *   put_prev     account curr and put it back; on yield mark it 'skip'
 *   block        account curr and forget it
 *   slice_left   period * weight / load minus what curr ran since picked;
 *                the period is max(latency, nr_running * min_granularity)
 *   tick         the slice is used up: resched; else re-arm the timer
 *   check_preempt  a woken thread whose vruntime is behind curr's by more
 *                than the wake-up granularity (weighted) preempts it; a
 *                woken real-time thread always does
 *
 * The running thread is not in the tree; cfs.nr_running and cfs.load
 * count it. min_vruntime follows min(curr, leftmost) and never goes back.
 * vruntimes are compared by signed difference, so they may wrap.
 */
#include <pith/kernel.h>
#include <pith/param.h>
#include <pith/printk.h>
#include "sched.h"

#define NICE_0_WEIGHT	1024UL

/* Linux's sched_prio_to_weight: index nice + 20. */
static const unsigned long nice_to_weight[40] = {
	/* -20 */ 88761, 71755, 56483, 46273, 36291,
	/* -15 */ 29154, 23254, 18705, 14949, 11916,
	/* -10 */ 9548, 7620, 6100, 4904, 3906,
	/*  -5 */ 3121, 2501, 1991, 1586, 1277,
	/*   0 */ 1024, 820, 655, 526, 423,
	/*   5 */ 335, 272, 215, 172, 137,
	/*  10 */ 110, 87, 70, 56, 45,
	/*  15 */ 36, 29, 23, 18, 15,
};

static int sched_latency_us = CONFIG_LIBSCHED_LATENCY_US;
static int sched_min_granularity_us = CONFIG_LIBSCHED_MIN_GRANULARITY_US;
static int sched_wakeup_granularity_us = CONFIG_LIBSCHED_WAKEUP_GRANULARITY_US;
param_int("sched.latency_us", sched_latency_us, 100, 1000000,
	  "CFS target latency (us)");
param_int("sched.min_granularity_us", sched_min_granularity_us, 50, 100000,
	  "CFS minimum slice (us)");
param_int("sched.wakeup_granularity_us", sched_wakeup_granularity_us, 0,
	  100000, "CFS wake-up preemption threshold (us)");

static uint64_t latency_ns(void)
{
	return (uint64_t)sched_latency_us * 1000;
}

static uint64_t min_granularity_ns(void)
{
	return (uint64_t)sched_min_granularity_us * 1000;
}

static struct thread *se_thread(struct rb_node *n)
{
	return n ? rb_entry(n, struct thread, se.run_node) : NULL;
}

static bool vruntime_before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

static uint64_t max_vruntime(uint64_t a, uint64_t b)
{
	return vruntime_before(a, b) ? b : a;
}

static uint64_t min_vruntime(uint64_t a, uint64_t b)
{
	return vruntime_before(a, b) ? a : b;
}

/* Real ns to virtual ns for an entity of this weight. */
static uint64_t calc_delta_fair(uint64_t delta, unsigned long weight)
{
	if (weight == NICE_0_WEIGHT)
		return delta;
	return delta * NICE_0_WEIGHT / weight;
}

static void update_min_vruntime(struct cfs_rq *cfs)
{
	struct thread *left = se_thread(rb_first_cached(&cfs->tasks));
	uint64_t v = cfs->min_vruntime;

	if (cfs->curr)
		v = cfs->curr->se.vruntime;
	if (left)
		v = cfs->curr ? min_vruntime(v, left->se.vruntime)
			      : left->se.vruntime;
	cfs->min_vruntime = max_vruntime(cfs->min_vruntime, v);
}

/* Charge the running thread for the time since it was last charged. */
static void update_curr(struct rq *rq)
{
	struct thread *curr = rq->cfs.curr;
	int64_t delta;

	if (!curr)
		return;
	delta = (int64_t)(rq->clock - curr->se.exec_start);
	if (delta <= 0)
		return;
	curr->se.exec_start = rq->clock;
	curr->se.sum_exec_runtime += delta;
	curr->se.vruntime += calc_delta_fair(delta, curr->se.weight);
	update_min_vruntime(&rq->cfs);
}

/* The period in which each of nr runnable threads runs once. */
static uint64_t sched_period(unsigned int nr)
{
	uint64_t by_count = nr * min_granularity_ns();

	return by_count > latency_ns() ? by_count : latency_ns();
}

/* A thread's share of the period when nr threads of total load run. */
static uint64_t sched_slice(unsigned int nr, unsigned long load,
			    unsigned long weight)
{
	uint64_t slice;

	if (!load)
		return sched_period(nr);
	slice = sched_period(nr) * weight / load;
	return slice > min_granularity_ns() ? slice : min_granularity_ns();
}

static bool fair_less(struct rb_node *a, const struct rb_node *b)
{
	return vruntime_before(se_thread(a)->se.vruntime,
			       rb_entry(b, struct thread, se.run_node)
				       ->se.vruntime);
}

static void tree_insert(struct cfs_rq *cfs, struct thread *t)
{
	rb_add_cached(&t->se.run_node, &cfs->tasks, fair_less);
}

/*
 * Where a thread joins the timeline. A new one pays one slice of virtual
 * time (start debit), so spawning threads cannot win CPU; a waking one
 * gets at most latency/2 of credit for having slept, so a long sleeper
 * runs soon but cannot then monopolise the CPU. Placement only ever moves
 * a thread forward.
 */
static void place_entity(struct cfs_rq *cfs, struct thread *t, int flags)
{
	struct sched_entity *se = &t->se;

	if (flags & ENQUEUE_NEW) {
		uint64_t slice = sched_slice(cfs->nr_running + 1,
					     cfs->load + se->weight,
					     se->weight);

		se->vruntime = cfs->min_vruntime +
			       calc_delta_fair(slice, se->weight);
		return;
	}
	se->vruntime = max_vruntime(se->vruntime,
				    cfs->min_vruntime - latency_ns() / 2);
}

static void fair_enqueue(struct rq *rq, struct thread *t, int flags)
{
	struct cfs_rq *cfs = &rq->cfs;

	update_curr(rq);
	place_entity(cfs, t, flags);
	tree_insert(cfs, t);
	cfs->nr_running++;
	cfs->load += t->se.weight;
	update_min_vruntime(cfs);
}

static void account_out(struct cfs_rq *cfs, struct thread *t)
{
	cfs->nr_running--;
	cfs->load -= t->se.weight;
	if (cfs->skip == t)
		cfs->skip = NULL;
	update_min_vruntime(cfs);
}

static void fair_dequeue(struct rq *rq, struct thread *t)
{
	update_curr(rq);
	rb_erase_cached(&t->se.run_node, &rq->cfs.tasks);
	account_out(&rq->cfs, t);
}

static void fair_put_prev(struct rq *rq, struct thread *prev, int flags)
{
	struct cfs_rq *cfs = &rq->cfs;

	update_curr(rq);
	cfs->curr = NULL;
	tree_insert(cfs, prev);
	/* Yield: the next pick passes over prev if anyone else can run. */
	cfs->skip = (flags & PUT_YIELD) ? prev : NULL;
}

static void fair_block(struct rq *rq, struct thread *prev)
{
	update_curr(rq);
	rq->cfs.curr = NULL;
	account_out(&rq->cfs, prev);
}

static void start_running(struct rq *rq, struct thread *t)
{
	rq->cfs.curr = t;
	t->se.exec_start = rq->clock;
	t->se.slice_start_runtime = t->se.sum_exec_runtime;
}

static void fair_set_curr(struct rq *rq, struct thread *curr)
{
	struct cfs_rq *cfs = &rq->cfs;

	place_entity(cfs, curr, 0);
	cfs->nr_running++;
	cfs->load += curr->se.weight;
	start_running(rq, curr);
	update_min_vruntime(cfs);
}

static struct thread *fair_pick_next(struct rq *rq)
{
	struct cfs_rq *cfs = &rq->cfs;
	struct rb_node *n = rb_first_cached(&cfs->tasks);
	struct thread *t = se_thread(n);

	if (!t)
		return NULL;
	if (t == cfs->skip && rb_next(n))
		t = se_thread(rb_next(n));
	cfs->skip = NULL;
	rb_erase_cached(&t->se.run_node, &cfs->tasks);
	start_running(rq, t);
	update_min_vruntime(cfs);
	return t;
}

static uint64_t fair_slice_left(struct rq *rq, struct thread *curr)
{
	struct cfs_rq *cfs = &rq->cfs;
	uint64_t slice, ran;

	/* Alone: nothing to share, no timer (a wake-up re-arms it). */
	if (cfs->nr_running <= 1)
		return 0;
	slice = sched_slice(cfs->nr_running, cfs->load, curr->se.weight);
	ran = curr->se.sum_exec_runtime - curr->se.slice_start_runtime;
	return ran < slice ? slice - ran : 0;
}

/*
 * Make sure curr's slice ends on time now that it shares the CPU: arm the
 * slice timer, or resched at once if curr already ran a whole slice
 * (while it was alone, no timer was armed).
 */
static void arm_slice_timer(struct rq *rq, struct thread *curr)
{
	uint64_t left = fair_slice_left(rq, curr);

	if (rq->cfs.nr_running <= 1)
		return;
	if (left)
		hrtimer_start(&rq->slice_timer, rq->clock + left);
	else
		resched_curr(rq);
}

static void fair_tick(struct rq *rq, struct thread *curr)
{
	update_curr(rq);
	arm_slice_timer(rq, curr);
}

static void fair_check_preempt(struct rq *rq, struct thread *t)
{
	struct thread *curr = rq->curr;
	uint64_t gran;
	int64_t vdiff;

	if (t->class != &fair_sched_class) {
		if (t->class == &rt_sched_class)
			resched_curr(rq);
		return;
	}
	update_curr(rq);
	vdiff = (int64_t)(curr->se.vruntime - t->se.vruntime);
	/* A light wakee needs a bigger lead: the granularity is converted
	 * to virtual time with its weight. SCHED_BATCH never preempts. */
	gran = calc_delta_fair((uint64_t)sched_wakeup_granularity_us * 1000,
			       t->se.weight);
	if (t->policy != SCHED_BATCH && vdiff > (int64_t)gran)
		resched_curr(rq);
	else
		arm_slice_timer(rq, curr);
}

static void fair_task_init(struct thread *t)
{
	t->se.weight = nice_to_weight[t->nice + 20];
}

static int fair_describe(struct thread *t, char *buf, size_t len)
{
	return ksnprintf(buf, len, "vr=%llu w=%lu",
			 (unsigned long long)t->se.vruntime, t->se.weight);
}

const struct sched_class fair_sched_class = {
	.name = "fair",
	.enqueue = fair_enqueue,
	.dequeue = fair_dequeue,
	.put_prev = fair_put_prev,
	.block = fair_block,
	.set_curr = fair_set_curr,
	.pick_next = fair_pick_next,
	.check_preempt = fair_check_preempt,
	.slice_left = fair_slice_left,
	.tick = fair_tick,
	.task_init = fair_task_init,
	.describe = fair_describe,
};

/* For sched_tunables_print (policy.c). */
void fair_tunables(uint64_t *latency, uint64_t *min_gran, uint64_t *wakeup)
{
	*latency = latency_ns();
	*min_gran = min_granularity_ns();
	*wakeup = (uint64_t)sched_wakeup_granularity_us * 1000;
}
