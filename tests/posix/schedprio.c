/* SPDX-License-Identifier: MIT */
/*
 * Scheduling policy and nice as an app sees them, on one CPU (the
 * program pins itself to the first CPU it may use, so Linux behaves as
 * Pith's single CPU does):
 *   nice   two CPU-bound threads, nice 0 and nice 10 (setpriority on
 *          the thread's tid), for 400 ms: CFS weights 1024 and 110 give
 *          the first about 9 times the work; we print whether it got
 *          more than 3 times, and that the second still ran.
 *   fifo   a SCHED_FIFO thread woken by a SCHED_OTHER spinner runs at
 *          once, before the spinner's next step, and keeps the CPU
 *          while it spins itself (the spinner makes no progress).
 * Only orders and yes/no answers are printed, so Linux (as root, for
 * SCHED_FIFO) and Pith print the same lines.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int pin_first_cpu(void)
{
	cpu_set_t set;
	int cpu;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set); cpu++)
		;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* ---- nice ---- */

static volatile int stop;
static volatile unsigned long work[2];
static pthread_barrier_t go;

static void *hog(void *arg)
{
	long i = (long)arg;

	if (i == 1 && setpriority(PRIO_PROCESS, syscall(SYS_gettid), 10))
		perror("setpriority");
	pthread_barrier_wait(&go);
	while (!stop)
		work[i]++;
	return NULL;
}

static void nice_case(void)
{
	struct timespec ts = { 0, 400 * 1000 * 1000 };
	pthread_t t[2];

	pthread_barrier_init(&go, NULL, 3);
	for (long i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, hog, (void *)i);
	pthread_barrier_wait(&go);
	nanosleep(&ts, NULL);
	stop = 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("nice: nice 0 got more than 3x the work of nice 10: %s\n",
	       work[0] > 3 * work[1] ? "yes" : "no");
	printf("nice: nice 10 still ran: %s\n", work[1] ? "yes" : "no");
}

/* ---- fifo ---- */

#define EVENTS 8

static const char *events[EVENTS];
static int nevents;
static sem_t wake, ready;
static volatile unsigned long spins;
static volatile int fifo_done;

static void event(const char *what)
{
	events[__atomic_fetch_add(&nevents, 1, __ATOMIC_SEQ_CST)] = what;
}

static void *fifo_thread(void *arg)
{
	struct sched_param sp = { .sched_priority = 10 };
	unsigned long before;
	double end;
	int err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);

	if (err) {
		fprintf(stderr, "SCHED_FIFO: error %d (root needed)\n", err);
		exit(1);
	}
	/* FIFO now: posting wakes the creator (SCHED_OTHER), which cannot
	 * run before this thread blocks in sem_wait. */
	sem_post(&ready);
	sem_wait(&wake);
	event("fifo: runs");
	before = spins;
	for (end = now_ms() + 30; now_ms() < end;)
		;
	event(spins == before ? "fifo: spinner made no progress meanwhile"
			      : "fifo: spinner ran meanwhile");
	fifo_done = 1;
	return NULL;
}

static void *spinner(void *arg)
{
	double end = now_ms() + 2000;

	for (int i = 0; i < 100000; i++)
		spins++;
	event("spinner: step 1, wakes fifo");
	sem_post(&wake);
	event("spinner: step 2");
	while (!fifo_done && now_ms() < end)
		spins++;
	return NULL;
}

static void fifo_case(void)
{
	pthread_t f, s;

	sem_init(&wake, 0, 0);
	sem_init(&ready, 0, 0);
	pthread_create(&f, NULL, fifo_thread, NULL);
	sem_wait(&ready);
	pthread_create(&s, NULL, spinner, NULL);
	pthread_join(s, NULL);
	pthread_join(f, NULL);
	for (int i = 0; i < nevents; i++)
		printf("%s\n", events[i]);
}

int main(int argc, char **argv)
{
	if (pin_first_cpu()) {
		perror("sched_setaffinity");
		return 1;
	}
	nice_case();
	fifo_case();
	return 0;
}
