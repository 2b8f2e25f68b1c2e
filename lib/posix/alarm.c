/* SPDX-License-Identifier: MIT */
/*
 * alarm and setitimer(ITIMER_REAL): SIGALRM from an hrtimer. The signal
 * is process-directed and arrives asynchronously: with the default
 * action the image ends at once (status 142, as a shell reports it);
 * with a handler the signal becomes pending, a sleeping pause() wakes,
 * and the handler runs when the program next returns from a system call
 * (not in the middle of pure computation: that needs frame rewriting on
 * interrupt return, not done).
 */
#include <pith/errno.h>
#include <pith/hrtimer.h>
#include <pith/irqflags.h>
#include <pith/syscall.h>
#include <pith/time.h>
#include "posix.h"

#define SIGALRM		14
#define ITIMER_REAL	0

struct timeval_k {
	long sec, usec;
};

struct itimerval_k {
	struct timeval_k interval, value;
};

static struct hrtimer timer;
static uint64_t interval_ns;
static bool ready;

static enum hrtimer_restart alarm_fire(struct hrtimer *t)
{
	signal_raise_async(SIGALRM);
	if (!interval_ns)
		return HRTIMER_NORESTART;
	hrtimer_forward(t, ktime_get_ns(), interval_ns);
	return HRTIMER_RESTART;
}

static uint64_t tv_ns(const struct timeval_k *tv)
{
	return tv->sec * NSEC_PER_SEC + tv->usec * NSEC_PER_USEC;
}

static void ns_tv(uint64_t ns, struct timeval_k *tv)
{
	tv->sec = ns / NSEC_PER_SEC;
	tv->usec = (ns % NSEC_PER_SEC) / NSEC_PER_USEC;
}

/* What is left of the current alarm, and its interval. */
static void current_value(struct itimerval_k *old)
{
	uint64_t now = ktime_get_ns();

	ns_tv(interval_ns, &old->interval);
	ns_tv(hrtimer_active(&timer) && timer.expires > now ?
	      timer.expires - now : 0, &old->value);
}

static void arm(uint64_t value, uint64_t interval)
{
	if (!ready) {
		hrtimer_init(&timer, alarm_fire);
		ready = true;
	}
	hrtimer_cancel(&timer);
	interval_ns = interval;
	if (value)
		hrtimer_start(&timer, ktime_get_ns() + value);
}

static long sys_setitimer(long which, long newp, long oldp)
{
	const struct itimerval_k *nv = (const struct itimerval_k *)newp;

	if (which != ITIMER_REAL)
		return -EINVAL;	/* the CPU-time timers are not there */
	if (oldp)
		current_value((struct itimerval_k *)oldp);
	if (nv) {
		if (nv->value.usec < 0 || nv->value.usec >= 1000000 ||
		    nv->interval.usec < 0 || nv->interval.usec >= 1000000)
			return -EINVAL;
		arm(tv_ns(&nv->value), tv_ns(&nv->interval));
	}
	return 0;
}
SYSCALL(setitimer, "dpp", sys_setitimer);

static long sys_getitimer(long which, long oldp)
{
	if (which != ITIMER_REAL)
		return -EINVAL;
	current_value((struct itimerval_k *)oldp);
	return 0;
}
SYSCALL(getitimer, "dp", sys_getitimer);

static long sys_alarm(long secs)
{
	struct itimerval_k old;

	current_value(&old);
	arm((uint64_t)(unsigned int)secs * NSEC_PER_SEC, 0);
	return old.value.sec + (old.value.usec ? 1 : 0);
}
SYSCALL(alarm, "u", sys_alarm);
