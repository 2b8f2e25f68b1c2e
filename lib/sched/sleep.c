/* SPDX-License-Identifier: MIT */
/*
 * Sleeping with a deadline: an hrtimer on the sleeper's stack wakes it.
 * schedule_timeout() expects current->state already set (so a wake-up
 * that comes first is not lost) and returns the ns left, 0 on timeout.
 */
#include <pith/hrtimer.h>
#include <pith/sched.h>
#include <pith/time.h>

struct sleeper {
	struct hrtimer timer;
	struct thread *thread;
};

static enum hrtimer_restart sleeper_wake(struct hrtimer *t)
{
	struct sleeper *s = container_of(t, struct sleeper, timer);

	wake_up_process(s->thread);
	return HRTIMER_NORESTART;
}

static uint64_t sleep_to(uint64_t deadline)
{
	struct sleeper s = { .thread = current };
	uint64_t now;

	hrtimer_init(&s.timer, sleeper_wake);
	hrtimer_start(&s.timer, deadline);
	schedule();
	hrtimer_cancel(&s.timer);
	now = ktime_get_ns();
	return now < deadline ? deadline - now : 0;
}

uint64_t schedule_timeout(uint64_t ns)
{
	if (ns == UINT64_MAX) {
		schedule();
		return UINT64_MAX;
	}
	return sleep_to(ktime_get_ns() + ns);
}

void sleep_until(uint64_t deadline)
{
	while (ktime_get_ns() < deadline) {
		current->state = TASK_UNINTERRUPTIBLE;
		sleep_to(deadline);
	}
	current->state = TASK_RUNNING;
}

void msleep(unsigned int ms)
{
	sleep_until(ktime_get_ns() + ms * NSEC_PER_MSEC);
}

/* Linux's name: 'usleep' is musl's. Sleeps at least min_us. */
void usleep_range(unsigned long min_us, unsigned long max_us)
{
	sleep_until(ktime_get_ns() + min_us * NSEC_PER_USEC);
}
