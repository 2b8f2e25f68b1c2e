// SPDX-License-Identifier: MIT
/*
 * The buffer cache: one block-sized copy per (device, block, size), found
 * through a hash, kept on an LRU list, and written back when dirty, by
 * age (blk_writeback_tick) or on demand (sync_dev, sync_dirty_buffer).
 * The cache holds at most CONFIG_LIBBLK_CACHE_KB of buffers: beyond that,
 * the least recently used unreferenced buffer is dropped (written first
 * when dirty: the first dirty one met starts a clustered writeback of
 * the oldest quarter of the cache's dirty buffers). Under memory
 * pressure lib/mm's low-memory hook drops clean unreferenced buffers.
 *
 * Multi-block I/O: writeback (sync_dev, the age tick, the size limit)
 * sorts the buffers it writes by (device, block) and sends each run of
 * consecutive blocks as one request whose segments are the buffers
 * themselves (no copy); all requests of a batch are in flight together
 * and waited for before the call returns. Readahead (bcache_readahead)
 * does the same for reads of uncached blocks but returns at once: the
 * buffers stay BH_INFLIGHT, referenced by their request, until a caller
 * needs one (bgetblk/bread wait for its request) or a later cache call
 * finds the request completed (bcache_reap). Completion in interrupt
 * context only marks the request done; buffer state changes happen
 * under the callers' lock.
 *
 * Interface: see <pith/blk.h>.
 *   bh = bread(dev, block, size); ... mark_buffer_dirty(bh); brelse(bh);
 *   sync_dev(dev) / blk_writeback_tick() / bcache_shrink(bytes)
 *
 * Invariants: a buffer with count > 0 is never freed; a dirty buffer is
 * on the dirty list exactly while BH_DIRTY is set; the LRU holds every
 * buffer, most recently released at its tail; a BH_INFLIGHT buffer holds
 * one reference for its request and no one reads or writes its data
 * before the request is reaped.
 */
#include <pith/blk.h>
#include <pith/compiler.h>
#include <pith/mm.h>
#include <pith/printk.h>

#define BCACHE_HASH_BITS	10
#define BCACHE_HASH_SIZE	(1u << BCACHE_HASH_BITS)
/* Writes past the size limit clean this share of the cache at once. */
#define BCACHE_FLUSH_DIV	4

/* One device request over a run of consecutive buffers. */
struct bcache_io {
	struct blk_req req;
	struct list_head node;		/* bcache_ios */
	unsigned int n;
	struct buffer_head **bhs;	/* n, each holding a reference */
	struct blk_seg *segs;		/* n */
};

static struct list_head bcache_hash[BCACHE_HASH_SIZE];
static LIST_HEAD(bcache_lru);
static LIST_HEAD(bcache_dirty);
static LIST_HEAD(bcache_ios);		/* requests in flight */
static struct bcache_stats bcache_st;
static uint64_t (*bcache_clock)(void);
static bool bcache_ready;

static unsigned long bcache_reclaim(struct lowmem_hook *h, unsigned long want,
				    gfp_t gfp);

static struct lowmem_hook bcache_hook = {
	.name = "bcache",
	.reclaim = bcache_reclaim,
	.flags = 0,
};

static void bcache_setup(void)
{
	for (unsigned int i = 0; i < BCACHE_HASH_SIZE; i++)
		INIT_LIST_HEAD(&bcache_hash[i]);
	register_lowmem_hook(&bcache_hook);
	bcache_ready = true;
}

static uint64_t bcache_now(void)
{
	return bcache_clock ? bcache_clock() : 0;
}

void blk_set_clock(uint64_t (*now_ns)(void))
{
	bcache_clock = now_ns;
}

static struct list_head *bcache_bucket(struct blkdev *dev, uint64_t block)
{
	uint64_t h = (uint64_t)(uintptr_t)dev * 0x9e3779b97f4a7c15ull;

	h ^= block * 0xff51afd7ed558ccdull;
	return &bcache_hash[(h >> 32) & (BCACHE_HASH_SIZE - 1)];
}

static struct buffer_head *bcache_find(struct blkdev *dev, uint64_t block,
				       uint32_t size)
{
	struct buffer_head *bh;

	list_for_each_entry(bh, bcache_bucket(dev, block), hash)
		if (bh->dev == dev && bh->block == block && bh->size == size)
			return bh;
	return NULL;
}

static void bcache_write_done(struct buffer_head *bh, int err)
{
	bcache_st.writes++;
	if (err) {
		bcache_st.write_errors++;
		bh->flags |= BH_ERROR;
		pr_err("blk: %s: write of block %llu failed (%d)\n",
		       bh->dev->name, (unsigned long long)bh->block, err);
		return;
	}
	bh->flags &= ~(BH_DIRTY | BH_ERROR);
	list_del_init(&bh->dirty);
	bcache_st.dirty--;
}

/* Write one buffer to its device; it stays cached. */
static int bcache_write(struct buffer_head *bh)
{
	uint32_t n = bh->size >> BLK_SECTOR_SHIFT;
	int err;

	err = blk_rw(bh->dev, BLK_OP_WRITE, bh->block * n, n, bh->data);
	bcache_st.write_reqs++;
	bcache_write_done(bh, err);
	return err;
}

static void bcache_free(struct buffer_head *bh);

static void bcache_put(struct buffer_head *bh)
{
	bh->count--;
	/* A never-filled buffer is useless to the next user: drop it. */
	if (!bh->count && !(bh->flags & (BH_UPTODATE | BH_DIRTY)))
		bcache_free(bh);
}

static struct bcache_io *bcache_io_new(unsigned int n)
{
	struct bcache_io *io = kmalloc(sizeof(*io) + n * (sizeof(void *) +
					sizeof(struct blk_seg)), GFP_KERNEL);

	if (!io)
		return NULL;
	io->n = 0;
	io->bhs = (struct buffer_head **)(io + 1);
	io->segs = (struct blk_seg *)(io->bhs + n);
	return io;
}

static void bcache_io_add(struct bcache_io *io, struct buffer_head *bh)
{
	bh->count++;
	io->bhs[io->n] = bh;
	io->segs[io->n] = (struct blk_seg){ bh->data, bh->size };
	io->n++;
}

/* Start io (its buffers added); a refused request completes at once. */
static void bcache_io_submit(struct bcache_io *io, enum blk_op op)
{
	struct buffer_head *first = io->bhs[0];
	uint32_t per = first->size >> BLK_SECTOR_SHIFT;
	int err;

	io->req = (struct blk_req){
		.dev = first->dev, .op = op, .lba = first->block * per,
		.nr_sectors = per * io->n, .segs = io->segs,
		.nr_segs = io->n,
	};
	if (io->n == 1) {	/* drivers without segment support */
		io->req.buf = first->data;
		io->req.nr_segs = 0;
		io->req.segs = NULL;
	}
	list_add_tail(&io->node, &bcache_ios);
	if (op == BLK_OP_READ)
		bcache_st.read_reqs++;
	else
		bcache_st.write_reqs++;
	err = blk_submit(&io->req);
	if (err) {
		io->req.status = err;
		io->req.completed = 1;
	}
}

/* The request of io ended: its buffers take the result, drop its
 * references. */
static void bcache_io_finish(struct bcache_io *io)
{
	int err = io->req.status;

	list_del(&io->node);
	for (unsigned int i = 0; i < io->n; i++) {
		struct buffer_head *bh = io->bhs[i];

		if (io->req.op == BLK_OP_WRITE) {
			bcache_write_done(bh, err);
		} else {
			bh->flags &= ~BH_INFLIGHT;
			bh->io = NULL;
			bcache_st.reads++;
			if (!err)
				bh->flags |= BH_UPTODATE;
			else if (i == 0)
				pr_err("blk: %s: read of blocks %llu+%u failed (%d)\n",
				       bh->dev->name,
				       (unsigned long long)bh->block, io->n,
				       err);
		}
		bcache_put(bh);
	}
	kfree(io);
}

static void bcache_io_wait(struct bcache_io *io)
{
	blk_wait(&io->req);
	bcache_io_finish(io);
}

/* Finish the requests that completed (no waiting). */
static void bcache_reap(void)
{
	struct bcache_io *io, *next;

	list_for_each_entry_safe(io, next, &bcache_ios, node)
		if (io->req.completed)
			bcache_io_finish(io);
}

/* Wait for every request in flight on dev (NULL: every device). */
static void bcache_drain(struct blkdev *dev)
{
	struct bcache_io *io, *next;

	list_for_each_entry_safe(io, next, &bcache_ios, node)
		if (!dev || io->req.dev == dev)
			bcache_io_wait(io);
}

/* Sort order of writeback: device, then size, then block. */
static bool bcache_before(const struct buffer_head *a,
			  const struct buffer_head *b)
{
	if (a->dev != b->dev)
		return (uintptr_t)a->dev < (uintptr_t)b->dev;
	if (a->size != b->size)
		return a->size < b->size;
	return a->block < b->block;
}

static void bcache_sift(struct buffer_head **v, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1;
		struct buffer_head *t;

		if (c >= n)
			return;
		if (c + 1 < n && bcache_before(v[c], v[c + 1]))
			c++;
		if (!bcache_before(v[i], v[c]))
			return;
		t = v[i];
		v[i] = v[c];
		v[c] = t;
		i = c;
	}
}

/* Heap sort: no recursion, no extra memory. */
static void bcache_sort(struct buffer_head **v, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		bcache_sift(v, i, n);
	for (size_t end = n; end > 1; end--) {
		struct buffer_head *t = v[0];

		v[0] = v[end - 1];
		v[end - 1] = t;
		bcache_sift(v, 0, end - 1);
	}
}

/* How many buffers from v[i] on make one request: consecutive blocks of
 * one device and size, within the device's request limits. */
static size_t bcache_run(struct buffer_head **v, size_t i, size_t n)
{
	const struct buffer_head *bh = v[i];
	const struct blkdev *dev = bh->dev;
	uint32_t per = bh->size >> BLK_SECTOR_SHIFT;
	size_t cap = blkdev_max_segs(dev), run = 1;

	if (dev->max_sectors && cap > dev->max_sectors / per)
		cap = dev->max_sectors / per ? dev->max_sectors / per : 1;
	while (i + run < n && run < cap && v[i + run]->dev == dev &&
	       v[i + run]->size == bh->size &&
	       v[i + run]->block == bh->block + run)
		run++;
	return run;
}

/*
 * Write the n dirty buffers of v (sorted here): consecutive blocks of one
 * device go out as one request, all requests in flight together; returns
 * when they are all done. 0 or the first error.
 */
static int bcache_write_many(struct buffer_head **v, size_t n)
{
	struct bcache_io *io, *next;
	int err = 0, e;

	bcache_sort(v, n);
	for (size_t i = 0, run; i < n; i += run) {
		run = bcache_run(v, i, n);
		io = bcache_io_new((unsigned int)run);
		if (!io) {		/* no memory: one at a time */
			run = 1;
			e = bcache_write(v[i]);
			if (e && !err)
				err = e;
			continue;
		}
		for (size_t k = 0; k < run; k++)
			bcache_io_add(io, v[i + k]);
		bcache_io_submit(io, BLK_OP_WRITE);
	}
	/* Wait for the writes just started (reads in flight are left). */
	list_for_each_entry_safe(io, next, &bcache_ios, node) {
		if (io->req.op != BLK_OP_WRITE)
			continue;
		blk_wait(&io->req);
		if (io->req.status && !err)
			err = io->req.status;
		bcache_io_finish(io);
	}
	return err;
}

#define BCACHE_BATCH	1024	/* buffers sorted and written at once */

/*
 * Write back the dirty buffers of dev (NULL: every device), oldest first,
 * stopping at one dirtied at or after older_than (0: no age limit) or
 * after max_bytes (0: no limit), clustered in batches of BCACHE_BATCH.
 */
static int bcache_writeback(struct blkdev *dev, uint64_t older_than,
			    unsigned long max_bytes)
{
	struct buffer_head **v, *bh, *next;
	unsigned long bytes = 0;
	int err = 0, e;

	if (!bcache_st.dirty)
		return 0;
	v = kmalloc(BCACHE_BATCH * sizeof(*v), GFP_KERNEL);
	if (!v) {
		list_for_each_entry_safe(bh, next, &bcache_dirty, dirty) {
			if ((older_than && bh->dirtied_ns >= older_than) ||
			    (max_bytes && bytes >= max_bytes))
				break;
			if (dev && bh->dev != dev)
				continue;
			bytes += bh->size;
			e = bcache_write(bh);
			if (e && !err)
				err = e;
		}
		return err;
	}
	for (;;) {
		size_t n = 0;

		list_for_each_entry(bh, &bcache_dirty, dirty) {
			if ((older_than && bh->dirtied_ns >= older_than) ||
			    (max_bytes && bytes >= max_bytes) ||
			    n == BCACHE_BATCH)
				break;
			if (dev && bh->dev != dev)
				continue;
			v[n++] = bh;
			bytes += bh->size;
		}
		if (!n)
			break;
		e = bcache_write_many(v, n);
		/* A failed buffer stays dirty, at its place: stop there. */
		if (e) {
			err = e;
			break;
		}
		if (n < BCACHE_BATCH)
			break;
	}
	kfree(v);
	return err;
}

static void bcache_free(struct buffer_head *bh)
{
	list_del(&bh->hash);
	list_del(&bh->lru);
	bcache_st.buffers--;
	bcache_st.bytes -= bh->size;
	kfree(bh->data);
	kfree(bh);
}

/* Drop unreferenced buffers from the LRU head until want bytes are gone.
 * A dirty one is skipped, or when allowed, written first: the first
 * time, with a clustered writeback of the oldest dirty share of the
 * cache, after which the walk starts over (the writeback allocates, and
 * the low-memory hook may have dropped buffers meanwhile). */
static unsigned long bcache_evict(unsigned long want, bool write_dirty)
{
	struct buffer_head *bh, *next;
	unsigned long freed = 0;
	bool flushed = false;

again:
	list_for_each_entry_safe(bh, next, &bcache_lru, lru) {
		if (freed >= want)
			break;
		if (bh->count)
			continue;
		if ((bh->flags & BH_DIRTY) && write_dirty && !flushed) {
			flushed = true;
			bcache_writeback(NULL, 0, BCACHE_LIMIT_BYTES /
						  BCACHE_FLUSH_DIV);
			goto again;
		}
		if (bh->flags & BH_DIRTY) {
			if (!write_dirty || bcache_write(bh))
				continue;
		}
		freed += bh->size;
		bcache_st.evictions++;
		bcache_free(bh);
	}
	return freed;
}

/* Make room for size more bytes under the limit. */
static void bcache_make_room(uint32_t size)
{
	if (bcache_st.bytes + size > BCACHE_LIMIT_BYTES)
		bcache_evict(bcache_st.bytes + size - BCACHE_LIMIT_BYTES, true);
}

static struct buffer_head *bcache_alloc(struct blkdev *dev, uint64_t block,
					uint32_t size)
{
	struct buffer_head *bh;

	bcache_make_room(size);
	bh = kzalloc(sizeof(*bh), GFP_KERNEL);
	if (!bh)
		return NULL;
	bh->data = kmalloc(size, GFP_KERNEL);
	if (!bh->data) {
		kfree(bh);
		return NULL;
	}
	bh->dev = dev;
	bh->block = block;
	bh->size = size;
	INIT_LIST_HEAD(&bh->dirty);
	list_add(&bh->hash, bcache_bucket(dev, block));
	list_add_tail(&bh->lru, &bcache_lru);
	bcache_st.buffers++;
	bcache_st.bytes += size;
	return bh;
}

static bool bcache_size_ok(struct blkdev *dev, uint32_t size)
{
	return size >= BLK_SECTOR_SIZE && !(size & (size - 1)) &&
	       size >= dev->block_size;
}

struct buffer_head *bgetblk(struct blkdev *dev, uint64_t block, uint32_t size)
{
	struct buffer_head *bh;

	if (!bcache_ready)
		bcache_setup();
	if (!bcache_size_ok(dev, size))
		return ERR_PTR(-EINVAL);
	bcache_reap();
	bh = bcache_find(dev, block, size);
	if (bh) {
		bcache_st.hits++;
	} else {
		bcache_st.misses++;
		bh = bcache_alloc(dev, block, size);
		if (!bh)
			return ERR_PTR(-ENOMEM);
	}
	bh->count++;
	list_move_tail(&bh->lru, &bcache_lru);
	/* Nobody touches the data while the device may still write it. */
	if (bh->flags & BH_INFLIGHT)
		bcache_io_wait(bh->io);
	return bh;
}

struct buffer_head *bread(struct blkdev *dev, uint64_t block, uint32_t size)
{
	struct buffer_head *bh = bgetblk(dev, block, size);
	uint32_t n = size >> BLK_SECTOR_SHIFT;
	int err;

	if (IS_ERR(bh) || (bh->flags & BH_UPTODATE))
		return bh;
	err = blk_rw(dev, BLK_OP_READ, block * n, n, bh->data);
	bcache_st.reads++;
	bcache_st.read_reqs++;
	if (err) {
		pr_err("blk: %s: read of block %llu failed (%d)\n", dev->name,
		       (unsigned long long)block, err);
		brelse(bh);
		return ERR_PTR(-EIO);
	}
	bh->flags |= BH_UPTODATE;
	return bh;
}

unsigned int bcache_readahead(struct blkdev *dev, const uint64_t *blocks,
			      unsigned int n, uint32_t size)
{
	struct buffer_head *run[64];
	unsigned int cap = blkdev_max_segs(dev), issued = 0, nr = 0;
	uint32_t per = size >> BLK_SECTOR_SHIFT;

	if (!bcache_ready)
		bcache_setup();
	if (!bcache_size_ok(dev, size))
		return 0;
	if (cap > 64)
		cap = 64;
	if (dev->max_sectors && cap > dev->max_sectors / per)
		cap = dev->max_sectors / per ? dev->max_sectors / per : 1;
	bcache_reap();
	for (unsigned int i = 0; i <= n; i++) {
		struct buffer_head *bh = NULL;
		bool joins;

		if (i < n && blocks[i] && blocks[i] < dev->capacity / per &&
		    !bcache_find(dev, blocks[i], size)) {
			bh = bcache_alloc(dev, blocks[i], size);
			if (bh)
				bh->count++;	/* not freed before it is queued */
		}
		joins = bh && nr && nr < cap &&
			bh->block == run[nr - 1]->block + 1;
		if (nr && !joins) {	/* start the run so far */
			struct bcache_io *io = bcache_io_new(nr);

			for (unsigned int k = 0; k < nr; k++) {
				if (io) {
					bcache_io_add(io, run[k]);
					run[k]->flags |= BH_INFLIGHT;
					run[k]->io = io;
				}
				bcache_put(run[k]);
			}
			if (io) {
				bcache_io_submit(io, BLK_OP_READ);
				issued += nr;
				bcache_st.ra_blocks += nr;
			}
			nr = 0;
		}
		if (bh)
			run[nr++] = bh;
	}
	return issued;
}

void brelse(struct buffer_head *bh)
{
	if (IS_ERR_OR_NULL(bh))
		return;
	BUG_ON(!bh->count);
	bcache_put(bh);
}

void mark_buffer_dirty(struct buffer_head *bh)
{
	bh->flags |= BH_UPTODATE;
	if (bh->flags & BH_DIRTY)
		return;
	bh->flags |= BH_DIRTY;
	bh->dirtied_ns = bcache_now();
	list_add_tail(&bh->dirty, &bcache_dirty);
	bcache_st.dirty++;
}

int sync_dirty_buffer(struct buffer_head *bh)
{
	return (bh->flags & BH_DIRTY) ? bcache_write(bh) : 0;
}

int sync_dev(struct blkdev *dev)
{
	int err, e;

	bcache_reap();
	err = bcache_writeback(dev, 0, 0);
	if (dev->read_only)
		return err;
	e = blk_flush(dev);
	return err ? err : e;
}

void bcache_invalidate_dev(struct blkdev *dev)
{
	struct buffer_head *bh, *next;

	bcache_drain(dev);
	list_for_each_entry_safe(bh, next, &bcache_lru, lru) {
		if (bh->dev != dev)
			continue;
		if (WARN_ON(bh->count))
			continue;
		if (bh->flags & BH_DIRTY) {
			list_del(&bh->dirty);
			bcache_st.dirty--;
		}
		bcache_free(bh);
	}
}

unsigned long blk_writeback_tick(void)
{
	uint64_t age = (uint64_t)CONFIG_LIBBLK_WRITEBACK_AGE_MS * 1000000;
	uint64_t now = bcache_now();
	unsigned long before = bcache_st.dirty;

	bcache_reap();
	/* Buffers dirtied before now - age, oldest first, clustered. */
	if (now <= age)
		return 0;
	bcache_writeback(NULL, now - age + 1, 0);
	return before - MIN(before, bcache_st.dirty);
}

unsigned long bcache_shrink(unsigned long want_bytes)
{
	return bcache_evict(want_bytes, false);
}

static bool (*reclaim_trylock)(void);
static void (*reclaim_unlock)(void);

void bcache_set_reclaim_lock(bool (*trylock)(void), void (*unlock)(void))
{
	reclaim_trylock = trylock;
	reclaim_unlock = unlock;
}

/*
 * lib/mm calls this from whatever thread is allocating. The cache's
 * lists belong to the holder of the cache lock: when another thread holds
 * it, or the allocating thread itself does (an allocation inside an ext2
 * call, in the middle of changing them), nothing is given back this time.
 */
static unsigned long bcache_reclaim(struct lowmem_hook *h, unsigned long want,
				    gfp_t gfp)
{
	unsigned long got;

	if (reclaim_trylock && !reclaim_trylock())
		return 0;
	got = bcache_shrink(want * PAGE_SIZE) / PAGE_SIZE;
	if (reclaim_unlock)
		reclaim_unlock();
	return got;
}

void bcache_get_stats(struct bcache_stats *st)
{
	*st = bcache_st;
}
