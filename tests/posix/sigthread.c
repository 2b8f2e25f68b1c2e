/* SPDX-License-Identifier: MIT */
/*
 * A signal from another thread interrupts a thread that computes
 * without system calls: pthread_kill (tgkill) to the main thread while
 * it spins, and to a second spinning thread. Needs a preemptive
 * scheduler (the sender must get the CPU): on Pith the boot test builds
 * it with CFS. A TSC deadline (60 s) stops a loop nobody interrupts.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t flag[2];
static volatile pthread_t who[2];
static uint64_t tsc_per_sec;
static pthread_t main_thread, spinner;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void calibrate(void)
{
	uint64_t t0 = now_ns(), c0 = __builtin_ia32_rdtsc();

	while (now_ns() - t0 < 20000000)
		;
	tsc_per_sec = (__builtin_ia32_rdtsc() - c0) * 50;
}

static void on_usr(int sig)
{
	int i = sig == SIGUSR1 ? 0 : 1;

	who[i] = pthread_self();
	flag[i] = 1;
}

static int spin(int i)
{
	uint64_t limit = __builtin_ia32_rdtsc() + 60 * tsc_per_sec;
	unsigned long n = 0;

	while (!flag[i])
		if (!(++n & 0xfffff) && __builtin_ia32_rdtsc() > limit)
			return 1;
	return 0;
}

static void *sender(void *arg)
{
	struct timespec ms50 = { 0, 50000000 };

	nanosleep(&ms50, NULL);
	pthread_kill(main_thread, SIGUSR1);
	return NULL;
}

static void *spin_thread(void *arg)
{
	return (void *)(long)spin(1);
}

int main(void)
{
	pthread_t t;
	void *late;
	int r;

	calibrate();
	signal(SIGUSR1, on_usr);
	signal(SIGUSR2, on_usr);
	main_thread = pthread_self();
	pthread_create(&t, NULL, sender, NULL);
	r = spin(0);
	pthread_join(t, NULL);
	printf("main thread interrupted by another thread: %s, handler "
	       "ran in main %d\n", r ? "NEVER" : "yes",
	       pthread_equal(who[0], main_thread));

	pthread_create(&spinner, NULL, spin_thread, NULL);
	usleep(50000);
	pthread_kill(spinner, SIGUSR2);
	pthread_join(spinner, &late);
	printf("spinning thread interrupted by main: %s, handler ran in "
	       "it %d\n", late ? "NEVER" : "yes",
	       pthread_equal(who[1], spinner));
	return 0;
}
