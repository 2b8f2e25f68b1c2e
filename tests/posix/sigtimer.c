/* SPDX-License-Identifier: MIT */
/*
 * POSIX timers: a periodic CLOCK_MONOTONIC timer taken with sigwaitinfo
 * (SI_TIMER, sigev_value), timer_gettime, overruns while the signal is
 * blocked, TIMER_ABSTIME, a CLOCK_PROCESS_CPUTIME_ID timer interrupting
 * a loop without system calls, SIGEV_THREAD (libc's helper thread), and
 * timer_delete. No assertion on how late a timer is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t flag;
static volatile int thread_value;
static uint64_t tsc_per_sec;

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void calibrate(void)
{
	uint64_t t0 = now_ns(CLOCK_MONOTONIC), c0 = __builtin_ia32_rdtsc();

	while (now_ns(CLOCK_MONOTONIC) - t0 < 20000000)
		;
	tsc_per_sec = (__builtin_ia32_rdtsc() - c0) * 50;
}

static void on_signal(int sig)
{
	flag = 1;
}

static void periodic(void)
{
	struct sigevent sev = { 0 };
	struct itimerspec its = { { 0, 10000000 }, { 0, 10000000 } }, cur;
	struct timespec ms100 = { 0, 100000000 };
	sigset_t set;
	siginfo_t si;
	timer_t id;
	int ok = 1;

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGRTMIN;
	sev.sigev_value.sival_int = 7;
	printf("timer_create: %d\n", timer_create(CLOCK_MONOTONIC, &sev, &id));
	printf("timer_getoverrun before: %d\n", timer_getoverrun(id));
	timer_settime(id, 0, &its, NULL);
	for (int i = 0; i < 3; i++) {
		int r = sigwaitinfo(&set, &si);

		ok &= r == SIGRTMIN && si.si_code == SI_TIMER &&
		      si.si_value.sival_int == 7;
	}
	printf("three expiries, SI_TIMER with the value: %d\n", ok);
	timer_gettime(id, &cur);
	printf("timer_gettime: interval %ld ns, value <= interval %d\n",
	       cur.it_interval.tv_nsec,
	       cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec <= 10000000);

	/* Blocked for 100 ms: one signal stays pending, the rest count. */
	nanosleep(&ms100, NULL);
	sigwaitinfo(&set, &si);
	printf("overruns while pending: si_overrun > 0 %d\n",
	       si.si_overrun > 0);
	printf("timer_delete: %d\n", timer_delete(id));
	signal(SIGRTMIN, SIG_IGN);	/* drops a late expiry's signal */
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void absolute(void)
{
	struct sigevent sev = { 0 };
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	uint64_t at = now_ns(CLOCK_MONOTONIC) + 20000000;
	sigset_t set;
	siginfo_t si;
	timer_t id;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR1;
	timer_create(CLOCK_MONOTONIC, &sev, &id);
	its.it_value.tv_sec = at / 1000000000;
	its.it_value.tv_nsec = at % 1000000000;
	timer_settime(id, TIMER_ABSTIME, &its, NULL);
	r = sigwaitinfo(&set, &si);
	printf("TIMER_ABSTIME: signal %s, not early %d\n",
	       r == SIGUSR1 ? "SIGUSR1" : "?",
	       now_ns(CLOCK_MONOTONIC) >= at);
	timer_delete(id);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void cputime(void)
{
	struct sigevent sev = { 0 };
	struct itimerspec its = { { 0, 0 }, { 0, 30000000 } };
	uint64_t limit;
	timer_t id;
	unsigned long n = 0;

	signal(SIGUSR2, on_signal);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR2;
	timer_create(CLOCK_PROCESS_CPUTIME_ID, &sev, &id);
	flag = 0;
	timer_settime(id, 0, &its, NULL);
	limit = __builtin_ia32_rdtsc() + 60 * tsc_per_sec;
	while (!flag)
		if (!(++n & 0xfffff) && __builtin_ia32_rdtsc() > limit)
			break;
	printf("CPU-time timer interrupted the loop: %s\n",
	       flag ? "yes" : "NEVER");
	timer_delete(id);
}

static void in_thread(union sigval v)
{
	thread_value = v.sival_int;
}

static void thread_notify(void)
{
	struct sigevent sev = { 0 };
	struct itimerspec its = { { 0, 0 }, { 0, 10000000 } };
	struct timespec ms = { 0, 1000000 };
	timer_t id;

	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = in_thread;
	sev.sigev_value.sival_int = 5;
	timer_create(CLOCK_MONOTONIC, &sev, &id);
	timer_settime(id, 0, &its, NULL);
	for (int i = 0; i < 10000 && !thread_value; i++)
		nanosleep(&ms, NULL);
	printf("SIGEV_THREAD: the function ran with %d\n", thread_value);
	timer_delete(id);
}

int main(void)
{
	calibrate();
	periodic();
	absolute();
	cputime();
	thread_notify();
	return 0;
}
