/* SPDX-License-Identifier: MIT */
/*
 * RT-mutexes with priority inheritance (see <pith/rtmutex.h>).
 *
 * Each waiter, on its own stack, sits in two trees: its lock's waiters
 * (by priority, FIFO among equals), and, while it is the lock's top
 * waiter, the owner's pi_waiters, which thus holds the top waiter of every
 * rt-mutex the owner has. An owner's effective priority is the more
 * urgent of its own and its pi_waiters' first:
 *
 *   prio(T) = min(T->normal_prio, prio of first(T->pi_waiters))
 *
 * Blocking: check the chain of owners for a cycle (-EDEADLK), enqueue,
 * then walk the chain: recompute the owner's priority; if it changed and
 * the owner is itself blocked, requeue its waiter at the new priority in
 * that lock (which may change that lock's top waiter and so its owner's
 * pi_waiters), and go on with that lock's owner; stop when a priority
 * does not change, at an owner that is not blocked, or after
 * RT_MUTEX_MAX_DEPTH steps.
 *
 * Unlock hands the lock to the top waiter (it owns the lock before it
 * runs: an rt-mutex is never free while it has waiters), moves the next
 * top waiter into the new owner's pi_waiters, and recomputes both
 * threads' priorities: the old owner falls back to what its remaining
 * locks' waiters justify.
 *
 * Lock: one pi_lock (interrupts off) guards every rt-mutex, every
 * waiter, and every thread's pi_waiters, pi_blocked_on and boosting. On
 * one CPU this costs nothing over per-lock spinlocks and makes the chain
 * walk atomic; SMP would need Linux's per-lock wait_lock scheme.
 */
#include <pith/errno.h>
#include <pith/lock_debug.h>
#include <pith/rtmutex.h>
#include <pith/sched.h>
#include "lock.h"

struct rt_mutex_waiter {
	struct rb_node tree_node;	/* in lock->waiters */
	struct rb_node pi_node;		/* in lock->owner->pi_waiters, if top */
	struct thread *task;
	struct rt_mutex *lock;
	int prio;			/* task's effective prio, as queued */
	volatile bool granted;
};

static DEFINE_SPINLOCK(pi_lock);

static bool waiter_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct rt_mutex_waiter, tree_node)->prio <
	       rb_entry(b, struct rt_mutex_waiter, tree_node)->prio;
}

static bool pi_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct rt_mutex_waiter, pi_node)->prio <
	       rb_entry(b, struct rt_mutex_waiter, pi_node)->prio;
}

static struct rt_mutex_waiter *top_waiter(struct rt_mutex *l)
{
	return rb_entry_safe(rb_first_cached(&l->waiters),
			     struct rt_mutex_waiter, tree_node);
}

/* The priority t should run at: its own or its most urgent PI waiter's. */
static int effective_prio(struct thread *t)
{
	struct rt_mutex_waiter *w = rb_entry_safe(rb_first_cached(
				&t->pi_waiters), struct rt_mutex_waiter,
				pi_node);

	return w && w->prio < t->normal_prio ? w->prio : t->normal_prio;
}

/* Returns whether t's effective priority changed. */
static bool adjust_prio(struct thread *t)
{
	int prio = effective_prio(t);

	if (prio == t->prio)
		return false;
	sched_set_prio(t, prio);
	return true;
}

/*
 * Around every change of l's waiters: take l's top waiter out of the
 * owner's pi_waiters first (its key may be about to change), and put the
 * new top waiter in after.
 */
static void pi_unpublish(struct rt_mutex *l)
{
	struct rt_mutex_waiter *top = top_waiter(l);

	if (top)
		rb_erase_cached(&top->pi_node, &l->owner->pi_waiters);
}

static void pi_publish(struct rt_mutex *l)
{
	struct rt_mutex_waiter *top = top_waiter(l);

	if (top)
		rb_add_cached(&top->pi_node, &l->owner->pi_waiters, pi_less);
}

/* Put w in l's waiters at priority prio (taking it out first if queued). */
static void waiter_queue(struct rt_mutex *l, struct rt_mutex_waiter *w,
			 int prio, bool queued)
{
	pi_unpublish(l);
	if (queued)
		rb_erase_cached(&w->tree_node, &l->waiters);
	w->prio = prio;
	rb_add_cached(&w->tree_node, &l->waiters, waiter_less);
	pi_publish(l);
}

/* Pass a priority change of owner t on along the chain it waits in. */
static void pi_chain_walk(struct thread *t)
{
	for (int depth = 0; depth < RT_MUTEX_MAX_DEPTH; depth++) {
		struct rt_mutex_waiter *w;

		if (!adjust_prio(t))
			return;
		w = t->pi_blocked_on;
		if (!w)
			return;
		waiter_queue(w->lock, w, t->prio, true);
		t = w->lock->owner;
	}
	pr_err("rtmutex: PI chain longer than %d, boost stopped\n",
	       RT_MUTEX_MAX_DEPTH);
}

/* Would current, waiting for l, wait forever? A cycle of owners, or a
 * chain too long to follow, says yes. */
static bool chain_deadlocks(struct rt_mutex *l)
{
	struct thread *t = l->owner;

	for (int depth = 0; depth < RT_MUTEX_MAX_DEPTH; depth++) {
		struct rt_mutex_waiter *w;

		if (!t)
			return false;
		if (t == current)
			return true;
		w = t->pi_blocked_on;
		if (!w)
			return false;
		t = w->lock->owner;
	}
	return true;
}

/* pi_lock held, l owned by someone else: wait until handed l. */
static int block_on(struct rt_mutex *l, unsigned long *flags)
{
	struct rt_mutex_waiter w = { .task = current, .lock = l };

	if (chain_deadlocks(l))
		return -EDEADLK;
	waiter_queue(l, &w, current->prio, false);
	current->pi_blocked_on = &w;
	pi_chain_walk(l->owner);
	while (!w.granted) {
		current->state = TASK_UNINTERRUPTIBLE;
		spin_unlock_irqrestore(&pi_lock, *flags);
		schedule();
		*flags = spin_lock_irqsave(&pi_lock);
	}
	current->state = TASK_RUNNING;
	return 0;
}

int rt_mutex_lock(struct rt_mutex *l)
{
	void *pc = __builtin_return_address(0);
	unsigned long flags;
	int ret = 0;

	__might_sleep(pc);
	flags = spin_lock_irqsave(&pi_lock);
	if (l->owner)
		ret = block_on(l, &flags);
	else
		l->owner = current;
	if (!ret)
		rt_mutex_debug_acquired(l, pc);
	spin_unlock_irqrestore(&pi_lock, flags);
	return ret;
}

int rt_mutex_trylock(struct rt_mutex *l)
{
	unsigned long flags = spin_lock_irqsave(&pi_lock);
	int taken = !l->owner;

	if (taken) {
		l->owner = current;
		rt_mutex_debug_acquired(l, __builtin_return_address(0));
	}
	spin_unlock_irqrestore(&pi_lock, flags);
	return taken;
}

/* pi_lock held, current owns l, top is l's top waiter: hand over. */
static void hand_over(struct rt_mutex *l, struct rt_mutex_waiter *top)
{
	struct thread *next = top->task;

	pi_unpublish(l);
	rb_erase_cached(&top->tree_node, &l->waiters);
	l->owner = next;
	next->pi_blocked_on = NULL;
	pi_publish(l);
	adjust_prio(next);
	adjust_prio(current);
	top->granted = true;
	/* NOTE: top lives on next's stack; not touched after this. */
	wake_up_process(next);
}

void rt_mutex_unlock(struct rt_mutex *l)
{
	unsigned long flags = spin_lock_irqsave(&pi_lock);
	struct rt_mutex_waiter *top;

	if (l->owner != current) {
		rt_mutex_debug_bad_unlock(l, __builtin_return_address(0));
		goto out;
	}
	top = top_waiter(l);
	if (top)
		hand_over(l, top);
	else
		l->owner = NULL;
out:
	spin_unlock_irqrestore(&pi_lock, flags);
}
