/* SPDX-License-Identifier: MIT */
/*
 * Threads and the scheduler.
 *
 * Interface:
 *   t = kthread_create(fn, arg, name)      a new thread, not yet runnable
 *   t = kthread_create_attr(fn, arg, name, &attr)  stack size, policy,
 *                                          nice, rt priority, detached
 *   wake_up_process(t)                     make it runnable (starts it)
 *   kthread_run(fn, arg, name)             create + wake
 *   kthread_join(t, &ret)                  wait for it to end; frees it
 *   thread_exit(code)                      end the calling thread
 *   yield()                                let others of the same class run
 *   schedule()                             switch; call with current->state
 *                                          set to sleep (see <pith/wait.h>)
 *   current                                the running thread
 *   sched_setattr(t, policy, nice, rt_prio), sched_dump()
 *
 * A thread runs fn(arg) on its own stack (guard page below, from lib/mm)
 * with its own FPU/SSE/AVX state and FS base (TLS). The boot context
 * becomes the idle thread; the app's main() runs in thread "main" (tid 1).
 * schedule() and friends are never called from interrupt context or with
 * preemption disabled; wake_up_process() may be called from anywhere.
 */
#ifndef PITH_SCHED_H
#define PITH_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pith/list.h>
#include <pith/rbtree.h>

#define TASK_RUNNING		0
#define TASK_INTERRUPTIBLE	1
#define TASK_UNINTERRUPTIBLE	2
#define TASK_DEAD		16
#define TASK_NEW		32

/* Policies, with Linux's numbers (sched_setscheduler). */
#define SCHED_NORMAL	0
#define SCHED_FIFO	1
#define SCHED_RR	2
#define SCHED_BATCH	3

#define MAX_RT_PRIO	100	/* prio 0..99 real-time, 100..139 normal */
#define NICE_TO_PRIO(n)	(120 + (n))
#define THREAD_NAME_LEN	16

struct sched_entity {
	uint64_t vruntime;
	unsigned long weight;
	struct rb_node run_node;
	uint64_t exec_start;		/* when it last got the CPU */
	uint64_t slice_start_runtime;	/* sum_exec_runtime at pick */
	uint64_t sum_exec_runtime;
};

struct sched_rt_entity {
	struct list_head run_list;	/* also the cooperative queue */
	uint64_t time_slice;		/* SCHED_RR: ns left */
};

struct thread {
	uintptr_t ksp;			/* saved stack pointer, switched out */
	void *fpu;			/* FPU/SSE/AVX state area */
	uint64_t fs_base;
	volatile int state;
	int tid;
	char name[THREAD_NAME_LEN];

	int policy, nice, rt_priority;
	int prio, normal_prio;		/* effective (PI-boosted) and own */
	const struct sched_class *class;
	struct sched_entity se;
	struct sched_rt_entity rt;
	bool on_rq;			/* runnable: queued or running */

	int (*fn)(void *);
	void *arg;
	void *stack;
	size_t stack_size;
	bool stack_owned;		/* from vm_map, freed at reap */
	struct list_head all_node;
	int exit_code;
	bool detached;
	struct thread *joiner;

	uint64_t last_run;
	unsigned long nvcsw, nivcsw;	/* voluntary, involuntary switches */

	/* Other libraries' per-thread data. */
	void *pi_blocked_on;		/* lib/lock rt-mutex */
	struct rb_root_cached pi_waiters;
	void *worker;			/* lib/wq */
	void *posix;			/* lib/posix */
};

struct thread_attr {
	size_t stack_size;		/* 0: CONFIG_LIBSCHED_STACK_KB */
	int policy;
	int nice;
	int rt_priority;
	bool detached;			/* freed at exit; cannot be joined */
	void *stack;			/* caller's stack (size stack_size) */
};

extern struct thread *current_thread;
#define current current_thread

struct thread *kthread_create(int (*fn)(void *), void *arg, const char *name);
struct thread *kthread_create_attr(int (*fn)(void *), void *arg,
				   const char *name,
				   const struct thread_attr *attr);
struct thread *kthread_run(int (*fn)(void *), void *arg, const char *name);
int kthread_join(struct thread *t, int *ret);
__attribute__((noreturn)) void thread_exit(int code);
bool wake_up_process(struct thread *t);
void schedule(void);
void yield(void);
int sched_setattr(struct thread *t, int policy, int nice, int rt_priority);
void sched_set_prio(struct thread *t, int prio);	/* PI boosting */
void sched_dump(void);
int sched_nr_threads(void);
/* The live thread with this tid, or NULL (not for the idle thread). */
struct thread *sched_find_thread(int tid);
/* Hooks lib/wq uses for concurrency management: called with interrupts
 * off when a thread with t->worker set blocks or wakes. */
void sched_set_worker_hooks(void (*sleeping)(struct thread *t),
			    void (*waking)(struct thread *t));

/* Whether t has a signal to take (the test comes from lib/posix, which
 * wakes a TASK_INTERRUPTIBLE sleeper when one arrives); false without
 * it. Any context. */
bool signal_pending(struct thread *t);
void sched_set_signal_hook(bool (*pending)(struct thread *t));

/* Sleeping. Return 0, or the ns left when woken early. */
uint64_t schedule_timeout(uint64_t ns);	/* state set by the caller */
void msleep(unsigned int ms);
void usleep_range(unsigned long min_us, unsigned long max_us);
void sleep_until(uint64_t ns);		/* absolute monotonic time */

#endif
