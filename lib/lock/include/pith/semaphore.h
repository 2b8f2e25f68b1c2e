/* SPDX-License-Identifier: MIT */
/*
 * Counting semaphores: a count of units and a FIFO list of threads waiting
 * for one.
 *
 * Interface:
 *   DEFINE_SEMAPHORE(s, n); sema_init(&s, n);
 *   down(&s)                  take a unit, sleeping until there is one
 *   down_timeout(&s, ns)      0, or -ETIMEDOUT
 *   down_trylock(&s)          0 if taken, 1 if none (Linux's convention)
 *   up(&s)                    give a unit back (to the first waiter)
 *
 * up() hands its unit straight to the longest waiter, so waiters are
 * served in the order they blocked and a later down() cannot take it
 * first. Unlike a mutex a semaphore has no owner: any thread, or an
 * interrupt handler, may up() it.
 */
#ifndef PITH_SEMAPHORE_H
#define PITH_SEMAPHORE_H

#include <stdint.h>
#include <pith/list.h>
#include <pith/spinlock.h>

struct semaphore {
	spinlock_t lock;
	unsigned int count;		/* units free; 0 while anyone waits */
	struct list_head wait_list;	/* struct lock_waiter, FIFO */
};

#define __SEMAPHORE_INITIALIZER(name, n)				\
	{ .lock = __SPIN_LOCK_UNLOCKED, .count = (n),			\
	  .wait_list = LIST_HEAD_INIT((name).wait_list) }
#define DEFINE_SEMAPHORE(name, n)					\
	struct semaphore name = __SEMAPHORE_INITIALIZER(name, n)

static inline void sema_init(struct semaphore *s, unsigned int n)
{
	spin_lock_init(&s->lock);
	s->count = n;
	INIT_LIST_HEAD(&s->wait_list);
}

/**
 * down - take one unit of @s, sleeping until one is free.
 * Context: thread context, may sleep.
 */
void down(struct semaphore *s);

/**
 * down_timeout - take one unit of @s, sleeping at most @ns nanoseconds.
 * Return: 0 when taken, -ETIMEDOUT when not.
 * Context: thread context, may sleep.
 */
int down_timeout(struct semaphore *s, uint64_t ns);

/**
 * down_trylock - take one unit of @s if one is free.
 * Return: 0 if taken, 1 if not (the opposite of mutex_trylock).
 * Context: any, including interrupt context; never sleeps.
 */
int down_trylock(struct semaphore *s);

/**
 * up - release one unit of @s: to the first waiter if any.
 * Context: any, including interrupt context; never sleeps.
 */
void up(struct semaphore *s);

#endif
