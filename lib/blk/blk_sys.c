// SPDX-License-Identifier: MIT
/*
 * lib/blk in a kernel image (the host tests use blkdev.c and bcache.c
 * alone): how synchronous I/O waits, the cache lock, periodic writeback
 * and the last sync at power-off.
 *
 * - Waiting: a thread sleeps on one wait queue that blk_complete() wakes
 *   (interrupt context); the boot context (the idle thread, before the
 *   app starts: probe and root mount) and interrupt-disabled callers
 *   spin instead, as nothing else could run to wake them.
 * - Locking: one mutex for the buffer cache, which is one structure for
 *   all devices: file systems take it around every call into their
 *   on-disk code, the writeback work around every tick.
 * - Writeback: delayed work on the system workqueue runs
 *   blk_writeback_tick() every CONFIG_LIBBLK_WRITEBACK_AGE_MS / 2 (the
 *   "blk.writeback_ms" parameter overrides the period; 0 turns it off).
 * - Power-off: a shutdown hook writes every dirty buffer and flushes every
 *   writable device (file systems unmount in their own hook, which runs
 *   before this one as it registers later).
 *
 * Interface: blk_cache_lock / blk_cache_unlock (<pith/blk.h>).
 */
#include <pith/blk.h>
#include <pith/init.h>
#include <pith/irqflags.h>
#include <pith/kernel.h>
#include <pith/mutex.h>
#include <pith/param.h>
#include <pith/preempt.h>
#include <pith/printk.h>
#include <pith/sched.h>
#include <pith/time.h>
#include <pith/wait.h>
#include <pith/wq.h>

static DECLARE_WAIT_QUEUE_HEAD(blk_waitq);
static DEFINE_MUTEX(blk_mutex);
static struct delayed_work blk_wb_work;
static int blk_wb_ms = CONFIG_LIBBLK_WRITEBACK_AGE_MS / 2;
param_int("blk.writeback_ms", blk_wb_ms, 0, 600000,
	  "period of the dirty-buffer writeback in ms (0: only on sync)");

static bool blk_can_sleep(void)
{
	return current && current->tid != 0 && !in_interrupt() &&
	       !irqs_disabled();
}

static void blk_sys_wait(struct blk_req *req)
{
	if (!blk_can_sleep()) {
		__builtin_ia32_pause();
		return;
	}
	wait_event(blk_waitq, req->completed);
}

static void blk_sys_wake(struct blk_req *req)
{
	wake_up_all(&blk_waitq);
}

void blk_cache_lock(void)
{
	mutex_lock(&blk_mutex);
}

void blk_cache_unlock(void)
{
	mutex_unlock(&blk_mutex);
}

static bool blk_cache_trylock(void)
{
	return mutex_trylock(&blk_mutex);
}

static uint64_t blk_clock(void)
{
	return ktime_get_ns();
}

static void blk_wb_fn(struct work_struct *w)
{
	blk_cache_lock();
	blk_writeback_tick();
	blk_cache_unlock();
	queue_delayed_work(system_wq, &blk_wb_work,
			   (uint64_t)blk_wb_ms * NSEC_PER_MSEC);
}

static void blk_shutdown(struct shutdown_hook *h)
{
	int err;

	if (mutex_owner(&blk_mutex) == current ||
	    mutex_lock_timeout(&blk_mutex, 2 * NSEC_PER_SEC)) {
		pr_warn("blk: power-off without the last sync (cache busy)\n");
		return;
	}
	err = blk_sync_all();
	mutex_unlock(&blk_mutex);
	if (err)
		pr_err("blk: power-off sync failed (%d)\n", err);
}

static struct shutdown_hook blk_shutdown_hook = {
	.name = "blk",
	.fn = blk_shutdown,
};

static int blk_sys_init(void)
{
	blk_set_clock(blk_clock);
	blk_set_wait_hook(blk_sys_wait);
	blk_set_wake_hook(blk_sys_wake);
	bcache_set_reclaim_lock(blk_cache_trylock, blk_cache_unlock);
	shutdown_hook_add(&blk_shutdown_hook);
	return 0;
}
subsys_initcall(blk_sys_init);

/* After the system workqueue exists (subsys level, link order). */
static int blk_writeback_start(void)
{
	INIT_DELAYED_WORK(&blk_wb_work, blk_wb_fn);
	if (blk_wb_ms)
		queue_delayed_work(system_wq, &blk_wb_work,
				   (uint64_t)blk_wb_ms * NSEC_PER_MSEC);
	return 0;
}
late_initcall(blk_writeback_start);
