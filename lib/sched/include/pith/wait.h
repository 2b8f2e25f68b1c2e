/* SPDX-License-Identifier: MIT */
/*
 * Wait queues: how a thread sleeps until something happens.
 *
 * Interface:
 *   DECLARE_WAIT_QUEUE_HEAD(wq) / init_waitqueue_head(&wq)
 *   wait_event(wq, cond)                    sleep until cond holds
 *   wait_event_timeout(wq, cond, ns)        0 if it timed out with cond
 *                                           still false, else ns left (>=1)
 *   wait_event_exclusive(wq, cond)          one waiter woken per wake_up
 *   wait_event_interruptible(wq, cond)      0, or -ERESTARTSYS when a signal
 *                                           came first (signal_pending)
 *   wake_up(&wq)                            every non-exclusive waiter and
 *                                           one exclusive one
 *   wake_up_nr(&wq, n), wake_up_all(&wq)
 *   prepare_to_wait(&wq, &entry, state) / finish_wait(&wq, &entry)
 *   prepare_to_wait_exclusive(...)
 *
 * The condition is tested after the thread is on the queue with its state
 * set, so a wake_up between the test and the sleep is never lost.
 * wake_up* may be called from interrupt context.
 */
#ifndef PITH_WAIT_H
#define PITH_WAIT_H

#include <stdbool.h>
#include <stdint.h>
#include <pith/list.h>
#include <pith/sched.h>
#include <pith/spinlock.h>

#define WQ_FLAG_EXCLUSIVE	0x01
#define WQ_FLAG_WOKEN		0x02

struct wait_queue_entry;
typedef int (*wait_queue_func_t)(struct wait_queue_entry *e, void *key);

struct wait_queue_entry {
	unsigned int flags;
	struct thread *thread;
	wait_queue_func_t func;
	struct list_head entry;
};

struct wait_queue_head {
	spinlock_t lock;
	struct list_head head;
};

#define __WAIT_QUEUE_HEAD_INITIALIZER(name)				\
	{ .lock = __SPIN_LOCK_UNLOCKED, .head = LIST_HEAD_INIT((name).head) }
#define DECLARE_WAIT_QUEUE_HEAD(name)					\
	struct wait_queue_head name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

static inline void init_waitqueue_head(struct wait_queue_head *wq)
{
	spin_lock_init(&wq->lock);
	INIT_LIST_HEAD(&wq->head);
}

/* Wakes e's thread and unlinks e (the default for prepare_to_wait). */
int autoremove_wake_function(struct wait_queue_entry *e, void *key);

#define DEFINE_WAIT(name)						\
	struct wait_queue_entry name = {				\
		.thread = current, .func = autoremove_wake_function,	\
		.entry = LIST_HEAD_INIT((name).entry),			\
	}

void add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *e);
void add_wait_queue_exclusive(struct wait_queue_head *wq,
			      struct wait_queue_entry *e);
void remove_wait_queue(struct wait_queue_head *wq,
		       struct wait_queue_entry *e);
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *e,
		     int state);
void prepare_to_wait_exclusive(struct wait_queue_head *wq,
			       struct wait_queue_entry *e, int state);
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *e);
/* Wake all non-exclusive waiters and up to nr exclusive ones (0: all). */
int __wake_up(struct wait_queue_head *wq, int nr, void *key);

#define wake_up(wq)		__wake_up(wq, 1, NULL)
#define wake_up_nr(wq, n)	__wake_up(wq, n, NULL)
#define wake_up_all(wq)		__wake_up(wq, 0, NULL)

static inline bool waitqueue_active(struct wait_queue_head *wq)
{
	return !list_empty(&wq->head);
}

#define __wait_event(wq, cond, prep, timeout_ns) ({			\
	uint64_t __left = (timeout_ns);					\
	DEFINE_WAIT(__w);						\
	for (;;) {							\
		prep(&(wq), &__w, TASK_UNINTERRUPTIBLE);		\
		if (cond)						\
			break;						\
		if (__left != UINT64_MAX) {				\
			__left = schedule_timeout(__left);		\
			if (!__left) {					\
				__left = (cond) ? 1 : 0;		\
				break;					\
			}						\
		} else {						\
			schedule();					\
		}							\
	}								\
	finish_wait(&(wq), &__w);					\
	__left; })

/* A signal for the sleeper ends the wait: the system call returns
 * -ERESTARTSYS, which lib/posix turns into EINTR or a restart. */
#define __wait_event_interruptible(wq, cond) ({				\
	int __ret = 0;							\
	DEFINE_WAIT(__w);						\
	for (;;) {							\
		prepare_to_wait(&(wq), &__w, TASK_INTERRUPTIBLE);	\
		if (cond)						\
			break;						\
		if (signal_pending(current)) {				\
			__ret = -ERESTARTSYS;				\
			break;						\
		}							\
		schedule();						\
	}								\
	finish_wait(&(wq), &__w);					\
	__ret; })

#define wait_event_interruptible(wq, cond)				\
	((cond) ? 0 : __wait_event_interruptible(wq, cond))

#define wait_event(wq, cond)						\
	do {								\
		if (!(cond))						\
			__wait_event(wq, cond, prepare_to_wait, UINT64_MAX); \
	} while (0)

#define wait_event_exclusive(wq, cond)					\
	do {								\
		if (!(cond))						\
			__wait_event(wq, cond, prepare_to_wait_exclusive, \
				     UINT64_MAX);			\
	} while (0)

#define wait_event_timeout(wq, cond, ns)				\
	((cond) ? (uint64_t)(ns) | 1 :					\
	 __wait_event(wq, cond, prepare_to_wait, (uint64_t)(ns)))

#endif
