/* SPDX-License-Identifier: MIT */
/*
 * The scheduler core: the run queue, schedule(), wake-ups, and the
 * context switch; the policies live in the class files (coop.c, fair.c,
 * rt.c) behind struct sched_class.
 *
 * Lock: interrupts off around every run-queue change (one CPU).
 * A thread blocks by setting current->state, then calling schedule(); a
 * wake_up_process() in between sets it back to TASK_RUNNING and schedule()
 * then keeps it runnable: no lost wake-ups.
 */
#include <pith/cpu.h>
#include <pith/irqflags.h>
#include <pith/kernel.h>
#include <pith/plat.h>
#include <pith/preempt.h>
#include <pith/printk.h>
#include <pith/time.h>
#include "sched.h"

struct rq runqueue;
struct thread *current_thread;
static void (*worker_sleeping)(struct thread *t);
static void (*worker_waking)(struct thread *t);
static struct thread *reap_pending;	/* dead and detached: free later */

void sched_set_worker_hooks(void (*sleeping)(struct thread *t),
			    void (*waking)(struct thread *t))
{
	worker_sleeping = sleeping;
	worker_waking = waking;
}

void update_rq_clock(struct rq *rq)
{
	rq->clock = ktime_get_ns();
}

void resched_curr(struct rq *rq)
{
	set_need_resched();
}

static void enqueue_thread(struct rq *rq, struct thread *t, int flags)
{
	t->class->enqueue(rq, t, flags);
	t->on_rq = true;
	rq->nr_running++;
}

/*
 * NOTE: the preempt_disable/enable pair makes a wake-up from preemptible
 * thread context switch at once when the woken thread should preempt
 * (an RT thread woken by a CFS one); from interrupts, or with interrupts
 * off, the switch waits for the interrupt return or the next enable.
 */
bool wake_up_process(struct thread *t)
{
	struct rq *rq = &runqueue;
	unsigned long flags;
	bool woke = false;

	preempt_disable();
	flags = local_irq_save();

	if (t->state != TASK_RUNNING && t->state != TASK_DEAD) {
		int was_new = t->state == TASK_NEW;

		t->state = TASK_RUNNING;
		woke = true;
		if (!t->on_rq) {
			update_rq_clock(rq);
			if (t->worker && worker_waking)
				worker_waking(t);
			enqueue_thread(rq, t, was_new ? ENQUEUE_NEW
						      : ENQUEUE_WAKEUP);
			if (rq->curr == rq->idle)
				resched_curr(rq);
			else
				rq->curr->class->check_preempt(rq, t);
		}
	}
	local_irq_restore(flags);
	preempt_enable();
	return woke;
}

/*
 * A change of t's class, priority or weight happens between these two:
 * a queued thread leaves its class's queue and is enqueued again (flags
 * 0), the running thread is accounted out of its old class (block) and
 * into its new one (set_curr). Interrupts must be off.
 */
void sched_change_begin(struct rq *rq, struct thread *t)
{
	if (!t->on_rq || t == rq->idle)
		return;
	update_rq_clock(rq);
	if (t == rq->curr)
		t->class->block(rq, t);
	else
		t->class->dequeue(rq, t);
}

void sched_change_end(struct rq *rq, struct thread *t, int old_prio)
{
	if (!t->on_rq || t == rq->idle)
		return;
	if (t == rq->curr) {
		t->class->set_curr(rq, t);
		/* Less urgent now (a PI boost ended, a higher nice): another
		 * thread may have to run first. */
		if (t->prio > old_prio)
			resched_curr(rq);
		return;
	}
	t->class->enqueue(rq, t, 0);
	if (rq->curr == rq->idle)
		resched_curr(rq);
	else
		rq->curr->class->check_preempt(rq, t);
}

static void arm_slice(struct rq *rq, struct thread *next)
{
	uint64_t left = next == rq->idle ? 0
			: next->class->slice_left(rq, next);

	if (left)
		hrtimer_start(&rq->slice_timer, rq->clock + left);
	else if (hrtimer_active(&rq->slice_timer))
		hrtimer_cancel(&rq->slice_timer);
}

static enum hrtimer_restart slice_expired(struct hrtimer *t)
{
	struct rq *rq = &runqueue;

	update_rq_clock(rq);
	if (rq->curr != rq->idle)
		rq->curr->class->tick(rq, rq->curr);
	return HRTIMER_NORESTART;
}

static void context_switch(struct rq *rq, struct thread *prev,
			   struct thread *next)
{
	fpu_save(prev->fpu);
	fpu_restore(next->fpu);
	prev->fs_base = cpu_get_fs_base();
	if (next->fs_base != prev->fs_base)
		cpu_set_fs_base(next->fs_base);
	rq->curr = next;
	current_thread = next;
	next->last_run = rq->clock;
	plat_set_kernel_stack((uintptr_t)next->stack,
			      (uintptr_t)next->stack + next->stack_size);
	__switch_to(&prev->ksp, next->ksp);
	/* Back in prev, later. */
}

static void reap(void);

/* Interrupts must be off. */
static void __schedule(bool preempted)
{
	struct rq *rq = &runqueue;
	struct thread *prev = rq->curr, *next;

	update_rq_clock(rq);
	if (prev != rq->idle) {
		/* A preempted thread stays runnable even when it was about to
		 * sleep: it has not reached its schedule() yet, and its wake-up
		 * (a timer, say) may not even be armed. As in Linux. */
		if (prev->state == TASK_RUNNING ||
		    (preempted && prev->state != TASK_DEAD)) {
			prev->class->put_prev(rq, prev, 0);
		} else {
			prev->class->block(rq, prev);
			prev->on_rq = false;
			rq->nr_running--;
			if (prev->worker && worker_sleeping)
				worker_sleeping(prev);
		}
	}
	next = pick_next_thread(rq);
	if (!next)
		next = rq->idle;
	__need_resched = false;
	arm_slice(rq, next);
	if (next == prev)
		return;
	if (preempted)
		prev->nivcsw++;
	else
		prev->nvcsw++;
	context_switch(rq, prev, next);
	reap();
}

void schedule(void)
{
	unsigned long flags;

	if (in_interrupt() || (preempt_count() & PREEMPT_MASK))
		panic("schedule() in interrupt or with preemption off "
		      "(count %#x)\n", preempt_count());
	flags = local_irq_save();
	__schedule(false);
	local_irq_restore(flags);
}

/* preempt_enable() found need_resched set. */
static void preempt_schedule_sched(void)
{
	unsigned long flags = local_irq_save();

	while (need_resched())
		__schedule(true);
	local_irq_restore(flags);
}

/* The interrupt exit path: interrupts are off and stay off. */
static void preempt_schedule_irq(void)
{
	while (need_resched())
		__schedule(true);
}

void yield(void)
{
	unsigned long flags = local_irq_save();
	struct rq *rq = &runqueue;
	struct thread *prev = rq->curr;
	struct thread *next;

	if (prev == rq->idle) {
		local_irq_restore(flags);
		return;
	}
	update_rq_clock(rq);
	prev->class->put_prev(rq, prev, PUT_YIELD);
	next = pick_next_thread(rq);
	__need_resched = false;
	arm_slice(rq, next);
	if (next != prev) {
		prev->nvcsw++;
		context_switch(rq, prev, next);
		reap();
	}
	local_irq_restore(flags);
}

struct thread *pick_next_thread(struct rq *rq)
{
	static const struct sched_class *const order[] = {
#ifdef CONFIG_LIBSCHED_PREEMPT
		&rt_sched_class, &fair_sched_class,
#else
		&coop_sched_class,
#endif
	};

	for (unsigned i = 0; i < ARRAY_SIZE(order); i++) {
		struct thread *t = order[i]->pick_next(rq);

		if (t)
			return t;
	}
	return NULL;
}

void sched_core_init(struct rq *rq)
{
	hrtimer_init(&rq->slice_timer, slice_expired);
	preempt_set_hooks(preempt_schedule_sched, preempt_schedule_irq);
}

/* thread_exit: interrupts are off; never returns. */
void schedule_dead(void)
{
	__schedule(false);
}

/* Free a dead detached thread, now that we are off its stack. */
void sched_reap_later(struct thread *t)
{
	reap_pending = t;
}

void thread_free(struct thread *t);

static void reap(void)
{
	struct thread *t = reap_pending;

	if (t && t != current) {
		reap_pending = NULL;
		thread_free(t);
	}
}
