/* SPDX-License-Identifier: MIT */
/*
 * Worker pools and their workers: the worker loop, running one item,
 * concurrency management through the scheduler's hooks, the manager role
 * that creates workers, the idle timer that reaps them, and the mayday
 * timer that calls the rescuers of a pool that cannot get a worker.
 *
 * Interface (to the rest of lib/wq, see wq_internal.h):
 *   wq_pools_init()                 four pools, hooks; the normal pool's
 *                                   idle worker
 *   wq_pool_kick(pool)              after queueing: a pool without any
 *                                   worker gets its first one, made by
 *                                   an item on system_wq
 *   wq_pool_for(wq_flags)           the pool a queue of this kind uses
 *   wq_wake_up_worker(pool)         wake the hottest idle worker
 *   wq_process_scheduled_works(w)   run w->scheduled to the end
 *
 * Concurrency management: pool->nr_running counts workers that run an
 * item and are not blocked (NOT_RUNNING flags exclude a worker: PREP
 * while idle or managing, CPU_INTENSIVE while running such an item,
 * UNBOUND always). When a counted worker blocks, the scheduler calls
 * wq_worker_sleeping(); if that leaves the pool with work but nobody
 * running, an idle worker is woken. A worker starts on the worklist only
 * when another idle worker stays behind; the last idle one first becomes
 * the manager and creates a new one.
 *
 * Only the normal pool starts with a worker (system_wq's items run
 * there); the other three get their first worker when work is first
 * queued on them, created by an item on system_wq (creating a thread may
 * block, and queue_work may be called from an interrupt). From then on
 * each keeps at least one: the idle timer never reaps the last two.
 *
 * Lock order and field legend: see wq_internal.h.
 */
#include <pith/init.h>
#include <pith/kernel.h>
#include <pith/mm.h>
#include <pith/param.h>
#include <pith/printk.h>
#include <pith/time.h>
#include "wq_internal.h"

struct worker_pool wq_pools[NR_WQ_POOLS];

int wq_idle_timeout_ms = CONFIG_LIBWQ_IDLE_TIMEOUT_MS;
int wq_create_cooldown_ms = CONFIG_LIBWQ_CREATE_COOLDOWN_MS;
param_int("wq.idle_timeout_ms", wq_idle_timeout_ms, 10, 3600000,
	  "destroy surplus workers idle this long");
param_int("wq.create_cooldown_ms", wq_create_cooldown_ms, 1, 10000,
	  "retry interval after a failed worker creation");

#define HIGHPRI_NICE	(-20)

struct worker_pool *wq_pool_for(unsigned int wq_flags)
{
	int i = (wq_flags & WQ_UNBOUND ? POOL_UNBOUND : POOL_NORMAL) +
		(wq_flags & WQ_HIGHPRI ? 1 : 0);

	return &wq_pools[i];
}

/* Work is ready and nobody of the pool is running it. */
bool wq_need_more_worker(struct worker_pool *pool)
{
	return !list_empty(&pool->worklist) && !pool->nr_running;
}

static bool may_start_working(struct worker_pool *pool)
{
	return pool->nr_idle > 0;
}

/* Go on with the next item: at most one counted worker at a time. */
bool wq_keep_working(struct worker_pool *pool)
{
	return !list_empty(&pool->worklist) && pool->nr_running <= 1;
}

bool wq_need_to_create_worker(struct worker_pool *pool)
{
	return wq_need_more_worker(pool) && !may_start_working(pool);
}

/* Keep 2 idle workers, plus one per MAX_IDLE_RATIO busy ones. */
static bool too_many_workers(struct worker_pool *pool)
{
	int nr_idle = pool->nr_idle + (pool->manager != NULL);
	int nr_busy = pool->nr_workers - nr_idle;

	return nr_idle > 2 &&
	       (nr_idle - 2) * CONFIG_LIBWQ_MAX_IDLE_RATIO >= nr_busy;
}

void wq_wake_up_worker(struct worker_pool *pool)
{
	struct worker *w = list_first_entry_or_null(&pool->idle_list,
						    struct worker, entry);

	if (w)
		wake_up_process(w->task);
}

static void worker_set_flags(struct worker *w, unsigned int f)
{
	if ((f & WORKER_NOT_RUNNING) && !(w->flags & WORKER_NOT_RUNNING))
		w->pool->nr_running--;
	w->flags |= f;
}

static void worker_clr_flags(struct worker *w, unsigned int f)
{
	unsigned int old = w->flags;

	w->flags &= ~f;
	if ((f & WORKER_NOT_RUNNING) && (old & WORKER_NOT_RUNNING) &&
	    !(w->flags & WORKER_NOT_RUNNING))
		w->pool->nr_running++;
}

/*
 * Scheduler hooks: interrupts are off and we are inside the scheduler.
 * NOTE: no pool lock is taken. On one CPU nobody else can hold it now
 * (its holders keep interrupts off and never sleep), and a spin_unlock
 * here could try to reschedule from inside schedule().
 */
static void wq_worker_sleeping(struct thread *t)
{
	struct worker *w = t->worker;
	struct worker_pool *pool = w->pool;

	if ((w->flags & WORKER_NOT_RUNNING) || w->sleeping)
		return;
	w->sleeping = true;
	pool->nr_running--;
	if (wq_need_more_worker(pool))
		wq_wake_up_worker(pool);
}

static void wq_worker_waking(struct thread *t)
{
	struct worker *w = t->worker;

	if (!w->sleeping)
		return;
	if (!(w->flags & WORKER_NOT_RUNNING))
		w->pool->nr_running++;
	w->sleeping = false;
}

static void worker_enter_idle(struct worker *w)
{
	struct worker_pool *pool = w->pool;
	uint64_t now = ktime_get_ns();
	uint64_t expires = now + wq_idle_timeout_ms * NSEC_PER_MSEC;

	w->flags |= WORKER_IDLE;
	pool->nr_idle++;
	w->last_active = now;
	list_add(&w->entry, &pool->idle_list);
	/* A shortened timeout (tests, boot parameter) takes effect at once. */
	if (too_many_workers(pool) && (!hrtimer_active(&pool->idle_timer) ||
				       pool->idle_timer.expires > expires))
		hrtimer_start(&pool->idle_timer, expires);
}

static void worker_leave_idle(struct worker *w)
{
	if (!(w->flags & WORKER_IDLE))
		return;
	w->flags &= ~WORKER_IDLE;
	w->pool->nr_idle--;
	list_del_init(&w->entry);
}

struct worker *wq_find_worker_executing(struct worker_pool *pool,
					 struct work_struct *work)
{
	struct worker *w;

	list_for_each_entry(w, &pool->busy_list, busy_node)
		if (w->current_work == work && w->current_func == work->func)
			return w;
	return NULL;
}

/* Move @work and the barriers linked behind it to the tail of @head;
 * *@nextp (if given) is kept pointing past what was moved. */
void wq_move_linked_works(struct work_struct *work, struct list_head *head,
			  struct work_struct **nextp)
{
	struct work_struct *n;

	for (;;) {
		bool linked = work->flags & WORK_LINKED;

		n = list_next_entry(work, entry);	/* before the move */
		list_move_tail(&work->entry, head);
		if (!linked)
			break;
		work = n;
	}
	if (nextp)
		*nextp = n;
}

void wq_pwq_activate_work(struct pool_workqueue *pwq,
			  struct work_struct *work)
{
	wq_move_linked_works(work, &pwq->pool->worklist, NULL);
	work->flags &= ~WORK_INACTIVE;
	pwq->nr_active++;
}

/* One item of @pwq left the queue (ran or was cancelled). */
void wq_pwq_dec_nr_in_flight(struct pool_workqueue *pwq, unsigned long wflags,
			     int color)
{
	if (!(wflags & WORK_BARRIER)) {
		pwq->nr_active--;
		if (!list_empty(&pwq->inactive_works) &&
		    pwq->nr_active < pwq->max_active)
			wq_pwq_activate_work(pwq,
				list_first_entry(&pwq->inactive_works,
						 struct work_struct, entry));
	}
	if (!--pwq->nr_in_flight[color] &&
	    waitqueue_active(&pwq->wq->flush_wait))
		wake_up_all(&pwq->wq->flush_wait);
}

static void work_started(struct worker *w, struct work_struct *work)
{
	struct worker_pool *pool = w->pool;

	list_add(&w->busy_node, &pool->busy_list);
	w->current_work = work;
	w->current_func = work->func;
	w->current_pwq = work->pwq;
	list_del_init(&work->entry);
	if (work->pwq->wq->flags & WQ_CPU_INTENSIVE)
		worker_set_flags(w, WORKER_CPU_INTENSIVE);
	/* Unbound and CPU-intensive items leave nr_running at 0. */
	if (wq_need_more_worker(pool))
		wq_wake_up_worker(pool);
	work->pool = pool;
	/* From here on the item may be queued again, even while it runs. */
	WRITE_ONCE(work->flags, 0);
}

/* Run one item; pool->lock held (interrupts off), dropped meanwhile. */
static void process_one_work(struct worker *w, struct work_struct *work)
{
	struct worker_pool *pool = w->pool;
	struct pool_workqueue *pwq = work->pwq;
	struct worker *collision = wq_find_worker_executing(pool, work);
	unsigned long wflags = work->flags;
	int color = work->color;

	/* Never run one item twice at once: let its runner do it next. */
	if (collision) {
		wq_move_linked_works(work, &collision->scheduled, NULL);
		return;
	}
	work_started(w, work);
	spin_unlock_irq(&pool->lock);
	w->current_func(work);
	/* NOTE: @work may be freed by now; only compared, never touched.
	 * A voluntary switch point: under the cooperative scheduler a
	 * stream of items (or one requeueing itself) must not starve the
	 * other threads. yield() keeps this worker counted as running. */
	yield();
	spin_lock_irq(&pool->lock);
	worker_clr_flags(w, WORKER_CPU_INTENSIVE);
	list_del_init(&w->busy_node);
	w->current_work = NULL;
	w->current_func = NULL;
	w->current_pwq = NULL;
	pool->nr_processed++;
	wq_pwq_dec_nr_in_flight(pwq, wflags, color);
}

void wq_process_scheduled_works(struct worker *w)
{
	while (!list_empty(&w->scheduled))
		process_one_work(w, list_first_entry(&w->scheduled,
						     struct work_struct, entry));
}

/* The body of a worker that found work to do; pool->lock held. */
static void worker_run(struct worker *w)
{
	struct worker_pool *pool = w->pool;

	worker_clr_flags(w, WORKER_PREP);
	do {
		struct work_struct *work =
			list_first_entry(&pool->worklist, struct work_struct,
					 entry);

		if (work->flags & WORK_LINKED)
			wq_move_linked_works(work, &w->scheduled, NULL);
		else
			process_one_work(w, work);
		wq_process_scheduled_works(w);
	} while (wq_keep_working(pool));
	worker_set_flags(w, WORKER_PREP);
}

static int create_worker(struct worker_pool *pool);

/* Manager: create workers until the pool no longer needs one. Called and
 * returns with pool->lock held; drops it meanwhile. */
static void maybe_create_worker(struct worker_pool *pool)
{
	do {
		spin_unlock_irq(&pool->lock);
		if (!hrtimer_active(&pool->mayday_timer))
			hrtimer_start_rel(&pool->mayday_timer,
				CONFIG_LIBWQ_MAYDAY_INITIAL_MS * NSEC_PER_MSEC);
		while (create_worker(pool) &&
		       wq_need_to_create_worker(pool)) {
			msleep(wq_create_cooldown_ms);
			if (!wq_need_to_create_worker(pool))
				break;
		}
		hrtimer_cancel(&pool->mayday_timer);
		spin_lock_irq(&pool->lock);
	} while (wq_need_to_create_worker(pool));
}

static bool manage_workers(struct worker *w)
{
	struct worker_pool *pool = w->pool;

	if (pool->manager)
		return false;
	pool->manager = w;
	maybe_create_worker(pool);
	pool->manager = NULL;
	return true;
}

static void worker_exit(struct worker *w)
{
	w->task->worker = NULL;	/* no more hooks for this thread */
	kfree(w);
}

static int worker_thread(void *arg)
{
	struct worker *w = arg;
	struct worker_pool *pool = w->pool;

	spin_lock_irq(&pool->lock);
	while (!(w->flags & WORKER_DIE)) {
		worker_leave_idle(w);
		if (wq_need_more_worker(pool)) {
			if (!may_start_working(pool) && manage_workers(w))
				continue;	/* the pool changed: recheck */
			worker_run(w);
		}
		worker_enter_idle(w);
		current->state = TASK_UNINTERRUPTIBLE;
		spin_unlock_irq(&pool->lock);
		schedule();
		spin_lock_irq(&pool->lock);
	}
	spin_unlock_irq(&pool->lock);
	worker_exit(w);
	return 0;
}

static struct worker *alloc_worker(struct worker_pool *pool)
{
	struct worker *w = kzalloc(sizeof(*w), GFP_KERNEL);

	if (!w)
		return NULL;
	INIT_LIST_HEAD(&w->entry);
	INIT_LIST_HEAD(&w->busy_node);
	INIT_LIST_HEAD(&w->node);
	INIT_LIST_HEAD(&w->scheduled);
	w->pool = pool;
	w->flags = WORKER_PREP | (pool->unbound ? WORKER_UNBOUND : 0);
	return w;
}

/* A new idle worker in @pool; 0 or -ENOMEM. */
static int create_worker(struct worker_pool *pool)
{
	struct thread_attr attr = { .nice = pool->nice, .detached = true };
	struct worker *w;
	struct thread *t;
	char name[THREAD_NAME_LEN];

	if (wq_fault_create_fails() || !(w = alloc_worker(pool)))
		return -ENOMEM;
	spin_lock_irq(&pool->lock);
	w->id = pool->next_id++;
	spin_unlock_irq(&pool->lock);
	if (pool->unbound)
		ksnprintf(name, sizeof(name), "kworker/u%d:%d%s", pool->id,
			  w->id, pool->nice < 0 ? "H" : "");
	else
		ksnprintf(name, sizeof(name), "kworker/0:%d%s", w->id,
			  pool->nice < 0 ? "H" : "");
	t = kthread_create_attr(worker_thread, w, name, &attr);
	if (IS_ERR(t)) {
		kfree(w);
		return PTR_ERR(t);
	}
	w->task = t;
	t->worker = w;
	spin_lock_irq(&pool->lock);
	list_add_tail(&w->node, &pool->workers);
	pool->nr_workers++;
	worker_enter_idle(w);
	wake_up_process(t);
	spin_unlock_irq(&pool->lock);
	return 0;
}

/* pool->lock held: the worker exits when it next runs. */
static void destroy_worker(struct worker *w)
{
	struct worker_pool *pool = w->pool;

	pool->nr_workers--;
	pool->nr_idle--;
	list_del_init(&w->entry);
	list_del_init(&w->node);
	w->flags = (w->flags & ~WORKER_IDLE) | WORKER_DIE;
	wake_up_process(w->task);
}

/* Interrupt context: reap idle workers from the cold end of the list. */
static enum hrtimer_restart pool_idle_timeout(struct hrtimer *t)
{
	struct worker_pool *pool = container_of(t, struct worker_pool,
						idle_timer);
	unsigned long flags = spin_lock_irqsave(&pool->lock);
	uint64_t now = ktime_get_ns();

	while (too_many_workers(pool)) {
		struct worker *w = list_last_entry(&pool->idle_list,
						   struct worker, entry);
		uint64_t expires = w->last_active +
				   wq_idle_timeout_ms * NSEC_PER_MSEC;

		if (now < expires) {
			hrtimer_start(t, expires);
			break;
		}
		destroy_worker(w);
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	return HRTIMER_NORESTART;
}

/* Interrupt context: the manager has not got a worker for a while. */
static enum hrtimer_restart pool_mayday_timeout(struct hrtimer *t)
{
	struct worker_pool *pool = container_of(t, struct worker_pool,
						mayday_timer);
	unsigned long flags = spin_lock_irqsave(&pool->lock);
	struct work_struct *work;

	if (wq_need_to_create_worker(pool))
		list_for_each_entry(work, &pool->worklist, entry)
			wq_send_mayday(work);
	spin_unlock_irqrestore(&pool->lock, flags);
	hrtimer_forward(t, ktime_get_ns(),
			CONFIG_LIBWQ_MAYDAY_INTERVAL_MS * NSEC_PER_MSEC);
	return HRTIMER_RESTART;
}

static void pool_init(struct worker_pool *pool, int id)
{
	spin_lock_init(&pool->lock);
	pool->id = id;
	pool->unbound = id == POOL_UNBOUND || id == POOL_UNBOUND_HIGHPRI;
	pool->nice = id == POOL_HIGHPRI || id == POOL_UNBOUND_HIGHPRI ?
		     HIGHPRI_NICE : 0;
	INIT_LIST_HEAD(&pool->worklist);
	INIT_LIST_HEAD(&pool->idle_list);
	INIT_LIST_HEAD(&pool->busy_list);
	INIT_LIST_HEAD(&pool->workers);
	hrtimer_init(&pool->idle_timer, pool_idle_timeout);
	hrtimer_init(&pool->mayday_timer, pool_mayday_timeout);
}

/* Runs on system_wq: give the pool its first worker, retrying after the
 * cooldown while creation fails. */
static void first_worker_fn(struct work_struct *work)
{
	struct worker_pool *pool = container_of(work, struct worker_pool,
						first_worker);

	bool mayday = false;

	while (!READ_ONCE(pool->nr_workers) && create_worker(pool)) {
		/* as a manager would: rescuers run the reclaim items */
		if (!mayday && !hrtimer_active(&pool->mayday_timer)) {
			hrtimer_start_rel(&pool->mayday_timer,
				CONFIG_LIBWQ_MAYDAY_INITIAL_MS * NSEC_PER_MSEC);
			mayday = true;
		}
		msleep(wq_create_cooldown_ms);
	}
	if (mayday)
		hrtimer_cancel(&pool->mayday_timer);
}

void wq_pool_kick(struct worker_pool *pool)
{
	if (!READ_ONCE(pool->nr_workers) && pool->id != POOL_NORMAL &&
	    system_wq)
		queue_work(system_wq, &pool->first_worker);
}

int wq_pools_init(void)
{
	int err;

	for (int i = 0; i < NR_WQ_POOLS; i++) {
		pool_init(&wq_pools[i], i);
		INIT_WORK(&wq_pools[i].first_worker, first_worker_fn);
	}
	sched_set_worker_hooks(wq_worker_sleeping, wq_worker_waking);
	err = create_worker(&wq_pools[POOL_NORMAL]);
	if (err)
		pr_err("wq: cannot create the first worker of the normal "
		       "pool: %d\n", err);
	return err;
}
