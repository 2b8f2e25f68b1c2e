/* SPDX-License-Identifier: MIT */
/*
 * Scheduler tests that hold for every scheduler class: threads start,
 * end and are joined; sleeping; wait queues (timeouts, exclusive
 * wake-ups); FPU state survives switches; a thread's stack overflow is
 * reported as such.
 */
#include <pith/errno.h>
#include <pith/ktest.h>
#include <pith/mm.h>
#include <pith/sched.h>
#include <pith/string.h>
#include <pith/time.h>
#include <pith/trap.h>
#include <pith/wait.h>

static int return_arg(void *arg)
{
	return (int)(uintptr_t)arg;
}

static void sched_thread_join_returns_exit_code(struct ktest *t)
{
	struct thread *th = kthread_run(return_arg, (void *)42, "ret42");
	int ret = 0;

	KT_ASSERT_FALSE(t, IS_ERR(th));
	KT_EXPECT_EQ(t, kthread_join(th, &ret), 0);
	KT_EXPECT_EQ(t, ret, 42);
}

static void sched_msleep_sleeps_at_least(struct ktest *t)
{
	uint64_t t0 = ktime_get_ns();

	msleep(10);
	KT_EXPECT_TRUE(t, ktime_get_ns() - t0 >= 10 * NSEC_PER_MSEC);
}

static DECLARE_WAIT_QUEUE_HEAD(wq);
static volatile int cond_flag, woken_count;

static void sched_wait_timeout_returns_zero_on_timeout(struct ktest *t)
{
	uint64_t t0 = ktime_get_ns();
	uint64_t left = wait_event_timeout(wq, cond_flag, 5 * NSEC_PER_MSEC);

	KT_EXPECT_EQ(t, left, 0);
	KT_EXPECT_TRUE(t, ktime_get_ns() - t0 >= 5 * NSEC_PER_MSEC);
}

static int exclusive_waiter(void *arg)
{
	wait_event_exclusive(wq, cond_flag);
	woken_count++;
	return 0;
}

static void sched_wake_up_wakes_one_exclusive(struct ktest *t)
{
	struct thread *th[3];

	cond_flag = 0;
	woken_count = 0;
	for (int i = 0; i < 3; i++)
		th[i] = kthread_run(exclusive_waiter, NULL, "excl");
	msleep(5);			/* all three asleep on wq */
	cond_flag = 1;
	KT_EXPECT_EQ(t, wake_up(&wq), 1);
	msleep(5);
	KT_EXPECT_EQ(t, woken_count, 1);
	wake_up_all(&wq);
	for (int i = 0; i < 3; i++)
		kthread_join(th[i], NULL);
	KT_EXPECT_EQ(t, woken_count, 3);
	cond_flag = 0;
}

/* Two threads keep different values in an SSE register across many
 * switches; each must find its own value at the end. (Kernel code is
 * built without SSE, so the register is set and read in assembly.) */
static int fpu_worker(void *arg)
{
	uint64_t mine = (uintptr_t)arg, bits;

	__asm__ __volatile__("movq %0, %%xmm7" : : "r"(mine));
	for (int i = 0; i < 100; i++) {
		yield();
		if (i % 25 == 24)
			msleep(1);
	}
	__asm__ __volatile__("movq %%xmm7, %0" : "=r"(bits));
	return bits == mine;
}

static void sched_fpu_state_survives_switches(struct ktest *t)
{
	struct thread *a = kthread_run(fpu_worker, (void *)0x1111, "fpu-a");
	struct thread *b = kthread_run(fpu_worker, (void *)0x2222, "fpu-b");
	int ra = 0, rb = 0;

	KT_ASSERT_FALSE(t, IS_ERR(a) || IS_ERR(b));
	__asm__ __volatile__("movq %0, %%xmm7" : : "r"(0x3333ul));
	kthread_join(a, &ra);
	kthread_join(b, &rb);
	KT_EXPECT_EQ(t, ra, 1);
	KT_EXPECT_EQ(t, rb, 1);
}

static volatile int overflow_vector;
static char overflow_what[96];

static __noinline int deep(int n)
{
	volatile char pad[256];

	pad[0] = (char)n;
	return n > 0 ? deep(n - 1) + pad[0] : 0;
}

static int overflow_thread(void *arg)
{
	struct kjmp_buf jb;
	int v;

	if ((v = kjmp_set(&jb)) == 0) {
		trap_catch(&jb);
		deep(1 << 20);
		trap_catch(NULL);
	}
	overflow_vector = v - 1;
	kstrlcpy(overflow_what, trap_last_fault()->what, sizeof(overflow_what));
	return 0;
}

static void sched_thread_stack_overflow_is_reported(struct ktest *t)
{
	struct thread_attr a = { .stack_size = 16384 };
	struct thread *th = kthread_create_attr(overflow_thread, NULL,
						"deep", &a);

	KT_ASSERT_FALSE(t, IS_ERR(th));
	overflow_vector = -1;
	wake_up_process(th);
	kthread_join(th, NULL);
	KT_EXPECT_EQ(t, overflow_vector, 14);
	KT_EXPECT_EQ(t, kstrncmp(overflow_what, "stack overflow in deep", 22),
		     0);
}

static void sched_create_bad_attr_is_einval(struct ktest *t)
{
	struct thread_attr fifo0 = { .policy = SCHED_FIFO, .rt_priority = 0 };
	struct thread_attr nice20 = { .nice = 20 };
	int before = sched_nr_threads();
	struct thread *th;

	th = kthread_create_attr(return_arg, NULL, "bad", &fifo0);
	KT_EXPECT_EQ(t, PTR_ERR(th), -EINVAL);
	th = kthread_create_attr(return_arg, NULL, "bad", &nice20);
	KT_EXPECT_EQ(t, PTR_ERR(th), -EINVAL);
	KT_EXPECT_EQ(t, sched_nr_threads(), before);
}

static struct ktest_case sched_cases[] = {
	KTEST_CASE(sched_thread_join_returns_exit_code),
	KTEST_CASE(sched_msleep_sleeps_at_least),
	KTEST_CASE(sched_wait_timeout_returns_zero_on_timeout),
	KTEST_CASE(sched_wake_up_wakes_one_exclusive),
	KTEST_CASE(sched_fpu_state_survives_switches),
	KTEST_CASE(sched_thread_stack_overflow_is_reported),
	KTEST_CASE(sched_create_bad_attr_is_einval),
	{}
};
KTEST_SUITE(sched, sched_cases);
