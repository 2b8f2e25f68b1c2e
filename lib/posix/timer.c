/* SPDX-License-Identifier: MIT */
/*
 * POSIX per-process timers: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun, timer_delete on CLOCK_REALTIME, CLOCK_MONOTONIC,
 * CLOCK_BOOTTIME and CLOCK_PROCESS_CPUTIME_ID, notifying by SIGEV_SIGNAL
 * (the process), SIGEV_THREAD_ID (one thread: musl's SIGEV_THREAD runs
 * a helper thread that waits for it with sigwaitinfo) or SIGEV_NONE.
 * The signal carries si_code SI_TIMER, si_timerid, si_overrun and the
 * sigev_value.
 *
 * Each timer is an hrtimer on the monotonic clock; a CPU-time timer is
 * re-armed for what is left when it fires early (as in alarm.c). An
 * expiry that finds the timer's previous signal still pending counts an
 * overrun instead of sending another (timer_getoverrun, si_overrun).
 * Absolute CLOCK_REALTIME expiries are converted when armed: a later
 * clock_settime does not move them.
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

#define CLOCK_REALTIME			0
#define CLOCK_MONOTONIC			1
#define CLOCK_PROCESS_CPUTIME_ID	2
#define CLOCK_BOOTTIME			7
#define SIGEV_SIGNAL	0
#define SIGEV_NONE	1
#define SIGEV_THREAD_ID	4
#define TIMER_ABSTIME	1
#define MAX_TIMERS	32

struct timespec_k {
	long sec, nsec;
};

struct itimerspec_k {
	struct timespec_k interval, value;
};

struct sigevent_k {
	uint64_t value;
	int signo, notify;
	int tid;
};

struct ktimer {
	struct hrtimer timer;
	bool used, cputime;
	int clock, notify, signo, tid, id;
	uint64_t value;			/* sigev_value */
	uint64_t expires;		/* on its own clock; 0: disarmed */
	uint64_t interval;
	int overrun;
};

static struct ktimer timers[MAX_TIMERS];

static uint64_t timer_now(const struct ktimer *t)
{
	return t->cputime ? posix_cputime_ns(false) : ktime_get_ns();
}

static struct posix_thread *find_tid(int tid)
{
	struct posix_thread *pt;

	list_for_each_entry(pt, &posix_threads, node)
		if (posix_thread_tid(pt) == tid)
			return pt;
	return NULL;
}

/* Send the expiry's signal, or count an overrun while it is pending. */
static void notify(struct ktimer *t)
{
	struct ksiginfo info = {
		.signo = t->signo, .code = SI_TIMER,
		.f = { (uint32_t)t->id, t->value },
	};
	struct posix_thread *pt = NULL;
	struct ksiginfo *q;

	if (t->notify == SIGEV_NONE)
		return;
	if (t->notify == SIGEV_THREAD_ID) {
		pt = find_tid(t->tid);
		if (!pt)
			return;
	}
	q = signal_pending_info(pt, t->signo);
	if (q) {
		t->overrun++;
		if (q->code == SI_TIMER && (uint32_t)q->f[0] == (uint32_t)t->id)
			q->f[0] = (uint32_t)t->id | (uint64_t)t->overrun << 32;
		return;
	}
	t->overrun = 0;
	signal_send(t->signo, &info, pt);
}

static enum hrtimer_restart ktimer_fire(struct hrtimer *h)
{
	struct ktimer *t = container_of(h, struct ktimer, timer);
	uint64_t now = timer_now(t);

	if (!t->expires)
		return HRTIMER_NORESTART;
	if (now < t->expires) {
		h->expires = ktime_get_ns() + (t->expires - now);
		return HRTIMER_RESTART;
	}
	if (t->interval) {
		uint64_t missed = (now - t->expires) / t->interval;

		t->expires += (missed + 1) * t->interval;
		h->expires = ktime_get_ns() + (t->expires - now);
	} else {
		t->expires = 0;
	}
	notify(t);
	return t->expires ? HRTIMER_RESTART : HRTIMER_NORESTART;
}

static struct ktimer *timer_of(long id)
{
	return id >= 0 && id < MAX_TIMERS && timers[id].used ? &timers[id]
							       : NULL;
}

static long sys_timer_create(long clock, long sevp, long idp)
{
	const struct sigevent_k *sev = (const struct sigevent_k *)sevp;
	struct sigevent_k def = { 0, SIGALRM, SIGEV_SIGNAL, 0 };
	unsigned long flags;
	struct ktimer *t = NULL;

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC &&
	    clock != CLOCK_BOOTTIME && clock != CLOCK_PROCESS_CPUTIME_ID)
		return -EINVAL;
	if (!sev)
		sev = &def;
	if ((sev->notify != SIGEV_SIGNAL && sev->notify != SIGEV_NONE &&
	     sev->notify != SIGEV_THREAD_ID) ||
	    (sev->notify != SIGEV_NONE &&
	     (sev->signo < 1 || sev->signo >= NSIG_K)))
		return -EINVAL;
	if (sev->notify == SIGEV_THREAD_ID && !find_tid(sev->tid))
		return -EINVAL;
	flags = local_irq_save();
	for (int i = 0; i < MAX_TIMERS && !t; i++)
		if (!timers[i].used)
			t = &timers[i];
	if (!t) {
		local_irq_restore(flags);
		return -EAGAIN;
	}
	*t = (struct ktimer){
		.used = true, .cputime = clock == CLOCK_PROCESS_CPUTIME_ID,
		.clock = (int)clock,
		.notify = sev->notify, .signo = sev->signo, .tid = sev->tid,
		.id = (int)(t - timers),
		.value = sevp ? sev->value : (uint64_t)(t - timers),
	};
	hrtimer_init(&t->timer, ktimer_fire);
	local_irq_restore(flags);
	*(int *)idp = t->id;
	return 0;
}
SYSCALL(timer_create, "dpp", sys_timer_create);

static bool ts_ok(const struct timespec_k *ts)
{
	return ts->sec >= 0 && ts->nsec >= 0 && ts->nsec < (long)NSEC_PER_SEC;
}

static uint64_t ts_ns(const struct timespec_k *ts)
{
	return ts->sec * NSEC_PER_SEC + ts->nsec;
}

static void ns_ts(uint64_t ns, struct timespec_k *ts)
{
	ts->sec = ns / NSEC_PER_SEC;
	ts->nsec = ns % NSEC_PER_SEC;
}

static void get_value(const struct ktimer *t, struct itimerspec_k *cur)
{
	uint64_t now = timer_now(t);

	ns_ts(t->interval, &cur->interval);
	ns_ts(!t->expires ? 0 : t->expires > now ? t->expires - now : 1,
	      &cur->value);
}

static long sys_timer_settime(long id, long flags, long newp, long oldp)
{
	const struct itimerspec_k *nv = (const struct itimerspec_k *)newp;
	struct ktimer *t = timer_of(id);
	struct itimerspec_k old;
	uint64_t value, now;
	unsigned long irq;

	if (!t)
		return -EINVAL;
	if (!nv || !ts_ok(&nv->value) || !ts_ok(&nv->interval))
		return -EINVAL;
	irq = local_irq_save();
	get_value(t, &old);
	hrtimer_cancel(&t->timer);
	now = timer_now(t);
	value = ts_ns(&nv->value);
	if (value && (flags & TIMER_ABSTIME)) {
		/* To a delay from now, on the timer's own clock. */
		uint64_t abs_now = t->cputime ? now :
				   t->clock == CLOCK_REALTIME ?
				   ktime_get_real_ns() : ktime_get_ns();

		value = value > abs_now ? value - abs_now : 1;
	}
	t->interval = value ? ts_ns(&nv->interval) : 0;
	t->expires = value ? now + value : 0;
	t->overrun = 0;
	if (value)
		hrtimer_start(&t->timer, ktime_get_ns() + value);
	local_irq_restore(irq);
	if (oldp)
		*(struct itimerspec_k *)oldp = old;
	return 0;
}
SYSCALL(timer_settime, "dxpp", sys_timer_settime);

static long sys_timer_gettime(long id, long curp)
{
	struct ktimer *t = timer_of(id);
	unsigned long flags;

	if (!t)
		return -EINVAL;
	flags = local_irq_save();
	get_value(t, (struct itimerspec_k *)curp);
	local_irq_restore(flags);
	return 0;
}
SYSCALL(timer_gettime, "dp", sys_timer_gettime);

static long sys_timer_getoverrun(long id)
{
	struct ktimer *t = timer_of(id);

	return t ? t->overrun : -EINVAL;
}
SYSCALL(timer_getoverrun, "d", sys_timer_getoverrun);

static long sys_timer_delete(long id)
{
	struct ktimer *t = timer_of(id);
	unsigned long flags;

	if (!t)
		return -EINVAL;
	flags = local_irq_save();
	hrtimer_cancel(&t->timer);
	t->used = false;
	t->expires = 0;
	local_irq_restore(flags);
	return 0;
}
SYSCALL(timer_delete, "d", sys_timer_delete);
