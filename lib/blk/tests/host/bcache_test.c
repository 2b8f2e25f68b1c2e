// hosttest-cflags: -DCONFIG_LIBBLK_CACHE_KB=64 -DCONFIG_LIBBLK_WRITEBACK_AGE_MS=1000
/* SPDX-License-Identifier: MIT */
/*
 * lib/blk on an image file: the registry, request checks, and the buffer
 * cache (hits, dirty writeback by age, sync, the size limit, low-memory
 * shrinking, failed writes staying dirty).
 */
#include "hosttest.h"
#include "blk_host.h"

static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

/* A fresh 1 MiB file whose 512-byte sector i is filled with (i & 0xff). */
static struct blkdev *make_dev(const char *path)
{
	unsigned char sec[512];
	FILE *f = fopen(path, "w");

	for (int i = 0; i < 2048; i++) {
		memset(sec, i & 0xff, sizeof(sec));
		fwrite(sec, 1, sizeof(sec), f);
	}
	fclose(f);
	return fileblk_open(path, false);
}

static int sector_byte(const char *path, long sector)
{
	FILE *f = fopen(path, "r");
	int c;

	fseek(f, sector * 512, SEEK_SET);
	c = fgetc(f);
	fclose(f);
	return c;
}

TEST(blk_register_names_in_order_and_finds_by_serial)
{
	struct blkdev *a = make_dev("/tmp/pith-blk-a.img");
	struct blkdev *b = make_dev("/tmp/pith-blk-b.img");

	kstrlcpy(b->serial, "data-disk", sizeof(b->serial));
	EXPECT_TRUE(blkdev_lookup(a->name) == a);
	EXPECT_TRUE(blkdev_lookup(b->name) == b);
	EXPECT_TRUE(a->name[4] + 1 == b->name[4]);
	EXPECT_TRUE(blkdev_lookup_serial("data-disk") == b);
	EXPECT_TRUE(blkdev_lookup_serial("nope") == NULL);
	EXPECT_TRUE(blkdev_lookup("vblk99") == NULL);
	fileblk_close(a);
	fileblk_close(b);
}

TEST(blk_submit_out_of_range_or_readonly_is_refused)
{
	struct blkdev *d = make_dev("/tmp/pith-blk-a.img");
	char buf[1024];

	EXPECT_EQ(blk_rw(d, BLK_OP_READ, 2047, 1, buf), 0);
	EXPECT_EQ(buf[0], (char)(2047 & 0xff));
	EXPECT_EQ(blk_rw(d, BLK_OP_READ, 2047, 2, buf), -EINVAL);
	EXPECT_EQ(blk_rw(d, BLK_OP_WRITE, 4096, 1, buf), -EINVAL);
	EXPECT_EQ(blk_rw(d, BLK_OP_READ, 0, 0, buf), -EINVAL);
	d->read_only = true;
	EXPECT_EQ(blk_rw(d, BLK_OP_WRITE, 0, 1, buf), -EROFS);
	d->read_only = false;
	fileblk_close(d);
}

TEST(blk_bread_caches_and_writeback_waits_for_age)
{
	struct blkdev *d = make_dev("/tmp/pith-blk-a.img");
	struct bcache_stats st0, st;
	struct buffer_head *bh;

	blk_set_clock(fake_clock);
	fake_now = 1000000000ull;
	bcache_get_stats(&st0);
	bh = bread(d, 3, 1024);
	ASSERT_FALSE(IS_ERR(bh));
	EXPECT_EQ(((unsigned char *)bh->data)[0], 6);
	EXPECT_EQ(((unsigned char *)bh->data)[512], 7);
	memset(bh->data, 0xaa, 1024);
	mark_buffer_dirty(bh);
	brelse(bh);
	bh = bread(d, 3, 1024);
	bcache_get_stats(&st);
	EXPECT_EQ(st.hits - st0.hits, 1);
	EXPECT_EQ(st.reads - st0.reads, 1);
	brelse(bh);
	fake_now += 500000000ull;
	EXPECT_EQ(blk_writeback_tick(), 0);
	EXPECT_EQ(sector_byte("/tmp/pith-blk-a.img", 6), 6);
	fake_now += 600000000ull;
	EXPECT_EQ(blk_writeback_tick(), 1);
	EXPECT_EQ(sector_byte("/tmp/pith-blk-a.img", 6), 0xaa);
	EXPECT_EQ(sector_byte("/tmp/pith-blk-a.img", 7), 0xaa);
	fileblk_close(d);
}

TEST(blk_sync_dev_writes_only_that_device)
{
	struct blkdev *a = make_dev("/tmp/pith-blk-a.img");
	struct blkdev *b = make_dev("/tmp/pith-blk-b.img");
	struct buffer_head *x = bread(a, 1, 512), *y = bread(b, 1, 512);

	memset(x->data, 0x11, 512);
	memset(y->data, 0x22, 512);
	mark_buffer_dirty(x);
	mark_buffer_dirty(y);
	brelse(x);
	brelse(y);
	EXPECT_EQ(sync_dev(a), 0);
	EXPECT_EQ(sector_byte("/tmp/pith-blk-a.img", 1), 0x11);
	EXPECT_EQ(sector_byte("/tmp/pith-blk-b.img", 1), 1);
	EXPECT_EQ(a->flushes, 1);
	EXPECT_EQ(sync_dev(b), 0);
	EXPECT_EQ(sector_byte("/tmp/pith-blk-b.img", 1), 0x22);
	fileblk_close(a);
	fileblk_close(b);
}

TEST(blk_cache_limit_evicts_lru_and_writes_dirty_first)
{
	struct blkdev *d = make_dev("/tmp/pith-blk-a.img");
	struct bcache_stats st;
	struct buffer_head *bh = bread(d, 0, 1024);

	memset(bh->data, 0x5a, 1024);
	mark_buffer_dirty(bh);
	brelse(bh);
	for (int i = 1; i < 200; i++)
		brelse(bread(d, i, 1024));
	bcache_get_stats(&st);
	EXPECT_TRUE(st.bytes <= 64 * 1024);
	EXPECT_EQ(st.dirty, 0);
	EXPECT_EQ(sector_byte("/tmp/pith-blk-a.img", 0), 0x5a);
	fileblk_close(d);
}

TEST(blk_shrink_drops_only_clean_unused)
{
	struct blkdev *d = make_dev("/tmp/pith-blk-a.img");
	struct buffer_head *held = bread(d, 1, 1024);
	struct buffer_head *dirty = bread(d, 2, 1024);
	struct bcache_stats st;

	mark_buffer_dirty(dirty);
	brelse(dirty);
	brelse(bread(d, 3, 1024));
	ASSERT_TRUE(host_lowmem_hook != NULL);
	EXPECT_EQ(host_lowmem_hook->reclaim(host_lowmem_hook, 100, 0), 0);
	bcache_get_stats(&st);
	EXPECT_EQ(st.buffers, 2);
	EXPECT_EQ(st.dirty, 1);
	brelse(held);
	fileblk_close(d);
}

TEST(blk_failed_write_keeps_buffer_dirty)
{
	struct blkdev *d = make_dev("/tmp/pith-blk-a.img");
	struct buffer_head *bh = bread(d, 5, 512);
	struct bcache_stats st;

	memset(bh->data, 0x77, 512);
	mark_buffer_dirty(bh);
	fileblk_fail_writes(d, 1);
	EXPECT_EQ(sync_dirty_buffer(bh), -EIO);
	EXPECT_TRUE(bh->flags & BH_DIRTY);
	EXPECT_TRUE(bh->flags & BH_ERROR);
	EXPECT_EQ(sync_dev(d), 0);
	EXPECT_FALSE(bh->flags & BH_DIRTY);
	EXPECT_EQ(sector_byte("/tmp/pith-blk-a.img", 5), 0x77);
	bcache_get_stats(&st);
	EXPECT_EQ(st.write_errors, 1);
	brelse(bh);
	fileblk_close(d);
}

HOSTTEST_MAIN("blk")
