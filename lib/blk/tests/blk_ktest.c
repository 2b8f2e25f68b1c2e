// SPDX-License-Identifier: MIT
/*
 * ktest suite for the block request path in an image: a RAM-backed
 * device whose requests complete from an hrtimer (interrupt context, as
 * virtio-blk's do), so synchronous calls really sleep in the wait hook
 * and are woken by blk_complete(); asynchronous requests in flight
 * together; the buffer cache's sync ending in a device flush.
 */
#include <pith/blk.h>
#include <pith/hrtimer.h>
#include <pith/ktest.h>
#include <pith/mm.h>
#include <pith/sched.h>
#include <pith/spinlock.h>
#include <pith/string.h>

#define RAMDEV_SECTORS	64

static struct blkdev ramdev;
static uint8_t *ram;
static LIST_HEAD(ram_queue);
static DEFINE_SPINLOCK(ram_lock);
static struct hrtimer ram_timer;
static unsigned long ram_done_in_irq;

static void ram_do(struct blk_req *req)
{
	size_t off = (size_t)req->lba << BLK_SECTOR_SHIFT;
	size_t len = (size_t)req->nr_sectors << BLK_SECTOR_SHIFT;

	if (req->op == BLK_OP_READ)
		memcpy(req->buf, ram + off, len);
	else if (req->op == BLK_OP_WRITE)
		memcpy(ram + off, req->buf, len);
}

static enum hrtimer_restart ram_irq(struct hrtimer *t)
{
	unsigned long flags = spin_lock_irqsave(&ram_lock);

	while (!list_empty(&ram_queue)) {
		struct blk_req *req = list_first_entry(&ram_queue,
						       struct blk_req, node);

		list_del_init(&req->node);
		ram_do(req);
		ram_done_in_irq++;
		blk_complete(req, 0);
	}
	spin_unlock_irqrestore(&ram_lock, flags);
	return HRTIMER_NORESTART;
}

static int ram_submit(struct blkdev *dev, struct blk_req *req)
{
	unsigned long flags = spin_lock_irqsave(&ram_lock);

	list_add_tail(&req->node, &ram_queue);
	spin_unlock_irqrestore(&ram_lock, flags);
	hrtimer_start_rel(&ram_timer, 200000);	/* 200 us */
	return 0;
}

static const struct blkdev_ops ram_ops = { .submit = ram_submit };

static int blk_ktest_init(struct ktest *t)
{
	if (ram)
		return 0;
	ram = kzalloc(RAMDEV_SECTORS * BLK_SECTOR_SIZE, GFP_KERNEL);
	if (!ram)
		return -ENOMEM;
	hrtimer_init(&ram_timer, ram_irq);
	kstrlcpy(ramdev.name, "ktest-ram", sizeof(ramdev.name));
	ramdev.capacity = RAMDEV_SECTORS;
	ramdev.block_size = 512;
	ramdev.ops = &ram_ops;
	return blkdev_register(&ramdev);
}

/* Leave no buffers behind: a later suite's memory accounting (the
 * low-memory hook would give their pages back) must not see them. */
static void blk_ktest_exit(struct ktest *t)
{
	blk_cache_lock();
	bcache_invalidate_dev(&ramdev);
	blk_cache_unlock();
}

static void blk_rw_sleeps_until_the_interrupt(struct ktest *t)
{
	uint8_t *buf = kmalloc(1024, GFP_KERNEL);
	unsigned long before = ram_done_in_irq, sw = current->nvcsw;

	KT_ASSERT_TRUE(t, buf != NULL);
	memset(buf, 0xa5, 1024);
	KT_EXPECT_EQ(t, blk_rw(&ramdev, BLK_OP_WRITE, 4, 2, buf), 0);
	memset(buf, 0, 1024);
	KT_EXPECT_EQ(t, blk_rw(&ramdev, BLK_OP_READ, 4, 2, buf), 0);
	KT_EXPECT_EQ(t, buf[0], 0xa5);
	KT_EXPECT_EQ(t, buf[1023], 0xa5);
	KT_EXPECT_EQ(t, ram_done_in_irq - before, 2);
	/* A thread slept rather than spun (the boot context spins). */
	if (current->tid)
		KT_EXPECT_TRUE(t, current->nvcsw > sw);
	kfree(buf);
}

static void blk_done_cb(struct blk_req *req)
{
	(*(int *)req->private)++;
}

static void blk_async_requests_in_flight_together(struct ktest *t)
{
	static struct blk_req reqs[16];
	static uint8_t bufs[16][512];
	int done = 0;

	for (int i = 0; i < 16; i++) {
		reqs[i] = (struct blk_req){ .dev = &ramdev, .op = BLK_OP_WRITE,
					    .lba = i, .nr_sectors = 1,
					    .buf = bufs[i], .done = blk_done_cb,
					    .private = &done };
		memset(bufs[i], i, 512);
		KT_EXPECT_EQ(t, blk_submit(&reqs[i]), 0);
	}
	for (int i = 0; i < 16; i++)
		while (!reqs[i].completed)
			yield();
	KT_EXPECT_EQ(t, done, 16);
	KT_EXPECT_EQ(t, ram[15 * 512], 15);
}

static void blk_rejects_out_of_range_and_readonly(struct ktest *t)
{
	uint8_t *buf = kmalloc(512, GFP_KERNEL);

	KT_ASSERT_TRUE(t, buf != NULL);
	KT_EXPECT_EQ(t, blk_rw(&ramdev, BLK_OP_READ, RAMDEV_SECTORS, 1, buf),
		     -EINVAL);
	ramdev.read_only = true;
	KT_EXPECT_EQ(t, blk_rw(&ramdev, BLK_OP_WRITE, 0, 1, buf), -EROFS);
	ramdev.read_only = false;
	kfree(buf);
}

static void blk_sync_dev_writes_back_then_flushes(struct ktest *t)
{
	struct buffer_head *bh;
	unsigned long flushes = ramdev.flushes;

	blk_cache_lock();
	bh = bgetblk(&ramdev, 10, 1024);
	KT_ASSERT_TRUE(t, !IS_ERR(bh));
	memset(bh->data, 0x3c, 1024);
	mark_buffer_dirty(bh);
	brelse(bh);
	KT_EXPECT_EQ(t, sync_dev(&ramdev), 0);
	blk_cache_unlock();
	KT_EXPECT_EQ(t, ram[10 * 1024], 0x3c);
	KT_EXPECT_EQ(t, ramdev.flushes, flushes + 1);
}

static struct ktest_case blk_cases[] = {
	KTEST_CASE(blk_rw_sleeps_until_the_interrupt),
	KTEST_CASE(blk_async_requests_in_flight_together),
	KTEST_CASE(blk_rejects_out_of_range_and_readonly),
	KTEST_CASE(blk_sync_dev_writes_back_then_flushes),
	{}
};
KTEST_SUITE_FULL(blk, blk_cases, blk_ktest_init, blk_ktest_exit);
