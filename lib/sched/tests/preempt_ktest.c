/* SPDX-License-Identifier: MIT */
/*
 * The preemptive scheduler on real time: CFS shares the CPU by weight and
 * bounds how long a woken thread waits behind a CPU hog; SCHED_FIFO runs
 * before CFS; SCHED_RR threads of one priority take turns.
 *
 * Every busy thread also stops at a deadline, so a scheduler that fails
 * to preempt makes a case fail instead of hanging the image. Times are
 * kept short and bounds loose enough for TCG.
 */
#include <pith/errno.h>
#include <pith/hrtimer.h>
#include <pith/ktest.h>
#include <pith/preempt.h>
#include <pith/printk.h>
#include <pith/sched.h>
#include <pith/time.h>

#define LATENCY_NS	((uint64_t)CONFIG_LIBSCHED_LATENCY_US * NSEC_PER_USEC)
#define RR_SLICE_NS	((uint64_t)CONFIG_LIBSCHED_RR_SLICE_MS * NSEC_PER_MSEC)

struct hog {
	volatile bool stop;
	uint64_t deadline;
	volatile unsigned long count;
};

/* Spins until told to stop or its deadline passes. */
static int hog_fn(void *arg)
{
	struct hog *h = arg;

	while (!h->stop && ktime_get_ns() < h->deadline)
		h->count++;
	return 0;
}

static struct thread *spawn(int (*fn)(void *), void *arg, const char *name,
			    int policy, int nice, int rt_priority)
{
	struct thread_attr a = { .policy = policy, .nice = nice,
				 .rt_priority = rt_priority };

	return kthread_create_attr(fn, arg, name, &a);
}

static void preempt_cfs_nice_shares_follow_weights(struct ktest *t)
{
	struct hog h = { .deadline = ktime_get_ns() + 5 * NSEC_PER_SEC };
	struct thread *a = spawn(hog_fn, &h, "nice0", SCHED_NORMAL, 0, 0);
	struct thread *b = spawn(hog_fn, &h, "nice5", SCHED_NORMAL, 5, 0);
	uint64_t ra, rb;

	KT_ASSERT_FALSE(t, IS_ERR(a) || IS_ERR(b));
	preempt_disable();
	wake_up_process(a);
	wake_up_process(b);
	preempt_enable();
	msleep(1000);
	/* Both are queued now (we run): their accounting is current. */
	ra = a->se.sum_exec_runtime;
	rb = b->se.sum_exec_runtime;
	h.stop = true;
	kthread_join(a, NULL);
	kthread_join(b, NULL);
	KT_ASSERT_TRUE(t, ra > 0 && rb > 0);
	pr_info("sched_preempt: nice0 %llu us, nice5 %llu us, ratio x1000 "
		"%llu (ideal 3057)\n", (unsigned long long)ra / 1000,
		(unsigned long long)rb / 1000,
		(unsigned long long)(ra * 1000 / rb));
	/* ra / rb should be 1024 / 335, within 10%. */
	if (ra * 335 * 10 < rb * 1024 * 9 || ra * 335 * 10 > rb * 1024 * 11)
		kt_fail(t, false, __FILE__, __LINE__, "nice0 %llu ns nice5 %llu",
			(unsigned long long)ra, (unsigned long long)rb);
}

struct waker {
	struct hrtimer timer;
	struct thread *thread;
	struct hog *hog;
	int rounds;
	volatile bool fired;
	volatile uint64_t woken_at;	/* when wake_up_process ran */
	uint64_t worst;			/* largest wake-to-run delay */
	int over;			/* delays beyond the latency */
};

static enum hrtimer_restart waker_fire(struct hrtimer *h)
{
	struct waker *w = container_of(h, struct waker, timer);

	w->woken_at = ktime_get_ns();
	w->fired = true;
	wake_up_process(w->thread);
	return HRTIMER_NORESTART;
}

/* Sleeps on a timer while a hog runs; records how long each wake-up
 * took to get the CPU (timer lateness left out: that is the host's). */
static int sleeper_fn(void *arg)
{
	struct waker *w = arg;

	for (int i = 0; i < w->rounds; i++) {
		uint64_t late;

		w->fired = false;
		hrtimer_start_rel(&w->timer, (2 + i % 3) * NSEC_PER_MSEC);
		for (;;) {
			current->state = TASK_UNINTERRUPTIBLE;
			if (w->fired)
				break;
			schedule();
		}
		current->state = TASK_RUNNING;
		late = ktime_get_ns() - w->woken_at;
		if (late > w->worst)
			w->worst = late;
		w->over += late > LATENCY_NS;
	}
	w->hog->stop = true;
	return 0;
}

/*
 * A hog and a sleeper of the given policy: every wake-up must get the
 * CPU within the target latency. TCG on a busy host stalls the whole
 * guest now and then, so one or two rounds of twenty may be late, but
 * not by half a second (a scheduler that fails to preempt makes it
 * seconds).
 */
static void check_wake_delays(struct ktest *t, int sleeper_policy)
{
	struct hog h = { .deadline = ktime_get_ns() + 5 * NSEC_PER_SEC };
	struct waker w = { .hog = &h, .rounds = 20 };
	struct thread *hog = spawn(hog_fn, &h, "hog", SCHED_NORMAL, 0, 0);
	struct thread *s = spawn(sleeper_fn, &w, "sleeper", sleeper_policy,
				 0, 0);

	KT_ASSERT_FALSE(t, IS_ERR(hog) || IS_ERR(s));
	w.thread = s;
	hrtimer_init(&w.timer, waker_fire);
	wake_up_process(hog);
	wake_up_process(s);
	kthread_join(s, NULL);
	kthread_join(hog, NULL);
	KT_EXPECT_TRUE(t, h.count > 0);
	pr_info("sched_preempt: wake-to-run delay: worst %llu us, %d of %d "
		"over %u us (%s)\n", (unsigned long long)w.worst / 1000,
		w.over, w.rounds, CONFIG_LIBSCHED_LATENCY_US,
		sleeper_policy == SCHED_BATCH ? "batch" : "normal");
	if (w.over > 2 || w.worst > 500 * NSEC_PER_MSEC)
		kt_fail(t, false, __FILE__, __LINE__, "worst delay %llu ns, "
			"%d rounds over the latency",
			(unsigned long long)w.worst, w.over);
}

/* Wake-up preemption: the sleeper has vruntime credit and runs at once. */
static void preempt_cfs_woken_thread_waits_less_than_latency(struct ktest *t)
{
	check_wake_delays(t, SCHED_NORMAL);
}

/* SCHED_BATCH never wake-up preempts: the hog's slice end bounds it. */
static void preempt_cfs_batch_wakee_waits_at_most_a_period(struct ktest *t)
{
	check_wake_delays(t, SCHED_BATCH);
}

struct fifo_probe {
	struct hog *cfs_hog;
	unsigned long before, after;
	volatile bool started;
};

/* Spins 20 ms and watches whether the CFS hog got the CPU meanwhile. */
static int fifo_fn(void *arg)
{
	struct fifo_probe *p = arg;
	uint64_t end = ktime_get_ns() + 20 * NSEC_PER_MSEC;

	p->started = true;
	p->before = p->cfs_hog->count;
	while (ktime_get_ns() < end)
		;
	p->after = p->cfs_hog->count;
	return 0;
}

static void preempt_fifo_runs_before_cfs(struct ktest *t)
{
	struct hog h = { .deadline = ktime_get_ns() + 5 * NSEC_PER_SEC };
	struct fifo_probe p = { .cfs_hog = &h };
	struct thread *hog = spawn(hog_fn, &h, "cfs-hog", SCHED_NORMAL, 0, 0);
	struct thread *f = spawn(fifo_fn, &p, "fifo", SCHED_FIFO, 0, 10);

	KT_ASSERT_FALSE(t, IS_ERR(hog) || IS_ERR(f));
	wake_up_process(hog);
	msleep(5);
	/* We are CFS too: the FIFO thread must run before this returns. */
	wake_up_process(f);
	KT_EXPECT_TRUE(t, p.started);
	kthread_join(f, NULL);
	h.stop = true;
	kthread_join(hog, NULL);
	KT_EXPECT_TRUE(t, p.before > 0);
	KT_EXPECT_EQ(t, p.after, p.before);
}

struct rr_trace {
	uint64_t deadline;
	volatile int last;
	char seq[64];
	volatile int n;
};

struct rr_arg {
	struct rr_trace *tr;
	int id;
};

/* Spins; notes each time it finds the CPU came from the other thread. */
static int rr_fn(void *arg)
{
	struct rr_arg *a = arg;
	struct rr_trace *tr = a->tr;

	while (ktime_get_ns() < tr->deadline) {
		if (tr->last != a->id && tr->n < (int)sizeof(tr->seq) - 1) {
			tr->last = a->id;
			tr->seq[tr->n++] = (char)('A' + a->id);
		}
	}
	return 0;
}

static void preempt_rr_equal_prio_alternate(struct ktest *t)
{
	struct rr_trace tr = { .last = -1 };
	struct rr_arg args[2] = { { &tr, 0 }, { &tr, 1 } };
	struct thread *th[2];

	for (int i = 0; i < 2; i++) {
		th[i] = spawn(rr_fn, &args[i], "rr", SCHED_RR, 0, 20);
		KT_ASSERT_FALSE(t, IS_ERR(th[i]));
	}
	/* Ten slices' worth (TCG on a busy host loses some); both must be
	 * queued before either runs. */
	tr.deadline = ktime_get_ns() + 10 * RR_SLICE_NS;
	preempt_disable();
	wake_up_process(th[0]);
	wake_up_process(th[1]);
	preempt_enable();
	for (int i = 0; i < 2; i++)
		kthread_join(th[i], NULL);
	tr.seq[tr.n] = 0;
	pr_info("sched_preempt: rr turns %s\n", tr.seq);
	/* FIFO would give "AB"; RR turns at every slice end. */
	KT_EXPECT_TRUE(t, tr.n >= 4);
	KT_EXPECT_EQ(t, tr.seq[0], 'A');
	if (tr.n < 4)
		kt_fail(t, false, __FILE__, __LINE__, "turns: %s", tr.seq);
}

static void spin_ms(unsigned int ms)
{
	uint64_t end = ktime_get_ns() + ms * NSEC_PER_MSEC;

	while (ktime_get_ns() < end)
		;
}

/* What lib/lock's priority inheritance does to a lock owner. */
static void preempt_set_prio_runs_cfs_thread_as_rt_and_back(struct ktest *t)
{
	struct hog h = { .deadline = ktime_get_ns() + 5 * NSEC_PER_SEC };
	struct thread *hog = spawn(hog_fn, &h, "cfs-hog", SCHED_NORMAL, 0, 0);
	int normal = current->normal_prio;
	unsigned long boosted, after;

	KT_ASSERT_FALSE(t, IS_ERR(hog));
	sched_set_prio(current, 50);
	wake_up_process(hog);
	spin_ms(20);
	boosted = h.count;		/* a boosted thread keeps the CPU */
	sched_set_prio(current, normal);
	spin_ms(20);
	after = h.count;		/* back in CFS: the CPU is shared */
	h.stop = true;
	kthread_join(hog, NULL);
	KT_EXPECT_EQ(t, boosted, 0);
	KT_EXPECT_TRUE(t, after > 0);
	KT_EXPECT_EQ(t, current->prio, normal);
}

static struct ktest_case preempt_cases[] = {
	KTEST_CASE(preempt_cfs_nice_shares_follow_weights),
	KTEST_CASE(preempt_cfs_woken_thread_waits_less_than_latency),
	KTEST_CASE(preempt_cfs_batch_wakee_waits_at_most_a_period),
	KTEST_CASE(preempt_fifo_runs_before_cfs),
	KTEST_CASE(preempt_rr_equal_prio_alternate),
	KTEST_CASE(preempt_set_prio_runs_cfs_thread_as_rt_and_back),
	{}
};
KTEST_SUITE(sched_preempt, preempt_cases);
