/* SPDX-License-Identifier: MIT */
/*
 * POSIX figures, the same program on Linux and on Pith: median ns of
 * pthread_create+pthread_join, an uncontended mutex lock+unlock, a futex
 * ping-pong between two threads (through a mutex and condition variable
 * hand-off), and a trivial system call (getppid).
 * Output: "figure NAME NS" lines.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define N 201

static long long now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *name, long long *s)
{
	qsort(s, N, sizeof(*s), cmp);
	printf("figure %s %lld\n", name, s[N / 2]);
}

static void *nothing(void *arg)
{
	return arg;
}

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int turn, rounds;

static void *ponger(void *arg)
{
	pthread_mutex_lock(&m);
	for (int i = 0; i < rounds; i++) {
		while (turn != 1)
			pthread_cond_wait(&c, &m);
		turn = 0;
		pthread_cond_signal(&c);
	}
	pthread_mutex_unlock(&m);
	return NULL;
}

int main(void)
{
	long long s[N];
	pthread_t t;

	for (int i = 0; i < N; i++) {
		long long t0 = now();

		pthread_create(&t, NULL, nothing, NULL);
		pthread_join(t, NULL);
		s[i] = now() - t0;
	}
	report("pthread_create_join", s);
	for (int i = 0; i < N; i++) {
		long long t0 = now();

		for (int k = 0; k < 1000; k++) {
			pthread_mutex_lock(&m);
			pthread_mutex_unlock(&m);
		}
		s[i] = (now() - t0) / 1000;
	}
	report("mutex_uncontended", s);
	for (int i = 0; i < N; i++) {
		long long t0 = now();

		for (int k = 0; k < 1000; k++)
			syscall(SYS_getppid);
		s[i] = (now() - t0) / 1000;
	}
	report("syscall_getppid", s);
	rounds = N * 20;
	pthread_create(&t, NULL, ponger, NULL);
	pthread_mutex_lock(&m);
	for (int i = 0; i < N; i++) {
		long long t0 = now();

		for (int k = 0; k < 20; k++) {
			turn = 1;
			pthread_cond_signal(&c);
			while (turn != 0)
				pthread_cond_wait(&c, &m);
		}
		s[i] = (now() - t0) / 40;
	}
	pthread_mutex_unlock(&m);
	pthread_join(t, NULL);
	report("futex_pingpong_handoff", s);
	return 0;
}
