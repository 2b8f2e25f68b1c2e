/* SPDX-License-Identifier: MIT */
/*
 * RT-mutexes: ownership, deadlock detection, priority-ordered handoff,
 * priority inheritance along a chain (checked on t->prio, so it holds for
 * any scheduler), and that a boosted low-priority owner beats a medium
 * CPU hog (only where priorities schedule: CONFIG_LIBSCHED_PREEMPT).
 */
#include <pith/completion.h>
#include <pith/errno.h>
#include <pith/ktest.h>
#include <pith/rtmutex.h>
#include <pith/sched.h>
#include <pith/time.h>

#ifdef CONFIG_LIBSCHED_PREEMPT
#define HAVE_PREEMPT	true
#else
#define HAVE_PREEMPT	false
#endif

#define RT_PRIO(p)	(MAX_RT_PRIO - 1 - (p))	/* SCHED_FIFO p as prio */

static DEFINE_RT_MUTEX(l1);
static DEFINE_RT_MUTEX(l2);
static char order[8];
static volatile int norder;

/* Let other threads run until th waits for an rt-mutex (bounded). A
 * sleep, not a yield: a boosted (real-time) caller that only yields would
 * never let a normal thread run under the preemptive scheduler. */
static bool wait_blocked(struct thread *th)
{
	for (int i = 0; i < 2000 && !READ_ONCE(th->pi_blocked_on); i++)
		msleep(1);
	return th->pi_blocked_on != NULL;
}

static struct thread *run_fifo(int (*fn)(void *), void *arg, int rt_prio)
{
	struct thread_attr a = {
		.policy = rt_prio ? SCHED_FIFO : SCHED_NORMAL,
		.rt_priority = rt_prio,
	};
	struct thread *th = kthread_create_attr(fn, arg, "rt", &a);

	if (!IS_ERR(th))
		wake_up_process(th);
	return th;
}

static int try_l1(void *arg)
{
	return rt_mutex_trylock(&l1);
}

static void rtmutex_lock_unlock_and_self_deadlock(struct ktest *t)
{
	struct thread *th;
	int ret = -1;

	KT_ASSERT_EQ(t, rt_mutex_lock(&l1), 0);
	KT_EXPECT_TRUE(t, rt_mutex_owner(&l1) == current);
	KT_EXPECT_EQ(t, rt_mutex_lock(&l1), -EDEADLK);
	th = kthread_run(try_l1, NULL, "try");
	kthread_join(th, &ret);
	KT_EXPECT_EQ(t, ret, 0);
	rt_mutex_unlock(&l1);
	KT_EXPECT_FALSE(t, rt_mutex_is_locked(&l1));
	KT_EXPECT_EQ(t, rt_mutex_trylock(&l1), 1);
	rt_mutex_unlock(&l1);
}

/* Holds l2, then waits for l1. */
static int l2_then_l1(void *arg)
{
	int ret;

	rt_mutex_lock(&l2);
	ret = rt_mutex_lock(&l1);
	if (!ret)
		rt_mutex_unlock(&l1);
	rt_mutex_unlock(&l2);
	return ret;
}

static void rtmutex_abba_returns_edeadlk(struct ktest *t)
{
	struct thread *th;
	int ret = -1;

	rt_mutex_lock(&l1);
	th = kthread_run(l2_then_l1, NULL, "abba");
	KT_ASSERT_TRUE(t, wait_blocked(th));
	/* th owns l2 and waits for l1, which we own. */
	KT_EXPECT_EQ(t, rt_mutex_lock(&l2), -EDEADLK);
	rt_mutex_unlock(&l1);
	kthread_join(th, &ret);
	KT_EXPECT_EQ(t, ret, 0);
	KT_EXPECT_FALSE(t, rt_mutex_is_locked(&l1) || rt_mutex_is_locked(&l2));
}

static int prio_locker(void *arg)
{
	rt_mutex_lock(&l1);
	order[norder++] = (char)(uintptr_t)arg;
	rt_mutex_unlock(&l1);
	return 0;
}

static void rtmutex_waiters_get_it_by_priority(struct ktest *t)
{
	static const int prio[4] = { 5, 30, 0, 20 };	/* 0: SCHED_NORMAL */
	struct thread *th[4];

	norder = 0;
	rt_mutex_lock(&l1);
	for (int i = 0; i < 4; i++) {
		th[i] = run_fifo(prio_locker, (void *)(uintptr_t)('a' + i),
				 prio[i]);
		KT_ASSERT_FALSE(t, IS_ERR(th[i]));
		KT_ASSERT_TRUE(t, wait_blocked(th[i]));
	}
	/* Boosted to the most urgent waiter's priority. */
	KT_EXPECT_EQ(t, current->prio, RT_PRIO(30));
	rt_mutex_unlock(&l1);
	KT_EXPECT_EQ(t, current->prio, current->normal_prio);
	for (int i = 0; i < 4; i++)
		kthread_join(th[i], NULL);
	KT_ASSERT_EQ(t, norder, 4);
	KT_EXPECT_EQ(t, order[0], 'b');
	KT_EXPECT_EQ(t, order[1], 'd');
	KT_EXPECT_EQ(t, order[2], 'a');
	KT_EXPECT_EQ(t, order[3], 'c');
}

static DECLARE_COMPLETION(c_release);

/* C: owns l1 until told to let go. */
static int chain_c(void *arg)
{
	rt_mutex_lock(&l1);
	wait_for_completion(&c_release);
	rt_mutex_unlock(&l1);
	return current->prio;
}

/* A: waits for l2. */
static int chain_a(void *arg)
{
	rt_mutex_lock(&l2);
	rt_mutex_unlock(&l2);
	return 0;
}

static void rtmutex_pi_chain_boosts_transitively(struct ktest *t)
{
	struct thread *a, *b, *c;
	int c_prio_after = -1;

	reinit_completion(&c_release);
	c = kthread_run(chain_c, NULL, "chain-c");
	for (int i = 0; i < 1000 && !rt_mutex_is_locked(&l1); i++)
		yield();
	b = kthread_run(l2_then_l1, NULL, "chain-b");	/* l2, waits l1 */
	KT_ASSERT_TRUE(t, wait_blocked(b));
	a = run_fifo(chain_a, NULL, 40);		/* waits l2 */
	KT_ASSERT_FALSE(t, IS_ERR(a));
	KT_ASSERT_TRUE(t, wait_blocked(a));

	KT_EXPECT_EQ(t, b->prio, RT_PRIO(40));
	KT_EXPECT_EQ(t, c->prio, RT_PRIO(40));
	KT_EXPECT_EQ(t, c->normal_prio, NICE_TO_PRIO(0));

	complete(&c_release);
	kthread_join(c, &c_prio_after);
	KT_EXPECT_EQ(t, c_prio_after, NICE_TO_PRIO(0));	/* deboosted */
	kthread_join(b, NULL);
	kthread_join(a, NULL);
	KT_EXPECT_FALSE(t, rt_mutex_is_locked(&l1) || rt_mutex_is_locked(&l2));
}

/* Priority inversion: low holds l1, high wants it, medium hogs the CPU. */
static volatile bool medium_done, high_got_lock_first;
static volatile int low_prio_seen;

static int pi_low(void *arg)
{
	uint64_t end;

	rt_mutex_lock(&l1);
	complete(&c_release);
	/* Work that needs the CPU while high waits: 20 ms. */
	end = ktime_get_ns() + 20 * NSEC_PER_MSEC;
	while (ktime_get_ns() < end)
		low_prio_seen = current->prio;
	rt_mutex_unlock(&l1);
	return 0;
}

static int pi_medium(void *arg)
{
	uint64_t end = ktime_get_ns() + 500 * NSEC_PER_MSEC;

	while (ktime_get_ns() < end)
		;
	medium_done = true;
	return 0;
}

static int pi_high(void *arg)
{
	rt_mutex_lock(&l1);
	high_got_lock_first = !medium_done;
	rt_mutex_unlock(&l1);
	return 0;
}

static void rtmutex_pi_boosted_owner_beats_medium_hog(struct ktest *t)
{
	struct thread *low, *med, *high;

	if (!HAVE_PREEMPT)
		kt_skip(t, "needs CONFIG_LIBSCHED_PREEMPT");
	medium_done = high_got_lock_first = false;
	low_prio_seen = -1;
	reinit_completion(&c_release);
	/* Above everyone, so that we can start them all. */
	KT_ASSERT_EQ(t, sched_setattr(current, SCHED_FIFO, 0, 30), 0);
	low = run_fifo(pi_low, NULL, 0);
	wait_for_completion(&c_release);	/* low owns l1 */
	high = run_fifo(pi_high, NULL, 20);
	med = run_fifo(pi_medium, NULL, 10);
	kthread_join(high, NULL);
	kthread_join(med, NULL);
	kthread_join(low, NULL);
	sched_setattr(current, SCHED_NORMAL, 0, 0);
	KT_EXPECT_TRUE(t, high_got_lock_first);
	KT_EXPECT_EQ(t, low_prio_seen, RT_PRIO(20));
	KT_EXPECT_FALSE(t, rt_mutex_is_locked(&l1));
}

static struct ktest_case rtmutex_cases[] = {
	KTEST_CASE(rtmutex_lock_unlock_and_self_deadlock),
	KTEST_CASE(rtmutex_abba_returns_edeadlk),
	KTEST_CASE(rtmutex_waiters_get_it_by_priority),
	KTEST_CASE(rtmutex_pi_chain_boosts_transitively),
	KTEST_CASE(rtmutex_pi_boosted_owner_beats_medium_hog),
	{}
};
KTEST_SUITE(rtmutex, rtmutex_cases);
