/* SPDX-License-Identifier: MIT */
/*
 * Completions: "wait until this has happened", counted so that an event
 * signalled before anyone waits is not lost.
 *
 * Interface:
 *   DECLARE_COMPLETION(c); init_completion(&c);
 *   wait_for_completion(&c)               sleep until complete()d
 *   wait_for_completion_timeout(&c, ns)   ns left (>= 1), or 0 on timeout
 *   try_wait_for_completion(&c)           consume one if there is one
 *   complete(&c)                          release one waiter (or bank one)
 *   complete_all(&c)                      release every waiter, present
 *                                         and future, until reinit
 *   reinit_completion(&c), completion_done(&c)
 *
 * complete() gives its event straight to the longest waiter; only when
 * nobody waits is it banked for the next wait. complete() and
 * complete_all() may be called from interrupt context.
 */
#ifndef PITH_COMPLETION_H
#define PITH_COMPLETION_H

#include <stdbool.h>
#include <stdint.h>
#include <pith/list.h>
#include <pith/spinlock.h>

#define COMPLETION_ALL	(~0u)	/* done after complete_all */

struct completion {
	spinlock_t lock;
	unsigned int done;		/* banked events, or COMPLETION_ALL */
	struct list_head wait_list;	/* struct lock_waiter, FIFO */
};

#define COMPLETION_INITIALIZER(name)					\
	{ .lock = __SPIN_LOCK_UNLOCKED, .done = 0,			\
	  .wait_list = LIST_HEAD_INIT((name).wait_list) }
#define DECLARE_COMPLETION(name)					\
	struct completion name = COMPLETION_INITIALIZER(name)

static inline void init_completion(struct completion *c)
{
	spin_lock_init(&c->lock);
	c->done = 0;
	INIT_LIST_HEAD(&c->wait_list);
}

/**
 * reinit_completion - forget banked events (and a complete_all).
 * Context: any; nobody may be waiting on @c.
 */
static inline void reinit_completion(struct completion *c)
{
	c->done = 0;
}

/**
 * wait_for_completion - sleep until @c is completed; consumes one event.
 * Context: thread context, may sleep.
 */
void wait_for_completion(struct completion *c);

/**
 * wait_for_completion_timeout - as wait_for_completion, at most @ns.
 * Return: 0 on timeout, else the nanoseconds left (at least 1).
 * Context: thread context, may sleep.
 */
uint64_t wait_for_completion_timeout(struct completion *c, uint64_t ns);

/**
 * try_wait_for_completion - consume an event if one is banked.
 * Return: true if it did, false if the caller would have to wait.
 * Context: any; never sleeps.
 */
bool try_wait_for_completion(struct completion *c);

/**
 * completion_done - whether a wait would return at once.
 * Context: any; a snapshot.
 */
bool completion_done(struct completion *c);

/**
 * complete - wake the first waiter, or bank the event if none waits.
 * Context: any, including interrupt context.
 */
void complete(struct completion *c);

/**
 * complete_all - wake every waiter; later waits return at once until
 * reinit_completion().
 * Context: any, including interrupt context.
 */
void complete_all(struct completion *c);

#endif
