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
 * Interface: register_filesystem, get_fs_type, sget, new_inode, igrab,
 * iput, inode_touch, current_time_k (see <pith/vfs.h>).
 */
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/string.h>
#include <pith/time.h>
#include "vfs_internal.h"

struct vfs_stats vfs_stats;
static LIST_HEAD(fs_types);
static unsigned int next_anon_dev = 1;

int register_filesystem(struct file_system_type *fs)
{
	if (get_fs_type(fs->name))
		return -EBUSY;
	list_add_tail(&fs->list, &fs_types);
	return 0;
}

struct file_system_type *get_fs_type(const char *name)
{
	struct file_system_type *fs;

	list_for_each_entry(fs, &fs_types, list)
		if (!kstrcmp(fs->name, name))
			return fs;
	return NULL;
}

struct super_block *sget(struct file_system_type *fs,
			 const struct super_operations *ops)
{
	struct super_block *sb = kzalloc(sizeof(*sb), GFP_KERNEL);

	if (!sb)
		return NULL;
	sb->s_type = fs;
	sb->s_op = ops;
	/* Linux's anonymous devices: major 0, minors counting up. */
	sb->s_dev = next_anon_dev++;
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
	inode->i_ino = sb ? sb->s_next_ino++ : 0;
	inode->i_mode = mode;
	inode->i_nlink = 1;
	inode->i_count = 1;
	inode_touch(inode, true, true, true);
	vfs_stats.inodes++;
	return inode;
}

struct inode *igrab(struct inode *inode)
{
	if (inode)
		inode->i_count++;
	return inode;
}

void iput(struct inode *inode)
{
	if (!inode)
		return;
	if (inode->i_count <= 0) {
		pr_err("vfs: iput of unused inode %llu\n",
		       (unsigned long long)inode->i_ino);
		return;
	}
	if (--inode->i_count)
		return;
	if (inode->i_sb && inode->i_sb->s_op && inode->i_sb->s_op->evict_inode)
		inode->i_sb->s_op->evict_inode(inode);
	kfree(inode->i_link);
	vfs_stats.inodes--;
	kfree(inode);
}

void vfs_get_stats(struct vfs_stats *st)
{
	*st = vfs_stats;
}
