/* SPDX-License-Identifier: MIT */
/*
 * eventfd: a 64-bit counter as a file. write adds (sleeping while the sum
 * would pass 2^64 - 2), read takes the whole count (or 1 in semaphore
 * mode) and sleeps while it is 0; both move exactly 8 bytes. Readable
 * while the count is above 0, writable while it is below the maximum.
 *
 * Interface: eventfd, eventfd2 (system calls).
 */
#include <pith/mm.h>
#include <pith/spinlock.h>
#include <pith/syscall.h>
#include <pith/wait.h>
#include "vfs_internal.h"

#define EFD_SEMAPHORE	1
#define EFD_MAX		(UINT64_MAX - 1)

/* Legend: [L] lock. */
struct eventfd_ctx {
	spinlock_t lock;
	uint64_t count;			/* [L] */
	bool semaphore;
	struct wait_queue_head wqh;	/* readers and writers */
};

static long eventfd_read(struct file *f, void *buf, size_t len,
			 loff_t *pos)
{
	struct eventfd_ctx *ctx = f->private_data;
	unsigned long flags;
	uint64_t val;

	if (len < 8)
		return -EINVAL;
	for (;;) {
		flags = spin_lock_irqsave(&ctx->lock);
		if (ctx->count) {
			val = ctx->semaphore ? 1 : ctx->count;
			ctx->count -= val;
			spin_unlock_irqrestore(&ctx->lock, flags);
			wake_up_poll(&ctx->wqh, POLLOUT_K);
			*(uint64_t *)buf = val;
			return 8;
		}
		spin_unlock_irqrestore(&ctx->lock, flags);
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		wait_event(ctx->wqh, ctx->count);
	}
}

static long eventfd_write(struct file *f, const void *buf, size_t len,
			  loff_t *pos)
{
	struct eventfd_ctx *ctx = f->private_data;
	uint64_t val;
	unsigned long flags;

	if (len < 8)
		return -EINVAL;
	val = *(const uint64_t *)buf;
	if (val == UINT64_MAX)
		return -EINVAL;
	for (;;) {
		flags = spin_lock_irqsave(&ctx->lock);
		if (EFD_MAX - ctx->count >= val) {
			ctx->count += val;
			spin_unlock_irqrestore(&ctx->lock, flags);
			if (val)
				wake_up_poll(&ctx->wqh, POLLIN_K);
			return 8;
		}
		spin_unlock_irqrestore(&ctx->lock, flags);
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		wait_event(ctx->wqh, EFD_MAX - ctx->count >= val);
	}
}

static unsigned int eventfd_poll(struct file *f, poll_table *pt)
{
	struct eventfd_ctx *ctx = f->private_data;
	uint64_t count;

	poll_wait(f, &ctx->wqh, pt);
	count = ctx->count;
	return (count ? POLLIN_K | POLLRDNORM_K : 0) |
	       (count < EFD_MAX ? POLLOUT_K | POLLWRNORM_K : 0);
}

static int eventfd_release(struct inode *inode, struct file *f)
{
	kfree(f->private_data);
	return 0;
}

static const struct file_operations eventfd_fops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.poll = eventfd_poll,
	.release = eventfd_release,
};

static long sys_eventfd2(long initval, long flags)
{
	struct eventfd_ctx *ctx;
	struct file *f;
	int fd;

	if (flags & ~(long)(EFD_SEMAPHORE | O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	spin_lock_init(&ctx->lock);
	init_waitqueue_head(&ctx->wqh);
	ctx->count = (uint32_t)initval;
	ctx->semaphore = flags & EFD_SEMAPHORE;
	f = anon_file(&eventfd_fops, ctx, 0,
		      O_RDWR | (int)(flags & O_NONBLOCK));
	if (!f) {
		kfree(ctx);
		return -ENOMEM;
	}
	fd = fd_install(f, flags & O_CLOEXEC);
	if (fd < 0)
		fput(f);
	return fd;
}
SYSCALL(eventfd2, "ux", sys_eventfd2);

static long sys_eventfd(long initval)
{
	return sys_eventfd2(initval, 0);
}
SYSCALL(eventfd, "u", sys_eventfd);
