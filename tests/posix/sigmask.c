/* SPDX-License-Identifier: MIT */
/*
 * Masks and flags: the mask inside a handler (its own signal and
 * sa_mask) and after it, SA_NODEFER (the handler nests) against the
 * default (the second signal waits), SA_RESETHAND, a blocked signal
 * pending until unblocked, SIG_IGN discarding a pending signal,
 * sigpending, sigwaitinfo/sigtimedwait (si_code of raise and sigqueue,
 * the queued value, EAGAIN on timeout), and a blocked signal sent to
 * the process staying pending for the thread that unblocks it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char trace[64];
static volatile int entries, in_mask_self, in_mask_other, hits;

static void note(char c)
{
	size_t n = strlen(trace);

	if (n + 1 < sizeof(trace))
		trace[n] = c, trace[n + 1] = 0;
}

static void nesting(int sig)
{
	sigset_t now;

	sigprocmask(SIG_SETMASK, NULL, &now);
	in_mask_self = sigismember(&now, sig);
	in_mask_other = sigismember(&now, SIGUSR2);
	note('[');
	if (++entries == 1)
		raise(sig);	/* nests with SA_NODEFER, else waits */
	note(']');
	hits++;
}

static void install(int sig, void (*fn)(int), int flags, int extra)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (extra)
		sigaddset(&sa.sa_mask, extra);
	sigaction(sig, &sa, NULL);
}

static int blocked(int sig)
{
	sigset_t now;

	sigprocmask(SIG_SETMASK, NULL, &now);
	return sigismember(&now, sig);
}

static void flags_and_masks(void)
{
	struct sigaction old;

	install(SIGUSR1, nesting, 0, SIGUSR2);
	trace[0] = 0;
	entries = 0;
	raise(SIGUSR1);
	printf("default: %s, own signal blocked inside %d, sa_mask too %d, "
	       "both free after %d\n", trace, in_mask_self, in_mask_other,
	       !blocked(SIGUSR1) && !blocked(SIGUSR2));

	install(SIGUSR1, nesting, SA_NODEFER, 0);
	trace[0] = 0;
	entries = 0;
	raise(SIGUSR1);
	printf("SA_NODEFER: %s, own signal blocked inside %d\n", trace,
	       in_mask_self);

	hits = 0;
	entries = 1;		/* a second one would now be fatal */
	install(SIGUSR2, nesting, SA_RESETHAND, 0);
	raise(SIGUSR2);
	sigaction(SIGUSR2, NULL, &old);
	printf("SA_RESETHAND: ran %d, handler now SIG_DFL %d, "
	       "SA_RESETHAND kept %d\n", hits, old.sa_handler == SIG_DFL,
	       !!(old.sa_flags & SA_RESETHAND));
}

static void pending_and_ignore(void)
{
	sigset_t set, pend;

	install(SIGUSR1, nesting, 0, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	hits = 0;
	entries = 1;		/* no nesting from here on */
	raise(SIGUSR1);
	raise(SIGUSR1);		/* not queued twice */
	sigpending(&pend);
	printf("blocked: ran %d, pending %d\n", hits,
	       sigismember(&pend, SIGUSR1));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("unblocked: ran %d, pending %d\n", hits,
	       (sigpending(&pend), sigismember(&pend, SIGUSR1)));

	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR1);
	signal(SIGUSR1, SIG_IGN);
	sigpending(&pend);
	printf("SIG_IGN drops the pending one: %d\n",
	       !sigismember(&pend, SIGUSR1));
	install(SIGUSR1, nesting, 0, 0);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void waiting(void)
{
	struct timespec ten_ms = { 0, 10000000 };
	union sigval v = { .sival_int = 42 };
	sigset_t set;
	siginfo_t si;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	hits = 0;
	raise(SIGUSR1);
	r = sigwaitinfo(&set, &si);
	/* Linux 6.18 says SI_USER for tgkill, older ones SI_TKILL. */
	printf("sigwaitinfo: %d (SIGUSR1 %d), si_code SI_USER/SI_TKILL %d, "
	       "handler ran %d\n", r, r == SIGUSR1,
	       si.si_code == SI_USER || si.si_code == SI_TKILL, hits);
	sigqueue(getpid(), SIGRTMIN + 1, v);
	r = sigtimedwait(&set, &si, &ten_ms);
	printf("sigqueue: %d, si_code SI_QUEUE %d, value %d\n",
	       r - SIGRTMIN, si.si_code == SI_QUEUE, si.si_value.sival_int);
	r = sigtimedwait(&set, &si, &ten_ms);
	printf("sigtimedwait, nothing: %d %s\n", r,
	       errno == EAGAIN ? "EAGAIN" : strerror(errno));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void on_usr2(int sig)
{
	hits++;
}

static void *taker(void *arg)
{
	sigset_t set;
	struct timespec ms = { 0, 1000000 };

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);	/* takes it here */
	for (int i = 0; i < 5000 && !hits; i++)
		nanosleep(&ms, NULL);
	return NULL;
}

/* The process-directed signal waits for the one thread that unblocks. */
static void thread_takes_it(void)
{
	sigset_t set;
	pthread_t t;

	install(SIGUSR2, on_usr2, 0, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	hits = 0;
	kill(getpid(), SIGUSR2);
	pthread_create(&t, NULL, taker, NULL);
	pthread_join(t, NULL);
	printf("kill while blocked in main: a thread took it %d\n", hits);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int main(void)
{
	flags_and_masks();
	pending_and_ignore();
	waiting();
	thread_takes_it();
	return 0;
}
