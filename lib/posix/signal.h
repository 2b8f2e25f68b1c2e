/* SPDX-License-Identifier: MIT */
/* Private to lib/posix: signal numbers, flags and the kernel's forms of
 * struct sigaction and stack_t, shared by signal.c, sigframe.c and
 * sigwait.c. */
#ifndef LIB_POSIX_SIGNAL_H
#define LIB_POSIX_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "posix.h"

#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGSEGV		11
#define SIGALRM		14
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19
#define SIGURG		23
#define SIGVTALRM	26
#define SIGPROF		27
#define SIGWINCH	28

#define SIG_DFL		0ul
#define SIG_IGN		1ul
#define SA_SIGINFO	0x4
#define SA_ONSTACK	0x08000000
#define SA_RESTART	0x10000000
#define SA_NODEFER	0x40000000
#define SA_RESETHAND	0x80000000
#define SA_RESTORER	0x04000000

#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2

#define SS_ONSTACK	1
#define SS_DISABLE	2
#define SS_AUTODISARM	(1u << 31)
#define MINSIGSTKSZ	2048

/* si_code values for the kernel's own signals. */
#define SEGV_MAPERR	1
#define SEGV_ACCERR	2
#define FPE_INTDIV	1
#define FPE_FLTINV	7
#define ILL_ILLOPN	2
#define BUS_ADRALN	1

/* The kernel's struct sigaction, as rt_sigaction takes it. */
struct k_sigaction {
	unsigned long handler, flags, restorer, mask;
};

/* stack_t */
struct stack_k {
	unsigned long sp;
	int flags, pad;
	unsigned long size;
};

extern struct k_sigaction sig_actions[NSIG_K];

bool sig_default_ignores(int sig);
void signal_set_blocked(struct posix_thread *pt, unsigned long mask);
bool sig_on_altstack(const struct posix_thread *pt, uintptr_t sp);
void sig_altstack_get(const struct posix_thread *pt, uintptr_t sp,
		      struct stack_k *st);
int sig_altstack_set(struct posix_thread *pt, const struct stack_k *ss,
		     uintptr_t sp);
int posix_thread_tid(const struct posix_thread *pt);

#endif
