/* SPDX-License-Identifier: MIT */
/*
 * Mutexes: sleeping locks with an owner, FIFO waiters and handoff.
 *
 * Interface:
 *   DEFINE_MUTEX(m); mutex_init(&m);
 *   mutex_lock(&m) ... mutex_unlock(&m)
 *   mutex_trylock(&m)              1 if taken, 0 if held (never sleeps)
 *   mutex_lock_timeout(&m, ns)     0, or -ETIMEDOUT
 *   mutex_is_locked(&m), mutex_owner(&m)
 *
 * Rules: only the owner unlocks; no recursion; never from interrupt
 * context or while holding a spinlock (CONFIG_LIBLOCK_DEBUG reports each
 * of these with both call sites). mutex_unlock() hands the mutex straight
 * to the longest waiter, so a thread that comes later cannot take it
 * first: waiters get it in the order they blocked.
 */
#ifndef PITH_MUTEX_H
#define PITH_MUTEX_H

#include <stdbool.h>
#include <stdint.h>
#include <pith/list.h>
#include <pith/spinlock.h>

struct thread;

/* owner: the owning thread, | MUTEX_FLAG_WAITERS while anyone waits
 * (then unlock takes the slow path); 0 when free. */
#define MUTEX_FLAG_WAITERS	1UL

struct mutex {
	uintptr_t owner;		/* atomic */
	spinlock_t wait_lock;
	struct list_head wait_list;	/* struct lock_waiter, FIFO */
#ifdef CONFIG_LIBLOCK_DEBUG
	void *owner_pc;			/* where the owner took it */
#endif
};

#define __MUTEX_INITIALIZER(name)					\
	{ .owner = 0, .wait_lock = __SPIN_LOCK_UNLOCKED,		\
	  .wait_list = LIST_HEAD_INIT((name).wait_list) }
#define DEFINE_MUTEX(name)	struct mutex name = __MUTEX_INITIALIZER(name)

static inline void mutex_init(struct mutex *m)
{
	*m = (struct mutex){ .owner = 0 };
	spin_lock_init(&m->wait_lock);
	INIT_LIST_HEAD(&m->wait_list);
}

/* The owning thread, or NULL. Any context; a snapshot. */
static inline struct thread *mutex_owner(struct mutex *m)
{
	return (struct thread *)(__atomic_load_n(&m->owner, __ATOMIC_RELAXED) &
				 ~MUTEX_FLAG_WAITERS);
}

/* Any context; a snapshot. */
static inline bool mutex_is_locked(struct mutex *m)
{
	return mutex_owner(m) != NULL;
}

/**
 * mutex_lock - take @m, sleeping as long as it takes.
 * Context: thread context, may sleep; no spinlock held.
 */
void mutex_lock(struct mutex *m);

/**
 * mutex_lock_timeout - take @m, sleeping at most @ns nanoseconds.
 * Return: 0 when taken, -ETIMEDOUT when not (then the caller is not on the
 * wait list any more), -EDEADLK if the caller owns it (debug builds).
 * Context: thread context, may sleep.
 */
int mutex_lock_timeout(struct mutex *m, uint64_t ns);

/**
 * mutex_trylock - take @m if it is free.
 * Return: 1 if taken, 0 if someone owns it (or threads wait for it).
 * Context: thread context; never sleeps.
 */
int mutex_trylock(struct mutex *m);

/**
 * mutex_unlock - release @m; the first waiter, if any, becomes the owner.
 * Context: thread context, by the owner only; never sleeps.
 */
void mutex_unlock(struct mutex *m);

#endif
