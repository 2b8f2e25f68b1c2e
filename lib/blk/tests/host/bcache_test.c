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

TEST(blk_sync_merges_consecutive_dirty_blocks)
{
	struct blkdev *d = make_dev("/tmp/pith-blk-a.img");
	unsigned long r0, w0, r1, w1;
	struct bcache_stats st0, st;

	/* 40 blocks dirtied out of order: 10..29 and 50..69 (+ one lone). */
	for (int k = 0; k < 40; k++) {
		int b = k % 2 ? 10 + k / 2 : 50 + k / 2;
		struct buffer_head *bh = bgetblk(d, (uint64_t)b, 512);

		ASSERT_FALSE(IS_ERR(bh));
		memset(bh->data, 0x40 + (b & 0x3f), 512);
		mark_buffer_dirty(bh);
		brelse(bh);
	}
	bcache_get_stats(&st0);
	fileblk_requests(d, &r0, &w0);
	EXPECT_EQ(sync_dev(d), 0);
	fileblk_requests(d, &r1, &w1);
	bcache_get_stats(&st);
	/* 16 segments a request: 20 blocks in 2 requests, for each run. */
	EXPECT_EQ(w1 - w0, 4);
	EXPECT_EQ(st.write_reqs - st0.write_reqs, 4);
	EXPECT_EQ(st.writes - st0.writes, 40);
	EXPECT_EQ(st.dirty, 0);
	for (int b = 10; b < 30; b++)
		EXPECT_EQ(sector_byte("/tmp/pith-blk-a.img", b), 0x40 + (b & 0x3f));
	for (int b = 50; b < 70; b++)
		EXPECT_EQ(sector_byte("/tmp/pith-blk-a.img", b), 0x40 + (b & 0x3f));
	EXPECT_EQ(sector_byte("/tmp/pith-blk-a.img", 30), 30);
	fileblk_close(d);
}

TEST(blk_readahead_merges_and_bread_finds_it)
{
	struct blkdev *d = make_dev("/tmp/pith-blk-a.img");
	uint64_t blocks[12] = { 100, 101, 102, 0, 104, 105, 200, 201, 202,
				203, 204, 1u << 30 };
	unsigned long r0, w0, r1, w1;
	struct buffer_head *bh;
	struct bcache_stats st0, st;

	brelse(bread(d, 105, 512));		/* cached: not read again */
	fileblk_requests(d, &r0, &w0);
	bcache_get_stats(&st0);
	/* 100-102, 104, 200-204; 105 cached, 0 a hole, the last past
	 * the end: skipped. */
	EXPECT_EQ(bcache_readahead(d, blocks, 12, 512), 9);
	fileblk_requests(d, &r1, &w1);
	EXPECT_EQ(r1 - r0, 3);
	for (int i = 0; i < 11; i++) {
		if (!blocks[i])
			continue;
		bh = bread(d, blocks[i], 512);
		ASSERT_FALSE(IS_ERR(bh));
		EXPECT_TRUE(bh->flags & BH_UPTODATE);
		EXPECT_FALSE(bh->flags & BH_INFLIGHT);
		EXPECT_EQ(((unsigned char *)bh->data)[0], blocks[i] & 0xff);
		brelse(bh);
	}
	fileblk_requests(d, &r1, &w1);
	EXPECT_EQ(r1 - r0, 3);			/* all from the read-ahead */
	bcache_get_stats(&st);
	EXPECT_EQ(st.ra_blocks - st0.ra_blocks, 9);
	/* Read-ahead of cached blocks issues nothing. */
	EXPECT_EQ(bcache_readahead(d, blocks, 3, 512), 0);
	fileblk_close(d);
}

TEST(blk_request_segments_are_checked)
{
	struct blkdev *d = make_dev("/tmp/pith-blk-a.img");
	static char a[1024], b[512];
	struct blk_seg segs[2] = { { a, 1024 }, { b, 512 } };
	struct blk_req req = { .dev = d, .op = BLK_OP_READ, .lba = 4,
			       .nr_sectors = 3, .segs = segs, .nr_segs = 2 };

	EXPECT_EQ(blk_submit(&req), 0);
	EXPECT_EQ(req.status, 0);
	EXPECT_EQ((unsigned char)a[0], 4);
	EXPECT_EQ((unsigned char)a[512], 5);
	EXPECT_EQ((unsigned char)b[0], 6);
	req.nr_sectors = 4;			/* segments cover 3 */
	EXPECT_EQ(blk_submit(&req), -EINVAL);
	req.nr_sectors = 3;
	segs[1].len = 100;			/* not whole sectors */
	EXPECT_EQ(blk_submit(&req), -EINVAL);
	segs[1].len = 512;
	req.nr_segs = 17;			/* more than the device takes */
	EXPECT_EQ(blk_submit(&req), -EINVAL);
	fileblk_close(d);
}

HOSTTEST_MAIN("blk")
