/* SPDX-License-Identifier: MIT */
/*
 * The sleeping locks under any scheduler: mutual exclusion under
 * contention, FIFO handoff, semaphore counting, completion hand-offs,
 * timeouts, condition variables. Threads yield inside critical sections
 * so that the cooperative scheduler also produces contention.
 */
#include <pith/completion.h>
#include <pith/condvar.h>
#include <pith/errno.h>
#include <pith/ktest.h>
#include <pith/mutex.h>
#include <pith/sched.h>
#include <pith/semaphore.h>
#include <pith/time.h>

#define NTHREADS	8
#define NINCR		100000

static DEFINE_MUTEX(mtx);
static volatile unsigned long counter;
static char order[16];
static volatile int norder;

static int list_len(struct list_head *h)
{
	struct list_head *p;
	int n = 0;

	list_for_each(p, h)
		n++;
	return n;
}

/* Let other threads run until there are n waiters on h (bounded). */
static bool wait_for_waiters(struct list_head *h, int n)
{
	for (int i = 0; i < 100000 && list_len(h) < n; i++)
		yield();
	return list_len(h) >= n;
}

static int incrementer(void *arg)
{
	for (int i = 0; i < NINCR; i++) {
		mutex_lock(&mtx);
		unsigned long v = counter;

		/* Hold the mutex across a switch now and then. */
		if (i % 1000 == 0)
			yield();
		counter = v + 1;
		mutex_unlock(&mtx);
	}
	return 0;
}

static void lock_mutex_counter_is_exact_under_contention(struct ktest *t)
{
	struct thread *th[NTHREADS];

	counter = 0;
	for (int i = 0; i < NTHREADS; i++) {
		th[i] = kthread_run(incrementer, NULL, "incr");
		KT_ASSERT_FALSE(t, IS_ERR(th[i]));
	}
	for (int i = 0; i < NTHREADS; i++)
		kthread_join(th[i], NULL);
	KT_EXPECT_EQ(t, counter, (unsigned long)NTHREADS * NINCR);
	KT_EXPECT_FALSE(t, mutex_is_locked(&mtx));
}

static int trylocker(void *arg)
{
	return mutex_trylock(&mtx);
}

static void lock_mutex_trylock_fails_when_held(struct ktest *t)
{
	struct thread *th;
	int ret = -1;

	KT_ASSERT_EQ(t, mutex_trylock(&mtx), 1);
	KT_EXPECT_TRUE(t, mutex_owner(&mtx) == current);
	th = kthread_run(trylocker, NULL, "try");
	kthread_join(th, &ret);
	KT_EXPECT_EQ(t, ret, 0);
	mutex_unlock(&mtx);
	KT_EXPECT_FALSE(t, mutex_is_locked(&mtx));
}

static int fifo_locker(void *arg)
{
	mutex_lock(&mtx);
	order[norder++] = (char)(uintptr_t)arg;
	yield();	/* the others stay queued behind us */
	mutex_unlock(&mtx);
	return 0;
}

static void lock_mutex_handoff_is_fifo(struct ktest *t)
{
	struct thread *th[5];

	norder = 0;
	mutex_lock(&mtx);
	for (int i = 0; i < 5; i++) {
		th[i] = kthread_run(fifo_locker, (void *)(uintptr_t)('a' + i),
				    "fifo");
		KT_ASSERT_TRUE(t, wait_for_waiters(&mtx.wait_list, i + 1));
	}
	mutex_unlock(&mtx);
	/* Handed to 'a' before it ran: no barging by the old owner. */
	KT_EXPECT_EQ(t, mutex_trylock(&mtx), 0);
	KT_EXPECT_TRUE(t, mutex_owner(&mtx) == th[0]);
	for (int i = 0; i < 5; i++)
		kthread_join(th[i], NULL);
	KT_ASSERT_EQ(t, norder, 5);
	for (int i = 0; i < 5; i++)
		KT_EXPECT_EQ(t, order[i], 'a' + i);
}

static int timeout_locker(void *arg)
{
	return mutex_lock_timeout(&mtx, 5 * NSEC_PER_MSEC);
}

static void lock_mutex_lock_timeout_times_out(struct ktest *t)
{
	uint64_t t0 = ktime_get_ns();
	struct thread *th;
	int ret = 0;

	mutex_lock(&mtx);
	th = kthread_run(timeout_locker, NULL, "mtimeout");
	kthread_join(th, &ret);
	KT_EXPECT_EQ(t, ret, -ETIMEDOUT);
	KT_EXPECT_TRUE(t, ktime_get_ns() - t0 >= 5 * NSEC_PER_MSEC);
	KT_EXPECT_TRUE(t, list_empty(&mtx.wait_list));
	/* The timed-out waiter left no trace: the fast unlock works. */
	KT_EXPECT_EQ(t, mtx.owner, (uintptr_t)current);
	mutex_unlock(&mtx);
	KT_EXPECT_EQ(t, mutex_lock_timeout(&mtx, NSEC_PER_MSEC), 0);
	mutex_unlock(&mtx);
}

static DEFINE_SEMAPHORE(sem, 3);
static volatile int sem_holders;

static int sem_holder(void *arg)
{
	down(&sem);
	sem_holders++;
	return 0;
}

static void lock_sema_fourth_down_blocks_until_up(struct ktest *t)
{
	struct thread *th[4];

	sem_holders = 0;
	for (int i = 0; i < 4; i++)
		th[i] = kthread_run(sem_holder, NULL, "sem");
	KT_ASSERT_TRUE(t, wait_for_waiters(&sem.wait_list, 1));
	KT_EXPECT_EQ(t, sem_holders, 3);
	KT_EXPECT_EQ(t, down_trylock(&sem), 1);
	up(&sem);
	for (int i = 0; i < 4; i++)
		kthread_join(th[i], NULL);
	KT_EXPECT_EQ(t, sem_holders, 4);
	KT_EXPECT_EQ(t, sem.count, 0);
	for (int i = 0; i < 3; i++)
		up(&sem);
	KT_EXPECT_EQ(t, down_trylock(&sem), 0);
	up(&sem);
}

static void lock_sema_down_timeout_times_out(struct ktest *t)
{
	DEFINE_SEMAPHORE(s, 1);
	uint64_t t0 = ktime_get_ns();

	KT_EXPECT_EQ(t, down_timeout(&s, NSEC_PER_MSEC), 0);
	KT_EXPECT_EQ(t, down_timeout(&s, 5 * NSEC_PER_MSEC), -ETIMEDOUT);
	KT_EXPECT_TRUE(t, ktime_get_ns() - t0 >= 5 * NSEC_PER_MSEC);
	KT_EXPECT_TRUE(t, list_empty(&s.wait_list));
	up(&s);
	KT_EXPECT_EQ(t, s.count, 1);
}

static DECLARE_COMPLETION(done);
static volatile int waiters_released;

static int completion_waiter(void *arg)
{
	wait_for_completion(&done);
	waiters_released++;
	return 0;
}

static void lock_completion_hands_off(struct ktest *t)
{
	struct thread *th;

	reinit_completion(&done);
	waiters_released = 0;
	complete(&done);		/* banked: the wait does not block */
	th = kthread_run(completion_waiter, NULL, "cwait");
	kthread_join(th, NULL);
	KT_EXPECT_EQ(t, waiters_released, 1);
	KT_EXPECT_FALSE(t, completion_done(&done));

	th = kthread_run(completion_waiter, NULL, "cwait");
	KT_ASSERT_TRUE(t, wait_for_waiters(&done.wait_list, 1));
	KT_EXPECT_EQ(t, waiters_released, 1);
	complete(&done);
	/* Given to the waiter, not banked: nothing left to take. */
	KT_EXPECT_FALSE(t, try_wait_for_completion(&done));
	kthread_join(th, NULL);
	KT_EXPECT_EQ(t, waiters_released, 2);
}

static void lock_completion_complete_all_releases_all(struct ktest *t)
{
	struct thread *th[3];

	reinit_completion(&done);
	waiters_released = 0;
	for (int i = 0; i < 3; i++)
		th[i] = kthread_run(completion_waiter, NULL, "cwait");
	KT_ASSERT_TRUE(t, wait_for_waiters(&done.wait_list, 3));
	complete_all(&done);
	for (int i = 0; i < 3; i++)
		kthread_join(th[i], NULL);
	KT_EXPECT_EQ(t, waiters_released, 3);
	/* ... and every later waiter, until reinit. */
	KT_EXPECT_TRUE(t, try_wait_for_completion(&done));
	KT_EXPECT_TRUE(t, wait_for_completion_timeout(&done, 1) > 0);
	reinit_completion(&done);
	KT_EXPECT_FALSE(t, try_wait_for_completion(&done));
}

static void lock_completion_timeout_times_out(struct ktest *t)
{
	uint64_t t0 = ktime_get_ns();

	reinit_completion(&done);
	KT_EXPECT_EQ(t, wait_for_completion_timeout(&done,
						    5 * NSEC_PER_MSEC), 0);
	KT_EXPECT_TRUE(t, ktime_get_ns() - t0 >= 5 * NSEC_PER_MSEC);
	KT_EXPECT_TRUE(t, list_empty(&done.wait_list));
	complete(&done);
	KT_EXPECT_TRUE(t, wait_for_completion_timeout(&done,
						      5 * NSEC_PER_MSEC) > 0);
}

static DEFINE_CONDVAR(cv);
static volatile int cv_ready, cv_woken;

static int cv_waiter(void *arg)
{
	mutex_lock(&mtx);
	while (!cv_ready)
		cond_wait(&cv, &mtx);
	cv_ready--;
	cv_woken++;
	mutex_unlock(&mtx);
	return 0;
}

static void lock_condvar_signal_wakes_one_broadcast_all(struct ktest *t)
{
	struct thread *th[3];

	cv_ready = cv_woken = 0;
	for (int i = 0; i < 3; i++)
		th[i] = kthread_run(cv_waiter, NULL, "cv");
	KT_ASSERT_TRUE(t, wait_for_waiters(&cv.wait_list, 3));
	mutex_lock(&mtx);
	cv_ready = 1;
	cond_signal(&cv);
	mutex_unlock(&mtx);
	KT_ASSERT_TRUE(t, wait_for_waiters(&cv.wait_list, 2));
	for (int i = 0; i < 100 && cv_woken < 1; i++)
		yield();
	KT_EXPECT_EQ(t, cv_woken, 1);
	KT_EXPECT_EQ(t, list_len(&cv.wait_list), 2);

	mutex_lock(&mtx);
	cv_ready = 2;
	cond_broadcast(&cv);
	KT_EXPECT_TRUE(t, list_empty(&cv.wait_list));
	mutex_unlock(&mtx);
	for (int i = 0; i < 3; i++)
		kthread_join(th[i], NULL);
	KT_EXPECT_EQ(t, cv_woken, 3);
}

static void lock_condvar_timedwait_times_out(struct ktest *t)
{
	uint64_t t0 = ktime_get_ns();

	mutex_lock(&mtx);
	KT_EXPECT_EQ(t, cond_timedwait(&cv, &mtx, 5 * NSEC_PER_MSEC),
		     -ETIMEDOUT);
	KT_EXPECT_TRUE(t, mutex_owner(&mtx) == current);
	mutex_unlock(&mtx);
	KT_EXPECT_TRUE(t, ktime_get_ns() - t0 >= 5 * NSEC_PER_MSEC);
	KT_EXPECT_TRUE(t, list_empty(&cv.wait_list));
}

static struct ktest_case lock_cases[] = {
	KTEST_CASE(lock_mutex_counter_is_exact_under_contention),
	KTEST_CASE(lock_mutex_trylock_fails_when_held),
	KTEST_CASE(lock_mutex_handoff_is_fifo),
	KTEST_CASE(lock_mutex_lock_timeout_times_out),
	KTEST_CASE(lock_sema_fourth_down_blocks_until_up),
	KTEST_CASE(lock_sema_down_timeout_times_out),
	KTEST_CASE(lock_completion_hands_off),
	KTEST_CASE(lock_completion_complete_all_releases_all),
	KTEST_CASE(lock_completion_timeout_times_out),
	KTEST_CASE(lock_condvar_signal_wakes_one_broadcast_all),
	KTEST_CASE(lock_condvar_timedwait_times_out),
	{}
};
KTEST_SUITE(lock, lock_cases);
