/* SPDX-License-Identifier: MIT */
/*
 * CONFIG_LIBLOCK_DEBUG: each misuse is reported once (counted by
 * lock_debug_reports()) and refused where that is safe; the lock records
 * where its owner took it. Skipped without the option. The reports on the
 * console between these cases are expected.
 */
#include <pith/completion.h>
#include <pith/errno.h>
#include <pith/ksym.h>
#include <pith/ktest.h>
#include <pith/lock_debug.h>
#include <pith/mutex.h>
#include <pith/rtmutex.h>
#include <pith/sched.h>
#include <pith/semaphore.h>
#include <pith/string.h>

static DEFINE_MUTEX(dm);
static DEFINE_RT_MUTEX(drt);
static DEFINE_SPINLOCK(dsl);

static void need_debug(struct ktest *t)
{
	if (!lock_debug_enabled())
		kt_skip(t, "CONFIG_LIBLOCK_DEBUG is off");
}

/* Whether pc lies in the function called name. */
static __unused bool pc_in(void *pc, const char *name)
{
	uintptr_t off, size;
	const char *s = ksym_lookup((uintptr_t)pc - 1, &off, &size);

	return s && !kstrcmp(s, name);
}

static int foreign_unlock(void *arg)
{
	mutex_unlock(&dm);
	return 0;
}

static void lock_debug_mutex_unlock_by_non_owner_is_refused(struct ktest *t)
{
	unsigned long before = lock_debug_reports();
	struct thread *th;

	need_debug(t);
	mutex_lock(&dm);
	th = kthread_run(foreign_unlock, NULL, "foreign");
	kthread_join(th, NULL);
	KT_EXPECT_EQ(t, lock_debug_reports() - before, 1);
	KT_EXPECT_TRUE(t, mutex_owner(&dm) == current);
	mutex_unlock(&dm);
	KT_EXPECT_EQ(t, lock_debug_reports() - before, 1);
	KT_EXPECT_FALSE(t, mutex_is_locked(&dm));
}

static void lock_debug_recursive_mutex_lock_is_refused(struct ktest *t)
{
	unsigned long before = lock_debug_reports();

	need_debug(t);
	mutex_lock(&dm);
#ifdef CONFIG_LIBLOCK_DEBUG
	KT_EXPECT_TRUE(t, pc_in(dm.owner_pc,
				"lock_debug_recursive_mutex_lock_is_refused"));
#endif
	mutex_lock(&dm);		/* would sleep forever */
	KT_EXPECT_EQ(t, lock_debug_reports() - before, 1);
	KT_EXPECT_EQ(t, mutex_lock_timeout(&dm, 1000), -EDEADLK);
	KT_EXPECT_EQ(t, lock_debug_reports() - before, 2);
	mutex_unlock(&dm);
	KT_EXPECT_FALSE(t, mutex_is_locked(&dm));
}

static void lock_debug_sleeping_in_atomic_is_reported(struct ktest *t)
{
	unsigned long before = lock_debug_reports();
	DEFINE_SEMAPHORE(s, 1);
	DECLARE_COMPLETION(c);

	need_debug(t);
	complete(&c);
	spin_lock(&dsl);
	mutex_lock(&dm);		/* free: reported, does not sleep */
	mutex_unlock(&dm);
	down(&s);
	up(&s);
	wait_for_completion(&c);
	spin_unlock(&dsl);
	KT_EXPECT_EQ(t, lock_debug_reports() - before, 3);

	preempt_disable();
	might_sleep();
	preempt_enable();
	KT_EXPECT_EQ(t, lock_debug_reports() - before, 4);
	might_sleep();			/* fine here */
	KT_EXPECT_EQ(t, lock_debug_reports() - before, 4);
}

static void lock_debug_spinlock_recursion_and_bad_unlock(struct ktest *t)
{
	unsigned long before = lock_debug_reports();

	need_debug(t);
	spin_lock(&dsl);
#ifdef CONFIG_LIBLOCK_DEBUG
	KT_EXPECT_TRUE(t, pc_in(dsl.owner_pc,
			"lock_debug_spinlock_recursion_and_bad_unlock"));
#endif
	spin_lock(&dsl);
	KT_EXPECT_EQ(t, lock_debug_reports() - before, 1);
	spin_unlock(&dsl);
	spin_unlock(&dsl);		/* balanced: no report */
	KT_EXPECT_EQ(t, lock_debug_reports() - before, 1);
	KT_EXPECT_FALSE(t, spin_is_locked(&dsl));
	preempt_disable();		/* what the bad unlock gives back */
	spin_unlock(&dsl);
	KT_EXPECT_EQ(t, lock_debug_reports() - before, 2);
	KT_EXPECT_EQ(t, preempt_count(), 0);
}

static int foreign_rt_unlock(void *arg)
{
	rt_mutex_unlock(&drt);
	return 0;
}

static void lock_debug_rt_mutex_unlock_by_non_owner_is_refused(
	struct ktest *t)
{
	unsigned long before = lock_debug_reports();
	struct thread *th;

	need_debug(t);
	rt_mutex_lock(&drt);
	th = kthread_run(foreign_rt_unlock, NULL, "foreign");
	kthread_join(th, NULL);
	KT_EXPECT_EQ(t, lock_debug_reports() - before, 1);
	KT_EXPECT_TRUE(t, rt_mutex_owner(&drt) == current);
	rt_mutex_unlock(&drt);
	KT_EXPECT_FALSE(t, rt_mutex_is_locked(&drt));
}

static struct ktest_case lock_debug_cases[] = {
	KTEST_CASE(lock_debug_mutex_unlock_by_non_owner_is_refused),
	KTEST_CASE(lock_debug_recursive_mutex_lock_is_refused),
	KTEST_CASE(lock_debug_sleeping_in_atomic_is_reported),
	KTEST_CASE(lock_debug_spinlock_recursion_and_bad_unlock),
	KTEST_CASE(lock_debug_rt_mutex_unlock_by_non_owner_is_refused),
	{}
};
KTEST_SUITE(lock_debug, lock_debug_cases);
