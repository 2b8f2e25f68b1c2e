/* SPDX-License-Identifier: MIT */
/*
 * Workqueue tests (ktest suite "wq"): queueing semantics, flush and
 * cancel, delayed work, max_active and ordering, concurrency management
 * through the scheduler hooks, CPU-intensive items, the rescuer under
 * failing worker creation, draining on destroy, queueing from interrupt
 * context, idle reaping, high priority.
 *
 * They hold under the cooperative scheduler (workers run while the test
 * thread sleeps) and the preemptive one. Every wait has a deadline, so a
 * broken mechanism fails a case instead of hanging the run.
 */
#include <pith/kernel.h>
#include <pith/ktest.h>
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/sched.h>
#include <pith/time.h>
#include <pith/wait.h>
#include <pith/wq.h>
#include "../wq_internal.h"

#ifdef CONFIG_LIBWQ_FAULT_INJECT
#define IS_ENABLED_FAULT_INJECT 1
#else
#define IS_ENABLED_FAULT_INJECT 0
#endif

/* Sleep in 1 ms steps until cond holds or ms pass; evaluates to cond. */
#define wait_until(cond, ms) ({						\
	uint64_t __end = ktime_get_ns() + (ms) * NSEC_PER_MSEC;		\
	while (!(cond) && ktime_get_ns() < __end)			\
		msleep(1);						\
	(bool)(cond); })

static struct worker_pool *normal_pool(void)
{
	return &wq_pools[POOL_NORMAL];
}

static volatile int count, running, overlap, requeued;
static struct work_struct w1;

static void count_fn(struct work_struct *w)
{
	count++;
}

static void wq_queue_twice_runs_once(struct ktest *t)
{
	count = 0;
	INIT_WORK(&w1, count_fn);
	KT_EXPECT_TRUE(t, queue_work(system_wq, &w1));
	KT_EXPECT_FALSE(t, queue_work(system_wq, &w1));
	KT_EXPECT_TRUE(t, work_pending(&w1));
	KT_EXPECT_TRUE(t, flush_work(&w1));
	KT_EXPECT_EQ(t, count, 1);
	KT_EXPECT_FALSE(t, work_pending(&w1));
	KT_EXPECT_FALSE(t, flush_work(&w1));	/* idle: nothing to wait for */
}

static void requeue_fn(struct work_struct *w)
{
	if (running++)
		overlap++;
	if (count++ == 0)
		requeued = queue_work(system_wq, w);
	msleep(2);		/* let another worker try to run it meanwhile */
	running--;
}

static void wq_requeue_while_running_runs_again(struct ktest *t)
{
	count = running = overlap = requeued = 0;
	INIT_WORK(&w1, requeue_fn);
	queue_work(system_wq, &w1);
	KT_EXPECT_TRUE(t, wait_until(count == 2 && !running, 1000));
	flush_work(&w1);
	KT_EXPECT_EQ(t, requeued, 1);
	KT_EXPECT_EQ(t, count, 2);
	KT_EXPECT_EQ(t, overlap, 0);
}

static volatile int done_flag, started_flag;

static void slow_fn(struct work_struct *w)
{
	started_flag = 1;
	msleep(10);
	count++;
	done_flag = 1;		/* last thing it does */
}

static void wq_flush_work_waits_for_last_instance(struct ktest *t)
{
	count = done_flag = 0;
	INIT_WORK(&w1, slow_fn);
	queue_work(system_wq, &w1);
	KT_EXPECT_TRUE(t, wait_until(started_flag, 1000));
	queue_work(system_wq, &w1);	/* again, while it runs */
	done_flag = 0;
	KT_EXPECT_TRUE(t, flush_work(&w1));
	KT_EXPECT_EQ(t, done_flag, 1);
	KT_EXPECT_EQ(t, count, 2);
}

static void wq_cancel_work_sync_waits_for_running(struct ktest *t)
{
	count = done_flag = started_flag = 0;
	INIT_WORK(&w1, slow_fn);
	queue_work(system_wq, &w1);
	KT_ASSERT_TRUE(t, wait_until(started_flag, 1000));
	KT_EXPECT_FALSE(t, cancel_work_sync(&w1));	/* running, not pending */
	KT_EXPECT_EQ(t, done_flag, 1);
	KT_EXPECT_FALSE(t, work_pending(&w1));
	/* Pending and not started: taken off the queue, never runs. */
	count = 0;
	queue_work(system_wq, &w1);
	KT_EXPECT_TRUE(t, cancel_work_sync(&w1));
	msleep(5);
	KT_EXPECT_EQ(t, count, 0);
	KT_EXPECT_FALSE(t, work_pending(&w1));
}

static volatile uint64_t ran_at;
static struct delayed_work dw1;

static void stamp_fn(struct work_struct *w)
{
	ran_at = ktime_get_ns();
	count++;
}

static void wq_delayed_work_never_runs_early(struct ktest *t)
{
	uint64_t t0 = ktime_get_ns();

	ran_at = 0;
	INIT_DELAYED_WORK(&dw1, stamp_fn);
	KT_EXPECT_TRUE(t, queue_delayed_work(system_wq, &dw1,
					     20 * NSEC_PER_MSEC));
	KT_EXPECT_FALSE(t, queue_delayed_work(system_wq, &dw1, 0));
	KT_ASSERT_TRUE(t, wait_until(ran_at, 2000));
	KT_EXPECT_TRUE(t, ran_at - t0 >= 20 * NSEC_PER_MSEC);
	/* Cancelled before expiry: never runs. */
	count = 0;
	queue_delayed_work(system_wq, &dw1, 5 * NSEC_PER_MSEC);
	KT_EXPECT_TRUE(t, cancel_delayed_work(&dw1));
	msleep(15);
	KT_EXPECT_EQ(t, count, 0);
	KT_EXPECT_FALSE(t, delayed_work_pending(&dw1));
}

static void wq_mod_delayed_work_moves_it(struct ktest *t)
{
	uint64_t t0 = ktime_get_ns();

	ran_at = 0;
	INIT_DELAYED_WORK(&dw1, stamp_fn);
	queue_delayed_work(system_wq, &dw1, 10 * NSEC_PER_SEC);
	KT_EXPECT_TRUE(t, mod_delayed_work(system_wq, &dw1,
					   15 * NSEC_PER_MSEC));
	KT_ASSERT_TRUE(t, wait_until(ran_at, 2000));
	KT_EXPECT_TRUE(t, ran_at - t0 >= 15 * NSEC_PER_MSEC);
	/* And later: moved from 1 ms to 30 ms, not run at 1 ms. */
	ran_at = 0;
	t0 = ktime_get_ns();
	queue_delayed_work(system_wq, &dw1, NSEC_PER_MSEC);
	mod_delayed_work(system_wq, &dw1, 30 * NSEC_PER_MSEC);
	KT_ASSERT_TRUE(t, wait_until(ran_at, 2000));
	KT_EXPECT_TRUE(t, ran_at - t0 >= 30 * NSEC_PER_MSEC);
	/* flush_delayed_work fires an armed one now. */
	ran_at = 0;
	queue_delayed_work(system_wq, &dw1, 10 * NSEC_PER_SEC);
	KT_EXPECT_TRUE(t, flush_delayed_work(&dw1));
	KT_EXPECT_TRUE(t, ran_at != 0);
}

#define NR_SLEEPERS 10
static struct work_struct sleepers[NR_SLEEPERS];
static volatile int max_running;

static void sleeper_fn(struct work_struct *w)
{
	if (++running > max_running)
		max_running = running;
	msleep(3);
	running--;
	count++;
}

static int max_concurrency(struct workqueue_struct *wq)
{
	count = running = max_running = 0;
	for (int i = 0; i < NR_SLEEPERS; i++) {
		INIT_WORK(&sleepers[i], sleeper_fn);
		queue_work(wq, &sleepers[i]);
	}
	flush_workqueue(wq);
	return count == NR_SLEEPERS ? max_running : -1;
}

static void wq_max_active_limits_concurrency(struct ktest *t)
{
	struct workqueue_struct *one = alloc_workqueue("one", 0, 1);
	struct workqueue_struct *four = alloc_workqueue("four", 0, 4);

	KT_ASSERT_TRUE(t, one && four);
	KT_EXPECT_EQ(t, max_concurrency(one), 1);
	KT_EXPECT_EQ(t, max_concurrency(four), 4);
	destroy_workqueue(one);
	destroy_workqueue(four);
}

#define NR_ORDERED 1000
static int order_log[NR_ORDERED];
static volatile int order_n;

static void ordered_fn(struct work_struct *w)
{
	if (running++)
		overlap++;
	order_log[order_n++] = (int)(uintptr_t)w;
	yield();
	running--;
}

static void wq_ordered_runs_items_in_queue_order(struct ktest *t)
{
	struct workqueue_struct *wq = alloc_ordered_workqueue("ordered", 0);
	struct work_struct *items = kzalloc(NR_ORDERED * sizeof(*items),
					    GFP_KERNEL);
	int bad = 0;

	KT_ASSERT_TRUE(t, wq && items);
	order_n = running = overlap = 0;
	for (int i = 0; i < NR_ORDERED; i++) {
		INIT_WORK(&items[i], ordered_fn);
		queue_work(wq, &items[i]);
	}
	flush_workqueue(wq);
	KT_EXPECT_EQ(t, order_n, NR_ORDERED);
	for (int i = 0; i < order_n; i++)
		bad += order_log[i] != (int)(uintptr_t)&items[i];
	KT_EXPECT_EQ(t, bad, 0);
	KT_EXPECT_EQ(t, overlap, 0);
	destroy_workqueue(wq);
	kfree(items);
}

static DECLARE_WAIT_QUEUE_HEAD(block_wait);
static volatile bool release, a_blocked, a_done, b_done, b_saw_a_blocked;
static volatile int a_running_after, b_running;
static struct work_struct wa, wb;

static void block_a_fn(struct work_struct *w)
{
	a_blocked = true;
	wait_event(block_wait, release);
	a_blocked = false;
	a_running_after = normal_pool()->nr_running;
	a_done = true;
}

static void b_fn(struct work_struct *w)
{
	b_saw_a_blocked = a_blocked;
	b_running = normal_pool()->nr_running;
	b_done = true;
}

static void wq_cm_blocked_item_lets_next_one_run(struct ktest *t)
{
	release = a_done = b_done = b_saw_a_blocked = false;
	a_running_after = b_running = -1;
	INIT_WORK(&wa, block_a_fn);
	INIT_WORK(&wb, b_fn);
	queue_work(system_wq, &wa);
	queue_work(system_wq, &wb);
	KT_EXPECT_TRUE(t, wait_until(b_done, 1000));
	KT_EXPECT_TRUE(t, b_saw_a_blocked);
	KT_EXPECT_EQ(t, b_running, 1);		/* B's worker; A's sleeps */
	release = true;
	wake_up_all(&block_wait);
	KT_EXPECT_TRUE(t, wait_until(a_done, 1000));
	KT_EXPECT_EQ(t, a_running_after, 1);	/* back to one */
	flush_work(&wa);
	flush_work(&wb);
	/* The workers go idle just after their items end: under preemption
	 * the test may get here first. */
	KT_EXPECT_TRUE(t, wait_until(normal_pool()->nr_running == 0, 1000));
}

static void spin_c_fn(struct work_struct *w)
{
	uint64_t end = ktime_get_ns() + 500 * NSEC_PER_MSEC;

	/* Busy (never blocks), but yields like a long computation should
	 * under the cooperative scheduler. */
	while (!b_done && ktime_get_ns() < end)
		yield();
	a_done = b_done;
}

static void wq_cpu_intensive_does_not_hold_back_others(struct ktest *t)
{
	struct workqueue_struct *wq = alloc_workqueue("cpu", WQ_CPU_INTENSIVE,
						      0);

	KT_ASSERT_TRUE(t, wq != NULL);
	a_done = b_done = false;
	INIT_WORK(&wa, spin_c_fn);
	INIT_WORK(&wb, b_fn);
	queue_work(wq, &wa);
	queue_work(system_wq, &wb);
	flush_work(&wa);
	KT_EXPECT_TRUE(t, a_done);	/* B ran while C was still running */
	flush_work(&wb);
	destroy_workqueue(wq);
}

#define NR_BLOCKERS 64
#define NR_RESCUED 8
static struct work_struct blockers[NR_BLOCKERS], rescued[NR_RESCUED],
	stalled[NR_RESCUED];
static volatile int nr_blocked, nr_rescued, nr_stalled;

static void blocker_fn(struct work_struct *w)
{
	nr_blocked++;
	wait_event(block_wait, release);
}

static void rescued_fn(struct work_struct *w)
{
	nr_rescued++;
}

static void stalled_fn(struct work_struct *w)
{
	nr_stalled++;
}

/* Queue blockers on @wq until one does not start: the pool starves. */
static int starve_pool(struct workqueue_struct *wq)
{
	int i;

	for (i = 0; i < NR_BLOCKERS; i++) {
		INIT_WORK(&blockers[i], blocker_fn);
		queue_work(wq, &blockers[i]);
		if (!wait_until(nr_blocked == i + 1, 20))
			return i + 1;
	}
	return -1;
}

static void wq_rescuer_runs_reclaim_items_when_creation_fails(struct ktest *t)
{
	struct workqueue_struct *nq, *rq;
	int cooldown = wq_create_cooldown_ms, queued;

	if (!IS_ENABLED_FAULT_INJECT)
		kt_skip(t, "needs CONFIG_LIBWQ_FAULT_INJECT");
	nq = alloc_workqueue("norescue", 0, 0);
	rq = alloc_workqueue("reclaim", WQ_MEM_RECLAIM, 0);
	KT_ASSERT_TRUE(t, nq && rq);
	release = false;
	nr_blocked = nr_rescued = nr_stalled = 0;
	wq_create_cooldown_ms = 20;
	wq_fail_worker_creation(true);
	queued = starve_pool(nq);
	KT_EXPECT_TRUE(t, queued > 0);
	for (int i = 0; i < NR_RESCUED; i++) {
		INIT_WORK(&stalled[i], stalled_fn);
		INIT_WORK(&rescued[i], rescued_fn);
		queue_work(nq, &stalled[i]);
		queue_work(rq, &rescued[i]);
	}
	KT_EXPECT_TRUE(t, wait_until(nr_rescued == NR_RESCUED, 2000));
	KT_EXPECT_EQ(t, nr_stalled, 0);		/* no rescuer: waits */
	wq_fail_worker_creation(false);
	KT_EXPECT_TRUE(t, wait_until(nr_stalled == NR_RESCUED, 2000));
	KT_EXPECT_EQ(t, nr_blocked, queued);
	release = true;
	wake_up_all(&block_wait);
	wq_create_cooldown_ms = cooldown;
	destroy_workqueue(nq);
	destroy_workqueue(rq);
}

static struct workqueue_struct *drain_wq;
static struct work_struct chain_w, outside_w, outsider, never_w;
static volatile int chained_ok = -1, outside_ok = -1;

static void never_fn(struct work_struct *w)
{
	count += 1000;
}

static void outsider_fn(struct work_struct *w)
{
	outside_ok = queue_work(drain_wq, &never_w);
}

static void chain_fn(struct work_struct *w)
{
	if (w == &chain_w) {
		queue_work(system_wq, &outsider);
		msleep(10);		/* the outsider tries meanwhile */
		chained_ok = queue_work(drain_wq, &outside_w);
	}
	count++;
}

static void wq_destroy_drains_pending_items(struct ktest *t)
{
	struct work_struct *items = kzalloc(100 * sizeof(*items), GFP_KERNEL);

	drain_wq = alloc_workqueue("drain", 0, 1);
	KT_ASSERT_TRUE(t, drain_wq && items);
	count = 0;
	INIT_WORK(&chain_w, chain_fn);
	INIT_WORK(&outside_w, chain_fn);
	INIT_WORK(&outsider, outsider_fn);
	INIT_WORK(&never_w, never_fn);
	queue_work(drain_wq, &chain_w);
	for (int i = 0; i < 100; i++) {
		INIT_WORK(&items[i], count_fn);
		queue_work(drain_wq, &items[i]);
	}
	destroy_workqueue(drain_wq);
	KT_EXPECT_EQ(t, count, 102);	/* 100 + the chain of two */
	KT_EXPECT_EQ(t, chained_ok, 1);
	flush_work(&outsider);
	KT_EXPECT_EQ(t, outside_ok, 0);
	kfree(items);
}

#define NR_IRQ_ITEMS	100000
#define IRQ_CHUNK	8192	/* items per allocation (< the 4 MiB limit) */
#define IRQ_BATCH	64	/* items queued per timer interrupt */

struct irq_item {
	struct work_struct work;
	int idx;
};

static struct irq_item *irq_chunks[DIV_ROUND_UP(NR_IRQ_ITEMS, IRQ_CHUNK)];
static uint8_t *irq_runs;
static volatile int irq_next, irq_queued, irq_ran;

static struct irq_item *irq_item(int i)
{
	return &irq_chunks[i / IRQ_CHUNK][i % IRQ_CHUNK];
}

static void irq_item_fn(struct work_struct *w)
{
	irq_runs[container_of(w, struct irq_item, work)->idx]++;
	irq_ran++;
}

static enum hrtimer_restart irq_feeder(struct hrtimer *h)
{
	for (int k = 0; k < IRQ_BATCH && irq_next < NR_IRQ_ITEMS; k++)
		irq_queued += queue_work(system_wq, &irq_item(irq_next++)->work);
	if (irq_next >= NR_IRQ_ITEMS)
		return HRTIMER_NORESTART;
	hrtimer_forward(h, ktime_get_ns(), 20 * NSEC_PER_USEC);
	return HRTIMER_RESTART;
}

static bool irq_items_alloc(void)
{
	irq_runs = kzalloc(NR_IRQ_ITEMS, GFP_KERNEL);
	for (unsigned c = 0; c < ARRAY_SIZE(irq_chunks); c++)
		if (!(irq_chunks[c] = kzalloc(IRQ_CHUNK * sizeof(struct irq_item),
					      GFP_KERNEL)))
			return false;
	for (int i = 0; i < NR_IRQ_ITEMS; i++) {
		INIT_WORK(&irq_item(i)->work, irq_item_fn);
		irq_item(i)->idx = i;
	}
	return irq_runs != NULL;
}

static void irq_items_free(void)
{
	for (unsigned c = 0; c < ARRAY_SIZE(irq_chunks); c++) {
		kfree(irq_chunks[c]);
		irq_chunks[c] = NULL;
	}
	kfree(irq_runs);
}

static void wq_items_queued_from_irq_run_exactly_once(struct ktest *t)
{
	struct hrtimer h;
	uint64_t t0 = ktime_get_ns();
	int bad = 0;

	if (!irq_items_alloc()) {
		irq_items_free();
		KT_ASSERT_TRUE(t, false);
	}
	irq_next = irq_queued = irq_ran = 0;
	hrtimer_init(&h, irq_feeder);
	hrtimer_start_rel(&h, 10 * NSEC_PER_USEC);
	KT_EXPECT_TRUE(t, wait_until(irq_ran == NR_IRQ_ITEMS, 120000));
	hrtimer_cancel(&h);
	flush_workqueue(system_wq);
	for (int i = 0; i < NR_IRQ_ITEMS; i++)
		bad += irq_runs[i] != 1;
	KT_EXPECT_EQ(t, irq_queued, NR_IRQ_ITEMS);
	KT_EXPECT_EQ(t, bad, 0);
	pr_info("wq: %d items queued from interrupts ran in %llu ms\n",
		NR_IRQ_ITEMS, (ktime_get_ns() - t0) / NSEC_PER_MSEC);
	irq_items_free();
}

static void wq_idle_workers_are_reaped(struct ktest *t)
{
	struct worker_pool *pool = normal_pool();
	int timeout = wq_idle_timeout_ms;

	release = false;
	nr_blocked = 0;
	for (int i = 0; i < 8; i++) {
		INIT_WORK(&blockers[i], blocker_fn);
		queue_work(system_long_wq, &blockers[i]);
	}
	/* EXPECT, not ASSERT: the blockers must be released either way. */
	KT_EXPECT_TRUE(t, wait_until(nr_blocked == 8, 2000));
	KT_EXPECT_TRUE(t, pool->nr_workers >= 9);
	wq_idle_timeout_ms = 20;
	release = true;
	wake_up_all(&block_wait);
	flush_workqueue(system_long_wq);
	KT_EXPECT_TRUE(t, wait_until(pool->nr_workers <= 2, 2000));
	KT_EXPECT_TRUE(t, pool->nr_idle <= 2);
	wq_idle_timeout_ms = timeout;
}

static volatile int first_ran;

static void first_fn(struct work_struct *w)
{
	first_ran = current->nice - 1;	/* -21: ran at nice -20 */
}

/* A pool without a worker gets its first when work arrives, even work
 * queued with interrupts off; the item then runs on it. */
static void wq_pool_gets_first_worker_on_demand(struct ktest *t)
{
	struct worker_pool *pool = wq_pool_for(WQ_UNBOUND | WQ_HIGHPRI);
	struct workqueue_struct *wq;
	unsigned long flags;

	if (pool->nr_workers)
		kt_skip(t, "the unbound high-priority pool has a worker");
	wq = alloc_workqueue("kt_first", WQ_UNBOUND | WQ_HIGHPRI, 0);
	KT_ASSERT_TRUE(t, wq != NULL);
	KT_EXPECT_EQ(t, pool->nr_workers, 0);	/* none for an empty queue */
	first_ran = 0;
	INIT_WORK(&w1, first_fn);
	flags = local_irq_save();
	queue_work(wq, &w1);
	local_irq_restore(flags);
	KT_EXPECT_TRUE(t, wait_until(first_ran == -21, 2000));
	KT_EXPECT_TRUE(t, pool->nr_workers >= 1);	/* + a reserve one */
	destroy_workqueue(wq);
}

static volatile int seen_nice = 99;

static void nice_fn(struct work_struct *w)
{
	seen_nice = current->nice;
}

static void wq_highpri_workers_run_at_nice_minus_20(struct ktest *t)
{
	INIT_WORK(&w1, nice_fn);
	queue_work(system_highpri_wq, &w1);
	flush_work(&w1);
	KT_EXPECT_EQ(t, seen_nice, -20);
	queue_work(system_wq, &w1);
	flush_work(&w1);
	KT_EXPECT_EQ(t, seen_nice, 0);
}

static volatile int self_flush = -1, self_cur = 0;

static void self_flush_fn(struct work_struct *w)
{
	self_cur = current_work() == w;
	self_flush = flush_work(w);
}

static void wq_flush_from_inside_is_reported_not_hung(struct ktest *t)
{
	INIT_WORK(&w1, self_flush_fn);
	queue_work(system_unbound_wq, &w1);
	KT_ASSERT_TRUE(t, wait_until(self_flush != -1, 1000));
	KT_EXPECT_EQ(t, self_flush, 0);
	KT_EXPECT_EQ(t, self_cur, 1);
	KT_EXPECT_TRUE(t, current_work() == NULL);
}

static void wq_flush_workqueue_waits_for_earlier_items(struct ktest *t)
{
	struct workqueue_struct *wq = alloc_workqueue("flush", WQ_UNBOUND, 0);

	KT_ASSERT_TRUE(t, wq != NULL);
	count = 0;
	for (int i = 0; i < NR_SLEEPERS; i++) {
		INIT_WORK(&sleepers[i], sleeper_fn);
		queue_work(wq, &sleepers[i]);
	}
	flush_workqueue(wq);
	KT_EXPECT_EQ(t, count, NR_SLEEPERS);
	wq_dump();		/* and the dump prints without trouble */
	destroy_workqueue(wq);
}

static struct ktest_case wq_cases[] = {
	KTEST_CASE(wq_queue_twice_runs_once),
	KTEST_CASE(wq_requeue_while_running_runs_again),
	KTEST_CASE(wq_flush_work_waits_for_last_instance),
	KTEST_CASE(wq_cancel_work_sync_waits_for_running),
	KTEST_CASE(wq_delayed_work_never_runs_early),
	KTEST_CASE(wq_mod_delayed_work_moves_it),
	KTEST_CASE(wq_max_active_limits_concurrency),
	KTEST_CASE(wq_ordered_runs_items_in_queue_order),
	KTEST_CASE(wq_cm_blocked_item_lets_next_one_run),
	KTEST_CASE(wq_cpu_intensive_does_not_hold_back_others),
	KTEST_CASE(wq_rescuer_runs_reclaim_items_when_creation_fails),
	KTEST_CASE(wq_destroy_drains_pending_items),
	KTEST_CASE(wq_items_queued_from_irq_run_exactly_once),
	KTEST_CASE(wq_idle_workers_are_reaped),
	KTEST_CASE(wq_highpri_workers_run_at_nice_minus_20),
	KTEST_CASE(wq_pool_gets_first_worker_on_demand),
	KTEST_CASE(wq_flush_from_inside_is_reported_not_hung),
	KTEST_CASE(wq_flush_workqueue_waits_for_earlier_items),
	{}
};
KTEST_SUITE(wq, wq_cases);
