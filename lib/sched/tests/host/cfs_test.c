// hosttest-cflags: -DCONFIG_LIBSCHED_LATENCY_US=6000 -DCONFIG_LIBSCHED_MIN_GRANULARITY_US=750 -DCONFIG_LIBSCHED_WAKEUP_GRANULARITY_US=1000
/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for the CFS arithmetic (lib/sched/fair.c) on a simulated
 * clock: the test plays the scheduler core (put_prev, pick_next, the slice
 * timer, wake-ups) by hand and checks CPU shares by weight, virtual time
 * growth, placement of new and waking threads, wake-up preemption, yield,
 * and that min_vruntime never goes back.
 */
#include "hosttest.h"
#include "../../../core/rbtree.c"
#include <stdarg.h>
#include <pith/param.h>
#include <pith/sched_class.h>

/* What fair.c needs from the rest of the kernel. */
struct rq runqueue;
const struct sched_class rt_sched_class = { .name = "rt" };
static int resched_flag;

void resched_curr(struct rq *rq)
{
	resched_flag = 1;
}

void hrtimer_start(struct hrtimer *t, uint64_t expires)
{
	t->expires = expires;
	t->queued = true;
}

int param_set_int(const struct kernel_param *kp, const char *val)
{
	return 0;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

#include "../../fair.c"

#define MS	1000000ULL
#define LATENCY	(6 * MS)

/* --- a tiny scheduler core on a simulated clock ---------------------- */

static struct rq rq;
static uint64_t last_min;	/* min_vruntime seen last */
static int min_went_back;

static void check_min(void)
{
	if ((int64_t)(rq.cfs.min_vruntime - last_min) < 0)
		min_went_back = 1;
	last_min = rq.cfs.min_vruntime;
}

static void sim_init(void)
{
	memset(&rq, 0, sizeof(rq));
	rq.cfs.tasks = RB_ROOT_CACHED;
	/* Start near the wrap, as vruntimes may wrap. */
	rq.cfs.min_vruntime = (uint64_t)-(100 * MS);
	rq.clock = 1000 * MS;
	last_min = rq.cfs.min_vruntime;
	min_went_back = 0;
	resched_flag = 0;
}

static void mk(struct thread *t, int nice)
{
	memset(t, 0, sizeof(*t));
	t->nice = nice;
	t->policy = SCHED_NORMAL;
	t->class = &fair_sched_class;
	fair_task_init(t);
}

/* The core's schedule(): curr (if still runnable) back, next out. */
static void sim_switch(bool curr_blocks)
{
	if (rq.curr && curr_blocks)
		fair_block(&rq, rq.curr);
	else if (rq.curr)
		fair_put_prev(&rq, rq.curr, 0);
	check_min();
	rq.curr = fair_pick_next(&rq);
	check_min();
	resched_flag = 0;
	rq.slice_timer.queued = false;
	if (rq.curr) {
		uint64_t left = fair_slice_left(&rq, rq.curr);

		if (left)
			hrtimer_start(&rq.slice_timer, rq.clock + left);
	}
}

static void sim_wake(struct thread *t, int flags)
{
	fair_enqueue(&rq, t, flags);
	check_min();
	if (rq.curr)
		fair_check_preempt(&rq, t);
	else
		resched_flag = 1;
	check_min();
}

/* Run for 'ns' of simulated time: slice timers fire, resched switches. */
static void sim_run(uint64_t ns)
{
	uint64_t end = rq.clock + ns;

	while (rq.clock < end) {
		if (resched_flag || !rq.curr) {
			sim_switch(false);
			continue;
		}
		if (rq.slice_timer.queued && rq.slice_timer.expires <= end) {
			rq.clock = rq.slice_timer.expires;
			rq.slice_timer.queued = false;
			fair_tick(&rq, rq.curr);
			check_min();
		} else {
			rq.clock = end;
		}
	}
	update_curr(&rq);
	check_min();
}

/* --- tests ------------------------------------------------------------ */

TEST(cfs_weight_table_nice0_1024_nice5_335_steps_about_1_25)
{
	EXPECT_EQ(nice_to_weight[20], 1024);
	EXPECT_EQ(nice_to_weight[25], 335);
	EXPECT_EQ(nice_to_weight[0], 88761);
	EXPECT_EQ(nice_to_weight[39], 15);
	for (int i = 1; i < 40; i++) {
		double r = (double)nice_to_weight[i - 1] / nice_to_weight[i];

		EXPECT_TRUE(r > 1.15 && r < 1.35);
	}
}

TEST(cfs_update_curr_vruntime_grows_by_delta_scaled_by_weight)
{
	struct thread a, b;
	uint64_t v0;

	sim_init();
	mk(&a, 0);
	mk(&b, 5);
	sim_wake(&a, ENQUEUE_NEW);
	sim_switch(false);
	ASSERT_TRUE(rq.curr == &a);
	v0 = a.se.vruntime;
	rq.clock += 3 * MS;
	update_curr(&rq);
	EXPECT_EQ(a.se.vruntime - v0, 3 * MS);
	fair_put_prev(&rq, &a, 0);
	fair_dequeue(&rq, &a);
	sim_wake(&b, ENQUEUE_NEW);
	rq.curr = fair_pick_next(&rq);
	v0 = b.se.vruntime;
	rq.clock += 3350000;
	update_curr(&rq);
	EXPECT_EQ(b.se.vruntime - v0, 10240000);
}

TEST(cfs_nice0_and_nice5_share_cpu_1024_to_335_within_2_percent)
{
	struct thread a, b;
	double ratio;

	sim_init();
	mk(&a, 0);
	mk(&b, 5);
	sim_wake(&a, ENQUEUE_NEW);
	sim_wake(&b, ENQUEUE_NEW);
	sim_run(10000 * MS);
	ratio = (double)a.se.sum_exec_runtime / b.se.sum_exec_runtime;
	printf("    # nice0 %.1f ms nice5 %.1f ms ratio %.4f (ideal %.4f)\n",
	       a.se.sum_exec_runtime / 1e6, b.se.sum_exec_runtime / 1e6,
	       ratio, 1024.0 / 335);
	EXPECT_TRUE(ratio > 1024.0 / 335 * 0.98 && ratio < 1024.0 / 335 * 1.02);
	EXPECT_FALSE(min_went_back);
}

TEST(cfs_slices_split_the_latency_by_weight)
{
	struct thread a, b;

	sim_init();
	mk(&a, 0);
	mk(&b, 0);
	sim_wake(&a, ENQUEUE_NEW);
	sim_wake(&b, ENQUEUE_NEW);
	sim_switch(false);
	/* Two nice-0 threads: half the 6 ms latency each. */
	EXPECT_EQ(fair_slice_left(&rq, rq.curr), 3 * MS);
	EXPECT_EQ(rq.slice_timer.expires, rq.clock + 3 * MS);
	/* Sixteen: the period stretches to 16 * 0.75 ms. */
	EXPECT_EQ(sched_period(16), 12 * MS);
	EXPECT_EQ(sched_period(2), 6 * MS);
	EXPECT_EQ(sched_slice(16, 16 * 1024, 1024), 750000);
}

TEST(cfs_alone_no_slice_timer)
{
	struct thread a;

	sim_init();
	mk(&a, 0);
	sim_wake(&a, ENQUEUE_NEW);
	sim_switch(false);
	EXPECT_EQ(fair_slice_left(&rq, &a), 0);
	EXPECT_FALSE(rq.slice_timer.queued);
}

TEST(cfs_new_thread_starts_at_or_after_min_vruntime)
{
	struct thread a, b, c;
	uint64_t min;

	sim_init();
	mk(&a, 0);
	mk(&b, 0);
	mk(&c, 0);
	sim_wake(&a, ENQUEUE_NEW);
	sim_wake(&b, ENQUEUE_NEW);
	sim_run(500 * MS);
	update_curr(&rq);
	min = rq.cfs.min_vruntime;
	c.se.vruntime = min - 50 * MS;	/* stale: must not help it */
	sim_wake(&c, ENQUEUE_NEW);
	EXPECT_TRUE((int64_t)(c.se.vruntime - min) >= 0);
	/* Start debit: one slice of virtual time (3 threads: 2 ms). */
	EXPECT_EQ(c.se.vruntime - min, 2 * MS);
	EXPECT_FALSE(min_went_back);
}

TEST(cfs_long_sleeper_wakes_with_at_most_half_latency_credit)
{
	struct thread a, b, s;
	uint64_t min;

	sim_init();
	mk(&a, 0);
	mk(&b, 0);
	mk(&s, 0);
	sim_wake(&s, ENQUEUE_NEW);
	sim_switch(false);
	ASSERT_TRUE(rq.curr == &s);
	rq.clock += MS;
	sim_switch(true);		/* s sleeps */
	sim_wake(&a, ENQUEUE_NEW);
	sim_wake(&b, ENQUEUE_NEW);
	sim_run(10000 * MS);		/* 10 s of hogs */
	min = rq.cfs.min_vruntime;
	sim_wake(&s, ENQUEUE_WAKEUP);
	EXPECT_TRUE((int64_t)(s.se.vruntime - (min - LATENCY / 2)) >= 0);
	EXPECT_EQ(s.se.vruntime, min - LATENCY / 2);
	/* Far behind curr: it preempts at once. */
	EXPECT_TRUE(resched_flag);
	/* And it cannot keep the CPU for more than its credit + a slice. */
	{
		uint64_t s0 = s.se.sum_exec_runtime;

		sim_run(100 * MS);
		EXPECT_TRUE(s.se.sum_exec_runtime - s0 < 100 * MS / 3 +
			    LATENCY);
	}
	EXPECT_FALSE(min_went_back);
}

TEST(cfs_short_sleeper_keeps_its_vruntime)
{
	struct thread a, s;
	uint64_t v;

	sim_init();
	mk(&a, 0);
	mk(&s, 0);
	sim_wake(&a, ENQUEUE_NEW);
	sim_switch(false);
	sim_wake(&s, ENQUEUE_NEW);
	sim_run(20 * MS);
	if (rq.curr != &s)
		sim_switch(false);
	if (rq.curr != &s)
		sim_run(5 * MS);
	ASSERT_TRUE(rq.curr == &s);
	sim_switch(true);
	v = s.se.vruntime;
	rq.clock += MS;
	sim_wake(&s, ENQUEUE_WAKEUP);
	EXPECT_EQ(s.se.vruntime, v);
}

TEST(cfs_wakeup_preempts_only_beyond_granularity)
{
	struct thread a, w;

	sim_init();
	mk(&a, 0);
	mk(&w, 0);
	sim_wake(&a, ENQUEUE_NEW);
	sim_switch(false);
	rq.clock += 100 * MS;
	update_curr(&rq);
	a.se.slice_start_runtime = a.se.sum_exec_runtime; /* fresh slice */
	/* 0.5 ms behind: within the 1 ms granularity. */
	w.se.vruntime = a.se.vruntime - MS / 2;
	rq.cfs.min_vruntime = a.se.vruntime - MS;
	sim_wake(&w, ENQUEUE_WAKEUP);
	EXPECT_FALSE(resched_flag);
	/* ... but the slice timer now bounds the wait: a's share of 6 ms. */
	EXPECT_TRUE(rq.slice_timer.queued);
	EXPECT_EQ(rq.slice_timer.expires, rq.clock + 3 * MS);
	fair_dequeue(&rq, &w);
	/* A wake-up after curr ran a whole slice alone ends it at once,
	 * even for a wakee that never wake-up preempts. */
	rq.clock += 10 * MS;
	w.policy = SCHED_BATCH;
	sim_wake(&w, ENQUEUE_WAKEUP);
	EXPECT_TRUE(resched_flag);
	resched_flag = 0;
	w.policy = SCHED_NORMAL;
	fair_dequeue(&rq, &w);
	/* 2 ms behind: preempts. */
	w.se.vruntime = a.se.vruntime - 2 * MS;
	resched_flag = 0;
	sim_wake(&w, ENQUEUE_WAKEUP);
	EXPECT_TRUE(resched_flag);
}

TEST(cfs_wakeup_granularity_is_scaled_by_wakee_weight)
{
	struct thread a, w;

	sim_init();
	mk(&a, 0);
	mk(&w, 5);		/* light: needs 1 ms * 1024 / 335 lead */
	sim_wake(&a, ENQUEUE_NEW);
	sim_switch(false);
	a.se.slice_start_runtime = a.se.sum_exec_runtime;
	w.se.vruntime = a.se.vruntime - 2 * MS;
	rq.cfs.min_vruntime = w.se.vruntime;
	sim_wake(&w, ENQUEUE_WAKEUP);
	EXPECT_FALSE(resched_flag);
	fair_dequeue(&rq, &w);
	w.se.vruntime = a.se.vruntime - 4 * MS;
	rq.cfs.min_vruntime = w.se.vruntime;
	sim_wake(&w, ENQUEUE_WAKEUP);
	EXPECT_TRUE(resched_flag);
}

TEST(cfs_rt_wakee_always_preempts_cfs_curr)
{
	struct thread a, r;

	sim_init();
	mk(&a, 0);
	sim_wake(&a, ENQUEUE_NEW);
	sim_switch(false);
	memset(&r, 0, sizeof(r));
	r.class = &rt_sched_class;
	fair_check_preempt(&rq, &r);
	EXPECT_TRUE(resched_flag);
}

TEST(cfs_yield_lets_the_other_run)
{
	struct thread a, b;
	struct thread *first;

	sim_init();
	mk(&a, 0);
	mk(&b, 0);
	sim_wake(&a, ENQUEUE_NEW);
	sim_wake(&b, ENQUEUE_NEW);
	sim_switch(false);
	for (int i = 0; i < 6; i++) {
		first = rq.curr;
		rq.clock += 1000;
		fair_put_prev(&rq, rq.curr, PUT_YIELD);
		rq.curr = fair_pick_next(&rq);
		EXPECT_TRUE(rq.curr != first);
	}
	/* Alone, a yield picks the yielder again. */
	fair_block(&rq, rq.curr);
	first = rq.curr = fair_pick_next(&rq);
	fair_put_prev(&rq, rq.curr, PUT_YIELD);
	rq.curr = fair_pick_next(&rq);
	EXPECT_TRUE(rq.curr == first);
}

/* Random enqueue/dequeue/block/wake/tick sequences: the floor holds. */
TEST(cfs_min_vruntime_never_decreases_random_ops)
{
	struct thread th[8];
	bool queued[8] = { 0 };
	unsigned int seed = 12345;

	sim_init();
	for (int i = 0; i < 8; i++)
		mk(&th[i], (i * 7) % 40 - 20);
	for (int step = 0; step < 20000; step++) {
		int i = (seed = seed * 1103515245 + 12345) >> 16 & 7;
		int op = (seed >> 8) & 3;

		if (!queued[i] && &th[i] != rq.curr) {
			sim_wake(&th[i], step < 8 ? ENQUEUE_NEW
						  : ENQUEUE_WAKEUP);
			queued[i] = true;
		} else if (op == 0 && rq.curr) {
			queued[rq.curr - th] = false;
			sim_switch(true);
		} else if (op == 1 && &th[i] != rq.curr) {
			fair_dequeue(&rq, &th[i]);
			queued[i] = false;
		} else {
			sim_run((seed >> 4) % (3 * MS));
		}
		check_min();
		ASSERT_FALSE(min_went_back);
		ASSERT_TRUE(rq.cfs.nr_running <= 8);
	}
}

HOSTTEST_MAIN("cfs")
