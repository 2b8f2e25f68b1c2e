/* SPDX-License-Identifier: MIT */
/*
 * POSIX figures, the same program on Linux and on Pith: median ns of
 * pthread_create+pthread_join, an uncontended mutex lock+unlock, a futex
 * ping-pong between two threads (through a mutex and condition variable
 * hand-off), a trivial system call (getppid), and file calls in the
 * current directory (Linux: tmpfs; Pith: ramfs): open+close, stat, a
 * 4 KiB pread and a 4 KiB pwrite of a cached file.
 * Output: "figure NAME NS" lines.
 * Usage: pbench [DIR] (chdir there first); pbench exit (boot only).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Each sample: 1000 calls of the same kind, ns per call. */
static void file_figures(void)
{
	static char buf[4096];
	long long s[N];
	struct stat st;
	int fd = open("pbench.dat", O_CREAT | O_RDWR | O_TRUNC, 0644);

	memset(buf, 'x', sizeof(buf));
	if (fd < 0 || pwrite(fd, buf, sizeof(buf), 0) != sizeof(buf)) {
		perror("pbench.dat");
		exit(1);
	}
	for (int i = 0; i < N; i++) {
		long long t0 = now();

		for (int k = 0; k < 1000; k++)
			close(open("pbench.dat", O_RDONLY));
		s[i] = (now() - t0) / 1000;
	}
	report("file_open_close", s);
	for (int i = 0; i < N; i++) {
		long long t0 = now();

		for (int k = 0; k < 1000; k++)
			stat("pbench.dat", &st);
		s[i] = (now() - t0) / 1000;
	}
	report("file_stat", s);
	for (int i = 0; i < N; i++) {
		long long t0 = now();

		for (int k = 0; k < 1000; k++)
			pread(fd, buf, sizeof(buf), 0);
		s[i] = (now() - t0) / 1000;
	}
	report("file_read_4k", s);
	for (int i = 0; i < N; i++) {
		long long t0 = now();

		for (int k = 0; k < 1000; k++)
			pwrite(fd, buf, sizeof(buf), 0);
		s[i] = (now() - t0) / 1000;
	}
	report("file_write_4k", s);
	close(fd);
	unlink("pbench.dat");
}

int main(int argc, char **argv)
{
	long long s[N];
	pthread_t t;

	if (argc > 1 && !strcmp(argv[1], "exit"))
		return 0;
	if (argc > 1 && chdir(argv[1])) {
		perror(argv[1]);
		return 1;
	}

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
	file_figures();
	return 0;
}
