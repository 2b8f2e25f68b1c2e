/* SPDX-License-Identifier: MIT */
/*
 * Condition variables: wait, with a mutex held, until another thread
 * signals that the state the mutex guards has changed.
 *
 * Interface:
 *   DEFINE_CONDVAR(cv); cond_init(&cv);
 *   mutex_lock(&m);
 *   while (!condition)
 *           cond_wait(&cv, &m);        releases m while asleep
 *   mutex_unlock(&m);
 *   cond_timedwait(&cv, &m, ns)        0, or -ETIMEDOUT (m held again
 *                                      either way)
 *   cond_signal(&cv)                   wake the longest waiter
 *   cond_broadcast(&cv)                wake every waiter
 *
 * A signal sent after cond_wait() has released the mutex always reaches
 * that waiter (it joins the wait list before it lets the mutex go); a
 * signal with no waiter is lost, as with POSIX. Re-check the condition in
 * a loop: another thread may get the mutex first and change it back.
 */
#ifndef PITH_CONDVAR_H
#define PITH_CONDVAR_H

#include <stdint.h>
#include <pith/list.h>
#include <pith/spinlock.h>

struct mutex;

struct condvar {
	spinlock_t lock;
	struct list_head wait_list;	/* struct lock_waiter, FIFO */
};

#define __CONDVAR_INITIALIZER(name)					\
	{ .lock = __SPIN_LOCK_UNLOCKED,					\
	  .wait_list = LIST_HEAD_INIT((name).wait_list) }
#define DEFINE_CONDVAR(name)						\
	struct condvar name = __CONDVAR_INITIALIZER(name)

static inline void cond_init(struct condvar *cv)
{
	spin_lock_init(&cv->lock);
	INIT_LIST_HEAD(&cv->wait_list);
}

/**
 * cond_wait - release @m, sleep until signalled, take @m again.
 * Context: thread context, may sleep; the caller owns @m. A debug build
 * reports a caller that does not own @m and returns at once.
 */
void cond_wait(struct condvar *cv, struct mutex *m);

/**
 * cond_timedwait - as cond_wait, sleeping at most @ns.
 * Return: 0 if signalled, -ETIMEDOUT if not; @m is held again either way
 * (-EPERM, without waiting, if a debug build finds @m not owned).
 * Context: thread context, may sleep; the caller owns @m.
 */
int cond_timedwait(struct condvar *cv, struct mutex *m, uint64_t ns);

/**
 * cond_signal - wake the longest-waiting thread, if any.
 * Context: any; never sleeps. Usually called with the mutex held.
 */
void cond_signal(struct condvar *cv);

/**
 * cond_broadcast - wake every waiting thread.
 * Context: any; never sleeps.
 */
void cond_broadcast(struct condvar *cv);

#endif
