/* SPDX-License-Identifier: MIT */
/*
 * Asynchronous signals: handlers that interrupt a loop making no system
 * call (ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF), what getitimer says,
 * the siginfo and ucontext a handler gets, blocking calls interrupted
 * (nanosleep, pause, sigsuspend, a pipe read: EINTR without SA_RESTART,
 * restarted with it).
 *
 * The compute loops read no clock through the kernel; a TSC deadline
 * (60 s, calibrated first) stops a loop that no signal interrupts, so a
 * kernel that only delivers at system calls fails instead of hanging.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static volatile sig_atomic_t flag, hits;
static volatile int got_sig, got_code;
static volatile uintptr_t got_rip, loop_lo, loop_hi;
static uint64_t tsc_per_sec;

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

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	ucontext_t *u = uc;

	got_sig = sig;
	got_code = si->si_code;
	got_rip = u->uc_mcontext.gregs[REG_RIP];
	flag = 1;
	hits++;
}

/* Spins until the flag flips; no system call inside. Returns 1 when
 * the deadline stopped it. */
static __attribute__((noinline)) int spin(void)
{
	uint64_t limit = __builtin_ia32_rdtsc() + 60 * tsc_per_sec;
	unsigned long n = 0;

	while (!flag)
		if (!(++n & 0xfffff) && __builtin_ia32_rdtsc() > limit)
			return 1;
	return 0;
}

static void handle(int sig, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | flags;
	sigaction(sig, &sa, NULL);
}

static void compute_until(int which, int sig, const char *name)
{
	struct itimerval it = { { 0, 0 }, { 0, 50000 } }, left;
	int late;

	handle(sig, 0);
	flag = 0;
	got_sig = 0;
	setitimer(which, &it, NULL);
	late = spin();
	getitimer(which, &left);
	printf("%s: loop interrupted %s, signal %d, si_code %s, "
	       "disarmed %d\n", name, late ? "NEVER" : "yes", got_sig,
	       got_code == SI_KERNEL ? "SI_KERNEL" : "other",
	       !left.it_value.tv_sec && !left.it_value.tv_usec);
}

static void periodic(void)
{
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, left, off;

	handle(SIGVTALRM, SA_RESTART);
	hits = 0;
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	while (hits < 3)
		flag = 0, spin();
	getitimer(ITIMER_VIRTUAL, &left);
	memset(&off, 0, sizeof(off));
	setitimer(ITIMER_VIRTUAL, &off, NULL);
	printf("periodic ITIMER_VIRTUAL: 3 ticks, interval %ld us, "
	       "value <= 20 ms %d\n", (long)left.it_interval.tv_usec,
	       left.it_value.tv_sec == 0 && left.it_value.tv_usec <= 20000);
}

static void rip_points_into_loop(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 30000 } };

	handle(SIGALRM, 0);
	flag = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	spin();
	printf("handler saw the loop's rip: %d\n",
	       got_rip >= (uintptr_t)spin && got_rip < (uintptr_t)spin + 256);
}

static void interrupted_sleep(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	struct timespec req = { 5, 0 }, rem = { 0, 0 };
	int r;

	handle(SIGALRM, SA_RESTART);	/* nanosleep fails anyway */
	setitimer(ITIMER_REAL, &it, NULL);
	r = nanosleep(&req, &rem);
	printf("nanosleep: %d %s, rem 0..5 s %d\n", r,
	       errno == EINTR ? "EINTR" : strerror(errno),
	       rem.tv_sec < 5 && (rem.tv_sec > 0 || rem.tv_nsec > 0));

	setitimer(ITIMER_REAL, &it, NULL);
	r = pause();
	printf("pause: %d %s\n", r, errno == EINTR ? "EINTR" : "?");
}

static void suspend(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	sigset_t block, empty, now;
	int r;

	handle(SIGALRM, 0);
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	sigemptyset(&empty);
	hits = 0;
	r = sigsuspend(&empty);
	sigprocmask(SIG_SETMASK, NULL, &now);
	printf("sigsuspend: %d %s, handler ran %d, mask back %d\n", r,
	       errno == EINTR ? "EINTR" : "?", (int)hits,
	       sigismember(&now, SIGALRM) && sigismember(&now, SIGUSR2));
	sigprocmask(SIG_UNBLOCK, &block, NULL);
}

static int pipefd[2];

static void *late_writer(void *arg)
{
	struct timespec ms = { 0, 1000000 };

	while (!hits)		/* write only after the handler ran */
		nanosleep(&ms, NULL);
	write(pipefd[1], "x", 1);
	return NULL;
}

static void interrupted_read(int restart)
{
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	pthread_t t;
	char c = 0;
	ssize_t r;

	pipe(pipefd);
	handle(SIGALRM, restart ? SA_RESTART : 0);
	hits = 0;
	if (restart)
		pthread_create(&t, NULL, late_writer, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	r = read(pipefd[0], &c, 1);
	if (restart) {
		pthread_join(t, NULL);
		printf("read, SA_RESTART: %zd '%c', handler ran %d\n", r, c,
		       (int)hits);
	} else {
		printf("read, no SA_RESTART: %zd %s, handler ran %d\n", r,
		       errno == EINTR ? "EINTR" : "?", (int)hits);
	}
	close(pipefd[0]);
	close(pipefd[1]);
}

/* Waits for file descriptors end with EINTR (even with SA_RESTART, as
 * on Linux); ppoll's mask lets a blocked signal in while it waits. */
static void interrupted_polls(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	struct epoll_event ev = { .events = EPOLLIN }, out;
	struct pollfd p;
	sigset_t block, empty, now;
	int r, ep;

	pipe(pipefd);
	p.fd = pipefd[0];
	p.events = POLLIN;
	handle(SIGALRM, SA_RESTART);
	setitimer(ITIMER_REAL, &it, NULL);
	r = poll(&p, 1, -1);
	printf("poll: %d %s\n", r, errno == EINTR ? "EINTR" : "?");

	ep = epoll_create1(0);
	epoll_ctl(ep, EPOLL_CTL_ADD, pipefd[0], &ev);
	setitimer(ITIMER_REAL, &it, NULL);
	r = epoll_wait(ep, &out, 1, -1);
	printf("epoll_wait: %d %s\n", r, errno == EINTR ? "EINTR" : "?");
	close(ep);

	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigemptyset(&empty);
	hits = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	r = ppoll(&p, 1, NULL, &empty);
	sigprocmask(SIG_SETMASK, NULL, &now);
	printf("ppoll, empty mask: %d %s, handler ran %d, SIGALRM blocked "
	       "again %d\n", r, errno == EINTR ? "EINTR" : "?", (int)hits,
	       sigismember(&now, SIGALRM));
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	close(pipefd[0]);
	close(pipefd[1]);
}

/* Many signals while the loop alternates system calls and arithmetic
 * in integer and SSE registers: every interrupted state must come back
 * intact (a wrong register shows as a wrong sum). */
static void stress(void)
{
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } }, off;
	uint64_t limit = __builtin_ia32_rdtsc() + 60 * tsc_per_sec;
	unsigned long bad = 0, i = 0;

	handle(SIGALRM, SA_RESTART);
	hits = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	while (hits < 200 && __builtin_ia32_rdtsc() < limit) {
		unsigned long a = i * 2654435761ul, b = a ^ (a >> 7);
		unsigned long c = (a + b) * 3;
		double x = (double)(i & 1023) * 0.5, y = x * 4.0;

		/* The compiler must keep them in registers and forget what
		 * it knows, so the checks below run on what survived. */
		__asm__ __volatile__("" : "+r"(a), "+r"(b), "+r"(c), "+x"(x),
				     "+x"(y));
		if (i & 1)
			getppid();
		__asm__ __volatile__("" : "+r"(a), "+r"(b), "+r"(c), "+x"(x),
				     "+x"(y));
		if (c != (a + b) * 3 || y != x * 4.0 || b != (a ^ (a >> 7)))
			bad++;
		i++;
	}
	memset(&off, 0, sizeof(off));
	setitimer(ITIMER_REAL, &off, NULL);
	printf("200 signals over system calls and arithmetic: %s, "
	       "corrupted %lu\n", hits >= 200 ? "yes" : "NO", bad);
}

int main(void)
{
	calibrate();
	compute_until(ITIMER_REAL, SIGALRM, "ITIMER_REAL");
	compute_until(ITIMER_VIRTUAL, SIGVTALRM, "ITIMER_VIRTUAL");
	compute_until(ITIMER_PROF, SIGPROF, "ITIMER_PROF");
	periodic();
	rip_points_into_loop();
	interrupted_sleep();
	suspend();
	interrupted_read(0);
	interrupted_read(1);
	interrupted_polls();
	stress();
	return 0;
}
