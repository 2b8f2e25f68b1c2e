/* SPDX-License-Identifier: MIT */
/* Private to lib/posix. */
#ifndef LIB_POSIX_PRIVATE_H
#define LIB_POSIX_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pith/clock.h>
#include <pith/compiler.h>
#include <pith/list.h>

/* The frame entry.S builds, lowest address first. */
struct syscall_args {
	long nr;
	long a[6];
	long rbp, rflags, rip, rsp;	/* the caller's: clone, sigaltstack */
};

/* What do_syscall hands back to entry.S: the result, and whether the
 * way out must take the slow path (signals, rt_sigreturn, a restart). */
struct syscall_ret {
	long ret;
	long slow;
};

#define NSIG_K		65
#define SIGBIT(s)	(1ul << ((s) - 1))

/* The first 32 bytes of Linux's siginfo_t: signo, errno, code, then the
 * union (si_pid/si_uid, si_addr, or si_timerid/si_overrun/si_value). */
struct ksiginfo {
	int signo, errno_, code, pad;
	uint64_t f[2];
};

/* A thread's signal state. Guard: interrupts off (one CPU). */
struct sig_thread {
	unsigned long blocked;		/* the thread's mask */
	unsigned long pending;		/* thread-directed (tgkill, faults) */
	unsigned long saved_mask;	/* rt_sigsuspend: put back on exit */
	unsigned long waitset;		/* rt_sigtimedwait: waited for */
	bool restore_mask;
	bool sigreturn;			/* rt_sigreturn: load the frame */
	bool app;			/* runs app code (not a kernel thread) */
	int ss_flags;			/* sigaltstack: SS_DISABLE, or 0 and
					 * maybe SS_AUTODISARM */
	unsigned long ss_sp, ss_size;
	struct ksiginfo info[NSIG_K];	/* of each pending signal */
};

/* lib/posix's per-thread data (struct thread's posix pointer). */
struct posix_thread {
	uint32_t *clear_child_tid;
	unsigned long robust_list;
	void *thread;			/* struct thread, with lib/sched */
	struct list_head node;		/* on posix_threads, main first */
	struct sig_thread sig;
};

extern struct list_head posix_threads;
/* The calling thread's, NULL for kernel threads. */
#ifdef CONFIG_LIBSCHED
#include <pith/sched.h>
static inline struct posix_thread *posix_current(void)
{
	return current ? current->posix : NULL;
}
#else
struct posix_thread *posix_current(void);
#endif
/* The caller (the main thread, in the launcher) becomes an app thread. */
void posix_app_start(void);
/* Wake t if it sleeps interruptibly (a signal arrived). Irqs off. */
void posix_signal_wake(struct posix_thread *pt);

extern const char *const syscall_names[];
extern const unsigned long syscall_names_count;

#ifdef CONFIG_LIBPOSIX_STRACE
extern bool strace_on;
void strace_enter(const struct syscall_args *r, const char *fmt);
void strace_exit(const struct syscall_args *r, long ret);
#else
#define strace_on false
static inline void strace_enter(const struct syscall_args *r, const char *f)
{
}
static inline void strace_exit(const struct syscall_args *r, long ret)
{
}
#endif

long sys_exit_group(long status);

/* signal.c */
#define SI_USER			0
#define SI_KERNEL		0x80
#define SI_TIMER		(-2)
#define SI_TKILL		(-6)
/* Send sig (any context): to thread pt, or to the process when pt is
 * NULL (a thread that does not block it takes it). A default action
 * that kills ends the image at once. */
void signal_send(int sig, const struct ksiginfo *info,
		 struct posix_thread *pt);
/* The siginfo of sig while it is pending for pt (NULL: the process's
 * set), or NULL. Irqs off. */
struct ksiginfo *signal_pending_info(struct posix_thread *pt, int sig);
/* A signal the thread would take now (pending and not blocked). */
bool signal_pending_current(void);
/* Take the lowest pending signal in 'set' off pt's queues; 0 if none. */
int signal_dequeue(struct posix_thread *pt, unsigned long set,
		   struct ksiginfo *info);
extern unsigned long signal_shared_pending;
/* sigwait.c: sleep until the deadline (UINT64_MAX: none) or until the
 * thread has a signal to take; true for the signal. */
bool signal_sleep_until(uint64_t deadline);
void signal_thread_init(struct posix_thread *pt, const struct posix_thread *parent);
/* sigframe.c: the way back to app code */
struct trap_regs;
void signal_deliver(struct trap_regs *r, bool syscall);
__noreturn void signal_die(int sig);
int clock_read(long id, uint64_t *ns);
#ifdef CONFIG_LIBMM
#include <pith/mm.h>
static inline bool posix_addr_in_mapping(uintptr_t addr)
{
	return vm_region_at(addr);
}
#else
static inline bool posix_addr_in_mapping(uintptr_t addr)
{
	return false;
}
#endif
void posix_random_bytes(void *buf, size_t n);

#ifdef CONFIG_LIBSCHED
uint64_t posix_cputime_ns(bool thread_only);
int posix_tid(void);
#else
static inline uint64_t posix_cputime_ns(bool thread_only)
{
	return clock_ns();
}

static inline int posix_tid(void)
{
	return 1;
}
#endif

#endif
