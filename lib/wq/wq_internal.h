/* SPDX-License-Identifier: MIT */
/*
 * Private to lib/wq (and its tests): do not include elsewhere.
 *
 * Objects, as in Linux's cmwq, cut down to one CPU:
 *   worker_pool     a worklist and the workers that run it; four pools
 *                   (normal and high-priority, bound and unbound), shared
 *                   by every queue of that kind
 *   worker          one kernel thread (t->worker points to it)
 *   workqueue_struct a policy: flags, max_active, rescuer, flush state
 *   pool_workqueue  the link from a queue to its pool: nr_active against
 *                   max_active, the inactive list, in-flight counts per
 *                   flush color. One CPU: exactly one per queue.
 *
 * Lock order: wq_list_lock -> pool->lock -> wq_mayday_lock
 *             -> wait queue locks -> scheduler (interrupts off)
 *
 * Field legend:
 *   [L] pool->lock     [M] wq_mayday_lock    [G] wq_list_lock
 *   [I] changed only with interrupts off by the scheduler hooks or under
 *       [L]; one CPU, so no other lock is needed
 *   [C] constant after creation
 */
#ifndef LIB_WQ_INTERNAL_H
#define LIB_WQ_INTERNAL_H

#include <pith/hrtimer.h>
#include <pith/list.h>
#include <pith/sched.h>
#include <pith/spinlock.h>
#include <pith/wait.h>
#include <pith/wq.h>

#define WORK_NR_COLORS	2	/* flushers are serialised: two suffice */

/* worker.flags; NOT_RUNNING ones keep a worker out of nr_running. */
#define WORKER_DIE		0x01
#define WORKER_IDLE		0x02
#define WORKER_PREP		0x04
#define WORKER_CPU_INTENSIVE	0x08
#define WORKER_UNBOUND		0x10
#define WORKER_RESCUER		0x20
#define WORKER_NOT_RUNNING	(WORKER_PREP | WORKER_CPU_INTENSIVE | \
				 WORKER_UNBOUND)

enum { POOL_NORMAL, POOL_HIGHPRI, POOL_UNBOUND, POOL_UNBOUND_HIGHPRI,
       NR_WQ_POOLS };

struct worker_pool {
	spinlock_t lock;
	int id;				/* [C] index in wq_pools */
	int nice;			/* [C] */
	bool unbound;			/* [C] */
	struct list_head worklist;	/* [L] items ready to run */
	int nr_workers, nr_idle;	/* [L] */
	int nr_running;			/* [I] counted workers not blocked */
	struct list_head idle_list;	/* [L] LIFO: hot end first */
	struct list_head busy_list;	/* [L] workers running an item */
	struct list_head workers;	/* [L] all attached workers */
	struct worker *manager;		/* [L] creating a worker now */
	int next_id;			/* [L] for worker names */
	unsigned long nr_processed;	/* [L] items run, for tests */
	struct hrtimer idle_timer;	/* reaps surplus idle workers */
	struct hrtimer mayday_timer;	/* calls rescuers when starving */
	struct work_struct first_worker;	/* on system_wq: creates this
						 * pool's first worker */
};

struct worker {
	struct list_head entry;		/* [L] pool->idle_list */
	struct list_head busy_node;	/* [L] pool->busy_list */
	struct list_head node;		/* [L] pool->workers */
	struct work_struct *current_work;	/* [L] */
	work_func_t current_func;	/* [L] */
	struct pool_workqueue *current_pwq;	/* [L] */
	struct list_head scheduled;	/* [L] to run next, in order */
	struct thread *task;		/* [C] */
	struct worker_pool *pool;	/* [C]; the rescuer's changes [L] */
	uint64_t last_active;		/* [L] when it last went idle */
	unsigned int flags;		/* [L]/[I] WORKER_* */
	bool sleeping;			/* [I] counted out by the hook */
	int id;				/* [C] */
	struct workqueue_struct *rescue_wq;	/* [C] rescuers only */
	bool stop;			/* [M] rescuer: exit when idle */
};

struct pool_workqueue {
	struct worker_pool *pool;	/* [C] */
	struct workqueue_struct *wq;	/* [C] */
	int nr_active, max_active;	/* [L] */
	struct list_head inactive_works;	/* [L] beyond max_active */
	int work_color;			/* [L] color new items get */
	int nr_in_flight[WORK_NR_COLORS];	/* [L] queued + running */
	struct list_head mayday_node;	/* [M] on wq->maydays */
};

struct workqueue_struct {
	char name[WQ_NAME_LEN];		/* [C] */
	unsigned int flags;		/* [L] WQ_*, __WQ_DRAINING */
	int nr_drainers;		/* [L] */
	bool flush_busy;		/* [L] a flush_workqueue is running */
	struct wait_queue_head flush_wait;	/* flushers and drainers */
	struct pool_workqueue pwq;
	struct list_head maydays;	/* [M] pwqs asking for rescue */
	struct worker *rescuer;		/* [C] WQ_MEM_RECLAIM only */
	struct list_head list;		/* [G] all_workqueues */
};

/* A flush barrier: a work item that wakes its flusher. */
struct wq_barrier {
	struct work_struct work;
	struct thread *task;
	volatile bool done;
};

extern struct worker_pool wq_pools[NR_WQ_POOLS];
extern struct list_head all_workqueues;
extern spinlock_t wq_list_lock, wq_mayday_lock;
/* Tunables (ms), from Kconfig and boot parameters; tests may change them. */
extern int wq_idle_timeout_ms, wq_create_cooldown_ms;

/* pool.c */
bool wq_need_more_worker(struct worker_pool *pool);
bool wq_keep_working(struct worker_pool *pool);
bool wq_need_to_create_worker(struct worker_pool *pool);
void wq_wake_up_worker(struct worker_pool *pool);
void wq_pool_kick(struct worker_pool *pool);
void wq_process_scheduled_works(struct worker *w);
void wq_move_linked_works(struct work_struct *work, struct list_head *head,
			  struct work_struct **nextp);
struct worker *wq_find_worker_executing(struct worker_pool *pool,
					 struct work_struct *work);
void wq_pwq_activate_work(struct pool_workqueue *pwq,
			  struct work_struct *work);
void wq_pwq_dec_nr_in_flight(struct pool_workqueue *pwq, unsigned long wflags,
			     int color);
int wq_pools_init(void);
struct worker_pool *wq_pool_for(unsigned int wq_flags);

/* rescuer.c */
int wq_rescuer_start(struct workqueue_struct *wq);
void wq_rescuer_stop(struct workqueue_struct *wq);
void wq_send_mayday(struct work_struct *work);

/* queue.c */
bool __queue_work(struct workqueue_struct *wq, struct work_struct *work);

static inline struct worker *current_wq_worker(void)
{
	return in_interrupt() || !current ? NULL : current->worker;
}

#ifdef CONFIG_LIBWQ_FAULT_INJECT
bool wq_fault_create_fails(void);
#else
static inline bool wq_fault_create_fails(void)
{
	return false;
}
#endif

#endif
