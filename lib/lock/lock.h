/* SPDX-License-Identifier: MIT */
/*
 * Private to lib/lock: never on an include path.
 *
 * The FIFO waiter every sleeping lock here is built on, and the debug
 * hooks (empty inlines without CONFIG_LIBLOCK_DEBUG, so call sites carry
 * no #ifdef).
 *
 * A waiter sleeps until another thread grants it what it waits for (the
 * mutex, a semaphore unit, the completion, the signal) by setting
 * w->granted under the object's spinlock and waking it: the waiter never
 * re-competes with newcomers, which is what makes the locks FIFO and keeps
 * a wake-up from being lost or stolen.
 */
#ifndef LIB_LOCK_PRIVATE_H
#define LIB_LOCK_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <pith/compiler.h>
#include <pith/list.h>
#include <pith/spinlock.h>

struct thread;
struct mutex;
struct rt_mutex;

struct lock_waiter {
	struct list_head node;		/* in the object's wait list */
	struct thread *thread;
	volatile bool granted;
};

/* Absolute deadline for a relative timeout; UINT64_MAX: none. */
uint64_t lock_deadline(uint64_t ns);
/* With the list's lock held: w (on the caller's stack) joins at the tail. */
void lock_waiter_add(struct list_head *q, struct lock_waiter *w);
/* With the list's lock held: unlink w, mark it granted, wake its thread. */
void lock_waiter_grant(struct lock_waiter *w);
/* With the list's lock held: the first waiter, or NULL. */
struct lock_waiter *lock_waiter_first(struct list_head *q);
/*
 * Sleep until w is granted or the deadline passes. Called and returns with
 * l held (taken with spin_lock_irqsave into *flags). Returns 0 when
 * granted, -ETIMEDOUT when not (w is then off the list).
 */
int lock_waiter_sleep(spinlock_t *l, unsigned long *flags,
		      struct lock_waiter *w, uint64_t deadline);

/* Internal entry points that name the caller's call site. */
int mutex_acquire(struct mutex *m, uint64_t deadline, void *pc);
void mutex_release(struct mutex *m, void *pc);

#ifdef CONFIG_LIBLOCK_DEBUG
__printf(4, 5) void lock_report(void *pc, const char *site, void *site_pc,
				const char *fmt, ...);
/* false: refuse (recursive lock; unlock by a non-owner) */
bool mutex_debug_lock(struct mutex *m, void *pc);
bool mutex_debug_unlock(struct mutex *m, void *pc);
void mutex_debug_acquired(struct mutex *m, void *pc);
/* rt_mutex_unlock by a non-owner (always refused; reported here) */
void rt_mutex_debug_bad_unlock(struct rt_mutex *l, void *pc);
void rt_mutex_debug_acquired(struct rt_mutex *l, void *pc);
#else
static inline bool mutex_debug_lock(struct mutex *m, void *pc)
{
	return true;
}

static inline bool mutex_debug_unlock(struct mutex *m, void *pc)
{
	return true;
}

static inline void mutex_debug_acquired(struct mutex *m, void *pc)
{
}

static inline void rt_mutex_debug_bad_unlock(struct rt_mutex *l, void *pc)
{
}

static inline void rt_mutex_debug_acquired(struct rt_mutex *l, void *pc)
{
}
#endif

#endif
