/* SPDX-License-Identifier: MIT */
/*
 * Block layer: block devices, their registry, and the buffer cache that
 * file systems read and write metadata and data through.
 *
 * A driver fills a struct blkdev (capacity in 512-byte sectors, logical
 * block size, read-only flag, serial) and an ops table whose submit()
 * starts a request and calls req->done() when it ends, possibly from
 * interrupt context, possibly before submit() returns.
 *
 * Interface (drivers):
 *   blkdev_register(dev)           names it "vblkN" in probe order unless
 *                                  dev->name is set; 0 or -errno
 *   blkdev_unregister(dev)
 * Interface (users):
 *   blkdev_lookup("vblk0"), blkdev_lookup_serial("disk-1")
 *   blk_submit(req)                asynchronous; done() reports status;
 *                                  the data is req->buf, or req->segs
 *                                  (nr_segs pieces, each a multiple of
 *                                  the device block, at most
 *                                  blkdev_max_segs(dev) of them)
 *   blk_wait(req)                  until a submitted request completed
 *   blk_rw(dev, op, lba, n, buf)   synchronous read/write of n sectors
 *   blk_flush(dev)                 device write cache to stable storage
 * Interface (buffer cache, one cache for all devices):
 *   bh = bread(dev, block, size)   block of size bytes, read if not cached;
 *                                  ERR_PTR(-EIO) on a device error
 *   bh = bgetblk(dev, block, size) cached block without reading it (for a
 *                                  block about to be overwritten whole)
 *   bcache_readahead(dev, blocks, n, size)
 *                                  start reading the listed blocks that
 *                                  are not cached (0 entries skipped),
 *                                  runs of consecutive blocks merged into
 *                                  one request; does not wait: bread()
 *                                  of such a block waits for its request
 *   mark_buffer_dirty(bh)          written back later (age) or by sync
 *   brelse(bh)                     drop the reference
 *   sync_dev(dev)                  write every dirty buffer, then flush
 *                                  (clustered: sorted by block, runs of
 *                                  consecutive blocks in one request)
 *   blk_sync_all()                 sync_dev of every writable device
 *   bcache_invalidate_dev(dev)     forget the device's (clean) buffers
 *   blk_writeback_tick()           write back buffers dirty for longer
 *                                  than CONFIG_LIBBLK_WRITEBACK_AGE_MS;
 *                                  drive it from periodic delayed work
 *   blk_set_clock(now_ns)          the clock dirty ages are measured on
 *   blk_set_wait_hook(fn)          how a synchronous call waits for done()
 *                                  (default: spin with pause); called
 *                                  until req->completed is set
 *   blk_set_wake_hook(fn)          called by blk_complete() after done()
 *                                  (any context): wakes the waiters; the
 *                                  request may be freed by then: the
 *                                  hook must not dereference it
 * Interface (kernel images, blk_sys.c; not in host tests):
 *   blk_cache_lock() / blk_cache_unlock()   the one mutex that
 *                                  serializes the buffer cache: file
 *                                  systems take it around each call, the
 *                                  writeback work around each tick
 *   bcache_shrink(want)            drop clean unused buffers (the lib/mm
 *                                  low-memory hook calls it)
 *
 * Context: thread context. The cache is not internally locked: the
 * callers serialize with blk_cache_lock() (one mutex, as the cache is one
 * structure for all devices). done() may run in interrupt context and
 * must only record the status.
 */
#ifndef PITH_BLK_H
#define PITH_BLK_H

#include <stdbool.h>
#include <stdint.h>
#include <pith/errno.h>
#include <pith/list.h>

#define BLK_SECTOR_SIZE		512
#define BLK_SECTOR_SHIFT	9

#ifndef CONFIG_LIBBLK_WRITEBACK_AGE_MS
#define CONFIG_LIBBLK_WRITEBACK_AGE_MS	5000
#endif
#ifndef CONFIG_LIBBLK_CACHE_KB
#define CONFIG_LIBBLK_CACHE_KB		4096
#endif

enum blk_op { BLK_OP_READ, BLK_OP_WRITE, BLK_OP_FLUSH };

struct blkdev;
struct bcache_io;

/* One piece of a request's data: contiguous memory, a multiple of the
 * device block long. */
struct blk_seg {
	void *buf;
	uint32_t len;
};

struct blk_req {
	struct blkdev *dev;
	enum blk_op op;
	uint64_t lba;			/* first 512-byte sector */
	uint32_t nr_sectors;
	void *buf;			/* the data when nr_segs is 0 */
	struct blk_seg *segs;		/* else nr_segs pieces of it */
	unsigned int nr_segs;
	int status;			/* 0 or -EIO, valid in done() */
	void (*done)(struct blk_req *req);	/* may be interrupt context */
	void *private;			/* the submitter's */
	struct list_head node;		/* the driver's, while in flight */
	volatile int completed;		/* set by blk_complete() */
};

struct blkdev_ops {
	/* Start req; 0 if accepted (done() follows), else -errno and no
	 * done(). Ranges and the read-only flag are checked before. */
	int (*submit)(struct blkdev *dev, struct blk_req *req);
};

struct blkdev {
	char name[16];			/* "vblk0"; set by register if empty */
	char serial[24];		/* may be empty */
	uint64_t capacity;		/* in 512-byte sectors */
	uint32_t block_size;		/* logical block, a power of two >= 512 */
	bool read_only;
	unsigned int max_segs;		/* segments per request; 0: 1 */
	uint32_t max_sectors;		/* per request; 0: no limit */
	const struct blkdev_ops *ops;
	void *priv;			/* the driver's */
	struct list_head node;		/* registry */
	unsigned long reads, writes, flushes, errors;
	uint64_t sectors_read, sectors_written;
};

static inline unsigned int blkdev_max_segs(const struct blkdev *dev)
{
	return dev->max_segs ? dev->max_segs : 1;
}

int blkdev_register(struct blkdev *dev);
void blkdev_unregister(struct blkdev *dev);
struct blkdev *blkdev_lookup(const char *name);
struct blkdev *blkdev_lookup_serial(const char *serial);

/* Check and start req; -EINVAL out of range or misaligned, -EROFS. */
int blk_submit(struct blk_req *req);
/* Drivers: record status and call req->done. Interrupt context is fine. */
void blk_complete(struct blk_req *req, int status);
/* Wait for a submitted request (the wait hook, else spinning). */
void blk_wait(struct blk_req *req);
int blk_rw(struct blkdev *dev, enum blk_op op, uint64_t lba, uint32_t n,
	   void *buf);
int blk_flush(struct blkdev *dev);
void blk_set_wait_hook(void (*wait)(struct blk_req *req));
void blk_set_wake_hook(void (*wake)(struct blk_req *req));
/* How the low-memory hook takes the cache: trylock() true means held
 * until unlock(); false, and the hook gives nothing back this time. */
void bcache_set_reclaim_lock(bool (*trylock)(void), void (*unlock)(void));
void blk_cache_lock(void);
void blk_cache_unlock(void);
int blk_sync_all(void);

/* ---- buffer cache ---- */

#define BH_UPTODATE	0x1u
#define BH_DIRTY	0x2u
#define BH_ERROR	0x4u	/* the last write failed; still dirty */
#define BH_INFLIGHT	0x8u	/* a read is in flight (bh->io); wait first */

struct buffer_head {
	struct blkdev *dev;
	uint64_t block;			/* in units of size */
	uint32_t size;
	void *data;
	unsigned int count;		/* references */
	unsigned int flags;
	uint64_t dirtied_ns;		/* when it became dirty */
	struct bcache_io *io;		/* the read in flight, if BH_INFLIGHT */
	struct list_head hash;		/* hash bucket */
	struct list_head lru;		/* all buffers, least recent first */
	struct list_head dirty;		/* dirty buffers, oldest first */
};

struct buffer_head *bread(struct blkdev *dev, uint64_t block, uint32_t size);
struct buffer_head *bgetblk(struct blkdev *dev, uint64_t block,
			    uint32_t size);
unsigned int bcache_readahead(struct blkdev *dev, const uint64_t *blocks,
			      unsigned int n, uint32_t size);
/* Most bytes the cache keeps (CONFIG_LIBBLK_CACHE_KB). */
#define BCACHE_LIMIT_BYTES	((unsigned long)CONFIG_LIBBLK_CACHE_KB * 1024)
void brelse(struct buffer_head *bh);
void mark_buffer_dirty(struct buffer_head *bh);
int sync_dirty_buffer(struct buffer_head *bh);
int sync_dev(struct blkdev *dev);
void bcache_invalidate_dev(struct blkdev *dev);
unsigned long blk_writeback_tick(void);
void blk_set_clock(uint64_t (*now_ns)(void));
unsigned long bcache_shrink(unsigned long want_bytes);

struct bcache_stats {
	unsigned long buffers, bytes, dirty;
	unsigned long hits, misses, reads, writes, evictions, write_errors;
	unsigned long ra_blocks;	/* blocks read ahead */
	unsigned long read_reqs, write_reqs;	/* device requests */
};
void bcache_get_stats(struct bcache_stats *st);

#endif
