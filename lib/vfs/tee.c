/* SPDX-License-Identifier: MIT */
/*
 * tee(2): copy what waits in one pipe into another without consuming
 * it. Like Linux it waits for data in the input (SPLICE_F_NONBLOCK:
 * -EAGAIN), returns 0 at end of file, and copies at most what is there
 * when it looks; both ends must be pipes (-EINVAL), and two different
 * ones. The bytes are copied, not shared.
 *
 * Interface: SYSCALL() registration only.
 */
#include <pith/mm.h>
#include <pith/string.h>
#include <pith/syscall.h>
#include "pipe.h"

#define SPLICE_F_NONBLOCK	0x02
#define SPLICE_F_ALL		0x0f

/* Copy up to len waiting bytes of p into dst, leaving them there. */
static size_t pipe_peek(struct pipe *p, char *dst, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&p->lock);
	size_t n = MIN(len, p->len), first = MIN(n, PIPE_SIZE - p->head);

	memcpy(dst, p->buf + p->head, first);
	memcpy(dst + first, p->buf, n - first);
	spin_unlock_irqrestore(&p->lock, flags);
	return n;
}

/* Wait for bytes in p: 1 when there are, 0 at EOF, or -EAGAIN. */
static int pipe_wait_data(struct pipe *p, bool nonblock)
{
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&p->lock);
		size_t len = p->len;
		int writers = p->writers;

		spin_unlock_irqrestore(&p->lock, flags);
		if (len)
			return 1;
		if (!writers)
			return 0;
		if (nonblock)
			return -EAGAIN;
		wait_event(p->rd_wait, p->len || !p->writers);
	}
}

static long tee_pipes(struct file *in, struct file *out, size_t len,
		      bool nonblock)
{
	struct pipe *ip = in->private_data;
	char *buf;
	long r;

	r = pipe_wait_data(ip, nonblock);
	if (r <= 0)
		return r;
	buf = kmalloc(PIPE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	r = (long)pipe_peek(ip, buf, MIN(len, (size_t)PIPE_SIZE));
	r = pipe_do_write(out->private_data, buf, (size_t)r, nonblock, false);
	kfree(buf);
	return r;
}

static long sys_tee(long ifd, long ofd, long len, long flags)
{
	struct file *in, *out;
	long r = 0;

	if (flags & ~(long)SPLICE_F_ALL)
		return -EINVAL;
	in = fget((int)ifd);
	out = fget((int)ofd);
	if (!in || !out)
		r = -EBADF;
	else if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE))
		r = -EBADF;
	else if (!S_ISFIFO(in->f_inode->i_mode) ||
		 !S_ISFIFO(out->f_inode->i_mode) || !in->private_data ||
		 in->private_data == out->private_data)
		r = -EINVAL;
	if (!r && len)
		r = tee_pipes(in, out, (size_t)len, flags & SPLICE_F_NONBLOCK);
	fput(in);
	fput(out);
	return r;
}
SYSCALL(tee, "ddux", sys_tee);
