/* SPDX-License-Identifier: MIT */
/*
 * pthreads: a mutex-protected counter across 8 threads, a condition
 * variable ping-pong, a barrier, a rwlock, thread-specific data and
 * __thread variables, join return values, detached threads.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#define THREADS 8
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread long tls_value;
static pthread_key_t key;

static void *adder(void *arg)
{
	tls_value = (long)(intptr_t)arg;
	pthread_setspecific(key, arg);
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		if (i % 1000 == 0)
			sched_yield();	/* contention even without preemption */
		pthread_mutex_unlock(&lock);
	}
	if (tls_value != (long)(intptr_t)arg ||
	    pthread_getspecific(key) != arg)
		return (void *)-1;
	return (void *)(tls_value * 10);
}

static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int turn, volleys;

static void *pong(void *arg)
{
	pthread_mutex_lock(&lock);
	while (volleys < 100) {
		while (turn != 1)
			pthread_cond_wait(&cond, &lock);
		volleys++;
		turn = 0;
		pthread_cond_signal(&cond);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

static pthread_barrier_t barrier;
static int before, after_ok = 1;

static void *barrier_thread(void *arg)
{
	__atomic_fetch_add(&before, 1, __ATOMIC_SEQ_CST);
	pthread_barrier_wait(&barrier);
	if (__atomic_load_n(&before, __ATOMIC_SEQ_CST) != 4)
		after_ok = 0;
	return NULL;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int shared;

static void *reader(void *arg)
{
	int sum = 0;

	for (int i = 0; i < 1000; i++) {
		pthread_rwlock_rdlock(&rw);
		sum += shared >= 0;
		pthread_rwlock_unlock(&rw);
	}
	return (void *)(intptr_t)sum;
}

static volatile int detached_ran;

static void *detached(void *arg)
{
	detached_ran = 1;
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];
	void *ret;
	int ok = 1;

	pthread_key_create(&key, NULL);
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, adder, (void *)(intptr_t)(i + 1));
	for (long i = 0; i < THREADS; i++) {
		pthread_join(t[i], &ret);
		ok &= (intptr_t)ret == (i + 1) * 10;
	}
	printf("counter %ld (expected %d), join values %s\n", counter,
	       THREADS * ROUNDS, ok ? "ok" : "WRONG");

	pthread_create(&t[0], NULL, pong, NULL);
	pthread_mutex_lock(&lock);
	while (volleys < 100) {
		turn = 1;
		pthread_cond_signal(&cond);
		while (turn != 0 && volleys < 100)
			pthread_cond_wait(&cond, &lock);
	}
	pthread_mutex_unlock(&lock);
	pthread_join(t[0], NULL);
	printf("ping-pong volleys %d\n", volleys);

	pthread_barrier_init(&barrier, NULL, 4);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, barrier_thread, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("barrier %s\n", after_ok && before == 4 ? "ok" : "WRONG");

	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, reader, NULL);
	for (int i = 0; i < 100; i++) {
		pthread_rwlock_wrlock(&rw);
		shared++;
		pthread_rwlock_unlock(&rw);
	}
	for (int i = 0; i < 3; i++) {
		pthread_join(t[i], &ret);
		ok &= (intptr_t)ret == 1000;
	}
	printf("rwlock readers %s, writes %d\n", ok ? "ok" : "WRONG", shared);

	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_create(&t[0], &a, detached, NULL);
	for (int i = 0; i < 1000 && !detached_ran; i++)
		usleep(1000);
	printf("detached thread ran %d\n", detached_ran);
	return 0;
}
