/* SPDX-License-Identifier: MIT */
/* Private to lib/ext2's VFS glue (ext2_vfs*.c). */
#ifndef LIB_EXT2_VFS_H
#define LIB_EXT2_VFS_H

#include <pith/ext2.h>
#include <pith/list.h>
#include <pith/vfs.h>

#define EXT2V_HASH	256

/* The file system of one mount. */
struct ext2v_sb {
	struct ext2_fs *fs;		/* NULL once shut down */
	struct blkdev *dev;
	bool ro;
	struct list_head hash[EXT2V_HASH];	/* struct ext2v_node by ino */
	struct list_head node;		/* mounted file systems */
};

/* inode->i_private: one VFS inode per ext2 inode number. */
struct ext2v_node {
	struct ext2_inode *ip;		/* one reference; NULL once dropped */
	struct inode *inode;
	struct list_head hash;
};

static inline struct ext2v_sb *EXT2V_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

static inline struct ext2_inode *EXT2V_I(struct inode *inode)
{
	struct ext2v_node *n = inode->i_private;

	return n ? n->ip : NULL;
}

/* The lock around every call into lib/ext2 (lib/blk's cache mutex). */
void ext2v_lock(void);
void ext2v_unlock(void);

/* ext2_vfs.c */
struct inode *ext2v_iget(struct super_block *sb, uint32_t ino);
/* Copy size, links, mode, times from the ext2 inode. Lock held. */
void ext2v_refresh(struct inode *inode);

/* ext2_vfs_ops.c */
extern const struct inode_operations ext2v_dir_iops;
extern const struct inode_operations ext2v_file_iops;
extern const struct inode_operations ext2v_symlink_iops;
extern const struct inode_operations ext2v_special_iops;
extern const struct file_operations ext2v_file_fops;
extern const struct file_operations ext2v_dir_fops;

#endif
