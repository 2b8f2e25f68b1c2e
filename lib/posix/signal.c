/* SPDX-License-Identifier: MIT */
/*
 * Signals, as far as one program needs them: dispositions and the mask
 * are kept (rt_sigaction, rt_sigprocmask); a signal the program sends
 * itself (kill, tgkill, tkill: raise and abort) runs its handler at once,
 * or stays pending while blocked, or takes the default action. A fatal
 * default action ends the image with status 128 + signal, as a shell
 * reports a process killed by it; CPU exceptions in the program (a write
 * to a read-only page, ud2, a division by zero) end it the same way with
 * SIGSEGV, SIGILL or SIGFPE, after the kernel's crash report.
 *
 * Other libraries raise signals on the calling thread with
 * send_sig_current (<pith/signal_k.h>): SIGPIPE from pipes and sockets.
 *
 * Not yet: asynchronous delivery (alarm, setitimer), handlers for
 * exception signals, sigaltstack.
 */
#include <pith/errno.h>
#include <pith/init.h>
#include <pith/kernel.h>
#include <pith/paging.h>
#include <pith/printk.h>
#include <pith/signal_k.h>
#include <pith/string.h>
#include <pith/syscall.h>
#include <pith/trap.h>
#include "posix.h"

#define NSIG		65
#define SIG_DFL		0ul
#define SIG_IGN		1ul
#define SA_SIGINFO	0x4
#define SA_NODEFER	0x40000000
#define SA_RESETHAND	0x80000000
#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2
#define SIGKILL		9
#define SIGSTOP		19
#define BIT(s)		(1ul << ((s) - 1))

struct k_sigaction {
	unsigned long handler, flags, restorer, mask;
};

static struct k_sigaction actions[NSIG];
static unsigned long blocked, pending;

static bool default_ignores(int sig)
{
	/* SIGCHLD, SIGCONT, SIGURG, SIGWINCH */
	return sig == 17 || sig == 18 || sig == 23 || sig == 28;
}

static void deliver(int sig);
static void deliver_pending(void);

static void run_handler(int sig, struct k_sigaction *a)
{
	unsigned long saved = blocked;
	unsigned long handler = a->handler;
	unsigned long info[16] = { (unsigned long)sig };	/* si_signo */
	unsigned long uctx[128] = { 0 };

	blocked |= a->mask | (a->flags & SA_NODEFER ? 0 : BIT(sig));
	if (a->flags & SA_RESETHAND)
		a->handler = SIG_DFL;
	if (a->flags & SA_SIGINFO)
		((void (*)(int, void *, void *))handler)(sig, info, uctx);
	else
		((void (*)(int))handler)(sig);
	blocked = saved;
}

static void deliver(int sig)
{
	struct k_sigaction *a = &actions[sig];

	if (a->handler == SIG_IGN ||
	    (a->handler == SIG_DFL && default_ignores(sig)))
		return;
	if (blocked & BIT(sig) && sig != SIGKILL && sig != SIGSTOP) {
		pending |= BIT(sig);
		return;
	}
	if (a->handler == SIG_DFL || sig == SIGKILL || sig == SIGSTOP) {
		pr_info("posix: terminated by signal %d\n", sig);
		kernel_exit(128 + sig);
	}
	run_handler(sig, a);
}

/* From interrupt context (a timer): the default action ends the image
 * at once; otherwise the signal waits for the next system call return,
 * and a thread sleeping in pause() is woken. */
void signal_raise_async(int sig)
{
	struct k_sigaction *a = &actions[sig];

	if (a->handler == SIG_IGN ||
	    (a->handler == SIG_DFL && default_ignores(sig)))
		return;
	if (a->handler == SIG_DFL && !(blocked & BIT(sig))) {
		pr_info("posix: terminated by signal %d\n", sig);
		kernel_exit(128 + sig);
	}
	pending |= BIT(sig);
	signal_wake_sleepers();
}

/* Called on every system call's way out. */
void signal_check_pending(void)
{
	if (unlikely(pending & ~blocked))
		deliver_pending();
}

bool signal_is_pending(void)
{
	return pending & ~blocked;
}

static void deliver_pending(void)
{
	for (int sig = 1; sig < NSIG; sig++)
		if (pending & BIT(sig) & ~blocked) {
			pending &= ~BIT(sig);
			deliver(sig);
		}
}

static long sys_rt_sigaction(long sig, long act, long oact, long size)
{
	if (sig < 1 || sig >= NSIG || size != 8)
		return -EINVAL;
	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (oact)
		*(struct k_sigaction *)oact = actions[sig];
	if (act)
		actions[sig] = *(const struct k_sigaction *)act;
	return 0;
}
SYSCALL(rt_sigaction, "dppu", sys_rt_sigaction);

static long sys_rt_sigprocmask(long how, long set, long oset, long size)
{
	unsigned long s;

	if (size != 8)
		return -EINVAL;
	if (oset)
		*(unsigned long *)oset = blocked;
	if (!set)
		return 0;
	s = *(const unsigned long *)set & ~(BIT(SIGKILL) | BIT(SIGSTOP));
	if (how == SIG_BLOCK)
		blocked |= s;
	else if (how == SIG_UNBLOCK)
		blocked &= ~s;
	else if (how == SIG_SETMASK)
		blocked = s;
	else
		return -EINVAL;
	deliver_pending();
	return 0;
}
SYSCALL(rt_sigprocmask, "dppu", sys_rt_sigprocmask);

static long sys_rt_sigpending(long set, long size)
{
	*(unsigned long *)set = pending;
	return 0;
}
SYSCALL(rt_sigpending, "pu", sys_rt_sigpending);

static long send(long sig)
{
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	if (sig)
		deliver((int)sig);
	return 0;
}

void send_sig_current(int sig)
{
	if (sig > 0 && sig < NSIG)
		deliver(sig);
}

static long sys_kill(long pid, long sig)
{
	if (pid != 1 && pid != 0 && pid != -1)
		return -ESRCH;
	return send(sig);
}
SYSCALL(kill, "dd", sys_kill);

static long sys_tgkill(long tgid, long tid, long sig)
{
	if (tgid != 1)
		return -ESRCH;
	return send(sig);
}
SYSCALL(tgkill, "ddd", sys_tgkill);

static long sys_tkill(long tid, long sig)
{
	return send(sig);
}
SYSCALL(tkill, "dd", sys_tkill);

static long sys_sigaltstack(long ss, long old)
{
	if (old)
		memset((void *)old, 0, 24);
	return 0;
}
SYSCALL(sigaltstack, "pp", sys_sigaltstack);

static int exception_signal(const struct fault_info *fi)
{
	int sig;

	if (!boot_time_ns())
		return 0;	/* before the app started: a kernel crash */
	switch (fi->vector) {
	case 0: case 16: case 19:
		sig = 8;	/* SIGFPE */
		break;
	case 3:
		sig = 5;	/* SIGTRAP */
		break;
	case 6:
		sig = 4;	/* SIGILL */
		break;
	case 17:
		sig = 7;	/* SIGBUS */
		break;
	case 13: case 14:
		sig = 11;	/* SIGSEGV */
		break;
	default:
		return 0;
	}
	/* musl guards a thread's stack with a PROT_NONE page below it: a
	 * fault just below the stack pointer is that thread's overflow. */
	if (fi->vector == 14 && fi->addr < fi->rsp + PAGE_SIZE &&
	    fi->addr + 65536 > fi->rsp)
		pr_info("posix: stack overflow in thread %d (fault at %#lx, "
			"stack pointer %#lx)\n", posix_tid(),
			(unsigned long)fi->addr, (unsigned long)fi->rsp);
	pr_info("posix: the program took signal %d: exit status %d\n", sig,
		128 + sig);
	return 128 + sig;
}

static int signal_init(void)
{
	trap_set_fatal_hook(exception_signal);
	return 0;
}
early_initcall(signal_init);
