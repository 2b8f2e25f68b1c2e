/* SPDX-License-Identifier: MIT */
/*
 * Inodes, super blocks and the file system type registry.
 *
 * An inode is counted: one reference per dentry naming it and per holder
 * (igrab). At the last iput the file system's evict_inode frees its data;
 * a file system whose dentries pin their inodes (ramfs) sees that only
 * after the last link and the last open file are gone, which is how an
 * unlinked open file keeps its data until close.
 *
 * Locking: icount_lock, a spinlock, guards i_count and i_state of every
 * inode, the inode numbers and device numbers handed out, and the file
 * system type list. The last iput marks the inode I_FREEING under it
 * and evicts after dropping it; a file system's own inode cache (ext2)
 * uses igrab(), which refuses an inode in that state.
 *
 * Interface: register_filesystem, get_fs_type, sget, new_inode, igrab,
 * iput, inode_touch, current_time_k (see <pith/vfs.h>).
 */
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/string.h>
#include <pith/time.h>
#include "vfs_internal.h"

struct vfs_stats vfs_stats;
static DEFINE_SPINLOCK(icount_lock);
static LIST_HEAD(fs_types);
static unsigned int next_anon_dev = 1;

static struct file_system_type *__get_fs_type(const char *name)
{
	struct file_system_type *fs;

	list_for_each_entry(fs, &fs_types, list)
		if (!kstrcmp(fs->name, name))
			return fs;
	return NULL;
}

int register_filesystem(struct file_system_type *fs)
{
	int err = -EBUSY;

	spin_lock(&icount_lock);
	if (!__get_fs_type(fs->name)) {
		list_add_tail(&fs->list, &fs_types);
		err = 0;
	}
	spin_unlock(&icount_lock);
	return err;
}

/* Types are registered at boot and never leave: the pointer stays good. */
struct file_system_type *get_fs_type(const char *name)
{
	struct file_system_type *fs;

	spin_lock(&icount_lock);
	fs = __get_fs_type(name);
	spin_unlock(&icount_lock);
	return fs;
}

struct super_block *sget(struct file_system_type *fs,
			 const struct super_operations *ops)
{
	struct super_block *sb = kzalloc(sizeof(*sb), GFP_KERNEL);

	if (!sb)
		return NULL;
	sb->s_type = fs;
	sb->s_op = ops;
	mutex_init(&sb->s_rename_mutex);
	/* Linux's anonymous devices: major 0, minors counting up. */
	spin_lock(&icount_lock);
	sb->s_dev = next_anon_dev++;
	spin_unlock(&icount_lock);
	sb->s_blocksize = 4096;
	sb->s_next_ino = 1;
	return sb;
}

struct timespec_k current_time_k(void)
{
	uint64_t ns = ktime_get_real_ns();

	return (struct timespec_k){ (int64_t)(ns / 1000000000ull),
				    (long)(ns % 1000000000ull) };
}

void inode_touch(struct inode *inode, bool a, bool m, bool c)
{
	struct timespec_k now = current_time_k();

	if (a)
		inode->i_atime = now;
	if (m)
		inode->i_mtime = now;
	if (c)
		inode->i_ctime = now;
}

struct inode *new_inode(struct super_block *sb, umode_t mode)
{
	struct inode *inode = kzalloc(sizeof(*inode), GFP_KERNEL);

	if (!inode)
		return NULL;
	inode->i_sb = sb;
	inode->i_mode = mode;
	inode->i_nlink = 1;
	inode->i_count = 1;
	mutex_init(&inode->i_mutex);
	inode_touch(inode, true, true, true);
	spin_lock(&icount_lock);
	inode->i_ino = sb ? sb->s_next_ino++ : 0;
	vfs_stats.inodes++;
	spin_unlock(&icount_lock);
	return inode;
}

struct inode *igrab(struct inode *inode)
{
	if (!inode)
		return NULL;
	spin_lock(&icount_lock);
	if (inode->i_state & I_FREEING)
		inode = NULL;
	else
		inode->i_count++;
	spin_unlock(&icount_lock);
	return inode;
}

void iput(struct inode *inode)
{
	if (!inode)
		return;
	spin_lock(&icount_lock);
	if (inode->i_count <= 0) {
		spin_unlock(&icount_lock);
		pr_err("vfs: iput of unused inode %llu\n",
		       (unsigned long long)inode->i_ino);
		return;
	}
	if (--inode->i_count) {
		spin_unlock(&icount_lock);
		return;
	}
	inode->i_state |= I_FREEING;
	vfs_stats.inodes--;
	spin_unlock(&icount_lock);
	if (inode->i_sb && inode->i_sb->s_op && inode->i_sb->s_op->evict_inode)
		inode->i_sb->s_op->evict_inode(inode);
	kfree(inode->i_link);
	kfree(inode);
}

void vfs_get_stats(struct vfs_stats *st)
{
	*st = vfs_stats;
}
