// SPDX-License-Identifier: MIT
/*
 * The buffer cache: one block-sized copy per (device, block, size), found
 * through a hash, kept on an LRU list, and written back when dirty, by
 * age (blk_writeback_tick) or on demand (sync_dev, sync_dirty_buffer).
 * The cache holds at most CONFIG_LIBBLK_CACHE_KB of buffers: beyond that,
 * the least recently used unreferenced buffer is dropped (written first
 * when dirty). Under memory pressure lib/mm's low-memory hook drops clean
 * unreferenced buffers.
 *
 * Interface: see <pith/blk.h>.
 *   bh = bread(dev, block, size); ... mark_buffer_dirty(bh); brelse(bh);
 *   sync_dev(dev) / blk_writeback_tick() / bcache_shrink(bytes)
 *
 * Invariants: a buffer with count > 0 is never freed; a dirty buffer is
 * on the dirty list exactly while BH_DIRTY is set; the LRU holds every
 * buffer, most recently released at its tail.
 */
#include <pith/blk.h>
#include <pith/compiler.h>
#include <pith/mm.h>
#include <pith/printk.h>

#define BCACHE_HASH_BITS	10
#define BCACHE_HASH_SIZE	(1u << BCACHE_HASH_BITS)

static struct list_head bcache_hash[BCACHE_HASH_SIZE];
static LIST_HEAD(bcache_lru);
static LIST_HEAD(bcache_dirty);
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

/* Write one buffer to its device; it stays cached. */
static int bcache_write(struct buffer_head *bh)
{
	uint32_t n = bh->size >> BLK_SECTOR_SHIFT;
	int err;

	err = blk_rw(bh->dev, BLK_OP_WRITE, bh->block * n, n, bh->data);
	bcache_st.writes++;
	if (err) {
		bcache_st.write_errors++;
		bh->flags |= BH_ERROR;
		pr_err("blk: %s: write of block %llu failed (%d)\n",
		       bh->dev->name, (unsigned long long)bh->block, err);
		return err;
	}
	bh->flags &= ~(BH_DIRTY | BH_ERROR);
	list_del_init(&bh->dirty);
	bcache_st.dirty--;
	return 0;
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

/* Drop unreferenced buffers from the LRU head until want bytes are gone;
 * dirty ones are written first only when allowed. */
static unsigned long bcache_evict(unsigned long want, bool write_dirty)
{
	struct buffer_head *bh, *next;
	unsigned long freed = 0;

	list_for_each_entry_safe(bh, next, &bcache_lru, lru) {
		if (freed >= want)
			break;
		if (bh->count)
			continue;
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

static struct buffer_head *bcache_alloc(struct blkdev *dev, uint64_t block,
					uint32_t size)
{
	unsigned long limit = (unsigned long)CONFIG_LIBBLK_CACHE_KB * 1024;
	struct buffer_head *bh;

	if (bcache_st.bytes + size > limit)
		bcache_evict(bcache_st.bytes + size - limit, true);
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

struct buffer_head *bgetblk(struct blkdev *dev, uint64_t block, uint32_t size)
{
	struct buffer_head *bh;

	if (!bcache_ready)
		bcache_setup();
	if (size < BLK_SECTOR_SIZE || (size & (size - 1)) ||
	    size < dev->block_size)
		return ERR_PTR(-EINVAL);
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
	if (err) {
		pr_err("blk: %s: read of block %llu failed (%d)\n", dev->name,
		       (unsigned long long)block, err);
		brelse(bh);
		return ERR_PTR(-EIO);
	}
	bh->flags |= BH_UPTODATE;
	return bh;
}

void brelse(struct buffer_head *bh)
{
	if (IS_ERR_OR_NULL(bh))
		return;
	BUG_ON(!bh->count);
	bh->count--;
	/* A never-filled buffer is useless to the next user: drop it. */
	if (!bh->count && !(bh->flags & (BH_UPTODATE | BH_DIRTY)))
		bcache_free(bh);
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
	struct buffer_head *bh, *next;
	int err = 0, e;

	list_for_each_entry_safe(bh, next, &bcache_dirty, dirty) {
		if (bh->dev != dev)
			continue;
		e = bcache_write(bh);
		if (e && !err)
			err = e;
	}
	if (dev->read_only)
		return err;
	e = blk_flush(dev);
	return err ? err : e;
}

void bcache_invalidate_dev(struct blkdev *dev)
{
	struct buffer_head *bh, *next;

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
	struct buffer_head *bh, *next;
	unsigned long written = 0;

	/* Oldest first: stop at the first buffer that is young enough. */
	list_for_each_entry_safe(bh, next, &bcache_dirty, dirty) {
		if (now - bh->dirtied_ns < age)
			break;
		if (!bcache_write(bh))
			written++;
	}
	return written;
}

unsigned long bcache_shrink(unsigned long want_bytes)
{
	return bcache_evict(want_bytes, false);
}

static unsigned long bcache_reclaim(struct lowmem_hook *h, unsigned long want,
				    gfp_t gfp)
{
	return bcache_shrink(want * PAGE_SIZE) / PAGE_SIZE;
}

void bcache_get_stats(struct bcache_stats *st)
{
	*st = bcache_st;
}
