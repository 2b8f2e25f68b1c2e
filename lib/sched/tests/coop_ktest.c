/* SPDX-License-Identifier: MIT */
/* The cooperative class: no preemption, round-robin yields. */
#include <pith/ktest.h>
#include <pith/sched.h>

static char trace[64];
static volatile int ntrace;

static int busy_then_mark(void *arg)
{
	/* Never blocks: under coop nobody else runs meanwhile. */
	for (volatile long i = 0; i < 200000; i++)
		;
	trace[ntrace++] = (char)(uintptr_t)arg;
	return 0;
}

static void coop_busy_thread_runs_to_completion(struct ktest *t)
{
	struct thread *a, *b;

	ntrace = 0;
	a = kthread_run(busy_then_mark, (void *)'a', "busy-a");
	b = kthread_run(busy_then_mark, (void *)'b', "busy-b");
	kthread_join(a, NULL);
	kthread_join(b, NULL);
	KT_ASSERT_EQ(t, ntrace, 2);
	KT_EXPECT_EQ(t, trace[0], 'a');
	KT_EXPECT_EQ(t, trace[1], 'b');
}

static int yielder(void *arg)
{
	for (int i = 0; i < 3; i++) {
		trace[ntrace++] = (char)(uintptr_t)arg;
		yield();
	}
	return 0;
}

static void coop_yield_is_round_robin(struct ktest *t)
{
	struct thread *th[3];

	ntrace = 0;
	for (int i = 0; i < 3; i++)
		th[i] = kthread_run(yielder, (void *)(uintptr_t)('x' + i),
				    "yielder");
	for (int i = 0; i < 3; i++)
		kthread_join(th[i], NULL);
	trace[ntrace] = 0;
	KT_EXPECT_EQ(t, ntrace, 9);
	KT_EXPECT_EQ(t, __builtin_memcmp(trace, "xyzxyzxyz", 9), 0);
}

static struct ktest_case coop_cases[] = {
	KTEST_CASE(coop_busy_thread_runs_to_completion),
	KTEST_CASE(coop_yield_is_round_robin),
	{}
};
KTEST_SUITE(sched_coop, coop_cases);
