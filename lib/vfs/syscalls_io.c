/* SPDX-License-Identifier: MIT */
/*
 * The descriptor system calls: read, write and their vector and
 * positional forms, lseek, close, dup family, fcntl, ioctl, fstat,
 * getdents64, fsync, sync, syncfs. Handlers are static and named sys_*:
 * musl owns the plain names.
 *
 * Interface: SYSCALL() registrations only.
 */
#include <pith/string.h>
#include <pith/syscall.h>
#include "vfs_internal.h"

#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_DUPFD_CLOEXEC	1030
#define FD_CLOEXEC	1
#define FIONREAD	0x541b
#define FIONBIO		0x5421
#define IOV_MAX		1024

struct iovec_k {
	void *base;
	unsigned long len;
};

static long sys_read(long fd, long buf, long len)
{
	struct file *f = fget((int)fd);
	long n;

	if (!f)
		return -EBADF;
	n = vfs_read(f, (void *)buf, (size_t)len);
	fput(f);
	return n;
}
SYSCALL(read, "dpu", sys_read);

static long sys_write(long fd, long buf, long len)
{
	struct file *f = fget((int)fd);
	long n;

	if (!f)
		return -EBADF;
	n = vfs_write(f, (const void *)buf, (size_t)len);
	fput(f);
	return n;
}
SYSCALL(write, "dbu", sys_write);

static long sys_pread64(long fd, long buf, long len, long pos)
{
	struct file *f = fget((int)fd);
	long n;

	if (!f)
		return -EBADF;
	n = vfs_pread(f, (void *)buf, (size_t)len, pos);
	fput(f);
	return n;
}
SYSCALL(pread64, "dpud", sys_pread64);

static long sys_pwrite64(long fd, long buf, long len, long pos)
{
	struct file *f = fget((int)fd);
	long n;

	if (!f)
		return -EBADF;
	n = vfs_pwrite(f, (const void *)buf, (size_t)len, pos);
	fput(f);
	return n;
}
SYSCALL(pwrite64, "dbud", sys_pwrite64);

/* readv/writev: one call per vector entry; stop at a short transfer. */
static long iov_loop(struct file *f, const struct iovec_k *v, long cnt,
		     bool wr)
{
	long total = 0, n = 0;

	for (long i = 0; i < cnt; i++) {
		if (!v[i].len)
			continue;
		n = wr ? vfs_write(f, v[i].base, v[i].len)
		       : vfs_read(f, v[i].base, v[i].len);
		if (n < 0)
			break;
		total += n;
		if ((unsigned long)n < v[i].len)
			break;
	}
	return total ? total : (n < 0 ? n : 0);
}

static long do_iov(long fd, long iov, long cnt, bool wr)
{
	struct file *f;
	long r;

	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	f = fget((int)fd);
	if (!f)
		return -EBADF;
	r = iov_loop(f, (const struct iovec_k *)iov, cnt, wr);
	fput(f);
	return r;
}

static long sys_readv(long fd, long iov, long cnt)
{
	return do_iov(fd, iov, cnt, false);
}
SYSCALL(readv, "dpd", sys_readv);

static long sys_writev(long fd, long iov, long cnt)
{
	return do_iov(fd, iov, cnt, true);
}
SYSCALL(writev, "dpd", sys_writev);

#define RWF_HIPRI	0x01
#define RWF_DSYNC	0x02
#define RWF_SYNC	0x04
#define RWF_NOWAIT	0x08
#define RWF_APPEND	0x10

/* The iovec total must fit in a ssize_t, as Linux checks up front. */
static long iov_check(const struct iovec_k *v, long cnt)
{
	unsigned long total = 0;

	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	for (long i = 0; i < cnt; i++) {
		if (v[i].len > (unsigned long)INT64_MAX - total)
			return -EINVAL;
		total += v[i].len;
	}
	return 0;
}

/* preadv/pwritev: each vector at the running position; the file offset
 * stays where it was. Stop at a short transfer. */
static long do_iov_at(struct file *f, const struct iovec_k *v, long cnt,
		      loff_t pos, bool wr)
{
	long total = 0, n = 0;

	if (!(f->f_mode & FMODE_LSEEK))
		return -ESPIPE;
	if (!(f->f_mode & (wr ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	if (pos < 0)
		return -EINVAL;
	for (long i = 0; i < cnt; i++) {
		if (!v[i].len)
			continue;
		n = wr ? vfs_pwrite(f, v[i].base, v[i].len, pos + total)
		       : vfs_pread(f, v[i].base, v[i].len, pos + total);
		if (n < 0)
			break;
		total += n;
		if ((unsigned long)n < v[i].len)
			break;
	}
	return total ? total : (n < 0 ? n : 0);
}

/*
 * preadv2/pwritev2 flags: RWF_HIPRI is a hint, RWF_DSYNC/RWF_SYNC sync
 * the file after a write, RWF_APPEND writes at the end, RWF_NOWAIT makes
 * this one call non-blocking (regular files never wait here); other
 * bits are -EOPNOTSUPP as on Linux. pos -1: the file offset, as
 * readv/writev.
 */
static long iov2_file(struct file *f, const struct iovec_k *v, long cnt,
		      loff_t pos, long flags, bool wr)
{
	unsigned int saved = f->f_flags;
	long r;

	if (flags & RWF_NOWAIT)
		f->f_flags |= O_NONBLOCK;	/* this call only */
	if (wr && (flags & RWF_APPEND) && (f->f_mode & FMODE_WRITE)) {
		if (pos == -1)
			f->f_pos = f->f_inode->i_size;
		else
			pos = f->f_inode->i_size;
	}
	r = pos == -1 ? iov_loop(f, v, cnt, wr) : do_iov_at(f, v, cnt, pos, wr);
	if (flags & RWF_NOWAIT)
		f->f_flags = (f->f_flags & ~(unsigned int)O_NONBLOCK) |
			     (saved & O_NONBLOCK);
	if (r > 0 && wr && (flags & (RWF_DSYNC | RWF_SYNC)) && f->f_op &&
	    f->f_op->fsync) {
		int err = f->f_op->fsync(f, !(flags & RWF_SYNC));

		if (err)
			r = err;
	}
	return r;
}

static long do_iov2(long fd, long iov, long cnt, long pos, long flags,
		    bool wr)
{
	const struct iovec_k *v = (const struct iovec_k *)iov;
	struct file *f;
	long r = iov_check(v, cnt);

	if (r)
		return r;
	if (flags & ~(long)(RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT |
			    RWF_APPEND))
		return -EOPNOTSUPP;
	f = fget((int)fd);
	if (!f)
		return -EBADF;
	r = iov2_file(f, v, cnt, pos, flags, wr);
	fput(f);
	return r;
}

static long sys_preadv(long fd, long iov, long cnt, long pos)
{
	return pos == -1 ? -EINVAL : do_iov2(fd, iov, cnt, pos, 0, false);
}
SYSCALL(preadv, "dpdd", sys_preadv);

static long sys_pwritev(long fd, long iov, long cnt, long pos)
{
	return pos == -1 ? -EINVAL : do_iov2(fd, iov, cnt, pos, 0, true);
}
SYSCALL(pwritev, "dpdd", sys_pwritev);

/* x86-64 passes the whole offset in pos_l; pos_h is unused. */
static long sys_preadv2(long fd, long iov, long cnt, long pos, long pos_h,
			long flags)
{
	return do_iov2(fd, iov, cnt, pos, flags, false);
}
SYSCALL(preadv2, "dpddxx", sys_preadv2);

static long sys_pwritev2(long fd, long iov, long cnt, long pos, long pos_h,
			 long flags)
{
	return do_iov2(fd, iov, cnt, pos, flags, true);
}
SYSCALL(pwritev2, "dpddxx", sys_pwritev2);

static long sys_lseek(long fd, long off, long whence)
{
	struct file *f = fget((int)fd);
	long r;

	if (!f)
		return -EBADF;
	r = vfs_llseek(f, off, (int)whence);
	fput(f);
	return r;
}
SYSCALL(lseek, "ddd", sys_lseek);

static long sys_close(long fd)
{
	return fd_close((int)fd);
}
SYSCALL(close, "d", sys_close);

static long sys_dup(long fd)
{
	struct file *f = fget((int)fd);
	int nfd;

	if (!f)
		return -EBADF;
	nfd = fd_install(f, false);
	if (nfd < 0)
		fput(f);
	return nfd;
}
SYSCALL(dup, "d", sys_dup);

static long sys_dup3(long oldfd, long newfd, long flags)
{
	if (flags & ~(long)O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return fd_dup_to((int)oldfd, (int)newfd, flags & O_CLOEXEC);
}
SYSCALL(dup3, "ddx", sys_dup3);

static long sys_dup2(long oldfd, long newfd)
{
	struct file *f;

	if (oldfd == newfd) {
		f = fget((int)oldfd);
		if (!f)
			return -EBADF;
		fput(f);
		return newfd;
	}
	return fd_dup_to((int)oldfd, (int)newfd, false);
}
SYSCALL(dup2, "dd", sys_dup2);

#define SETFL_MASK	(O_APPEND | O_NONBLOCK | O_NOATIME)

static long do_fcntl(struct file *f, long fd, long cmd, long arg)
{
	int nfd;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg < 0 || arg >= fd_table_size())
			return -EINVAL;
		nfd = fd_alloc((int)arg, get_file(f), cmd == F_DUPFD_CLOEXEC);
		if (nfd < 0)
			fput(f);
		return nfd;
	case F_GETFD:
		return fd_get_cloexec((int)fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		return fd_set_cloexec((int)fd, arg & FD_CLOEXEC);
	case F_GETFL:
		return f->f_flags;
	case F_SETFL:
		f->f_flags = (f->f_flags & ~(unsigned int)SETFL_MASK) |
			     ((unsigned int)arg & SETFL_MASK);
		return 0;
	default:
		return -EINVAL;
	}
}

static long sys_fcntl(long fd, long cmd, long arg)
{
	struct file *f = fget((int)fd);
	long r;

	if (!f)
		return -EBADF;
	r = do_fcntl(f, fd, cmd, arg);
	fput(f);
	return r;
}
SYSCALL(fcntl, "ddx", sys_fcntl);

static long do_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case FIONBIO:
		if (*(int *)arg)
			f->f_flags |= O_NONBLOCK;
		else
			f->f_flags &= ~(unsigned int)O_NONBLOCK;
		return 0;
	case FIONREAD:
		if (S_ISREG(f->f_inode->i_mode)) {
			loff_t left = f->f_inode->i_size - f->f_pos;

			*(int *)arg = left > 0 ? (int)MIN(left, INT32_MAX) : 0;
			return 0;
		}
		break;
	}
	if (f->f_op && f->f_op->ioctl)
		return f->f_op->ioctl(f, cmd, arg);
	return -ENOTTY;
}

static long sys_ioctl(long fd, long cmd, long arg)
{
	struct file *f = fget((int)fd);
	long r;

	if (!f)
		return -EBADF;
	r = (f->f_mode & FMODE_PATH) ? -EBADF :
	    do_ioctl(f, (unsigned int)cmd, (unsigned long)arg);
	fput(f);
	return r;
}
SYSCALL(ioctl, "dxp", sys_ioctl);

static long sys_fstat(long fd, long st)
{
	struct file *f = fget((int)fd);
	int r;

	if (!f)
		return -EBADF;
	r = vfs_fstat(f, (struct kstat *)st);
	fput(f);
	return r;
}
SYSCALL(fstat, "dp", sys_fstat);

static long sys_fsync(long fd)
{
	struct file *f = fget((int)fd);
	int r = 0;

	if (!f)
		return -EBADF;
	if (f->f_mode & FMODE_PATH)
		r = -EBADF;
	else if (f->f_op && f->f_op->fsync)
		r = f->f_op->fsync(f, 0);
	else if (!S_ISREG(f->f_inode->i_mode) && !S_ISDIR(f->f_inode->i_mode))
		r = -EINVAL;	/* Linux: pipes, the console */
	fput(f);
	return r;
}
SYSCALL(fsync, "d", sys_fsync);
SYSCALL(fdatasync, "d", sys_fsync);

static long sys_sync(void)
{
	vfs_sync_all();		/* sync(2) cannot fail */
	return 0;
}
SYSCALL(sync, "", sys_sync);

static long sys_syncfs(long fd)
{
	struct file *f = fget((int)fd);
	int r;

	if (!f)
		return -EBADF;
	r = f->f_inode->i_sb ? vfs_syncfs(f->f_inode->i_sb) : 0;
	fput(f);
	return r;
}
SYSCALL(syncfs, "d", sys_syncfs);

struct getdents_ctx {
	struct dir_context ctx;
	char *buf;
	size_t left, used;
	bool full;
};

struct dirent64_k {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

static bool fill_dirent(struct dir_context *ctx, const char *name, int len,
			loff_t next, uint64_t ino, unsigned int type)
{
	struct getdents_ctx *g = (struct getdents_ctx *)ctx;
	size_t reclen = ALIGN_UP(offsetof(struct dirent64_k, d_name) +
				 (size_t)len + 1, 8);
	struct dirent64_k *d = (void *)(g->buf + g->used);

	if (reclen > g->left) {
		g->full = true;
		return false;
	}
	d->d_ino = ino;
	d->d_off = next;
	d->d_reclen = (uint16_t)reclen;
	d->d_type = (uint8_t)type;
	memcpy(d->d_name, name, (size_t)len);
	memset(d->d_name + len, 0, reclen - offsetof(struct dirent64_k,
						     d_name) - (size_t)len);
	g->used += reclen;
	g->left -= reclen;
	return true;
}

/* Both getdents calls: fill the buffer with one kind of record. */
static long do_getdents(long fd, long buf, long len,
			bool (*fill)(struct dir_context *, const char *, int,
				     loff_t, uint64_t, unsigned int))
{
	struct getdents_ctx g = { { fill, 0 }, (char *)buf, (size_t)len, 0,
				  false };
	struct file *f = fget((int)fd);
	int r;

	if (!f)
		return -EBADF;
	r = vfs_iterate(f, &g.ctx);
	fput(f);
	if (r)
		return r;
	if (!g.used && g.full)
		return -EINVAL;		/* not even one entry fits */
	return (long)g.used;
}

static long sys_getdents64(long fd, long buf, long len)
{
	return do_getdents(fd, buf, len, fill_dirent);
}
SYSCALL(getdents64, "dpu", sys_getdents64);

/* getdents (the old record): d_type sits in the record's last byte. */
struct dirent_old_k {
	unsigned long d_ino;
	unsigned long d_off;
	uint16_t d_reclen;
	char d_name[];
};

static bool fill_dirent_old(struct dir_context *ctx, const char *name,
			    int len, loff_t next, uint64_t ino,
			    unsigned int type)
{
	struct getdents_ctx *g = (struct getdents_ctx *)ctx;
	size_t head = offsetof(struct dirent_old_k, d_name);
	size_t reclen = ALIGN_UP(head + (size_t)len + 2, sizeof(long));
	struct dirent_old_k *d = (void *)(g->buf + g->used);

	if (reclen > g->left) {
		g->full = true;
		return false;
	}
	d->d_ino = ino;
	d->d_off = (unsigned long)next;
	d->d_reclen = (uint16_t)reclen;
	memcpy(d->d_name, name, (size_t)len);
	memset(d->d_name + len, 0, reclen - head - (size_t)len);
	((char *)d)[reclen - 1] = (char)type;
	g->used += reclen;
	g->left -= reclen;
	return true;
}

static long sys_getdents(long fd, long buf, long len)
{
	return do_getdents(fd, buf, len, fill_dirent_old);
}
SYSCALL(getdents, "dpu", sys_getdents);

