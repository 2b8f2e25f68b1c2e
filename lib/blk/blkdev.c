// SPDX-License-Identifier: MIT
/*
 * Block devices: the registry (names "vblk0", "vblk1", ... in probe order,
 * lookup by name or by serial) and request submission with range and
 * read-only checks, so that no caller can reach a driver with a request
 * outside the device.
 *
 * Interface: see <pith/blk.h>.
 *   blkdev_register -> blk_submit / blk_rw / blk_flush -> blkdev_unregister
 */
#include <pith/blk.h>
#include <pith/printk.h>
#include <pith/string.h>

static LIST_HEAD(blkdevs);
static unsigned int blk_next_index;
static void (*blk_wait_hook)(struct blk_req *req);
static void (*blk_wake_hook)(struct blk_req *req);

/* Write "vblk<n>" into name without libc. */
static void blk_make_name(char *name, unsigned int n)
{
	char digits[10];
	int i = 0, j = 4;

	memcpy(name, "vblk", 4);
	do {
		digits[i++] = (char)('0' + n % 10);
		n /= 10;
	} while (n && i < 9);
	while (i)
		name[j++] = digits[--i];
	name[j] = '\0';
}

int blkdev_register(struct blkdev *dev)
{
	uint32_t bs = dev->block_size;

	if (!dev->ops || !dev->ops->submit || bs < BLK_SECTOR_SIZE ||
	    (bs & (bs - 1))) {
		pr_err("blk: bad device (block size %u)\n", bs);
		return -EINVAL;
	}
	if (!dev->name[0])
		blk_make_name(dev->name, blk_next_index++);
	if (blkdev_lookup(dev->name)) {
		pr_err("blk: %s already registered\n", dev->name);
		return -EEXIST;
	}
	list_add_tail(&dev->node, &blkdevs);
	pr_info("blk: %s: %llu sectors, block %u%s%s%s\n", dev->name,
		(unsigned long long)dev->capacity, bs,
		dev->read_only ? ", read-only" : "",
		dev->serial[0] ? ", serial " : "", dev->serial);
	return 0;
}

void blkdev_unregister(struct blkdev *dev)
{
	list_del_init(&dev->node);
}

struct blkdev *blkdev_lookup(const char *name)
{
	struct blkdev *dev;

	list_for_each_entry(dev, &blkdevs, node)
		if (!kstrcmp(dev->name, name))
			return dev;
	return NULL;
}

struct blkdev *blkdev_lookup_serial(const char *serial)
{
	struct blkdev *dev;

	if (!serial[0])
		return NULL;
	list_for_each_entry(dev, &blkdevs, node)
		if (!kstrcmp(dev->serial, serial))
			return dev;
	return NULL;
}

/* The segments cover nr_sectors exactly, each a whole number of device
 * blocks, no more of them than the device takes. */
static bool blk_segs_ok(const struct blk_req *req)
{
	const struct blkdev *dev = req->dev;
	uint64_t total = 0;

	if (!req->nr_segs)
		return true;
	if (!req->segs || req->nr_segs > blkdev_max_segs(dev))
		return false;
	for (unsigned int i = 0; i < req->nr_segs; i++) {
		uint32_t len = req->segs[i].len;

		if (!len || len % dev->block_size || !req->segs[i].buf)
			return false;
		total += len;
	}
	return total == (uint64_t)req->nr_sectors << BLK_SECTOR_SHIFT;
}

static int blk_check(const struct blk_req *req)
{
	const struct blkdev *dev = req->dev;
	uint32_t per_block = dev->block_size >> BLK_SECTOR_SHIFT;

	if (req->op == BLK_OP_FLUSH)
		return dev->read_only ? -EROFS : 0;
	if (req->op == BLK_OP_WRITE && dev->read_only)
		return -EROFS;
	if (!req->nr_sectors || req->lba >= dev->capacity ||
	    req->nr_sectors > dev->capacity - req->lba ||
	    req->lba % per_block || req->nr_sectors % per_block ||
	    (dev->max_sectors && req->nr_sectors > dev->max_sectors) ||
	    !blk_segs_ok(req)) {
		pr_err("blk: %s: bad request: %u sectors at %llu in %u segments (capacity %llu)\n",
		       dev->name, req->nr_sectors,
		       (unsigned long long)req->lba, req->nr_segs,
		       (unsigned long long)dev->capacity);
		return -EINVAL;
	}
	return 0;
}

int blk_submit(struct blk_req *req)
{
	struct blkdev *dev = req->dev;
	int err = blk_check(req);

	if (err)
		return err;
	req->completed = 0;
	req->status = 0;
	if (req->op == BLK_OP_READ) {
		dev->reads++;
		dev->sectors_read += req->nr_sectors;
	} else if (req->op == BLK_OP_WRITE) {
		dev->writes++;
		dev->sectors_written += req->nr_sectors;
	} else {
		dev->flushes++;
	}
	return dev->ops->submit(dev, req);
}

/* Once completed is set the submitter may free req (another CPU, or the
 * thread this interrupt woke): nothing of it is touched after, and the
 * wake hook gets a pointer it must not follow. */
void blk_complete(struct blk_req *req, int status)
{
	req->status = status;
	if (status)
		req->dev->errors++;
	if (req->done)
		req->done(req);
	__atomic_store_n(&req->completed, 1, __ATOMIC_RELEASE);
	if (blk_wake_hook)
		blk_wake_hook(req);
}

void blk_set_wait_hook(void (*wait)(struct blk_req *req))
{
	blk_wait_hook = wait;
}

void blk_set_wake_hook(void (*wake)(struct blk_req *req))
{
	blk_wake_hook = wake;
}

void blk_wait(struct blk_req *req)
{
	while (!req->completed) {
		if (blk_wait_hook)
			blk_wait_hook(req);
		else
			__builtin_ia32_pause();
	}
}

int blk_rw(struct blkdev *dev, enum blk_op op, uint64_t lba, uint32_t n,
	   void *buf)
{
	struct blk_req req = {
		.dev = dev, .op = op, .lba = lba, .nr_sectors = n, .buf = buf,
	};
	int err = blk_submit(&req);

	if (err)
		return err;
	blk_wait(&req);
	return req.status;
}

int blk_flush(struct blkdev *dev)
{
	return blk_rw(dev, BLK_OP_FLUSH, 0, 0, NULL);
}

int blk_sync_all(void)
{
	struct blkdev *dev;
	int err = 0, e;

	list_for_each_entry(dev, &blkdevs, node) {
		if (dev->read_only)
			continue;
		e = sync_dev(dev);
		if (e && !err)
			err = e;
	}
	return err;
}
