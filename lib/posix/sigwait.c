/* SPDX-License-Identifier: MIT */
/*
 * Waiting for signals: pause, rt_sigsuspend (a temporary mask), and
 * rt_sigtimedwait (sigwaitinfo, sigtimedwait, sigwait: take a signal
 * without its handler). Also the interruptible sleep that nanosleep and
 * these share: a signal the thread would take wakes it (see
 * posix_signal_wake), and the call then fails with EINTR or is
 * restarted, as on Linux, once the handler has run on the way out.
 */
#include <pith/errno.h>
#include <pith/irqflags.h>
#include <pith/sched.h>
#include <pith/signal_k.h>
#include <pith/string.h>
#include <pith/syscall.h>
#include <pith/time.h>
#include "posix.h"
#include "signal.h"

struct timespec_k {
	long sec, nsec;
};

bool signal_sleep_until(uint64_t deadline)
{
	for (;;) {
		unsigned long flags = local_irq_save();
		uint64_t now = ktime_get_ns();

		current->state = TASK_INTERRUPTIBLE;
		if (signal_pending_current() || now >= deadline) {
			current->state = TASK_RUNNING;
			local_irq_restore(flags);
			return now < deadline;
		}
		local_irq_restore(flags);
		schedule_timeout(deadline == UINT64_MAX ? UINT64_MAX
							: deadline - now);
	}
}

/* Returns EINTR once a handler has run (never restarted). */
static long sys_pause(void)
{
	signal_sleep_until(UINT64_MAX);
	return -ERESTARTNOHAND;
}
SYSCALL(pause, "", sys_pause);

static long sys_rt_sigsuspend(long set, long size)
{
	struct posix_thread *pt = posix_current();

	if (size != 8)
		return -EINVAL;
	if (!pt)
		return -EINVAL;
	/* The handler's frame saves the old mask; signal_deliver puts it
	 * back (or the way out does, when no handler runs). */
	signal_set_temp_mask((const void *)set, 8);
	signal_sleep_until(UINT64_MAX);
	return -ERESTARTNOHAND;
}
SYSCALL(rt_sigsuspend, "pu", sys_rt_sigsuspend);

static long took(int sig, const struct ksiginfo *info, long uinfo)
{
	if (uinfo) {
		memset((void *)uinfo, 0, 128);
		memcpy((void *)uinfo, info, sizeof(*info));
		((struct ksiginfo *)uinfo)->signo = sig;
	}
	return sig;
}

static long sys_rt_sigtimedwait(long uset, long uinfo, long uts, long size)
{
	const struct timespec_k *ts = (const struct timespec_k *)uts;
	struct posix_thread *pt = posix_current();
	uint64_t deadline = UINT64_MAX;
	unsigned long set, flags;
	struct ksiginfo info;
	bool signalled;
	int sig;

	if (size != 8 || !pt)
		return -EINVAL;
	set = *(const unsigned long *)uset &
	      ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	if (ts) {
		if (ts->sec < 0 || ts->nsec < 0 || ts->nsec >= (long)NSEC_PER_SEC)
			return -EINVAL;
		deadline = ktime_get_ns() + ts->sec * NSEC_PER_SEC + ts->nsec;
	}
	flags = local_irq_save();
	sig = signal_dequeue(pt, set, &info);
	if (sig) {
		local_irq_restore(flags);
		return took(sig, &info, uinfo);
	}
	/* Let the waited-for signals wake us; signal_send does not treat
	 * them as unblocked for their default action (waitset). */
	pt->sig.waitset = set;
	pt->sig.saved_mask = pt->sig.blocked;
	pt->sig.blocked &= ~set;
	local_irq_restore(flags);
	signalled = signal_sleep_until(deadline);
	flags = local_irq_save();
	pt->sig.waitset = 0;
	signal_set_blocked(pt, pt->sig.saved_mask);
	sig = signal_dequeue(pt, set, &info);
	local_irq_restore(flags);
	if (sig)
		return took(sig, &info, uinfo);
	return signalled ? -EINTR : -EAGAIN;
}
SYSCALL(rt_sigtimedwait, "pppu", sys_rt_sigtimedwait);
