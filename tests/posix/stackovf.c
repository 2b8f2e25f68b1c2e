/* SPDX-License-Identifier: MIT */
/* A thread that recurses without end dies of SIGSEGV on its stack's
 * guard page (exit status 139), on Linux and on Pith alike.
 * "altstack": the classic recovery instead. The thread sets up an
 * alternate signal stack; its SIGSEGV handler (SA_ONSTACK) runs there,
 * checks where it runs and what sigaltstack says, and siglongjmps out;
 * the thread then overflows once more (the alternate stack is free
 * again) and ends normally. Also sigaltstack's errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SS_AUTODISARM		/* glibc leaves it to <linux/signal.h> */
#define SS_AUTODISARM (1U << 31)
#endif

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

static sigjmp_buf jb;
static char *alt;
static volatile int on_alt, eperm, onstack_flag, code;
#define ALT_SIZE (64 * 1024)

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	char here;
	stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE }, old;

	on_alt = &here > alt && &here < alt + ALT_SIZE;
	code = si->si_code;
	/* No change while running on it; the query says SS_ONSTACK. */
	eperm = sigaltstack(&ss, NULL) == -1 && errno == EPERM;
	sigaltstack(NULL, &old);
	onstack_flag = old.ss_flags == SS_ONSTACK;
	siglongjmp(jb, 1);
}

static void *alt_thread(void *arg)
{
	stack_t ss = { 0 }, old;
	struct sigaction sa;

	ss.ss_sp = alt;
	ss.ss_size = ALT_SIZE;
	sigaltstack(&ss, NULL);
	sigaltstack(NULL, &old);
	printf("set: size %zu, flags %d\n", old.ss_size, old.ss_flags);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	for (int round = 1; round <= 2; round++) {
		on_alt = eperm = onstack_flag = code = 0;
		if (!sigsetjmp(jb, 1))
			deep(0);
		printf("overflow %d caught: on the alternate stack %d, "
		       "EPERM there %d, SS_ONSTACK there %d, SEGV_ACCERR %d\n",
		       round, on_alt, eperm, onstack_flag,
		       code == SEGV_ACCERR);
	}
	sigaltstack(NULL, &old);
	printf("after: flags %d\n", old.ss_flags);
	return NULL;
}

static void errors(void)
{
	stack_t ss = { 0 }, old;
	char small[1024];

	sigaltstack(NULL, &old);
	printf("initially: flags %s\n",
	       old.ss_flags == SS_DISABLE ? "SS_DISABLE" : "?");
	int r;

	ss.ss_sp = small;
	ss.ss_size = sizeof(small);
	r = sigaltstack(&ss, NULL);
	printf("too small: %d %s\n", r,
	       errno == ENOMEM ? "ENOMEM" : strerror(errno));
	ss.ss_size = ALT_SIZE;
	ss.ss_flags = 12345;
	r = sigaltstack(&ss, NULL);
	printf("bad flags: %d %s\n", r,
	       errno == EINVAL ? "EINVAL" : strerror(errno));
	ss.ss_sp = malloc(ALT_SIZE);
	ss.ss_flags = SS_AUTODISARM;
	r = sigaltstack(&ss, NULL);
	sigaltstack(NULL, &old);
	printf("SS_AUTODISARM: %d, reported %d\n", r,
	       (unsigned int)old.ss_flags == SS_AUTODISARM);
	ss.ss_flags = SS_DISABLE;
	printf("disable: %d\n", sigaltstack(&ss, NULL));
	free(ss.ss_sp);
}

int main(int argc, char **argv)
{
	pthread_attr_t a;
	pthread_t t;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 * 1024);
	if (argc > 1 && !strcmp(argv[1], "altstack")) {
		errors();
		alt = malloc(ALT_SIZE);
		pthread_create(&t, &a, alt_thread, NULL);
		pthread_join(t, NULL);
		printf("the program goes on\n");
		return 0;
	}
	printf("recursing in a thread with a 64 KiB stack\n");
	fflush(stdout);
	pthread_create(&t, &a, thread, NULL);
	pthread_join(t, NULL);
	printf("survived: WRONG\n");
	return 0;
}
