/* SPDX-License-Identifier: MIT */
/*
 * futex: the one blocking primitive musl's threads are built on. Waiters
 * sit in a hash of buckets by address; WAIT checks the word and sleeps
 * with interrupts off across the check, so a WAKE cannot slip between.
 * Operations: WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAIT_BITSET, WAKE_BITSET
 * (PRIVATE or not: one address space), timeouts relative (WAIT) or
 * absolute (WAIT_BITSET, CLOCK_MONOTONIC or with FUTEX_CLOCK_REALTIME).
 */
#include <pith/errno.h>
#include <pith/irqflags.h>
#include <pith/list.h>
#include <pith/sched.h>
#include <pith/syscall.h>
#include <pith/time.h>
#include "posix.h"

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_BITSET_ANY	0xffffffffu
#define NBUCKETS		64

struct futex_waiter {
	struct list_head node;
	uintptr_t addr;
	uint32_t bitset;
	struct thread *thread;
	bool woken;
};

static struct list_head buckets[NBUCKETS];

static struct list_head *bucket(uintptr_t addr)
{
	struct list_head *b = &buckets[(addr >> 2) % NBUCKETS];

	if (!b->next)
		INIT_LIST_HEAD(b);
	return b;
}

struct timespec_k {
	long sec, nsec;
};

/* The deadline as monotonic ns (UINT64_MAX: none), or -EINVAL. */
static long deadline_of(long op, long flags, const struct timespec_k *ts,
			uint64_t *out)
{
	uint64_t ns;

	*out = UINT64_MAX;
	if (!ts)
		return 0;
	if (ts->sec < 0 || ts->nsec < 0 || ts->nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	ns = (uint64_t)ts->sec * NSEC_PER_SEC + ts->nsec;
	if (op == FUTEX_WAIT)
		*out = ktime_get_ns() + ns;
	else if (flags & FUTEX_CLOCK_REALTIME)
		*out = ns > ktime_get_real_ns() ?
		       ktime_get_ns() + (ns - ktime_get_real_ns()) : 0;
	else
		*out = ns;
	return 0;
}

static long futex_wait(uint32_t *uaddr, uint32_t val, uint64_t deadline,
		       uint32_t bitset)
{
	struct futex_waiter w = {
		.addr = (uintptr_t)uaddr, .bitset = bitset, .thread = current,
	};
	unsigned long flags = local_irq_save();

	if (READ_ONCE(*uaddr) != val) {
		local_irq_restore(flags);
		return -EAGAIN;
	}
	list_add_tail(&w.node, bucket(w.addr));
	while (!w.woken) {
		uint64_t now = ktime_get_ns();

		if (deadline != UINT64_MAX && now >= deadline)
			break;
		if (signal_pending_current())
			break;	/* the handler runs, then EINTR or restart */
		current->state = TASK_INTERRUPTIBLE;
		local_irq_restore(flags);
		if (deadline == UINT64_MAX)
			schedule();
		else
			schedule_timeout(deadline - now);
		flags = local_irq_save();
	}
	current->state = TASK_RUNNING;
	if (!w.woken)
		list_del(&w.node);
	local_irq_restore(flags);
	if (w.woken)
		return 0;
	/* As Linux: an untimed wait restarts (with SA_RESTART), a timed
	 * one fails with EINTR; musl's callers loop on both. */
	if (deadline != UINT64_MAX && ktime_get_ns() >= deadline)
		return -ETIMEDOUT;
	return deadline == UINT64_MAX ? -ERESTARTSYS : -EINTR;
}

/* Wake up to n waiters on uaddr; requeue up to n2 more to uaddr2. */
long futex_wake(uint32_t *uaddr, int n, uint32_t bitset, uint32_t *uaddr2,
		int n2)
{
	unsigned long flags = local_irq_save();
	struct futex_waiter *w, *tmp;
	struct list_head *b = bucket((uintptr_t)uaddr);
	int woken = 0, moved = 0;

	list_for_each_entry_safe(w, tmp, b, node) {
		if (w->addr != (uintptr_t)uaddr || !(w->bitset & bitset))
			continue;
		if (woken < n) {
			list_del(&w->node);
			w->woken = true;
			wake_up_process(w->thread);
			woken++;
		} else if (uaddr2 && moved < n2) {
			list_del(&w->node);
			w->addr = (uintptr_t)uaddr2;
			list_add_tail(&w->node, bucket(w->addr));
			moved++;
		} else {
			break;
		}
	}
	local_irq_restore(flags);
	return woken + moved;
}

static long sys_futex(long uaddr, long op, long val, long timeout,
		      long uaddr2, long val3)
{
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	uint64_t deadline;
	long ret;

	if (!uaddr || (uaddr & 3))
		return -EINVAL;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		ret = deadline_of(cmd, op, (const struct timespec_k *)timeout,
				  &deadline);
		if (ret)
			return ret;
		if (cmd == FUTEX_WAIT_BITSET && !val3)
			return -EINVAL;
		return futex_wait((uint32_t *)uaddr, (uint32_t)val, deadline,
				  cmd == FUTEX_WAIT ? FUTEX_BITSET_ANY
						    : (uint32_t)val3);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		if (cmd == FUTEX_WAKE_BITSET && !val3)
			return -EINVAL;
		return futex_wake((uint32_t *)uaddr, (int)val,
				  cmd == FUTEX_WAKE ? FUTEX_BITSET_ANY
						    : (uint32_t)val3, NULL, 0);
	case FUTEX_CMP_REQUEUE:
		if (READ_ONCE(*(uint32_t *)uaddr) != (uint32_t)val3)
			return -EAGAIN;
		/* fall through */
	case FUTEX_REQUEUE:
		return futex_wake((uint32_t *)uaddr, (int)val,
				  FUTEX_BITSET_ANY, (uint32_t *)uaddr2,
				  (int)timeout);
	default:
		return -ENOSYS;
	}
}
SYSCALL(futex, "pxdppx", sys_futex);
