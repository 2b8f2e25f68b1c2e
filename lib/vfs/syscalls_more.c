/* SPDX-License-Identifier: MIT */
/*
 * More descriptor calls: flock, fallocate, sendfile, copy_file_range,
 * splice, vmsplice, readahead, sync_file_range. The checks and their
 * order are Linux's. The copying calls go through a kernel buffer with
 * the files' read and write ops (no page moving): a short write ends
 * the copy with what was written, and positions move by what was
 * written (bytes read from a pipe and not written are lost). tee is in
 * tee.c.
 *
 * Interface: SYSCALL() registrations only.
 */
#include <pith/mm.h>
#include <pith/syscall.h>
#include "vfs_internal.h"

#define COPY_CHUNK	(64 * 1024)
#define MAX_RW_COUNT	0x7ffff000L
#define SYNC_FILE_RANGE_ALL	7

static long sys_flock(long fd, long op)
{
	struct file *f = fget((int)fd);
	int r;

	if (!f)
		return -EBADF;
	r = (f->f_mode & FMODE_PATH) ? -EBADF : vfs_flock(f, (int)op);
	fput(f);
	return r;
}
SYSCALL(flock, "dx", sys_flock);

static long fallocate_file(struct file *f, long mode, loff_t off, loff_t len)
{
	umode_t m = f->f_inode->i_mode;
	long r;

	if (off < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~(long)(FALLOC_FL_KEEP_SIZE_K | FALLOC_FL_PUNCH_HOLE_K))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE_K) && !(mode & FALLOC_FL_KEEP_SIZE_K))
		return -EOPNOTSUPP;
	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if ((mode & FALLOC_FL_PUNCH_HOLE_K) && (f->f_flags & O_APPEND))
		return -EPERM;
	if (S_ISFIFO(m))
		return -ESPIPE;
	if (S_ISDIR(m))
		return -EISDIR;
	if (!S_ISREG(m))
		return -ENODEV;
	if (off > INT64_MAX - len)
		return -EFBIG;
	if (!f->f_op || !f->f_op->fallocate)
		return -EOPNOTSUPP;
	inode_lock(f->f_inode);
	r = f->f_op->fallocate(f, (int)mode, off, len);
	inode_unlock(f->f_inode);
	return r;
}

static long sys_fallocate(long fd, long mode, long off, long len)
{
	struct file *f = fget((int)fd);
	long r;

	if (!f)
		return -EBADF;
	r = (f->f_mode & FMODE_PATH) ? -EBADF :
	    fallocate_file(f, mode, off, len);
	fput(f);
	return r;
}
SYSCALL(fallocate, "dxdd", sys_fallocate);

/*
 * Copy up to len bytes from in (at *ipos, or its file position when
 * ipos is NULL) to out (at *opos, or its position). Returns the bytes
 * written, or -errno when none were.
 */
static long copy_range(struct file *in, loff_t *ipos, struct file *out,
		       loff_t *opos, size_t len)
{
	char *buf = kmalloc(COPY_CHUNK, GFP_KERNEL);
	long done = 0, err = 0;

	if (!buf)
		return -ENOMEM;
	while ((size_t)done < len) {
		size_t want = MIN(len - (size_t)done, (size_t)COPY_CHUNK);
		long n = ipos ? vfs_pread(in, buf, want, *ipos)
			      : vfs_read(in, buf, want);
		long w;

		if (n <= 0) {
			err = n;
			break;
		}
		w = opos ? vfs_pwrite(out, buf, (size_t)n, *opos)
			 : vfs_write(out, buf, (size_t)n);
		if (w < n && !ipos && (in->f_mode & FMODE_LSEEK))
			in->f_pos -= n - MAX(w, 0);	/* unread the rest */
		if (w <= 0) {
			err = w;
			break;
		}
		if (opos)
			*opos += w;
		if (ipos)
			*ipos += w;
		done += w;
		if (w < n || (size_t)n < want)
			break;		/* a pipe: do not wait for more */
	}
	kfree(buf);
	return done ? done : err;
}

static long sendfile_files(struct file *out, struct file *in, loff_t *off,
			   size_t count)
{
	if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE))
		return -EBADF;
	if (off && !(in->f_mode & FMODE_LSEEK))
		return -ESPIPE;
	if (out->f_flags & O_APPEND)
		return -EINVAL;
	if (off && *off < 0)
		return -EINVAL;
	return copy_range(in, off, out, NULL, MIN(count, (size_t)MAX_RW_COUNT));
}

static long sys_sendfile(long ofd, long ifd, long offp, long count)
{
	struct file *in = fget((int)ifd), *out = fget((int)ofd);
	long r = -EBADF;

	if (in && out)
		r = sendfile_files(out, in, (loff_t *)offp, (size_t)count);
	fput(in);
	fput(out);
	return r;
}
SYSCALL(sendfile, "ddpu", sys_sendfile);

static long cfr_check(struct file *in, struct file *out, loff_t ipos,
		      loff_t opos, size_t len)
{
	umode_t im = in->f_inode->i_mode, om = out->f_inode->i_mode;

	if (S_ISDIR(im) || S_ISDIR(om))
		return -EISDIR;
	if (!S_ISREG(im) || !S_ISREG(om))
		return -EINVAL;
	if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE) ||
	    (out->f_flags & O_APPEND))
		return -EBADF;
	if (ipos < 0 || opos < 0)
		return -EINVAL;
	if (in->f_inode == out->f_inode && ipos < opos + (loff_t)len &&
	    opos < ipos + (loff_t)len)
		return -EINVAL;		/* overlapping ranges of one file */
	return 0;
}

static long sys_copy_file_range(long ifd, long ioff, long ofd, long ooff,
				long len, long flags)
{
	struct file *in, *out;
	loff_t ipos, opos;
	long r;

	if (flags)
		return -EINVAL;
	in = fget((int)ifd);
	out = fget((int)ofd);
	r = in && out ? 0 : -EBADF;
	if (!r) {
		ipos = ioff ? *(loff_t *)ioff : in->f_pos;
		opos = ooff ? *(loff_t *)ooff : out->f_pos;
		r = cfr_check(in, out, ipos, opos, (size_t)len);
	}
	if (!r && len)
		r = copy_range(in, &ipos, out, &opos,
			       MIN((size_t)len, (size_t)MAX_RW_COUNT));
	if (r > 0) {
		*(ioff ? (loff_t *)ioff : &in->f_pos) = ipos;
		*(ooff ? (loff_t *)ooff : &out->f_pos) = opos;
	}
	fput(in);
	fput(out);
	return r;
}
SYSCALL(copy_file_range, "dpdpux", sys_copy_file_range);

#define SPLICE_F_NONBLOCK	0x02
#define SPLICE_F_ALL		0x0f

static bool is_pipe(struct file *f)
{
	return S_ISFIFO(f->f_inode->i_mode);
}

/* SPLICE_F_NONBLOCK: the pipe ends of this call do not block. */
static unsigned int nonblock_on(struct file *f, long flags)
{
	unsigned int saved = f->f_flags;

	if ((flags & SPLICE_F_NONBLOCK) && is_pipe(f))
		f->f_flags |= O_NONBLOCK;
	return saved;
}

static long splice_check(struct file *in, loff_t *ioff, struct file *out,
			 loff_t *ooff)
{
	if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!is_pipe(in) && !is_pipe(out))
		return -EINVAL;
	if (is_pipe(in) && is_pipe(out) && in->private_data ==
	    out->private_data)
		return -EINVAL;		/* one pipe's two ends */
	if ((ioff && (is_pipe(in) || !(in->f_mode & FMODE_LSEEK))) ||
	    (ooff && (is_pipe(out) || !(out->f_mode & FMODE_LSEEK))))
		return -ESPIPE;
	if (out->f_flags & O_APPEND)
		return -EINVAL;
	if ((ioff && *ioff < 0) || (ooff && *ooff < 0))
		return -EINVAL;
	return 0;
}

static long sys_splice(long ifd, long ioffp, long ofd, long ooffp, long len,
		       long flags)
{
	struct file *in, *out;
	unsigned int isave, osave;
	long r;

	if (flags & ~(long)SPLICE_F_ALL)
		return -EINVAL;
	in = fget((int)ifd);
	out = fget((int)ofd);
	r = in && out ? splice_check(in, (loff_t *)ioffp, out,
				     (loff_t *)ooffp) : -EBADF;
	if (!r && len) {
		isave = nonblock_on(in, flags);
		osave = nonblock_on(out, flags);
		r = copy_range(in, (loff_t *)ioffp, out, (loff_t *)ooffp,
			       MIN((size_t)len, (size_t)MAX_RW_COUNT));
		in->f_flags = isave;
		out->f_flags = osave;
	}
	fput(in);
	fput(out);
	return r;
}
SYSCALL(splice, "dpdpux", sys_splice);

struct iovec_k {
	void *base;
	unsigned long len;
};

/* vmsplice: user memory into a pipe (its write end), or out of it. */
static long sys_vmsplice(long fd, long iov, long nr, long flags)
{
	const struct iovec_k *v = (const struct iovec_k *)iov;
	struct file *f;
	unsigned int saved;
	long total = 0, n = 0;

	if (flags & ~(long)SPLICE_F_ALL)
		return -EINVAL;
	f = fget((int)fd);
	if (!f)
		return -EBADF;
	if (!is_pipe(f) || (f->f_mode & FMODE_PATH)) {
		fput(f);
		return -EBADF;
	}
	if (nr < 0 || nr > 1024) {
		fput(f);
		return -EINVAL;
	}
	saved = nonblock_on(f, flags);
	for (long i = 0; i < nr; i++) {
		if (!v[i].len)
			continue;
		n = (f->f_mode & FMODE_WRITE) ?
		    vfs_write(f, v[i].base, v[i].len) :
		    vfs_read(f, v[i].base, v[i].len);
		if (n < 0)
			break;
		total += n;
		if ((unsigned long)n < v[i].len)
			break;
	}
	f->f_flags = saved;
	fput(f);
	return total ? total : (n < 0 ? n : 0);
}
SYSCALL(vmsplice, "dpdx", sys_vmsplice);

/* Everything is in memory already: readahead checks and returns. */
static long sys_readahead(long fd, long off, long count)
{
	struct file *f = fget((int)fd);
	long r = 0;

	if (!f)
		return -EBADF;
	if (!(f->f_mode & FMODE_READ))
		r = -EBADF;
	else if (!S_ISREG(f->f_inode->i_mode))
		r = -EINVAL;
	fput(f);
	return r;
}
SYSCALL(readahead, "ddu", sys_readahead);

/* sync_file_range: a regular file's fsync does (more than) the job. */
static long sys_sync_file_range(long fd, long off, long nbytes, long flags)
{
	struct file *f;
	long r = 0;

	if (flags & ~(long)SYNC_FILE_RANGE_ALL)
		return -EINVAL;
	if (off < 0 || nbytes < 0 || off > INT64_MAX - nbytes)
		return -EINVAL;
	f = fget((int)fd);
	if (!f)
		return -EBADF;
	if (!S_ISREG(f->f_inode->i_mode) && !S_ISDIR(f->f_inode->i_mode) &&
	    !S_ISLNK(f->f_inode->i_mode))
		r = -ESPIPE;
	else if (flags && f->f_op && f->f_op->fsync)
		r = f->f_op->fsync(f, 1);
	fput(f);
	return r;
}
SYSCALL(sync_file_range, "dddx", sys_sync_file_range);
