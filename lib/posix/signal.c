/* SPDX-License-Identifier: MIT */
/*
 * Signals: dispositions (process-wide), masks and pending sets (per
 * thread, plus one process-wide pending set), sending (kill, tgkill,
 * tkill, rt_sigqueueinfo, and the kernel's own: SIGPIPE, timers, CPU
 * exceptions), and sigaltstack. Handlers run on the app's stack in a
 * frame built like Linux's rt_sigframe: see sigframe.c for delivery.
 *
 * A signal sent to the process goes to its shared pending set; the main
 * thread takes it if it does not block it, else the first thread that
 * does not. A thread directed signal stays with its thread. Standard
 * and real-time signals alike are pending at most once (no queue of
 * real-time instances). A default action that kills ends the image at
 * once with 128 + signal, as a shell reports a process killed by it.
 *
 * Lock: interrupts off around every change (one CPU); senders may be
 * interrupt handlers (timers).
 */
#include <pith/errno.h>
#include <pith/irqflags.h>
#include <pith/kernel.h>
#include <pith/preempt.h>
#include <pith/printk.h>
#include <pith/signal_k.h>
#include <pith/string.h>
#include <pith/syscall.h>
#include "posix.h"
#include "signal.h"

struct k_sigaction sig_actions[NSIG_K];
unsigned long signal_shared_pending;
static struct ksiginfo shared_info[NSIG_K];

bool sig_default_ignores(int sig)
{
	return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG ||
	       sig == SIGWINCH;
}

static bool sig_ignored(int sig)
{
	const struct k_sigaction *a = &sig_actions[sig];

	return a->handler == SIG_IGN ||
	       (a->handler == SIG_DFL && sig_default_ignores(sig));
}

__noreturn void signal_die(int sig)
{
	pr_info("posix: terminated by signal %d\n", sig);
	kernel_exit(128 + sig);
}

void signal_thread_init(struct posix_thread *pt,
			const struct posix_thread *parent)
{
	/* A new thread inherits the mask; its alternate stack starts
	 * disabled, as Linux does for CLONE_VM children. */
	pt->sig.blocked = parent ? parent->sig.blocked : 0;
	pt->sig.ss_flags = SS_DISABLE;
}

/* Who takes a process-directed signal: the main thread unless it blocks
 * it, else the first thread that does not; NULL when all block it. */
static struct posix_thread *pick_thread(int sig)
{
	struct posix_thread *pt;

	list_for_each_entry(pt, &posix_threads, node)
		if (!(pt->sig.blocked & SIGBIT(sig)))
			return pt;
	return NULL;
}

void signal_send(int sig, const struct ksiginfo *info,
		 struct posix_thread *pt)
{
	unsigned long flags = local_irq_save();
	struct posix_thread *taker = pt ? pt : pick_thread(sig);
	bool blocked = !taker || (taker->sig.blocked & SIGBIT(sig));
	bool waited = taker && (taker->sig.waitset & SIGBIT(sig));

	/* Ignored signals are dropped at once, unless blocked or waited
	 * for: those stay pending (the handler may change first). */
	if (sig_ignored(sig) && !blocked && !waited)
		goto out;
	if (!blocked && !waited && sig_actions[sig].handler == SIG_DFL)
		signal_die(sig);
	if (pt) {
		if (!(pt->sig.pending & SIGBIT(sig)))
			pt->sig.info[sig] = *info;
		pt->sig.pending |= SIGBIT(sig);
	} else {
		if (!(signal_shared_pending & SIGBIT(sig)))
			shared_info[sig] = *info;
		signal_shared_pending |= SIGBIT(sig);
	}
	if (!blocked)
		posix_signal_wake(taker);
out:
	local_irq_restore(flags);
}

struct ksiginfo *signal_pending_info(struct posix_thread *pt, int sig)
{
	unsigned long pending = pt ? pt->sig.pending : signal_shared_pending;

	if (!(pending & SIGBIT(sig)))
		return NULL;
	return pt ? &pt->sig.info[sig] : &shared_info[sig];
}

bool signal_pending_current(void)
{
	struct posix_thread *pt = posix_current();

	return pt && ((pt->sig.pending | signal_shared_pending) &
		      ~pt->sig.blocked);
}

int signal_dequeue(struct posix_thread *pt, unsigned long set,
		   struct ksiginfo *info)
{
	unsigned long own = pt->sig.pending & set;
	unsigned long shared = signal_shared_pending & set;
	int sig;

	if (own) {
		sig = __builtin_ctzl(own) + 1;
		pt->sig.pending &= ~SIGBIT(sig);
		*info = pt->sig.info[sig];
		return sig;
	}
	if (shared) {
		sig = __builtin_ctzl(shared) + 1;
		signal_shared_pending &= ~SIGBIT(sig);
		*info = shared_info[sig];
		return sig;
	}
	return 0;
}

/* After the mask changed: a shared signal it now lets through may have
 * been waiting for any thread; the caller itself takes it on its way
 * out, or another thread that sleeps is woken. */
static void recheck_shared(void)
{
	unsigned long s = signal_shared_pending;

	while (s) {
		int sig = __builtin_ctzl(s) + 1;
		struct posix_thread *t = pick_thread(sig);

		s &= ~SIGBIT(sig);
		if (t && t != posix_current())
			posix_signal_wake(t);
	}
}

/* --- dispositions and masks ------------------------------------------- */

static long sys_rt_sigaction(long sig, long act, long oact, long size)
{
	struct k_sigaction *a = &sig_actions[sig];
	unsigned long flags;

	if (sig < 1 || sig >= NSIG_K || size != 8)
		return -EINVAL;
	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (oact)
		*(struct k_sigaction *)oact = *a;
	if (!act)
		return 0;
	flags = local_irq_save();
	*a = *(const struct k_sigaction *)act;
	a->mask &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	/* POSIX: setting a pending signal to be ignored discards it. */
	if (sig_ignored(sig)) {
		struct posix_thread *pt;

		signal_shared_pending &= ~SIGBIT(sig);
		list_for_each_entry(pt, &posix_threads, node)
			pt->sig.pending &= ~SIGBIT(sig);
	}
	local_irq_restore(flags);
	return 0;
}
SYSCALL(rt_sigaction, "dppu", sys_rt_sigaction);

/* Set the caller's mask (SIGKILL and SIGSTOP never blocked). */
void signal_set_blocked(struct posix_thread *pt, unsigned long mask)
{
	unsigned long flags = local_irq_save();

	pt->sig.blocked = mask & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	recheck_shared();
	local_irq_restore(flags);
}

int signal_set_temp_mask(const void *set, unsigned long size)
{
	struct posix_thread *pt = posix_current();

	if (!set)
		return 0;
	if (size != 8)
		return -EINVAL;
	if (!pt)
		return 0;
	pt->sig.saved_mask = pt->sig.blocked;
	pt->sig.restore_mask = true;
	signal_set_blocked(pt, *(const unsigned long *)set);
	return 0;
}

static long sys_rt_sigprocmask(long how, long set, long oset, long size)
{
	struct posix_thread *pt = posix_current();
	unsigned long s, old;

	if (size != 8)
		return -EINVAL;
	if (!pt)
		return -EINVAL;
	old = pt->sig.blocked;
	if (set) {
		s = *(const unsigned long *)set;
		if (how == SIG_BLOCK)
			s |= old;
		else if (how == SIG_UNBLOCK)
			s = old & ~s;
		else if (how != SIG_SETMASK)
			return -EINVAL;
		signal_set_blocked(pt, s);
	}
	if (oset)
		*(unsigned long *)oset = old;
	return 0;
}
SYSCALL(rt_sigprocmask, "dppu", sys_rt_sigprocmask);

static long sys_rt_sigpending(long set, long size)
{
	struct posix_thread *pt = posix_current();

	if (size != 8)
		return -EINVAL;
	*(unsigned long *)set = pt ? (pt->sig.pending | signal_shared_pending) &
				     pt->sig.blocked : 0;
	return 0;
}
SYSCALL(rt_sigpending, "pu", sys_rt_sigpending);

/* --- sending ------------------------------------------------------------ */

static long send_user(long sig, struct posix_thread *pt, int code)
{
	struct ksiginfo info = { .signo = (int)sig, .code = code,
				 .f = { 1 } };	/* si_pid 1, si_uid 0 */

	if (sig < 0 || sig >= NSIG_K)
		return -EINVAL;
	if (sig)
		signal_send((int)sig, &info, pt);
	return 0;
}

void send_sig_current(int sig)
{
	if (sig > 0 && sig < NSIG_K)
		send_user(sig, posix_current(), SI_USER);
}

static long sys_kill(long pid, long sig)
{
	if (pid != 1 && pid != 0 && pid != -1)
		return -ESRCH;
	return send_user(sig, NULL, SI_USER);
}
SYSCALL(kill, "dd", sys_kill);

/* The thread with this tid, or NULL. */
static struct posix_thread *thread_by_tid(long tid)
{
	struct posix_thread *pt;

	list_for_each_entry(pt, &posix_threads, node)
		if (posix_thread_tid(pt) == tid)
			return pt;
	return NULL;
}

static long sys_tgkill(long tgid, long tid, long sig)
{
	struct posix_thread *pt;

	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	pt = thread_by_tid(tid);
	if (tgid != 1 || !pt)
		return -ESRCH;
	return send_user(sig, pt, SI_USER);	/* as Linux 6.18 reports */
}
SYSCALL(tgkill, "ddd", sys_tgkill);

static long sys_tkill(long tid, long sig)
{
	struct posix_thread *pt;

	if (tid <= 0)
		return -EINVAL;
	pt = thread_by_tid(tid);
	return pt ? send_user(sig, pt, SI_USER) : -ESRCH;
}
SYSCALL(tkill, "dd", sys_tkill);

/* sigqueue: the caller's siginfo, which may not claim to be the
 * kernel's (si_code >= 0) - as Linux refuses it. */
static long queue_info(long sig, long uinfo, struct posix_thread *pt)
{
	struct ksiginfo info;

	if (sig < 0 || sig >= NSIG_K)
		return -EINVAL;
	memcpy(&info, (const void *)uinfo, sizeof(info));
	if (info.code >= 0 || info.code == SI_TKILL)
		return -EPERM;
	info.signo = (int)sig;
	if (sig)
		signal_send((int)sig, &info, pt);
	return 0;
}

static long sys_rt_sigqueueinfo(long pid, long sig, long uinfo)
{
	if (pid != 1)
		return -ESRCH;
	return queue_info(sig, uinfo, NULL);
}
SYSCALL(rt_sigqueueinfo, "ddp", sys_rt_sigqueueinfo);

static long sys_rt_tgsigqueueinfo(long tgid, long tid, long sig, long uinfo)
{
	struct posix_thread *pt = thread_by_tid(tid);

	if (tgid != 1 || !pt)
		return -ESRCH;
	return queue_info(sig, uinfo, pt);
}
SYSCALL(rt_tgsigqueueinfo, "dddp", sys_rt_tgsigqueueinfo);

/* --- the alternate signal stack ---------------------------------------- */

bool sig_on_altstack(const struct posix_thread *pt, uintptr_t sp)
{
	return !(pt->sig.ss_flags & SS_DISABLE) && sp > pt->sig.ss_sp &&
	       sp - pt->sig.ss_sp <= pt->sig.ss_size;
}

void sig_altstack_get(const struct posix_thread *pt, uintptr_t sp,
		      struct stack_k *st)
{
	st->sp = pt->sig.ss_sp;
	st->size = pt->sig.ss_size;
	st->flags = (sig_on_altstack(pt, sp) ? SS_ONSTACK :
		     pt->sig.ss_flags & SS_DISABLE ? SS_DISABLE : 0) |
		    (pt->sig.ss_flags & SS_AUTODISARM);
	st->pad = 0;
}

/* sp: the caller's stack pointer (no change while running on it). */
int sig_altstack_set(struct posix_thread *pt, const struct stack_k *ss,
		     uintptr_t sp)
{
	int mode = ss->flags & ~SS_AUTODISARM;

	if (sig_on_altstack(pt, sp))
		return -EPERM;
	if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
		return -EINVAL;
	if (mode == SS_DISABLE) {
		pt->sig.ss_flags = SS_DISABLE;
		pt->sig.ss_sp = 0;
		pt->sig.ss_size = 0;
		return 0;
	}
	if (ss->size < MINSIGSTKSZ)
		return -ENOMEM;
	pt->sig.ss_flags = ss->flags & SS_AUTODISARM;
	pt->sig.ss_sp = ss->sp;
	pt->sig.ss_size = ss->size;
	return 0;
}

static long sys_sigaltstack(struct syscall_args *r)
{
	struct posix_thread *pt = posix_current();
	const struct stack_k *ss = (const struct stack_k *)r->a[0];
	struct stack_k *oss = (struct stack_k *)r->a[1];
	struct stack_k old;
	int ret = 0;

	if (!pt)
		return -EINVAL;
	sig_altstack_get(pt, r->rsp, &old);
	if (ss)
		ret = sig_altstack_set(pt, ss, r->rsp);
	if (!ret && oss)
		*oss = old;
	return ret;
}
SYSCALL_FRAME(sigaltstack, "pp", sys_sigaltstack);
