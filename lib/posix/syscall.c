/* SPDX-License-Identifier: MIT */
/*
 * System-call dispatch: the table is built at the early init level from
 * the .syscalls section (see <pith/syscall.h>), and the CPU's SYSCALL
 * MSRs point at entry.S. Unknown numbers return -ENOSYS, logged once per
 * number with the call's name.
 */
#include <pith/bitmap.h>
#include <pith/cpu.h>
#include <pith/errno.h>
#include <pith/init.h>
#include <pith/io.h>
#include <pith/irqflags.h>
#include <pith/plat.h>
#include <pith/preempt.h>
#include <pith/printk.h>
#include <pith/syscall.h>
#include "posix.h"

extern const struct syscall_def __syscalls_start[], __syscalls_end[];
extern char syscall_entry[];

static const struct syscall_def *table[NR_SYSCALLS];
static uint8_t syscall_stack[16384] __aligned(16) __section(".stacks");
static DECLARE_BITMAP(enosys_logged, NR_SYSCALLS);

const char *syscall_name(unsigned long nr)
{
	return nr < syscall_names_count ? syscall_names[nr] : NULL;
}

static long enosys(unsigned long nr)
{
	if (nr >= NR_SYSCALLS || !test_and_set_bit(nr, enosys_logged)) {
		const char *name = syscall_name(nr);

		pr_warn("posix: system call %lu (%s) is not implemented: ENOSYS\n",
			nr, name ? name : "unknown");
	}
	return -ENOSYS;
}

/* Whether the way out needs entry.S's slow path: a signal the thread
 * takes now, rt_sigreturn, or a result that asks for a restart. */
static inline long exit_work(long ret)
{
	struct posix_thread *pt = posix_current();

	if (unlikely(ret >= -ERESTARTNOHAND && ret <= -ERESTARTSYS))
		return 1;
	return pt && (((pt->sig.pending | signal_shared_pending) &
		       ~pt->sig.blocked) || pt->sig.sigreturn ||
		      pt->sig.restore_mask);
}

/* Returns with interrupts off: entry.S keeps them off until it is back
 * in the caller, so nothing arrives unnoticed after this last look. */
struct syscall_ret do_syscall(struct syscall_args *r);
struct syscall_ret do_syscall(struct syscall_args *r)
{
	unsigned long nr = r->nr;
	const struct syscall_def *d = nr < NR_SYSCALLS ? table[nr] : NULL;
	long ret;

	if (unlikely(strace_on))
		strace_enter(r, d ? d->fmt : "xxxxxx");
	if (!d)
		ret = enosys(nr);
	else if (d->frame)
		ret = ((long (*)(struct syscall_args *))(void *)d->fn)(r);
	else
		ret = d->fn(r->a[0], r->a[1], r->a[2], r->a[3], r->a[4],
			    r->a[5]);
	if (unlikely(strace_on))
		strace_exit(r, ret);
	/* Linux's exit to user mode: a wake-up made with interrupts off
	 * (futex_wake) may have asked for a switch that nothing would carry
	 * out before the next interrupt, and without a slice timer armed
	 * there may be none: a woken thread would wait behind a spinner. */
	if (need_resched())
		preempt_schedule();
	local_irq_disable();
	return (struct syscall_ret){ ret, exit_work(ret) };
}

static int syscall_init(void)
{
	for (const struct syscall_def *d = __syscalls_start;
	     d < __syscalls_end; d++) {
		if (d->nr < 0 || d->nr >= NR_SYSCALLS || table[d->nr])
			panic("posix: bad or duplicate system call %s\n",
			      d->name);
		table[d->nr] = d;
	}
	/* SYSCALL loads CS from STAR[47:32] (and SS = CS + 8): ring 0. */
	wrmsr(MSR_STAR, (uint64_t)0x08 << 32);
	wrmsr(MSR_LSTAR, (uintptr_t)syscall_entry);
	/* Clear TF, DF, NT, AC and IF on entry; entry.S turns interrupts
	 * back on once it is on the kernel stack. */
	wrmsr(MSR_FMASK, 0x100 | 0x200 | 0x400 | 0x4000 | 0x40000);
	/* Without a scheduler the app's calls run on this stack. */
	if (!kstack_top)
		plat_set_kernel_stack((uintptr_t)syscall_stack,
				      (uintptr_t)syscall_stack +
				      sizeof(syscall_stack));
	return 0;
}
early_initcall(syscall_init);
