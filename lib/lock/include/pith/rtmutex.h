/* SPDX-License-Identifier: MIT */
/*
 * RT-mutexes: mutexes with priority inheritance. While a thread waits for
 * an rt-mutex, the owner runs at least at the waiter's priority; if that
 * owner is itself waiting for another rt-mutex, the boost is passed along
 * the chain of owners. Waiters get the lock in priority order (FIFO
 * among equals).
 *
 * Interface:
 *   DEFINE_RT_MUTEX(l); rt_mutex_init(&l);
 *   rt_mutex_lock(&l)         0, or -EDEADLK if waiting would never end
 *                             (the caller owns l, or a chain of owners
 *                             leads back to it, or is longer than
 *                             RT_MUTEX_MAX_DEPTH)
 *   rt_mutex_trylock(&l)      1 if taken, 0 if not
 *   rt_mutex_unlock(&l)       to the top waiter; the caller is deboosted
 *   rt_mutex_is_locked(&l), rt_mutex_owner(&l)
 *
 * Priorities are struct thread's: lower is more urgent; t->normal_prio is
 * the thread's own and t->prio its effective one, changed only through
 * sched_set_prio(). Thread context only; never under a spinlock.
 */
#ifndef PITH_RTMUTEX_H
#define PITH_RTMUTEX_H

#include <stdbool.h>
#include <pith/rbtree.h>

#define RT_MUTEX_MAX_DEPTH	1024

struct thread;

struct rt_mutex {
	struct thread *owner;
	struct rb_root_cached waiters;	/* struct rt_mutex_waiter by prio */
#ifdef CONFIG_LIBLOCK_DEBUG
	void *owner_pc;			/* where the owner took it */
#endif
};

#define __RT_MUTEX_INITIALIZER(name)					\
	{ .owner = NULL, .waiters = { { NULL }, NULL } }
#define DEFINE_RT_MUTEX(name)						\
	struct rt_mutex name = __RT_MUTEX_INITIALIZER(name)

static inline void rt_mutex_init(struct rt_mutex *l)
{
	*l = (struct rt_mutex)__RT_MUTEX_INITIALIZER(*l);
}

/* The owning thread or NULL. Any context; a snapshot. */
static inline struct thread *rt_mutex_owner(struct rt_mutex *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
}

static inline bool rt_mutex_is_locked(struct rt_mutex *l)
{
	return rt_mutex_owner(l) != NULL;
}

/**
 * rt_mutex_lock - take @l, boosting its owner chain while waiting.
 * Return: 0 when taken; -EDEADLK, without waiting, when the wait could
 * never end.
 * Context: thread context, may sleep; no spinlock held.
 */
int rt_mutex_lock(struct rt_mutex *l);

/**
 * rt_mutex_trylock - take @l if it is free.
 * Return: 1 if taken, 0 if not.
 * Context: thread context; never sleeps.
 */
int rt_mutex_trylock(struct rt_mutex *l);

/**
 * rt_mutex_unlock - hand @l to its most urgent waiter and drop the boost
 * that waiter gave the caller. A non-owner's unlock is refused (and
 * reported in a debug build).
 * Context: thread context, by the owner; never sleeps (but the new owner
 * may preempt the caller at once).
 */
void rt_mutex_unlock(struct rt_mutex *l);

#endif
