/* SPDX-License-Identifier: MIT */
/*
 * Open files and the descriptor table. A file is counted: one reference
 * per descriptor that names it (dup shares the file, and so its offset)
 * and per temporary holder (fget). The last fput calls release and drops
 * the file's dentry, mount and inode. The image has one table of
 * CONFIG_LIBVFS_MAX_FDS slots; a new descriptor is the lowest free one
 * and O_CLOEXEC is kept per slot (there is no exec, but F_GETFD says it).
 *
 * Locking: fd_lock, a spinlock, guards the table and the close-on-exec
 * bits; f_count is atomic. fget() takes its reference under fd_lock, so
 * a close racing with a read on the same fd only drops the table's
 * reference: the reader's keeps the file until its fput (Linux's
 * fget/fput). A slot is claimed and filled in one critical section, so
 * concurrent opens never get one fd twice; the file a close or dup2
 * removes is put after the lock is dropped (its release may sleep).
 *
 * Interface: alloc_file, anon_file, get_file, fput, fd_alloc, fget,
 * fd_close, fd_dup_to, fd_get_cloexec, fd_set_cloexec (see <pith/vfs.h>).
 */
#include <pith/bitmap.h>
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/spinlock.h>
#include "vfs_internal.h"

static DEFINE_SPINLOCK(fd_lock);
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
	mutex_init(&f->f_pos_lock);
	INIT_LIST_HEAD(&f->f_ep_links);
	if (path) {
		f->f_path = *path;
		path_get(path);
		f->f_inode = igrab(path->dentry->d_inode);
	}
	__atomic_fetch_add(&vfs_stats.files, 1, __ATOMIC_RELAXED);
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
	__atomic_fetch_add(&f->f_count, 1, __ATOMIC_RELAXED);
	return f;
}

void fput(struct file *f)
{
	int left;

	if (!f)
		return;
	left = __atomic_sub_fetch(&f->f_count, 1, __ATOMIC_ACQ_REL);
	if (left < 0) {
		pr_err("vfs: fput of a closed file\n");
		return;
	}
	if (left)
		return;
	if (!list_empty(&f->f_ep_links))
		eventpoll_release(f);
	locks_remove_file(f);
	if (f->f_op && f->f_op->release)
		f->f_op->release(f->f_inode, f);
	if (f->f_path.dentry)
		path_put(&f->f_path);
	iput(f->f_inode);
	__atomic_fetch_sub(&vfs_stats.files, 1, __ATOMIC_RELAXED);
	kfree(f);
}

int fd_table_size(void)
{
	return CONFIG_LIBVFS_MAX_FDS;
}

/* fd_lock held. */
static void fd_set_slot(int fd, struct file *f, bool cloexec)
{
	fd_table[fd] = f;
	if (cloexec)
		set_bit(fd, fd_cloexec);
	else
		clear_bit(fd, fd_cloexec);
}

static bool fd_valid(int fd)
{
	return fd >= 0 && fd < CONFIG_LIBVFS_MAX_FDS;
}

int fd_alloc(int min, struct file *f, bool cloexec)
{
	int ret = -EMFILE;

	spin_lock(&fd_lock);
	for (int fd = min < 0 ? 0 : min; fd < CONFIG_LIBVFS_MAX_FDS; fd++) {
		if (!fd_table[fd]) {
			fd_set_slot(fd, f, cloexec);
			ret = fd;
			break;
		}
	}
	spin_unlock(&fd_lock);
	return ret;
}

struct file *fget(int fd)
{
	struct file *f = NULL;

	if (!fd_valid(fd))
		return NULL;
	spin_lock(&fd_lock);
	if (fd_table[fd])
		f = get_file(fd_table[fd]);
	spin_unlock(&fd_lock);
	return f;
}

int fd_close(int fd)
{
	struct file *f = NULL;

	if (!fd_valid(fd))
		return -EBADF;
	spin_lock(&fd_lock);
	f = fd_table[fd];
	fd_table[fd] = NULL;
	spin_unlock(&fd_lock);
	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}

int fd_dup_to(int oldfd, int newfd, bool cloexec)
{
	struct file *f, *old;

	if (!fd_valid(oldfd) || !fd_valid(newfd))
		return -EBADF;
	spin_lock(&fd_lock);
	f = fd_table[oldfd];
	if (!f) {
		spin_unlock(&fd_lock);
		return -EBADF;
	}
	old = fd_table[newfd];
	fd_set_slot(newfd, get_file(f), cloexec);
	spin_unlock(&fd_lock);
	fput(old);
	return newfd;
}

int fd_get_cloexec(int fd)
{
	int ret = -EBADF;

	if (!fd_valid(fd))
		return -EBADF;
	spin_lock(&fd_lock);
	if (fd_table[fd])
		ret = test_bit(fd, fd_cloexec);
	spin_unlock(&fd_lock);
	return ret;
}

int fd_set_cloexec(int fd, bool on)
{
	int ret = -EBADF;

	if (!fd_valid(fd))
		return -EBADF;
	spin_lock(&fd_lock);
	if (fd_table[fd]) {
		if (on)
			set_bit(fd, fd_cloexec);
		else
			clear_bit(fd, fd_cloexec);
		ret = 0;
	}
	spin_unlock(&fd_lock);
	return ret;
}
