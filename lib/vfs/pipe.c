/* SPDX-License-Identifier: MIT */
/*
 * Pipes: a 64 KiB ring between a read end and a write end. A reader
 * sleeps until there are bytes or no writer is left (then 0: EOF); a
 * writer sleeps for room, and a write of at most PIPE_BUF bytes goes in
 * whole or not at all, so writers never interleave inside one. With no
 * reader left a write fails with EPIPE and raises SIGPIPE. O_NONBLOCK
 * turns each sleep into EAGAIN (or a short write). Both ends wake their
 * partner's queue, which is also what poll and epoll hook.
 *
 * Interface: pipe, pipe2 (system calls); create_pipe_files() for
 * <pith/vfs.h>; the pipe_* buffer calls of pipe.h for unix.c.
 */
#include <pith/mm.h>
#include <pith/signal_k.h>
#include <pith/string.h>
#include <pith/syscall.h>
#include "pipe.h"

#define FIONREAD	0x541b

struct pipe *pipe_alloc(void)
{
	struct pipe *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	p->buf = kmalloc(PIPE_SIZE, GFP_KERNEL);
	if (!p->buf) {
		kfree(p);
		return NULL;
	}
	spin_lock_init(&p->lock);
	init_waitqueue_head(&p->rd_wait);
	init_waitqueue_head(&p->wr_wait);
	p->readers = p->writers = 1;
	p->refs = 2;
	return p;
}

void pipe_put(struct pipe *p, bool reader, bool writer)
{
	unsigned long flags = spin_lock_irqsave(&p->lock);

	p->readers -= reader;
	p->writers -= writer;
	spin_unlock_irqrestore(&p->lock, flags);
	wake_up_poll(&p->rd_wait, POLLIN_K | POLLHUP_K);
	wake_up_poll(&p->wr_wait, POLLOUT_K | POLLERR_K);
}

void pipe_unref(struct pipe *p)
{
	unsigned long flags = spin_lock_irqsave(&p->lock);
	bool last = !--p->refs;

	spin_unlock_irqrestore(&p->lock, flags);
	if (last) {
		kfree(p->buf);
		kfree(p);
	}
}

size_t pipe_avail(struct pipe *p)
{
	return p->len;
}

/* Copy up to len bytes out of the ring; lock held. */
static size_t ring_out(struct pipe *p, char *dst, size_t len)
{
	size_t n = MIN(len, p->len), first = MIN(n, PIPE_SIZE - p->head);

	memcpy(dst, p->buf + p->head, first);
	memcpy(dst + first, p->buf, n - first);
	p->head = (p->head + n) % PIPE_SIZE;
	p->len -= n;
	return n;
}

/* Copy up to len bytes into the ring; lock held. */
static size_t ring_in(struct pipe *p, const char *src, size_t len)
{
	size_t n = MIN(len, PIPE_SIZE - p->len);
	size_t tail = (p->head + p->len) % PIPE_SIZE;
	size_t first = MIN(n, PIPE_SIZE - tail);

	memcpy(p->buf + tail, src, first);
	memcpy(p->buf, src + first, n - first);
	p->len += n;
	return n;
}

long pipe_do_read(struct pipe *p, void *buf, size_t len, bool nonblock)
{
	unsigned long flags;
	size_t n;

	if (!len)
		return 0;
	for (;;) {
		flags = spin_lock_irqsave(&p->lock);
		if (p->len) {
			n = ring_out(p, buf, len);
			spin_unlock_irqrestore(&p->lock, flags);
			wake_up_poll(&p->wr_wait, POLLOUT_K | POLLWRNORM_K);
			return (long)n;
		}
		n = p->writers;
		spin_unlock_irqrestore(&p->lock, flags);
		if (!n)
			return 0;
		if (nonblock)
			return -EAGAIN;
		if (wait_event_interruptible(p->rd_wait,
					     p->len || !p->writers))
			return -ERESTARTSYS;
	}
}

/* Room needed before writing more: all of a small write, else a byte. */
static size_t pipe_need(size_t len, size_t done)
{
	return !done && len <= PIPE_BUF_K ? len : 1;
}

long pipe_do_write(struct pipe *p, const void *buf, size_t len,
		   bool nonblock, bool nosig)
{
	const char *src = buf;
	unsigned long flags;
	size_t done = 0, need;

	while (done < len) {
		need = pipe_need(len, done);
		flags = spin_lock_irqsave(&p->lock);
		if (!p->readers) {
			spin_unlock_irqrestore(&p->lock, flags);
			if (!nosig)
				send_sig_current(SIGPIPE_K);
			return done ? (long)done : -EPIPE;
		}
		if (PIPE_SIZE - p->len >= need) {
			done += ring_in(p, src + done, len - done);
			spin_unlock_irqrestore(&p->lock, flags);
			wake_up_poll(&p->rd_wait, POLLIN_K | POLLRDNORM_K);
			continue;
		}
		spin_unlock_irqrestore(&p->lock, flags);
		if (nonblock)
			return done ? (long)done : -EAGAIN;
		if (wait_event_interruptible(p->wr_wait, !p->readers ||
					     PIPE_SIZE - p->len >= need))
			return done ? (long)done : -ERESTARTSYS;
	}
	return (long)done;
}

unsigned int pipe_rd_poll(struct file *f, struct pipe *p, poll_table *pt)
{
	unsigned int mask = 0;

	poll_wait(f, &p->rd_wait, pt);
	if (p->len)
		mask |= POLLIN_K | POLLRDNORM_K;
	if (!p->writers)
		mask |= POLLHUP_K;
	return mask;
}

unsigned int pipe_wr_poll(struct file *f, struct pipe *p, poll_table *pt)
{
	unsigned int mask = 0;

	poll_wait(f, &p->wr_wait, pt);
	if (PIPE_SIZE - p->len >= PIPE_BUF_K)
		mask |= POLLOUT_K | POLLWRNORM_K;
	if (!p->readers)
		mask |= POLLERR_K;
	return mask;
}

static long pipe_read(struct file *f, void *buf, size_t len, loff_t *pos)
{
	return pipe_do_read(f->private_data, buf, len,
			    f->f_flags & O_NONBLOCK);
}

static long pipe_write(struct file *f, const void *buf, size_t len,
		       loff_t *pos)
{
	return pipe_do_write(f->private_data, buf, len,
			     f->f_flags & O_NONBLOCK, false);
}

static unsigned int pipe_poll(struct file *f, poll_table *pt)
{
	struct pipe *p = f->private_data;
	unsigned int mask = 0;

	if (f->f_mode & FMODE_READ)
		mask |= pipe_rd_poll(f, p, pt);
	if (f->f_mode & FMODE_WRITE)
		mask |= pipe_wr_poll(f, p, pt);
	return mask;
}

static long pipe_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	if (cmd != FIONREAD)
		return -ENOTTY;
	*(int *)arg = (int)pipe_avail(f->private_data);
	return 0;
}

static int pipe_release(struct inode *inode, struct file *f)
{
	pipe_put(f->private_data, f->f_mode & FMODE_READ,
		 f->f_mode & FMODE_WRITE);
	pipe_unref(f->private_data);
	return 0;
}

static const struct file_operations pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
	.release = pipe_release,
};

int create_pipe_files(struct file **res, int flags)
{
	struct pipe *p = pipe_alloc();
	int nb = flags & O_NONBLOCK;

	if (!p)
		return -ENOMEM;
	res[0] = anon_file(&pipe_fops, p, S_IFIFO, O_RDONLY | nb);
	if (!res[0])
		goto err_free;
	res[1] = anon_file(&pipe_fops, p, S_IFIFO, O_WRONLY | nb);
	if (!res[1]) {
		fput(res[0]);	/* drops the reader and its reference */
		pipe_put(p, false, true);
		pipe_unref(p);
		return -ENOMEM;
	}
	return 0;
err_free:
	pipe_unref(p);
	pipe_unref(p);
	return -ENOMEM;
}

/* Install two files as a pair of fds (pipe, socketpair). */
int fd_install_pair(struct file **fs, int *fds, bool cloexec)
{
	fds[0] = fd_install(fs[0], cloexec);
	if (fds[0] < 0)
		goto err;
	fds[1] = fd_install(fs[1], cloexec);
	if (fds[1] < 0) {
		fd_close(fds[0]);
		fput(fs[1]);
		return fds[1];
	}
	return 0;
err:
	fput(fs[0]);
	fput(fs[1]);
	return fds[0];
}

static long sys_pipe2(long ufds, long flags)
{
	struct file *fs[2];
	int fds[2], err;

	if (flags & ~(long)(O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	err = create_pipe_files(fs, (int)flags);
	if (err)
		return err;
	err = fd_install_pair(fs, fds, flags & O_CLOEXEC);
	if (err)
		return err;
	((int *)ufds)[0] = fds[0];
	((int *)ufds)[1] = fds[1];
	return 0;
}
SYSCALL(pipe2, "px", sys_pipe2);

static long sys_pipe(long ufds)
{
	return sys_pipe2(ufds, 0);
}
SYSCALL(pipe, "p", sys_pipe);
