/* SPDX-License-Identifier: MIT */
/*
 * kbench: in-guest figures for make bench, each the median (and 99th
 * percentile where it matters) of many samples timed with the TSC:
 *   yield_switch      one switch between two threads yielding in turn
 *   mutex_pingpong    one hand-off of a mutex between two threads
 *   wakeup_latency    wake_up_process() to the woken thread running
 *   hrtimer_lateness  expiry to callback
 *   wq_latency        queue_work() to the item starting
 *   wq_items_per_s_N  items per second through system_wq, N producers
 *   kmalloc64         kmalloc(64) + kfree
 *   page_alloc        alloc_pages(0) + free_pages
 * Output: "figure NAME median p99 ns" lines, then the image exits 0.
 */
#include <pith/completion.h>
#include <pith/hrtimer.h>
#include <pith/mm.h>
#include <pith/mutex.h>
#include <pith/printk.h>
#include <pith/sched.h>
#include <pith/time.h>
#include <pith/wq.h>

#define N 2001

static uint64_t samples[N];

static void sort(uint64_t *a, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && a[j] < a[j - 1]; j--) {
			uint64_t x = a[j];

			a[j] = a[j - 1];
			a[j - 1] = x;
		}
}

static void report(const char *name, uint64_t *a, int n)
{
	sort(a, n);
	printk(LOGLEVEL_EMERG, "figure %s %lu %lu ns\n", name,
	       (unsigned long)a[n / 2], (unsigned long)a[n * 99 / 100]);
}

static volatile int stop;

static int yielder(void *arg)
{
	while (!stop)
		yield();
	return 0;
}

static void bench_yield(void)
{
	struct thread *t = kthread_run(yielder, NULL, "yielder");

	yield();
	for (int i = 0; i < N; i++) {
		uint64_t t0 = ktime_get_ns();

		yield();	/* there and back: two switches */
		samples[i] = (ktime_get_ns() - t0) / 2;
	}
	stop = 1;
	kthread_join(t, NULL);
	stop = 0;
	report("yield_switch", samples, N);
}

static DEFINE_MUTEX(m);
static volatile int turn;

static int pinger(void *arg)
{
	for (int i = 0; i < N; i++) {
		while (turn != 1)
			yield();
		mutex_lock(&m);
		turn = 0;
		mutex_unlock(&m);
	}
	return 0;
}

static void bench_mutex(void)
{
	struct thread *t = kthread_run(pinger, NULL, "pinger");

	for (int i = 0; i < N; i++) {
		uint64_t t0 = ktime_get_ns();

		mutex_lock(&m);
		turn = 1;
		mutex_unlock(&m);
		while (turn != 0)
			yield();
		samples[i] = (ktime_get_ns() - t0) / 2;
	}
	kthread_join(t, NULL);
	report("mutex_pingpong", samples, N);
}

static volatile uint64_t woke_at;
static struct thread *sleeper;

static int sleeper_fn(void *arg)
{
	for (int i = 0; i < N; i++) {
		current->state = TASK_UNINTERRUPTIBLE;
		schedule();
		woke_at = ktime_get_ns();
	}
	return 0;
}

static void bench_wakeup(void)
{
	sleeper = kthread_run(sleeper_fn, NULL, "sleeper");
	for (int i = 0; i < N; i++) {
		uint64_t t0;

		while (sleeper->state == TASK_RUNNING)
			yield();
		woke_at = 0;
		t0 = ktime_get_ns();
		wake_up_process(sleeper);
		while (!woke_at)
			yield();
		samples[i] = woke_at - t0;
	}
	kthread_join(sleeper, NULL);
	report("wakeup_latency", samples, N);
}

static struct hrtimer timer;
static volatile int fired;
static uint64_t expected;

static enum hrtimer_restart on_timer(struct hrtimer *t)
{
	samples[fired] = ktime_get_ns() - expected;
	fired++;
	return HRTIMER_NORESTART;
}

static void bench_hrtimer(void)
{
	hrtimer_init(&timer, on_timer);
	fired = 0;
	for (int i = 0; i < 501; i++) {
		expected = ktime_get_ns() + 200 * NSEC_PER_USEC;
		hrtimer_start(&timer, expected);
		while (fired == i)
			msleep(1);
	}
	report("hrtimer_lateness", samples, 501);
}

static struct work_struct work;
static volatile uint64_t started;

static void work_fn(struct work_struct *w)
{
	started = ktime_get_ns();
}

static void bench_wq(void)
{
	INIT_WORK(&work, work_fn);
	for (int i = 0; i < N; i++) {
		uint64_t t0;

		started = 0;
		t0 = ktime_get_ns();
		queue_work(system_wq, &work);
		while (!started)
			yield();
		samples[i] = started - t0;
		flush_work(&work);
	}
	report("wq_latency", samples, N);
}

#define WQ_ITEMS 4096

static struct work_struct items[WQ_ITEMS];
static volatile int items_done;
static int per_producer;

static void count_fn(struct work_struct *w)
{
	items_done++;
}

static int producer(void *arg)
{
	int first = (int)(uintptr_t)arg;

	for (int i = first; i < first + per_producer; i++)
		queue_work(system_wq, &items[i]);
	return 0;
}

/* Items per second through system_wq with 1, 4 and 64 producers. */
static void bench_wq_throughput(void)
{
	static const int producers[] = { 1, 4, 64 };
	struct thread *t[64];

	for (unsigned p = 0; p < ARRAY_SIZE(producers); p++) {
		int n = producers[p];
		uint64_t t0 = ktime_get_ns();

		items_done = 0;
		per_producer = WQ_ITEMS / n;
		for (int i = 0; i < WQ_ITEMS; i++)
			INIT_WORK(&items[i], count_fn);
		for (int i = 0; i < n; i++)
			t[i] = kthread_run(producer,
					   (void *)(uintptr_t)(i * per_producer),
					   "producer");
		for (int i = 0; i < n; i++)
			kthread_join(t[i], NULL);
		while (items_done < per_producer * n)
			yield();
		uint64_t ns = ktime_get_ns() - t0;

		printk(LOGLEVEL_EMERG, "figure wq_items_per_s_%d %lu %lu ns\n",
		       n, (unsigned long)((uint64_t)per_producer * n *
					  NSEC_PER_SEC / ns),
		       (unsigned long)((uint64_t)per_producer * n *
				       NSEC_PER_SEC / ns));
	}
}

static void bench_alloc(void)
{
	for (int i = 0; i < N; i++) {
		uint64_t t0 = ktime_get_ns();

		for (int k = 0; k < 100; k++)
			kfree(kmalloc(64, GFP_KERNEL));
		samples[i] = (ktime_get_ns() - t0) / 100;
	}
	report("kmalloc64_free", samples, N);
	for (int i = 0; i < N; i++) {
		uint64_t t0 = ktime_get_ns();

		for (int k = 0; k < 100; k++)
			__free_pages(alloc_pages(GFP_KERNEL, 0), 0);
		samples[i] = (ktime_get_ns() - t0) / 100;
	}
	report("page_alloc_free", samples, N);
}

int main(int argc, char **argv, char **envp)
{
	bench_yield();
	bench_mutex();
	bench_wakeup();
	bench_hrtimer();
	bench_wq();
	bench_wq_throughput();
	bench_alloc();
	return 0;
}
