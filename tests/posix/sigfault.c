/* SPDX-License-Identifier: MIT */
/*
 * CPU exceptions as signals with handlers: SIGSEGV on a write to a
 * PROT_READ page (SEGV_ACCERR), on a NULL read and on an unmapped page
 * (SEGV_MAPERR), with si_addr; leaving the handler by siglongjmp, and
 * returning from it so that the faulting write runs again once the
 * handler made the page writable; SIGFPE on an integer division by
 * zero (FPE_INTDIV); SIGILL on ud2; SIGTRAP on int3 (execution goes
 * on after it). Then, with the handler gone, the default action.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf jb;
static volatile int got_sig, got_code, fixes;
static void *volatile got_addr;
static char *volatile page;
static volatile int sink;

static void jump_out(int sig, siginfo_t *si, void *uc)
{
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	siglongjmp(jb, 1);
}

/* Make the page writable and return: the write runs again. */
static void fix_page(int sig, siginfo_t *si, void *uc)
{
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	fixes++;
	mprotect(page, 4096, PROT_READ | PROT_WRITE);
}

static volatile int traps;

static void count_trap(int sig, siginfo_t *si, void *uc)
{
	traps++;
}

static void handle(int sig, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO;
	sigaction(sig, &sa, NULL);
}

static const char *code_name(int sig, int code)
{
	if (sig == SIGSEGV && code == SEGV_MAPERR)
		return "SEGV_MAPERR";
	if (sig == SIGSEGV && code == SEGV_ACCERR)
		return "SEGV_ACCERR";
	if (sig == SIGFPE && code == FPE_INTDIV)
		return "FPE_INTDIV";
	if (sig == SIGILL && code == ILL_ILLOPN)
		return "ILL_ILLOPN";
	return "other";
}

static void report(const char *what, void *want_addr)
{
	sigset_t now;

	sigprocmask(SIG_SETMASK, NULL, &now);
	printf("%s: signal %d %s, si_addr %s, mask restored %d\n", what,
	       got_sig, code_name(got_sig, got_code),
	       got_addr == want_addr ? "right" : "WRONG",
	       !sigismember(&now, got_sig));
}

static int divide(volatile int a, volatile int b)
{
	return a / b;
}

int main(void)
{
	int *volatile null = NULL;
	char *volatile gone;

	page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	gone = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(gone, 4096);

	handle(SIGSEGV, jump_out);
	if (!sigsetjmp(jb, 1)) {
		page[100] = 1;
		printf("write to PROT_READ: no fault, WRONG\n");
	}
	report("write to PROT_READ", page + 100);
	if (!sigsetjmp(jb, 1)) {
		sink = *null;
		printf("NULL read: no fault, WRONG\n");
	}
	report("NULL read", NULL);
	if (!sigsetjmp(jb, 1)) {
		sink = gone[8];
		printf("unmapped read: no fault, WRONG\n");
	}
	report("unmapped read", gone + 8);

	handle(SIGSEGV, fix_page);
	*(volatile char *)(page + 200) = 42;
	printf("returning handler: ran %d time(s), the write then gave %d, "
	       "%s\n", fixes, page[200],
	       code_name(got_sig, got_code));

	handle(SIGFPE, jump_out);
	if (!sigsetjmp(jb, 1))
		printf("1/0 = %d: no fault, WRONG\n", divide(1, 0));
	printf("division by zero: signal %d %s, si_addr set %d\n", got_sig,
	       code_name(got_sig, got_code), got_addr != NULL);

	handle(SIGILL, jump_out);
	if (!sigsetjmp(jb, 1))
		__asm__ __volatile__("ud2");
	printf("ud2: signal %d %s, si_addr set %d\n", got_sig,
	       code_name(got_sig, got_code), got_addr != NULL);

	handle(SIGTRAP, count_trap);
	__asm__ __volatile__("int3");
	__asm__ __volatile__("int3");
	printf("int3 twice: handler ran %d times, then went on\n", traps);

	/* Nested: a fault inside a SIGSEGV handler's own frame is not
	 * needed; a second fault after a longjmp works like the first. */
	handle(SIGSEGV, jump_out);
	if (!sigsetjmp(jb, 1))
		sink = *null;
	report("again after the longjmps", NULL);

	signal(SIGSEGV, SIG_DFL);
	printf("now the default action\n");
	fflush(stdout);
	sink = *null;
	printf("survived: WRONG\n");
	return 0;
}
