/* SPDX-License-Identifier: MIT */
/*
 * Signal delivery: the handler runs on the app's stack in a frame laid
 * out like Linux's x86-64 rt_sigframe (return address = sa_restorer,
 * ucontext with the interrupted registers, mask and alternate stack,
 * siginfo, then the FPU state), and rt_sigreturn puts everything back.
 *
 * Where: on every way back to app code, interrupts off.
 *  - a system call's exit: do_syscall asks entry.S for the slow path,
 *    which saves every register as a struct trap_regs and calls
 *    signal_syscall_exit (this also runs rt_sigreturn and restarts);
 *  - the return from an interrupt or exception (plat's trap return
 *    hook): this is what interrupts an app computing without system
 *    calls (a timer's SIGALRM, a tgkill from another thread);
 *  - a CPU exception in app code with a handler for its signal (plat's
 *    fault hook): SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP with si_code
 *    and si_addr as Linux gives them; the faulting instruction runs
 *    again when the handler returns.
 *
 * App code or kernel code? There is no user mode to ask the CPU. Every
 * piece of kernel code runs on a kernel stack: a system call or a
 * preempted interrupt frame on the thread's own kernel stack
 * [kstack_bottom, kstack_top), interrupts and exceptions on IST stacks,
 * kernel threads on their own stack (which is their kernel stack). App
 * code never runs there. So an interrupted context is app code when
 * the current thread is an app thread (clone or the main thread's
 * launch marked it), no interrupt is being handled, and the
 * interrupted %rsp is outside the thread's kernel stack. The few
 * kernel instructions that run on the app stack (the last jump of a
 * system call's exit, clone_return, the launch) save and restore
 * every register they use through the frame, so a signal there is
 * harmless. entry.S keeps interrupts off from do_syscall's last check
 * until one instruction before the stack switch; an interrupt at that
 * instruction has the system call's return finished by the trap
 * return hook, so no signal waits for some later interrupt.
 *
 * Red zone: the frame starts 128 bytes below the interrupted %rsp.
 */
#include <pith/cpu.h>
#include <pith/errno.h>
#include <pith/init.h>
#include <pith/irqflags.h>
#include <pith/kernel.h>
#include <pith/mm.h>
#include <pith/paging.h>
#include <pith/plat.h>
#include <pith/preempt.h>
#include <pith/printk.h>
#include <pith/string.h>
#include <pith/syscall.h>
#include <pith/trap.h>
#include "posix.h"
#include "signal.h"

#define RED_ZONE	128
/* The rflags bits rt_sigreturn takes from the frame (Linux's set). */
#define FLAGS_FROM_FRAME 0x40dd5ul	/* AC OF DF TF SF ZF AF PF CF RF */
#define FLAG_TF		0x100ul
#define FLAG_DF		0x400ul
#define FLAG_AC		0x40000ul
#define FLAG_RF		0x10000ul
#define UC_SIGCONTEXT_SS	0x2
#define UC_STRICT_RESTORE_SS	0x4

struct sigcontext_k {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved[8];
};

struct ucontext_k {
	unsigned long flags;
	unsigned long link;
	struct stack_k stack;
	struct sigcontext_k mc;
	unsigned long sigmask;
};

struct rt_sigframe {
	uint64_t pretcode;		/* sa_restorer: calls rt_sigreturn */
	struct ucontext_k uc;
	union {
		struct ksiginfo info;
		uint8_t bytes[128];
	} info;
	/* the FPU state follows, 64-byte aligned */
};

_Static_assert(sizeof(struct sigcontext_k) == 256, "sigcontext layout");
_Static_assert(sizeof(struct ucontext_k) == 304, "ucontext layout");

/* The thread whose code r interrupted, if that code is app code. */
static struct posix_thread *app_context(const struct trap_regs *r)
{
	struct posix_thread *pt = posix_current();

	if (!pt || !pt->sig.app || in_interrupt())
		return NULL;
	if (r->rsp >= kstack_bottom && r->rsp < kstack_top)
		return NULL;
	return pt;
}

static bool range_ok(uintptr_t lo, uintptr_t hi, bool write)
{
	if (hi <= lo)
		return false;
	for (uintptr_t p = lo & PAGE_MASK; p < hi; p += PAGE_SIZE) {
		if (write ? paging_is_writable(p) : paging_is_mapped(p))
			continue;
#ifdef CONFIG_LIBMM_LAZY_ANON
		/* Not backed yet (lib/mm's lazy regions, e.g. a malloc'd
		 * alternate stack): back it now, as touching it would. */
		if (!paging_is_mapped(p) &&
		    vm_handle_fault(p, write ? VM_WRITE : VM_READ))
			continue;
#endif
		return false;
	}
	return true;
}

static void save_regs(struct sigcontext_k *mc, const struct trap_regs *r)
{
	*mc = (struct sigcontext_k){
		.r8 = r->r8, .r9 = r->r9, .r10 = r->r10, .r11 = r->r11,
		.r12 = r->r12, .r13 = r->r13, .r14 = r->r14, .r15 = r->r15,
		.rdi = r->rdi, .rsi = r->rsi, .rbp = r->rbp, .rbx = r->rbx,
		.rdx = r->rdx, .rax = r->rax, .rcx = r->rcx, .rsp = r->rsp,
		.rip = r->rip, .eflags = r->rflags, .cs = (uint16_t)r->cs,
		.ss = (uint16_t)r->ss,
	};
	if (r->vector < 32) {
		mc->trapno = r->vector;
		mc->err = r->error;
		if (r->vector == 14)
			mc->cr2 = trap_last_fault()->addr;
	}
}

/*
 * Build the frame for sig on the app's stack (or its alternate stack)
 * and point r at the handler. False when the frame cannot be written:
 * the caller then kills with SIGSEGV, as Linux does.
 */
static bool setup_frame(struct trap_regs *r, struct posix_thread *pt,
			int sig, const struct k_sigaction *ka,
			const struct ksiginfo *info, unsigned long oldmask)
{
	size_t fsize = fpu_area_size();
	uintptr_t sp = r->rsp - RED_ZONE, fp;
	struct rt_sigframe *f;

	if (!(ka->flags & SA_RESTORER))
		return false;	/* musl and glibc always pass one */
	if ((ka->flags & SA_ONSTACK) && !(pt->sig.ss_flags & SS_DISABLE) &&
	    !sig_on_altstack(pt, r->rsp))
		sp = pt->sig.ss_sp + pt->sig.ss_size;
	fp = ALIGN_DOWN(sp - fsize, 64);
	f = (struct rt_sigframe *)(ALIGN_DOWN(fp - sizeof(*f), 16) - 8);
	if (!range_ok((uintptr_t)f, sp, true))
		return false;

	/* XSAVE leaves the header's reserved bytes alone, and XRSTOR
	 * refuses garbage there: start from zero. */
	if (fsize > 512)
		memset((void *)(fp + 512), 0, 64);
	fpu_save((void *)fp);
	f->pretcode = ka->restorer;
	f->uc.flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	f->uc.link = 0;
	sig_altstack_get(pt, r->rsp, &f->uc.stack);
	/* SS_AUTODISARM: off while the handler runs (a nested signal
	 * starts over at its top); rt_sigreturn puts it back. */
	if (sp == pt->sig.ss_sp + pt->sig.ss_size &&
	    (pt->sig.ss_flags & SS_AUTODISARM)) {
		pt->sig.ss_flags = SS_DISABLE;
		pt->sig.ss_sp = 0;
		pt->sig.ss_size = 0;
	}
	save_regs(&f->uc.mc, r);
	f->uc.mc.oldmask = oldmask;
	f->uc.mc.fpstate = fp;
	f->uc.sigmask = oldmask;
	memset(&f->info, 0, sizeof(f->info));
	f->info.info = *info;
	f->info.info.signo = sig;

	r->rdi = (uint64_t)sig;
	r->rsi = (uintptr_t)&f->info;
	r->rdx = (uintptr_t)&f->uc;
	r->rax = 0;
	r->rsp = (uintptr_t)f;
	r->rip = ka->handler;
	r->rflags &= ~(FLAG_DF | FLAG_TF | FLAG_AC | FLAG_RF);
	return true;
}

/* rt_sigreturn: the handler's ret popped pretcode, so the caller's %rsp
 * is the ucontext. */
static bool restore_frame(struct trap_regs *r, struct posix_thread *pt)
{
	const struct ucontext_k *uc = (const struct ucontext_k *)r->rsp;
	const struct sigcontext_k *mc = &uc->mc;
	size_t fsize = fpu_area_size();
	struct stack_k st;

	if (!range_ok((uintptr_t)uc, (uintptr_t)(uc + 1), false))
		return false;
	if (mc->fpstate) {
		const uint64_t *hdr = (const uint64_t *)(mc->fpstate + 512);

		if ((mc->fpstate & 63) ||
		    !range_ok(mc->fpstate, mc->fpstate + fsize, false))
			return false;
		/* What would make FXRSTOR/XRSTOR fault in the kernel: MXCSR
		 * reserved bits, unknown components, a compacted or dirty
		 * XSAVE header. */
		if (*(const uint32_t *)(mc->fpstate + 24) & ~0xffffu)
			return false;
		if (fsize > 512 && (hdr[0] & ~7ull))
			return false;
		for (int i = 1; fsize > 512 && i < 8; i++)
			if (hdr[i])
				return false;
		fpu_restore((const void *)mc->fpstate);
	}
	st = uc->stack;
	sig_altstack_set(pt, &st, r->rsp);	/* EPERM on it: ignored */
	signal_set_blocked(pt, uc->sigmask);
	r->r8 = mc->r8, r->r9 = mc->r9, r->r10 = mc->r10, r->r11 = mc->r11;
	r->r12 = mc->r12, r->r13 = mc->r13, r->r14 = mc->r14;
	r->r15 = mc->r15, r->rdi = mc->rdi, r->rsi = mc->rsi;
	r->rbp = mc->rbp, r->rbx = mc->rbx, r->rdx = mc->rdx;
	r->rax = mc->rax, r->rcx = mc->rcx, r->rsp = mc->rsp;
	r->rip = mc->rip;
	r->rflags = (r->rflags & ~FLAGS_FROM_FRAME) |
		    (mc->eflags & FLAGS_FROM_FRAME);
	return true;
}

static long sys_rt_sigreturn(void)
{
	struct posix_thread *pt = posix_current();

	if (!pt)
		return -ENOSYS;
	pt->sig.sigreturn = true;	/* the slow exit loads the frame */
	return 0;
}
SYSCALL(rt_sigreturn, "", sys_rt_sigreturn);

/* An interrupted system call: restart it (back over the 2-byte syscall
 * instruction, number in %rax again) or fail it with EINTR. */
static void syscall_restart(struct trap_regs *r, const struct k_sigaction *ka)
{
	long ret = (long)r->rax;
	bool restart;

	if (ret != -ERESTARTSYS && ret != -ERESTARTNOINTR &&
	    ret != -ERESTARTNOHAND)
		return;
	if (!ka)
		restart = true;
	else
		restart = ret == -ERESTARTNOINTR ||
			  (ret == -ERESTARTSYS && (ka->flags & SA_RESTART));
	if (restart) {
		r->rax = r->error;	/* the number, saved by entry.S */
		r->rip -= 2;
	} else {
		r->rax = (uint64_t)-EINTR;
	}
}

/* Where a fatal default action cannot end the image on the spot (an
 * IST stack), the interrupted thread is sent here on its kernel stack. */
static __noreturn void die_on_kernel_stack(long sig)
{
	local_irq_enable();
	signal_die((int)sig);
}

static void die_later(struct trap_regs *r, int sig)
{
	r->rip = (uintptr_t)die_on_kernel_stack;
	r->rdi = (uint64_t)sig;
	r->rsp = kstack_top - 8;
}

/*
 * Run the handlers of every signal the thread takes now, newest frame
 * on top (the mask each handler sets decides what comes after it).
 * syscall: r->rax is the result of system call r->error, which may ask
 * for a restart. Interrupts off.
 */
void signal_deliver(struct trap_regs *r, bool syscall)
{
	struct posix_thread *pt = posix_current();
	bool on_ist = !syscall;	/* a trap's exit, maybe on an IST stack */

	for (int n = 0; pt && n < NSIG_K; n++) {
		struct ksiginfo info;
		int sig = signal_dequeue(pt, ~pt->sig.blocked, &info);
		struct k_sigaction *ka = &sig_actions[sig];
		unsigned long old;

		if (!sig)
			break;
		if (ka->handler == SIG_IGN ||
		    (ka->handler == SIG_DFL && sig_default_ignores(sig)))
			continue;
		if (ka->handler == SIG_DFL) {
			if (!on_ist)
				signal_die(sig);
			die_later(r, sig);
			return;
		}
		if (syscall)
			syscall_restart(r, ka);
		syscall = false;
		old = pt->sig.restore_mask ? pt->sig.saved_mask
					   : pt->sig.blocked;
		pt->sig.restore_mask = false;
		if (!setup_frame(r, pt, sig, ka, &info, old)) {
			pr_info("posix: no room for the frame of signal %d "
				"at %#lx\n", sig, (unsigned long)r->rsp);
			if (!on_ist)
				signal_die(SIGSEGV);
			die_later(r, SIGSEGV);
			return;
		}
		pt->sig.blocked |= ka->mask;
		if (!(ka->flags & SA_NODEFER))
			pt->sig.blocked |= SIGBIT(sig);
		if (ka->flags & SA_RESETHAND) {
			ka->handler = SIG_DFL;
			ka->flags &= ~SA_SIGINFO;
		}
	}
	if (syscall)
		syscall_restart(r, NULL);
	if (pt && pt->sig.restore_mask) {
		pt->sig.restore_mask = false;
		pt->sig.blocked = pt->sig.saved_mask;
	}
}

/* entry.S's slow exit, on the thread's kernel stack, interrupts off. */
void signal_syscall_exit(struct trap_regs *r);
void signal_syscall_exit(struct trap_regs *r)
{
	struct posix_thread *pt = posix_current();
	bool syscall = true;

	if (pt && pt->sig.sigreturn) {
		pt->sig.sigreturn = false;
		syscall = false;
		if (!restore_frame(r, pt)) {
			pr_info("posix: rt_sigreturn with a bad frame at %#lx\n",
				(unsigned long)r->rsp);
			signal_die(SIGSEGV);
		}
	}
	signal_deliver(r, syscall);
}

extern char syscall_exit_last[];

/* plat's trap return hook: asynchronous delivery. */
static void signal_trap_return(struct trap_regs *r)
{
	struct posix_thread *pt = posix_current();

	if (!pt || !((pt->sig.pending | signal_shared_pending) &
		     ~pt->sig.blocked))
		return;
	/* Between entry.S's popfq and its stack switch: finish that
	 * system call's return here (every other register already holds
	 * the app's value), then it is app code like any other. */
	if (r->rip == (uintptr_t)syscall_exit_last && pt->sig.app) {
		r->rsp = *(const uint64_t *)r->rsp;
		r->rip = r->rcx;
	}
	if (app_context(r))
		signal_deliver(r, false);
}

/* The signal a CPU exception raises, with si_code and si_addr. */
static int exception_info(const struct trap_regs *r,
			  const struct fault_info *fi, struct ksiginfo *info)
{
	int sig, code;
	uint64_t addr = r->rip;

	switch (r->vector) {
	case 0:
		sig = SIGFPE, code = FPE_INTDIV;
		break;
	case 16: case 19:
		sig = SIGFPE, code = FPE_FLTINV;
		break;
	case 3:
		sig = SIGTRAP, code = SI_KERNEL, addr = 0;
		break;
	case 6:
		sig = SIGILL, code = ILL_ILLOPN;
		break;
	case 17:
		sig = SIGBUS, code = BUS_ADRALN, addr = fi->addr;
		break;
	case 12: case 13:
		sig = SIGSEGV, code = SI_KERNEL, addr = 0;
		break;
	case 14:
		/* As Linux: inside a mapping (PROT_NONE pages are not
		 * present here) an access error, else a missing map. */
		sig = SIGSEGV, addr = fi->addr;
		code = (r->error & 1) || posix_addr_in_mapping(addr) ?
		       SEGV_ACCERR : SEGV_MAPERR;
		break;
	default:
		return 0;
	}
	*info = (struct ksiginfo){ .signo = sig, .code = code,
				   .f = { addr } };
	return sig;
}

/* plat's fault hook: an exception in app code whose signal has a
 * handler that is not blocked runs the handler; otherwise it stays
 * fatal (the report, then exit status 128 + signal). */
static bool signal_fault(struct trap_regs *r, const struct fault_info *fi)
{
	struct posix_thread *pt = app_context(r);
	struct ksiginfo info;
	int sig = exception_info(r, fi, &info);
	const struct k_sigaction *ka = &sig_actions[sig];

	if (!pt || !sig || ka->handler == SIG_DFL || ka->handler == SIG_IGN ||
	    (pt->sig.blocked & SIGBIT(sig)))
		return false;
	pt->sig.info[sig] = info;
	pt->sig.pending |= SIGBIT(sig);
	signal_deliver(r, false);
	return true;
}

/* Fatal exceptions (no handler): the default action's exit status. */
static int exception_status(const struct fault_info *fi)
{
	struct trap_regs r = { .vector = fi->vector, .error = fi->error,
			       .rip = fi->rip };
	struct ksiginfo info;
	int sig;

	if (!boot_time_ns())
		return 0;	/* before the app started: a kernel crash */
	sig = exception_info(&r, fi, &info);
	if (!sig)
		return 0;
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

static int sigframe_init(void)
{
	trap_set_fatal_hook(exception_status);
	trap_set_signal_hooks(signal_fault, signal_trap_return);
	return 0;
}
early_initcall(sigframe_init);
