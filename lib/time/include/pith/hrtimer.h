/* SPDX-License-Identifier: MIT */
/*
 * High-resolution timers: one-shot callbacks at an absolute monotonic
 * time (ns, as ktime_get_ns()), kept in a red-black tree ordered by
 * expiry; the platform's one-shot timer is always armed for the earliest.
 * No tick: with no timer queued, nothing interrupts the CPU.
 *
 * Interface:
 *   hrtimer_init(&t, fn)          fn(&t) runs in interrupt context and
 *                                 returns HRTIMER_NORESTART, or
 *                                 HRTIMER_RESTART after moving the expiry
 *                                 (hrtimer_forward)
 *   hrtimer_start(&t, when)       (re)arm for absolute time 'when'
 *   hrtimer_start_rel(&t, delta)
 *   hrtimer_cancel(&t)            1 if it was queued, 0 if not; after it
 *                                 returns the callback is not running
 *                                 (single CPU: it cannot be mid-flight)
 *   hrtimer_forward(&t, now, iv)  push expiry past now in steps of iv;
 *                                 returns the number of steps
 * All calls are safe from any context, interrupts included.
 */
#ifndef PITH_HRTIMER_H
#define PITH_HRTIMER_H

#include <stdbool.h>
#include <stdint.h>
#include <pith/rbtree.h>

enum hrtimer_restart { HRTIMER_NORESTART, HRTIMER_RESTART };

struct hrtimer {
	struct rb_node node;
	uint64_t expires;
	enum hrtimer_restart (*function)(struct hrtimer *t);
	bool queued;
};

void hrtimer_init(struct hrtimer *t,
		  enum hrtimer_restart (*fn)(struct hrtimer *t));
void hrtimer_start(struct hrtimer *t, uint64_t expires);
void hrtimer_start_rel(struct hrtimer *t, uint64_t delta);
int hrtimer_cancel(struct hrtimer *t);
uint64_t hrtimer_forward(struct hrtimer *t, uint64_t now,
			 uint64_t interval);

static inline bool hrtimer_active(const struct hrtimer *t)
{
	return t->queued;
}

/* Counters for tests and benchmarks. */
struct hrtimer_stats {
	unsigned long fired;		/* callbacks run */
	unsigned long programmed;	/* times the hardware was armed */
	uint64_t last_lateness_ns;	/* expiry to callback, last one */
};
void hrtimer_get_stats(struct hrtimer_stats *st);

#endif
