/* SPDX-License-Identifier: MIT */
/*
 * Threads for musl's pthreads on lib/sched: clone with the flags
 * pthread_create uses (a new thread resumes after the syscall instruction
 * with %rax = 0 on its own stack and TLS), exit with CLONE_CHILD_CLEARTID
 * (zero the word, wake its futex: that is how pthread_join learns), the
 * scheduling calls (policies, nice), sleeping, and CPU-time clocks.
 */
#include <pith/errno.h>
#include <pith/init.h>
#include <pith/irqflags.h>
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/sched.h>
#include <pith/syscall.h>
#include <pith/time.h>
#include "posix.h"

#define CLONE_VM		0x00000100
#define CLONE_THREAD		0x00010000
#define CLONE_SETTLS		0x00080000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_CHILD_SETTID	0x01000000
#define KSTACK_SIZE		16384

/* Every app thread, the main thread first. Guard: interrupts off. */
LIST_HEAD(posix_threads);
static uint64_t dead_cputime;	/* of the app threads that ended */

/* What the child needs to resume after the syscall; see clone_return in
 * entry.S for the layout. */
struct clone_regs {
	unsigned long rip, rflags, rsp, rdi, rsi, rdx, r10, r8, r9;
};

__noreturn void clone_return(const struct clone_regs *r);
long futex_wake(uint32_t *uaddr, int n, uint32_t bitset, uint32_t *uaddr2,
		int n2);

static struct posix_thread *posix_thread_alloc(const struct posix_thread *parent)
{
	struct posix_thread *pt = kzalloc(sizeof(*pt), GFP_KERNEL);

	if (pt) {
		signal_thread_init(pt, parent);
		pt->sig.app = true;
	}
	return pt;
}

/* t becomes an app thread (the main thread, or a clone child). */
static void posix_thread_attach(struct posix_thread *pt, struct thread *t)
{
	unsigned long flags = local_irq_save();

	pt->thread = t;
	list_add_tail(&pt->node, &posix_threads);
	t->posix = pt;
	local_irq_restore(flags);
}

void posix_app_start(void)
{
	struct posix_thread *pt;

	if (current->posix)
		return;
	pt = posix_thread_alloc(NULL);
	if (!pt)
		panic("posix: no memory for the main thread\n");
	posix_thread_attach(pt, current);
}

int posix_thread_tid(const struct posix_thread *pt)
{
	return ((const struct thread *)pt->thread)->tid;
}

void posix_signal_wake(struct posix_thread *pt)
{
	struct thread *t = pt->thread;

	if (t != current && t->state == TASK_INTERRUPTIBLE)
		wake_up_process(t);
}

static uint64_t thread_cputime(const struct thread *t)
{
	return t->se.sum_exec_runtime +
	       (t == current ? ktime_get_ns() - t->se.exec_start : 0);
}

static int clone_child(void *arg)
{
	struct clone_regs r = *(struct clone_regs *)arg;

	kfree(arg);
	clone_return(&r);
}

static long sys_clone(struct syscall_args *f)
{
	unsigned long flags = f->a[0], sp = f->a[1], tls = f->a[4];
	struct thread_attr attr = { .stack_size = KSTACK_SIZE,
				    .detached = true };
	struct posix_thread *pt;
	struct clone_regs *r;
	struct thread *t;

	if (!(flags & CLONE_VM) || !(flags & CLONE_THREAD)) {
		pr_warn("posix: clone without CLONE_VM|CLONE_THREAD (a new "
			"process): one image runs one program\n");
		return -ENOSYS;
	}
	r = kmalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	*r = (struct clone_regs){ f->rip, f->rflags, sp, f->a[0], f->a[1],
				  f->a[2], f->a[3], f->a[4], f->a[5] };
	attr.policy = current->policy;
	attr.nice = current->nice;
	attr.rt_priority = current->rt_priority;
	pt = posix_thread_alloc(current->posix);
	t = pt ? kthread_create_attr(clone_child, r, "pthread", &attr) : NULL;
	if (IS_ERR_OR_NULL(t)) {
		kfree(pt);
		kfree(r);
		return -EAGAIN;
	}
	posix_thread_attach(pt, t);
	if (flags & CLONE_SETTLS)
		t->fs_base = tls;
	if (flags & CLONE_CHILD_CLEARTID)
		pt->clear_child_tid = (uint32_t *)f->a[3];
	if (flags & CLONE_PARENT_SETTID)
		*(int *)f->a[2] = t->tid;
	if (flags & CLONE_CHILD_SETTID)
		*(int *)f->a[3] = t->tid;
	wake_up_process(t);
	return t->tid;
}
SYSCALL_FRAME(clone, "xppppx", sys_clone);

static long sys_exit(long status)
{
	struct posix_thread *pt = current->posix;
	unsigned long flags;

	if (current->tid == 1)
		return sys_exit_group(status);	/* the main thread: all */
	if (pt && pt->clear_child_tid) {
		*pt->clear_child_tid = 0;
		futex_wake(pt->clear_child_tid, 1, ~0u, NULL, 0);
	}
	flags = local_irq_save();
	if (pt) {
		list_del(&pt->node);
		dead_cputime += thread_cputime(current);
		current->posix = NULL;
	}
	local_irq_restore(flags);
	kfree(pt);
	thread_exit((int)status);
}
SYSCALL(exit, "d", sys_exit);

int posix_tid(void)
{
	return current->tid;
}

static long sys_gettid(void)
{
	return current->tid;
}
SYSCALL(gettid, "", sys_gettid);

static long sys_set_tid_address(long ptr)
{
	struct posix_thread *pt = current->posix;

	if (pt)
		pt->clear_child_tid = (uint32_t *)ptr;
	return current->tid;
}
SYSCALL(set_tid_address, "p", sys_set_tid_address);

static long sys_set_robust_list(long head, long len)
{
	struct posix_thread *pt = current->posix;

	if (len != 24)
		return -EINVAL;
	if (pt)
		pt->robust_list = head;
	return 0;
}
SYSCALL(set_robust_list, "pu", sys_set_robust_list);

/* The process's CPU time: every app thread's, the ended ones' too. */
uint64_t posix_cputime_ns(bool thread_only)
{
	unsigned long flags;
	struct posix_thread *pt;
	uint64_t ns;

	if (thread_only || !current->posix)
		return thread_cputime(current);
	flags = local_irq_save();
	ns = dead_cputime;
	list_for_each_entry(pt, &posix_threads, node)
		ns += thread_cputime(pt->thread);
	local_irq_restore(flags);
	return ns;
}

/* lib/sched's signal_pending(): interruptible waits end for a signal. */
static bool thread_signal_pending(struct thread *t)
{
	const struct posix_thread *pt = t->posix;

	return pt && ((pt->sig.pending | signal_shared_pending) &
		      ~pt->sig.blocked);
}

static int posix_thread_init(void)
{
	sched_set_signal_hook(thread_signal_pending);
	return 0;
}
early_initcall(posix_thread_init);
