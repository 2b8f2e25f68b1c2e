/* SPDX-License-Identifier: MIT */
/*
 * Interval timers: setitimer/getitimer for ITIMER_REAL (SIGALRM, wall
 * time; alarm too), ITIMER_VIRTUAL (SIGVTALRM) and ITIMER_PROF
 * (SIGPROF), the last two on the process's CPU time as the scheduler
 * accounts it (CLOCK_PROCESS_CPUTIME_ID: every app thread; all of it
 * counts as user time, so the two run alike). The signals are
 * process-directed and asynchronous: a handler interrupts the program
 * wherever it is (sigframe.c).
 *
 * A CPU-time timer is an hrtimer too: CPU time cannot run faster than
 * the wall clock on one CPU, so the hrtimer is armed for the CPU time
 * that is left; when it fires early (the program slept or shared the
 * CPU) it is re-armed for what is still left.
 *
 * Lock: interrupts off (the timers fire in interrupt context).
 */
#include <pith/errno.h>
#include <pith/hrtimer.h>
#include <pith/irqflags.h>
#include <pith/kernel.h>
#include <pith/syscall.h>
#include <pith/time.h>
#include "posix.h"
#include "signal.h"

#define ITIMER_REAL	0
#define ITIMER_VIRTUAL	1
#define ITIMER_PROF	2

struct timeval_k {
	long sec, usec;
};

struct itimerval_k {
	struct timeval_k interval, value;
};

struct itimer {
	struct hrtimer timer;
	uint64_t expires;	/* on the timer's own clock; 0: disarmed */
	uint64_t interval;
	int which, sig;
};

static struct itimer itimers[3];
static bool ready;

static uint64_t itimer_now(const struct itimer *it)
{
	return it->which == ITIMER_REAL ? ktime_get_ns()
					: posix_cputime_ns(false);
}

static enum hrtimer_restart itimer_fire(struct hrtimer *t)
{
	struct itimer *it = container_of(t, struct itimer, timer);
	uint64_t now = itimer_now(it);
	struct ksiginfo info = { .code = SI_KERNEL };

	if (!it->expires)
		return HRTIMER_NORESTART;
	if (now < it->expires) {
		t->expires = ktime_get_ns() + (it->expires - now);
		return HRTIMER_RESTART;
	}
	if (it->interval) {
		/* Periods missed while the signal was not taken are
		 * dropped, as for Linux's itimers. */
		it->expires += it->interval;
		if (it->expires <= now)
			it->expires = now + it->interval;
		t->expires = ktime_get_ns() + (it->expires - now);
	} else {
		it->expires = 0;
	}
	info.signo = it->sig;
	signal_send(it->sig, &info, NULL);
	return it->expires ? HRTIMER_RESTART : HRTIMER_NORESTART;
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

static void itimers_init(void)
{
	static const int sigs[3] = { SIGALRM, SIGVTALRM, SIGPROF };

	for (int i = 0; i < 3; i++) {
		hrtimer_init(&itimers[i].timer, itimer_fire);
		itimers[i].which = i;
		itimers[i].sig = sigs[i];
	}
	ready = true;
}

/* What is left of the timer, and its interval. Irqs off. */
static void current_value(const struct itimer *it, struct itimerval_k *old)
{
	uint64_t now = itimer_now(it);

	ns_tv(it->interval, &old->interval);
	/* An expired value not yet re-armed shows as 1 us, never 0
	 * (which would say "disarmed"). */
	ns_tv(!it->expires ? 0 : it->expires > now ? it->expires - now
						    : NSEC_PER_USEC,
	      &old->value);
	if (it->expires && !old->value.sec && !old->value.usec)
		old->value.usec = 1;
}

static void arm(struct itimer *it, uint64_t value, uint64_t interval)
{
	hrtimer_cancel(&it->timer);
	it->interval = interval;
	it->expires = value ? itimer_now(it) + value : 0;
	if (value)
		hrtimer_start(&it->timer, ktime_get_ns() + value);
}

static long sys_setitimer(long which, long newp, long oldp)
{
	const struct itimerval_k *nv = (const struct itimerval_k *)newp;
	struct itimerval_k old;
	unsigned long flags;
	struct itimer *it;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	if (nv && (nv->value.usec < 0 || nv->value.usec >= 1000000 ||
		   nv->interval.usec < 0 || nv->interval.usec >= 1000000 ||
		   nv->value.sec < 0 || nv->interval.sec < 0))
		return -EINVAL;
	if (!ready)
		itimers_init();
	it = &itimers[which];
	flags = local_irq_save();
	current_value(it, &old);
	if (nv)
		arm(it, tv_ns(&nv->value), tv_ns(&nv->interval));
	local_irq_restore(flags);
	if (oldp)
		*(struct itimerval_k *)oldp = old;
	return 0;
}
SYSCALL(setitimer, "dpp", sys_setitimer);

static long sys_getitimer(long which, long oldp)
{
	unsigned long flags;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	if (!ready)
		itimers_init();
	flags = local_irq_save();
	current_value(&itimers[which], (struct itimerval_k *)oldp);
	local_irq_restore(flags);
	return 0;
}
SYSCALL(getitimer, "dp", sys_getitimer);

/* Seconds left of the previous alarm, rounded as Linux does (never 0
 * while one is pending). */
static long sys_alarm(long secs)
{
	struct itimerval_k old;
	unsigned long flags;
	long left;

	if (!ready)
		itimers_init();
	flags = local_irq_save();
	current_value(&itimers[ITIMER_REAL], &old);
	arm(&itimers[ITIMER_REAL], (uint64_t)(unsigned int)secs * NSEC_PER_SEC,
	    0);
	local_irq_restore(flags);
	left = old.value.sec;
	if ((!left && old.value.usec) || old.value.usec >= 500000)
		left++;
	return left;
}
SYSCALL(alarm, "u", sys_alarm);
