/* SPDX-License-Identifier: MIT */
/*
 * Time calls: clock_gettime and friends on lib/time's clocks. CPU-time
 * clocks come from the scheduler's accounting when lib/sched is there
 * (see sched_cputime_ns), else they are the time since boot.
 */
#include <pith/errno.h>
#include <pith/syscall.h>
#include <pith/time.h>
#include "posix.h"

#define CLOCK_REALTIME			0
#define CLOCK_MONOTONIC			1
#define CLOCK_PROCESS_CPUTIME_ID	2
#define CLOCK_THREAD_CPUTIME_ID		3
#define CLOCK_MONOTONIC_RAW		4
#define CLOCK_REALTIME_COARSE		5
#define CLOCK_MONOTONIC_COARSE		6
#define CLOCK_BOOTTIME			7

struct timespec_k {
	long sec, nsec;
};

struct timeval_k {
	long sec, usec;
};

int clock_read(long id, uint64_t *ns)
{
	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = ktime_get_real_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = ktime_get_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = posix_cputime_ns(id == CLOCK_THREAD_CPUTIME_ID);
		return 0;
	default:
		return -EINVAL;
	}
}

static long sys_clock_gettime(long id, long tp)
{
	struct timespec_k *ts = (struct timespec_k *)tp;
	uint64_t ns;
	int ret = clock_read(id, &ns);

	if (ret)
		return ret;
	ts->sec = ns / NSEC_PER_SEC;
	ts->nsec = ns % NSEC_PER_SEC;
	return 0;
}
SYSCALL(clock_gettime, "dp", sys_clock_gettime);

static long sys_clock_getres(long id, long tp)
{
	uint64_t ns;
	int ret = clock_read(id, &ns);

	if (ret)
		return ret;
	if (tp)
		*(struct timespec_k *)tp = (struct timespec_k){ 0, 1 };
	return 0;
}
SYSCALL(clock_getres, "dp", sys_clock_getres);

static long sys_gettimeofday(long tv, long tz)
{
	uint64_t ns = ktime_get_real_ns();

	if (tv)
		*(struct timeval_k *)tv = (struct timeval_k){
			ns / NSEC_PER_SEC, (ns % NSEC_PER_SEC) / 1000 };
	if (tz)
		__builtin_memset((void *)tz, 0, 8);
	return 0;
}
SYSCALL(gettimeofday, "pp", sys_gettimeofday);

static long sys_time(long t)
{
	long s = ktime_get_real_ns() / NSEC_PER_SEC;

	if (t)
		*(long *)t = s;
	return s;
}
SYSCALL(time, "p", sys_time);

static long sys_clock_settime(long id, long tp)
{
	const struct timespec_k *ts = (const struct timespec_k *)tp;

	if (id != CLOCK_REALTIME)
		return -EINVAL;
	if (ts->nsec < 0 || ts->nsec >= (long)NSEC_PER_SEC || ts->sec < 0)
		return -EINVAL;
	time_set_real(ts->sec * NSEC_PER_SEC + ts->nsec);
	return 0;
}
SYSCALL(clock_settime, "dp", sys_clock_settime);
