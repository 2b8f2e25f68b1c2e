/* SPDX-License-Identifier: MIT */
/*
 * Open files and the descriptor table. A file is counted: one reference
 * per descriptor that names it (dup shares the file, and so its offset)
 * and per temporary holder (fget). The last fput calls release and drops
 * the file's dentry, mount and inode. The image has one table of
 * CONFIG_LIBVFS_MAX_FDS slots; a new descriptor is the lowest free one
 * and O_CLOEXEC is kept per slot (there is no exec, but F_GETFD says it).
 *
 * Interface: alloc_file, anon_file, get_file, fput, fd_alloc, fget,
 * fd_close, fd_dup_to, fd_get_cloexec, fd_set_cloexec (see <pith/vfs.h>).
 */
#include <pith/bitmap.h>
#include <pith/mm.h>
#include <pith/printk.h>
#include "vfs_internal.h"

static struct file *fd_table[CONFIG_LIBVFS_MAX_FDS];
static DECLARE_BITMAP(fd_cloexec, CONFIG_LIBVFS_MAX_FDS);

struct file *alloc_file(struct path *path, int flags,
			const struct file_operations *fops)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);
	int acc = flags & O_ACCMODE;
	bool rd = acc == O_RDONLY || acc == O_RDWR;
	bool wr = acc == O_WRONLY || acc == O_RDWR;

	if (!f)
		return NULL;
	f->f_count = 1;
	f->f_flags = (unsigned int)flags & ~(O_CREAT | O_EXCL | O_NOCTTY |
					     O_TRUNC | O_CLOEXEC);
	f->f_flags |= O_LARGEFILE;
	if (flags & O_PATH)
		f->f_mode = FMODE_PATH;
	else
		f->f_mode = (rd ? FMODE_READ : 0) | (wr ? FMODE_WRITE : 0);
	f->f_op = fops;
	INIT_LIST_HEAD(&f->f_ep_links);
	if (path) {
		f->f_path = *path;
		path_get(path);
		f->f_inode = igrab(path->dentry->d_inode);
	}
	vfs_stats.files++;
	return f;
}

struct file *anon_file(const struct file_operations *fops, void *priv,
		       umode_t mode, int flags)
{
	struct inode *inode = new_inode(NULL, mode | 0600);
	struct file *f;

	if (!inode)
		return NULL;
	f = alloc_file(NULL, flags, fops);
	if (!f) {
		iput(inode);
		return NULL;
	}
	f->f_inode = inode;
	f->private_data = priv;
	return f;
}

struct file *get_file(struct file *f)
{
	f->f_count++;
	return f;
}

void fput(struct file *f)
{
	if (!f)
		return;
	if (f->f_count <= 0) {
		pr_err("vfs: fput of a closed file\n");
		return;
	}
	if (--f->f_count)
		return;
	if (!list_empty(&f->f_ep_links))
		eventpoll_release(f);
	locks_remove_file(f);
	if (f->f_op && f->f_op->release)
		f->f_op->release(f->f_inode, f);
	if (f->f_path.dentry)
		path_put(&f->f_path);
	iput(f->f_inode);
	vfs_stats.files--;
	kfree(f);
}

int fd_table_size(void)
{
	return CONFIG_LIBVFS_MAX_FDS;
}

int fd_alloc(int min, struct file *f, bool cloexec)
{
	for (int fd = min < 0 ? 0 : min; fd < CONFIG_LIBVFS_MAX_FDS; fd++) {
		if (!fd_table[fd]) {
			fd_table[fd] = f;
			if (cloexec)
				set_bit(fd, fd_cloexec);
			else
				clear_bit(fd, fd_cloexec);
			return fd;
		}
	}
	return -EMFILE;
}

struct file *fget(int fd)
{
	if (fd < 0 || fd >= CONFIG_LIBVFS_MAX_FDS || !fd_table[fd])
		return NULL;
	return get_file(fd_table[fd]);
}

int fd_close(int fd)
{
	struct file *f;

	if (fd < 0 || fd >= CONFIG_LIBVFS_MAX_FDS || !fd_table[fd])
		return -EBADF;
	f = fd_table[fd];
	fd_table[fd] = NULL;
	fput(f);
	return 0;
}

int fd_dup_to(int oldfd, int newfd, bool cloexec)
{
	struct file *f = fget(oldfd);

	if (!f)
		return -EBADF;
	if (newfd < 0 || newfd >= CONFIG_LIBVFS_MAX_FDS) {
		fput(f);
		return -EBADF;
	}
	if (fd_table[newfd])
		fd_close(newfd);
	fd_table[newfd] = f;	/* the reference from fget */
	if (cloexec)
		set_bit(newfd, fd_cloexec);
	else
		clear_bit(newfd, fd_cloexec);
	return newfd;
}

int fd_get_cloexec(int fd)
{
	if (fd < 0 || fd >= CONFIG_LIBVFS_MAX_FDS || !fd_table[fd])
		return -EBADF;
	return test_bit(fd, fd_cloexec);
}

int fd_set_cloexec(int fd, bool on)
{
	if (fd < 0 || fd >= CONFIG_LIBVFS_MAX_FDS || !fd_table[fd])
		return -EBADF;
	if (on)
		set_bit(fd, fd_cloexec);
	else
		clear_bit(fd, fd_cloexec);
	return 0;
}
