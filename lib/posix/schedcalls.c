/* SPDX-License-Identifier: MIT */
/*
 * Scheduling and sleeping calls on lib/sched: sched_yield, the policy
 * calls mapped onto the scheduler classes (SCHED_FIFO/RR onto the
 * real-time class, SCHED_OTHER/BATCH onto CFS), nice as CFS weight,
 * affinity (one CPU), nanosleep and clock_nanosleep.
 */
#include <pith/errno.h>
#include <pith/irqflags.h>
#include <pith/sched.h>
#include <pith/syscall.h>
#include <pith/time.h>
#include "posix.h"

#define TIMER_ABSTIME	1
#ifdef CONFIG_LIBSCHED_RR_SLICE_MS
#define CONFIG_LIBSCHED_RR_SLICE_MS_OR_100 CONFIG_LIBSCHED_RR_SLICE_MS
#else
#define CONFIG_LIBSCHED_RR_SLICE_MS_OR_100 100
#endif
#define PRIO_PROCESS	0

struct timespec_k {
	long sec, nsec;
};

/* tid 0 means the caller; others are looked up (1 is the main thread,
 * which is also the process). */
static struct thread *thread_of(long tid)
{
	if (tid == 0 || tid == current->tid)
		return current;
	return tid > 0 && tid < (1l << 30) ? sched_find_thread((int)tid)
					   : NULL;
}

static long sys_sched_yield(void)
{
	yield();
	return 0;
}
SYSCALL(sched_yield, "", sys_sched_yield);

static long sys_sched_getaffinity(long pid, long len, long mask)
{
	if (len < 8)
		return -EINVAL;
	__builtin_memset((void *)mask, 0, len);
	*(unsigned char *)mask = 1;	/* CPU 0 */
	return 8;
}
SYSCALL(sched_getaffinity, "dup", sys_sched_getaffinity);

static long sys_sched_setaffinity(long pid, long len, long mask)
{
	return len > 0 && (*(const unsigned char *)mask & 1) ? 0 : -EINVAL;
}
SYSCALL(sched_setaffinity, "dup", sys_sched_setaffinity);

static long sys_sched_setscheduler(long pid, long policy, long param)
{
	struct thread *t = thread_of(pid);

	if (!t)
		return -ESRCH;
	return sched_setattr(t, (int)policy, t->nice, *(const int *)param);
}
SYSCALL(sched_setscheduler, "ddp", sys_sched_setscheduler);

static long sys_sched_getscheduler(long pid)
{
	struct thread *t = thread_of(pid);

	return t ? t->policy : -ESRCH;
}
SYSCALL(sched_getscheduler, "d", sys_sched_getscheduler);

static long sys_sched_setparam(long pid, long param)
{
	struct thread *t = thread_of(pid);

	if (!t)
		return -ESRCH;
	return sched_setattr(t, t->policy, t->nice, *(const int *)param);
}
SYSCALL(sched_setparam, "dp", sys_sched_setparam);

static long sys_sched_getparam(long pid, long param)
{
	struct thread *t = thread_of(pid);

	if (!t)
		return -ESRCH;
	*(int *)param = t->rt_priority;
	return 0;
}
SYSCALL(sched_getparam, "dp", sys_sched_getparam);

static long sys_sched_get_priority_max(long policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR ? 99 :
	       policy == SCHED_NORMAL || policy == SCHED_BATCH ? 0 : -EINVAL;
}
SYSCALL(sched_get_priority_max, "d", sys_sched_get_priority_max);

static long sys_sched_get_priority_min(long policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR ? 1 :
	       policy == SCHED_NORMAL || policy == SCHED_BATCH ? 0 : -EINVAL;
}
SYSCALL(sched_get_priority_min, "d", sys_sched_get_priority_min);

static long sys_setpriority(long which, long who, long prio)
{
	struct thread *t = which == PRIO_PROCESS ? thread_of(who) : NULL;

	if (!t)
		return which == PRIO_PROCESS ? -ESRCH : -EINVAL;
	prio = prio < -20 ? -20 : prio > 19 ? 19 : prio;
	return sched_setattr(t, t->policy, (int)prio, t->rt_priority);
}
SYSCALL(setpriority, "ddd", sys_setpriority);

static long sys_getpriority(long which, long who)
{
	struct thread *t = which == PRIO_PROCESS ? thread_of(who) : NULL;

	if (!t)
		return which == PRIO_PROCESS ? -ESRCH : -EINVAL;
	return 20 - t->nice;	/* the kernel's form: 40..1 */
}
SYSCALL(getpriority, "dd", sys_getpriority);

/* A signal for a handler ends the sleep with EINTR and what is left in
 * rem (Linux restarts it only when no handler runs, which cannot
 * happen here: an ignored signal does not wake). */
static long sleep_ns(uint64_t deadline, struct timespec_k *rem)
{
	if (signal_sleep_until(deadline)) {
		uint64_t now = ktime_get_ns();
		uint64_t left = now < deadline ? deadline - now : 0;

		if (rem)
			*rem = (struct timespec_k){ left / NSEC_PER_SEC,
						    left % NSEC_PER_SEC };
		return -EINTR;
	}
	if (rem)
		*rem = (struct timespec_k){ 0, 0 };
	return 0;
}

static long sys_nanosleep(long req, long rem)
{
	const struct timespec_k *ts = (const struct timespec_k *)req;

	if (ts->sec < 0 || ts->nsec < 0 || ts->nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	return sleep_ns(ktime_get_ns() + ts->sec * NSEC_PER_SEC + ts->nsec,
			(struct timespec_k *)rem);
}
SYSCALL(nanosleep, "pp", sys_nanosleep);

static long sys_clock_nanosleep(long id, long flags, long req, long rem)
{
	const struct timespec_k *ts = (const struct timespec_k *)req;
	uint64_t now, ns;

	if (ts->sec < 0 || ts->nsec < 0 || ts->nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	if (clock_read(id, &now))
		return -EINVAL;
	ns = ts->sec * NSEC_PER_SEC + ts->nsec;
	if (flags & TIMER_ABSTIME)
		ns = ns > now ? ns - now : 0;
	return sleep_ns(ktime_get_ns() + ns, flags & TIMER_ABSTIME ? NULL :
			(struct timespec_k *)rem);
}
SYSCALL(clock_nanosleep, "dxpp", sys_clock_nanosleep);

static long sys_sched_rr_get_interval(long pid, long tp)
{
	struct timespec_k *ts = (struct timespec_k *)tp;
	uint64_t ns = CONFIG_LIBSCHED_RR_SLICE_MS_OR_100 * NSEC_PER_MSEC;

	ts->sec = ns / NSEC_PER_SEC;
	ts->nsec = ns % NSEC_PER_SEC;
	return thread_of(pid) ? 0 : -ESRCH;
}
SYSCALL(sched_rr_get_interval, "dp", sys_sched_rr_get_interval);

struct tms_k {
	long utime, stime, cutime, cstime;
};

/* CPU time in clock ticks (AT_CLKTCK is 100): all of it is "user". */
static long sys_times(long buf)
{
	uint64_t ns = posix_cputime_ns(false);

	if (buf)
		*(struct tms_k *)buf = (struct tms_k){ ns / 10000000, 0, 0, 0 };
	return ktime_get_ns() / 10000000;
}
SYSCALL(times, "p", sys_times);

struct rusage_k {
	long utime_s, utime_us, stime_s, stime_us;
	long rest[14];
};

static long sys_getrusage(long who, long ru)
{
	uint64_t ns = posix_cputime_ns(who == 1 /* RUSAGE_THREAD */);
	struct rusage_k *r = (struct rusage_k *)ru;

	__builtin_memset(r, 0, sizeof(*r));
	r->utime_s = ns / NSEC_PER_SEC;
	r->utime_us = (ns % NSEC_PER_SEC) / 1000;
	/* ru_nvcsw, ru_nivcsw: the calling thread's switches (for
	 * RUSAGE_SELF too: exited threads' counts are not kept). */
	r->rest[12] = (long)current->nvcsw;
	r->rest[13] = (long)current->nivcsw;
	return 0;
}
SYSCALL(getrusage, "dp", sys_getrusage);
