/* SPDX-License-Identifier: MIT */
/* In-image tests of hrtimers and the clocks. */
#include <pith/hrtimer.h>
#include <pith/irqflags.h>
#include <pith/ktest.h>
#include <pith/string.h>
#include <pith/time.h>

#define MS NSEC_PER_MSEC

static int order[4], norder;
static struct hrtimer ta, tb, tc;
static uint64_t fired_at[4];

static enum hrtimer_restart record(struct hrtimer *t)
{
	int id = t == &ta ? 1 : t == &tb ? 2 : 3;

	fired_at[id] = ktime_get_ns();
	if (norder < 4)
		order[norder++] = id;
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart wake_only(struct hrtimer *t)
{
	return HRTIMER_NORESTART;
}

/* Halt until the deadline; a timer of our own makes sure an interrupt
 * comes (the system is tickless). */
static void wait_until(uint64_t deadline)
{
	struct hrtimer waker;

	hrtimer_init(&waker, wake_only);
	hrtimer_start(&waker, deadline);
	while (ktime_get_ns() < deadline)
		safe_halt();
	hrtimer_cancel(&waker);
}

static void time_hrtimer_fire_in_expiry_order(struct ktest *t)
{
	uint64_t now = ktime_get_ns();

	norder = 0;
	hrtimer_init(&ta, record);
	hrtimer_init(&tb, record);
	hrtimer_init(&tc, record);
	hrtimer_start(&tc, now + 3 * MS);
	hrtimer_start(&ta, now + 1 * MS);
	hrtimer_start(&tb, now + 2 * MS);
	wait_until(now + 50 * MS);
	KT_ASSERT_EQ(t, norder, 3);
	KT_EXPECT_EQ(t, order[0], 1);
	KT_EXPECT_EQ(t, order[1], 2);
	KT_EXPECT_EQ(t, order[2], 3);
	KT_EXPECT_TRUE(t, fired_at[1] >= now + 1 * MS);
	KT_EXPECT_TRUE(t, fired_at[3] >= now + 3 * MS);
}

static void time_hrtimer_cancel_prevents_callback(struct ktest *t)
{
	uint64_t now = ktime_get_ns();

	norder = 0;
	hrtimer_init(&ta, record);
	hrtimer_init(&tb, record);
	hrtimer_start(&ta, now + 2 * MS);
	hrtimer_start(&tb, now + 3 * MS);
	KT_EXPECT_EQ(t, hrtimer_cancel(&ta), 1);
	KT_EXPECT_EQ(t, hrtimer_cancel(&ta), 0);
	wait_until(now + 30 * MS);
	KT_ASSERT_EQ(t, norder, 1);
	KT_EXPECT_EQ(t, order[0], 2);
}

static int ticks;

static enum hrtimer_restart periodic(struct hrtimer *tm)
{
	if (++ticks == 3)
		return HRTIMER_NORESTART;
	hrtimer_forward(tm, ktime_get_ns(), 2 * MS);
	return HRTIMER_RESTART;
}

static void time_hrtimer_restart_runs_periodically(struct ktest *t)
{
	uint64_t now = ktime_get_ns();

	ticks = 0;
	hrtimer_init(&ta, periodic);
	hrtimer_start(&ta, now + 1 * MS);
	wait_until(now + 60 * MS);
	KT_EXPECT_EQ(t, ticks, 3);
	KT_EXPECT_FALSE(t, hrtimer_active(&ta));
}

static void time_hrtimer_forward_counts_steps(struct ktest *t)
{
	struct hrtimer h;

	hrtimer_init(&h, record);
	h.expires = 100;
	KT_EXPECT_EQ(t, hrtimer_forward(&h, 50, 10), 0);
	KT_EXPECT_EQ(t, hrtimer_forward(&h, 125, 10), 3);
	KT_EXPECT_EQ(t, h.expires, 130);
}

static void time_realtime_follows_set(struct ktest *t)
{
	uint64_t before = ktime_get_real_ns();
	uint64_t y2020 = 1577836800ull * NSEC_PER_SEC;

	if (!kstrcmp(time_real_source(), "none"))
		KT_EXPECT_TRUE(t, before < y2020);
	else
		KT_EXPECT_TRUE(t, before > y2020);
	time_set_real(y2020);
	KT_EXPECT_TRUE(t, ktime_get_real_ns() >= y2020);
	KT_EXPECT_TRUE(t, ktime_get_real_ns() < y2020 + NSEC_PER_SEC);
	time_set_real(before);
}

static struct ktest_case time_cases[] = {
	KTEST_CASE(time_hrtimer_fire_in_expiry_order),
	KTEST_CASE(time_hrtimer_cancel_prevents_callback),
	KTEST_CASE(time_hrtimer_restart_runs_periodically),
	KTEST_CASE(time_hrtimer_forward_counts_steps),
	KTEST_CASE(time_realtime_follows_set),
	{}
};
KTEST_SUITE(time, time_cases);
