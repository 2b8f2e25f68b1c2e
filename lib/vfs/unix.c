/* SPDX-License-Identifier: MIT */
/*
 * AF_UNIX SOCK_STREAM socket pairs (socketpair(2)): two pipes crossed,
 * each socket reading one and writing the other. Closing a socket or
 * shutting a direction down closes the matching pipe end, so the peer
 * sees EOF, or EPIPE (and SIGPIPE) on a write. lib/net's socket calls
 * fall back to read/write for these files and call unix_shutdown().
 *
 * Interface: socketpair (system call); create_unix_pair(),
 * unix_shutdown() (<pith/vfs.h>).
 */
#include <pith/mm.h>
#include <pith/signal_k.h>
#include <pith/syscall.h>
#include "pipe.h"

#define SHUT_RD		0
#define SHUT_WR		1
#define SHUT_RDWR	2
#define AF_UNIX		1
#define SOCK_STREAM	1
#define SOCK_TYPE_MASK	0xf
#define SOCK_NONBLOCK	O_NONBLOCK
#define SOCK_CLOEXEC	O_CLOEXEC

/* Legend: [N] namespace (one caller at a time, see README). */
struct unix_sock {
	struct pipe *rx, *tx;
	bool rd_open, wr_open;		/* [N] our ends not shut down */
};

static long unix_read(struct file *f, void *buf, size_t len, loff_t *pos)
{
	struct unix_sock *u = f->private_data;

	if (!u->rd_open)
		return 0;
	return pipe_do_read(u->rx, buf, len, f->f_flags & O_NONBLOCK);
}

static long unix_write(struct file *f, const void *buf, size_t len,
		       loff_t *pos)
{
	struct unix_sock *u = f->private_data;

	if (!u->wr_open) {
		send_sig_current(SIGPIPE_K);
		return -EPIPE;
	}
	return pipe_do_write(u->tx, buf, len, f->f_flags & O_NONBLOCK, false);
}

static unsigned int unix_poll(struct file *f, poll_table *pt)
{
	struct unix_sock *u = f->private_data;
	unsigned int rd = pipe_rd_poll(f, u->rx, pt);
	unsigned int wr = pipe_wr_poll(f, u->tx, pt);
	unsigned int mask = (rd & (POLLIN_K | POLLRDNORM_K)) |
			    (wr & (POLLOUT_K | POLLWRNORM_K));

	if ((rd & POLLHUP_K) || !u->rd_open)
		mask |= POLLRDHUP_K | POLLIN_K | POLLRDNORM_K;
	if ((rd & POLLHUP_K) && (wr & POLLERR_K))
		mask |= POLLHUP_K;
	return mask;
}

static int unix_release(struct inode *inode, struct file *f)
{
	struct unix_sock *u = f->private_data;

	/* NOTE: an end shut down earlier was put then; putting it again
	 * would count it twice. The references go in any case. */
	if (u->rd_open)
		pipe_put(u->rx, true, false);
	if (u->wr_open)
		pipe_put(u->tx, false, true);
	pipe_unref(u->rx);
	pipe_unref(u->tx);
	kfree(u);
	return 0;
}

static const struct file_operations unix_fops = {
	.read = unix_read,
	.write = unix_write,
	.poll = unix_poll,
	.release = unix_release,
};

int unix_shutdown(struct file *f, int how)
{
	struct unix_sock *u = f->private_data;

	if (f->f_op != &unix_fops)
		return -ENOTSOCK;
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	if (how != SHUT_WR && u->rd_open) {
		u->rd_open = false;
		pipe_put(u->rx, true, false);
	}
	if (how != SHUT_RD && u->wr_open) {
		u->wr_open = false;
		pipe_put(u->tx, false, true);
	}
	return 0;
}

static struct file *unix_file(struct pipe *rx, struct pipe *tx, int flags)
{
	struct unix_sock *u = kzalloc(sizeof(*u), GFP_KERNEL);
	struct file *f;

	if (!u)
		return NULL;
	*u = (struct unix_sock){ rx, tx, true, true };
	f = anon_file(&unix_fops, u, S_IFSOCK, O_RDWR | (flags & O_NONBLOCK));
	if (!f)
		kfree(u);
	return f;
}

int create_unix_pair(struct file **res, int flags)
{
	struct pipe *a = pipe_alloc(), *b = pipe_alloc();

	if (!a || !b)
		goto err_pipes;
	res[0] = unix_file(a, b, flags);
	if (!res[0])
		goto err_pipes;
	res[1] = unix_file(b, a, flags);
	if (!res[1]) {
		fput(res[0]);	/* a's reader, b's writer, a ref on each */
		pipe_put(a, false, true);
		pipe_put(b, true, false);
		pipe_unref(a);
		pipe_unref(b);
		return -ENOMEM;
	}
	return 0;
err_pipes:
	for (int i = 0; i < 2; i++) {
		if (a)
			pipe_unref(a);
		if (b)
			pipe_unref(b);
	}
	return -ENOMEM;
}

static long sys_socketpair(long family, long type, long proto, long usv)
{
	int flags = (int)(type & (SOCK_NONBLOCK | SOCK_CLOEXEC));
	struct file *fs[2];
	int err;

	if (family != AF_UNIX)
		return -EAFNOSUPPORT;
	if ((type & ~(long)(SOCK_NONBLOCK | SOCK_CLOEXEC)) != SOCK_STREAM)
		return -EOPNOTSUPP;
	if (proto)
		return -EPROTONOSUPPORT;
	err = create_unix_pair(fs, flags);
	if (!err)
		err = fd_install_pair(fs, (int *)usv, flags & SOCK_CLOEXEC);
	return err;
}
SYSCALL(socketpair, "dddp", sys_socketpair);
