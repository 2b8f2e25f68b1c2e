/* SPDX-License-Identifier: MIT */
/*
 * Reading, writing and seeking through a file's operations, with the
 * checks Linux makes first: the file must be open for it (-EBADF), a
 * directory is not read with read(2) (-EISDIR), a file without the
 * operation gives -EINVAL, positional I/O needs a seekable file
 * (-ESPIPE), O_APPEND writes at the end whatever the offset.
 *
 * Interface: vfs_read, vfs_write, vfs_pread, vfs_pwrite, vfs_llseek,
 * vfs_iterate (see <pith/vfs.h>).
 */
#include "vfs_internal.h"

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

	if (err)
		return err;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	return f->f_op->read(f, buf, len, &f->f_pos);
}

long vfs_write(struct file *f, const void *buf, size_t len)
{
	long err = rw_check(f, FMODE_WRITE, false);

	if (err)
		return err;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (f->f_flags & O_APPEND)
		f->f_pos = f->f_inode->i_size;
	return f->f_op->write(f, buf, len, &f->f_pos);
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
	return f->f_op->read(f, buf, len, &pos);
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
	if (f->f_flags & O_APPEND)
		pos = f->f_inode->i_size;
	return f->f_op->write(f, buf, len, &pos);
}

loff_t vfs_llseek(struct file *f, loff_t off, int whence)
{
	if (f->f_mode & FMODE_PATH)
		return -EBADF;
	if (!(f->f_mode & FMODE_LSEEK))
		return -ESPIPE;
	if (whence < 0 || whence > SEEK_HOLE_K)
		return -EINVAL;
	if (f->f_op && f->f_op->llseek)
		return f->f_op->llseek(f, off, whence);
	return generic_file_llseek(f, off, whence);
}

int vfs_iterate(struct file *f, struct dir_context *ctx)
{
	int err;

	if (f->f_mode & FMODE_PATH)
		return -EBADF;
	if (!S_ISDIR(f->f_inode->i_mode) || !f->f_op || !f->f_op->iterate)
		return -ENOTDIR;
	ctx->pos = f->f_pos;
	err = f->f_op->iterate(f, ctx);
	f->f_pos = ctx->pos;
	inode_touch(f->f_inode, true, false, false);
	return err;
}
