/* SPDX-License-Identifier: MIT */
/*
 * Host-test environment for lib/blk (and lib/ext2 on top of it): kmalloc
 * on malloc, a recorded low-memory hook, the lib/blk sources built in
 * (unity build), and a block device backed by an image file.
 *
 * Interface (in a *_test.c, after #include "hosttest.h"):
 *   #include "blk_host.h"   (from lib/ext2: "../../../blk/tests/host/...")
 *   dev = fileblk_open(path, read_only)   a registered device on the file
 *   fileblk_limit(dev, bytes)   abort() on any write reaching past bytes
 *   fileblk_fail_writes(dev, n) the next n writes fail with -EIO
 *   fileblk_requests(dev, &reads, &writes)   requests seen so far
 *   fileblk_close(dev)          unregister, forget its buffers, close
 */
#ifndef BLK_HOST_H
#define BLK_HOST_H

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <pith/blk.h>
#include <pith/mm.h>

#include "../../../core/string.c"
#include "../../blkdev.c"
#include "../../bcache.c"

void *kmalloc(size_t size, gfp_t gfp)
{
	void *p = malloc(size ? size : 1);

	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, size);
	return p;
}

void kfree(const void *p)
{
	free((void *)p);
}

static struct lowmem_hook *host_lowmem_hook;

void register_lowmem_hook(struct lowmem_hook *h)
{
	host_lowmem_hook = h;
}

void unregister_lowmem_hook(struct lowmem_hook *h)
{
	host_lowmem_hook = NULL;
}

struct fileblk {
	struct blkdev dev;
	int fd;
	uint64_t write_limit;		/* bytes; writes past it abort() */
	int fail_writes;
	unsigned long nwrites, nreads;	/* requests */
};

/* Read or write the request's data (its buffer or its segments) at off. */
static ssize_t fileblk_io(int fd, struct blk_req *req, off_t off)
{
	struct blk_seg one = { req->buf, req->nr_sectors << BLK_SECTOR_SHIFT };
	struct blk_seg *segs = req->nr_segs ? req->segs : &one;
	unsigned int nr = req->nr_segs ? req->nr_segs : 1;
	ssize_t total = 0, n;

	for (unsigned int i = 0; i < nr; i++) {
		if (req->op == BLK_OP_READ)
			n = pread(fd, segs[i].buf, segs[i].len, off + total);
		else
			n = pwrite(fd, segs[i].buf, segs[i].len, off + total);
		if (n != (ssize_t)segs[i].len)
			return -1;
		total += n;
	}
	return total;
}

static int fileblk_submit(struct blkdev *dev, struct blk_req *req)
{
	struct fileblk *fb = dev->priv;
	off_t off = (off_t)req->lba << BLK_SECTOR_SHIFT;
	size_t len = (size_t)req->nr_sectors << BLK_SECTOR_SHIFT;
	ssize_t n = (ssize_t)len;

	if (req->op == BLK_OP_READ) {
		fb->nreads++;
		n = fileblk_io(fb->fd, req, off);
	} else if (req->op == BLK_OP_WRITE) {
		if ((uint64_t)off + len > fb->write_limit) {
			fprintf(stderr, "fileblk: write [%lld, +%zu) past %llu\n",
				(long long)off, len,
				(unsigned long long)fb->write_limit);
			abort();
		}
		fb->nwrites++;
		if (fb->fail_writes > 0) {
			fb->fail_writes--;
			n = -1;
		} else {
			n = fileblk_io(fb->fd, req, off);
		}
	} else {
		n = 0;
		len = 0;
	}
	blk_complete(req, n == (ssize_t)len ? 0 : -EIO);
	return 0;
}

static const struct blkdev_ops fileblk_ops = { .submit = fileblk_submit };

static __attribute__((unused)) struct blkdev *fileblk_open(const char *path,
							   bool read_only)
{
	struct fileblk *fb = calloc(1, sizeof(*fb));
	struct stat st;

	fb->fd = open(path, read_only ? O_RDONLY : O_RDWR);
	if (fb->fd < 0 || fstat(fb->fd, &st)) {
		perror(path);
		abort();
	}
	fb->dev.capacity = (uint64_t)st.st_size >> BLK_SECTOR_SHIFT;
	fb->dev.block_size = 512;
	fb->dev.max_segs = 16;		/* merged requests, as virtio-blk */
	fb->dev.read_only = read_only;
	fb->dev.ops = &fileblk_ops;
	fb->dev.priv = fb;
	fb->write_limit = (uint64_t)st.st_size;
	if (blkdev_register(&fb->dev))
		abort();
	return &fb->dev;
}

static __attribute__((unused)) void fileblk_limit(struct blkdev *dev,
						  uint64_t bytes)
{
	((struct fileblk *)dev->priv)->write_limit = bytes;
}

static __attribute__((unused)) void fileblk_fail_writes(struct blkdev *dev,
							int n)
{
	((struct fileblk *)dev->priv)->fail_writes = n;
}

static __attribute__((unused)) void fileblk_requests(struct blkdev *dev,
						     unsigned long *reads,
						     unsigned long *writes)
{
	*reads = ((struct fileblk *)dev->priv)->nreads;
	*writes = ((struct fileblk *)dev->priv)->nwrites;
}

static __attribute__((unused)) void fileblk_close(struct blkdev *dev)
{
	struct fileblk *fb = dev->priv;

	bcache_invalidate_dev(dev);
	blkdev_unregister(dev);
	close(fb->fd);
	free(fb);
}

#endif
