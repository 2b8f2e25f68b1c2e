/* SPDX-License-Identifier: MIT */
/*
 * Reading, writing and seeking through a file's operations, with the
 * checks Linux makes first: the file must be open for it (-EBADF), a
 * directory is not read with read(2) (-EISDIR), a file without the
 * operation gives -EINVAL, positional I/O needs a seekable file
 * (-ESPIPE), O_APPEND writes at the end whatever the offset.
 *
 * Locking, as Linux: a seekable file's offset is used and moved under
 * its f_pos_lock (two threads reading one fd get different bytes); a
 * regular file's inode lock is held around each read and write (an
 * O_APPEND write finds the end and writes there in one go, a truncate
 * never frees pages under a reader) and a directory's around readdir.
 * Pipes, sockets and devices take neither: their reads may wait for
 * another party, and their own locks cover them.
 *
 * Interface: vfs_read, vfs_write, vfs_pread, vfs_pwrite, vfs_llseek,
 * vfs_iterate (see <pith/vfs.h>).
 */
#include "vfs_internal.h"

static bool file_pos_lock(struct file *f)
{
	if (!(f->f_mode & FMODE_LSEEK))
		return false;
	mutex_lock(&f->f_pos_lock);
	return true;
}

static void file_pos_unlock(struct file *f, bool locked)
{
	if (locked)
		mutex_unlock(&f->f_pos_lock);
}

/* The data lock of a regular file; false (nothing taken) for others. */
static bool file_data_lock(struct file *f)
{
	if (!S_ISREG(f->f_inode->i_mode))
		return false;
	inode_lock(f->f_inode);
	return true;
}

static void file_data_unlock(struct file *f, bool locked)
{
	if (locked)
		inode_unlock(f->f_inode);
}

static long do_read(struct file *f, void *buf, size_t len, loff_t *pos)
{
	bool dl = file_data_lock(f);
	long n = f->f_op->read(f, buf, len, pos);

	file_data_unlock(f, dl);
	return n;
}

/* append: write at the end, found under the inode lock. */
static long do_write(struct file *f, const void *buf, size_t len,
		     loff_t *pos, bool append)
{
	bool dl = file_data_lock(f);
	long n;

	if (append)
		*pos = f->f_inode->i_size;
	n = f->f_op->write(f, buf, len, pos);
	file_data_unlock(f, dl);
	return n;
}

#define MAX_RW_COUNT	0x7ffff000L	/* Linux caps one call at this */

static long rw_check(struct file *f, unsigned int need, bool reading)
{
	if (!(f->f_mode & need))
		return -EBADF;
	if (reading && S_ISDIR(f->f_inode->i_mode))
		return -EISDIR;
	if (!f->f_op || !(reading ? (void *)f->f_op->read :
				    (void *)f->f_op->write))
		return -EINVAL;
	return 0;
}

long vfs_read(struct file *f, void *buf, size_t len)
{
	long err = rw_check(f, FMODE_READ, true);
	bool pl;

	if (err)
		return err;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	pl = file_pos_lock(f);
	err = do_read(f, buf, len, &f->f_pos);
	file_pos_unlock(f, pl);
	return err;
}

long vfs_write(struct file *f, const void *buf, size_t len)
{
	long err = rw_check(f, FMODE_WRITE, false);
	bool pl;

	if (err)
		return err;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	pl = file_pos_lock(f);
	err = do_write(f, buf, len, &f->f_pos, f->f_flags & O_APPEND);
	file_pos_unlock(f, pl);
	return err;
}

long vfs_pread(struct file *f, void *buf, size_t len, loff_t pos)
{
	long err = rw_check(f, FMODE_READ, true);

	if (err)
		return err;
	if (!(f->f_mode & FMODE_LSEEK))
		return -ESPIPE;
	if (pos < 0)
		return -EINVAL;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	return do_read(f, buf, len, &pos);
}

long vfs_pwrite(struct file *f, const void *buf, size_t len, loff_t pos)
{
	long err = rw_check(f, FMODE_WRITE, false);

	if (err)
		return err;
	if (!(f->f_mode & FMODE_LSEEK))
		return -ESPIPE;
	if (pos < 0)
		return -EINVAL;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	/* Linux: O_APPEND wins over the position, even for pwrite. */
	return do_write(f, buf, len, &pos, f->f_flags & O_APPEND);
}

loff_t vfs_llseek(struct file *f, loff_t off, int whence)
{
	if (f->f_mode & FMODE_PATH)
		return -EBADF;
	if (!(f->f_mode & FMODE_LSEEK))
		return -ESPIPE;
	loff_t r;

	if (whence < 0 || whence > SEEK_HOLE_K)
		return -EINVAL;
	mutex_lock(&f->f_pos_lock);
	if (f->f_op && f->f_op->llseek)
		r = f->f_op->llseek(f, off, whence);
	else
		r = generic_file_llseek(f, off, whence);
	mutex_unlock(&f->f_pos_lock);
	return r;
}

int vfs_iterate(struct file *f, struct dir_context *ctx)
{
	int err;

	if (f->f_mode & FMODE_PATH)
		return -EBADF;
	if (!S_ISDIR(f->f_inode->i_mode) || !f->f_op || !f->f_op->iterate)
		return -ENOTDIR;
	mutex_lock(&f->f_pos_lock);
	inode_lock(f->f_inode);
	ctx->pos = f->f_pos;
	err = f->f_op->iterate(f, ctx);
	f->f_pos = ctx->pos;
	inode_touch(f->f_inode, true, false, false);
	inode_unlock(f->f_inode);
	mutex_unlock(&f->f_pos_lock);
	return err;
}
