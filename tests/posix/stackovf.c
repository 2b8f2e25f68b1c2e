/* SPDX-License-Identifier: MIT */
/* A thread that recurses without end dies of SIGSEGV on its stack's
 * guard page (exit status 139), on Linux and on Pith alike. */
#include <pthread.h>
#include <stdio.h>

static volatile int sink, limit = 1 << 30;	/* never reached */

static int deep(int n)
{
	volatile char pad[1024];

	pad[0] = (char)n;
	sink = pad[0];
	return n < limit ? deep(n + 1) + pad[0] : 0;
}

static void *thread(void *arg)
{
	return (void *)(long)deep(0);
}

int main(void)
{
	pthread_attr_t a;
	pthread_t t;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 * 1024);
	printf("recursing in a thread with a 64 KiB stack\n");
	fflush(stdout);
	pthread_create(&t, &a, thread, NULL);
	pthread_join(t, NULL);
	printf("survived: WRONG\n");
	return 0;
}
