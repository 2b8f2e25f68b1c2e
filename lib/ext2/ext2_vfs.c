// SPDX-License-Identifier: MIT
/*
 * ext2 on the VFS: the "ext2" file system type (FS_REQUIRES_DEV: the
 * source is a lib/blk device name such as "vblk0", or a disk serial),
 * its super block, and the map from ext2 inode numbers to VFS inodes
 * (one VFS inode per ext2 inode, so hard links share one).
 *
 * Locking: lib/ext2 has no locks and all file systems share lib/blk's
 * buffer cache, so every call into lib/ext2 is made under the cache's
 * one mutex (blk_cache_lock), which the writeback work takes too; it
 * also guards the inode-number hash here. It comes after the VFS's
 * inode locks (the VFS calls in holding them) and the VFS is never
 * called with it held (an iput may come back to evict), except for
 * igrab/new_inode/iput of a never-used inode, which take only spinlocks.
 *
 * Lifetime: a VFS inode holds one ext2_iget reference; evicting it drops
 * that (and frees an unlinked inode's blocks). Unmount frees the unused
 * dentries, then ext2_umount marks the file system clean. Power-off
 * (super_operations.shutdown) does the same, and first drops the ext2
 * references that open files still hold, so the image is left clean.
 *
 * Interface: register at the subsys level; vfs_mount_source("vblk0",
 * "/data", "ext2", MS_RDONLY?, NULL); for ext2_vfs_ops.c ext2v_iget,
 * ext2v_refresh, ext2v_lock / ext2v_unlock.
 */
#include <pith/blk.h>
#include <pith/init.h>
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/time.h>
#include "ext2_vfs.h"

static LIST_HEAD(ext2v_mounted);
static struct file_system_type ext2v_type;

void ext2v_lock(void)
{
	blk_cache_lock();
}

void ext2v_unlock(void)
{
	blk_cache_unlock();
}

static struct list_head *ext2v_bucket(struct ext2v_sb *s, uint32_t ino)
{
	return &s->hash[(ino * 2654435761u) >> 24 & (EXT2V_HASH - 1)];
}

void ext2v_refresh(struct inode *inode)
{
	struct ext2_inode *ip = EXT2V_I(inode);
	struct ext2_stat st;

	if (!ip || ext2_stat(ip, &st))
		return;
	inode->i_mode = st.mode;
	inode->i_nlink = st.nlink;
	inode->i_uid = st.uid;
	inode->i_gid = st.gid;
	inode->i_size = (loff_t)st.size;
	inode->i_blocks = st.blocks;
	inode->i_atime = (struct timespec_k){ st.atime, 0 };
	inode->i_mtime = (struct timespec_k){ st.mtime, 0 };
	inode->i_ctime = (struct timespec_k){ st.ctime, 0 };
}

static void ext2v_set_ops(struct inode *inode)
{
	umode_t mode = inode->i_mode;

	if (S_ISREG(mode)) {
		inode->i_op = &ext2v_file_iops;
		inode->i_fop = &ext2v_file_fops;
	} else if (S_ISDIR(mode)) {
		inode->i_op = &ext2v_dir_iops;
		inode->i_fop = &ext2v_dir_fops;
	} else if (S_ISLNK(mode)) {
		inode->i_op = &ext2v_symlink_iops;
	} else {
		inode->i_op = &ext2v_special_iops;
	}
}

/* The live VFS inode of ino, with a reference, or NULL. Lock held. An
 * inode whose last iput is evicting it (I_FREEING) does not count: its
 * node leaves the hash in evict, and a new VFS inode is made meanwhile
 * (lib/ext2 counts its own references, so both share one ext2 inode). */
static struct inode *ext2v_find(struct ext2v_sb *s, uint32_t ino)
{
	struct ext2v_node *n;
	struct inode *inode;

	list_for_each_entry(n, ext2v_bucket(s, ino), hash) {
		if (n->inode->i_ino != ino)
			continue;
		inode = igrab(n->inode);
		if (inode)
			return inode;
	}
	return NULL;
}

/* The VFS inode of ino, with a reference, or ERR_PTR. Lock not held.
 * The hash is searched and filled under the lock, so two threads never
 * make two VFS inodes for one live ext2 inode. */
struct inode *ext2v_iget(struct super_block *sb, uint32_t ino)
{
	struct ext2v_sb *s = EXT2V_SB(sb);
	struct ext2v_node *n = kzalloc(sizeof(*n), GFP_KERNEL);
	struct inode *inode = n ? new_inode(sb, 0) : NULL, *found;
	struct ext2_inode *ip = ERR_PTR(-EIO);

	if (!inode) {
		kfree(n);
		return ERR_PTR(-ENOMEM);
	}
	ext2v_lock();
	found = ext2v_find(s, ino);
	if (!found && s->fs) {
		ip = ext2_iget(s->fs, ino);
		if (!IS_ERR(ip)) {
			n->ip = ip;
			n->inode = inode;
			inode->i_private = n;
			inode->i_ino = ino;
			ext2v_refresh(inode);
			ext2v_set_ops(inode);
			list_add(&n->hash, ext2v_bucket(s, ino));
		}
	}
	ext2v_unlock();
	if (found || IS_ERR(ip)) {
		iput(inode);	/* no i_private: evict has nothing to do */
		kfree(n);
		return found ? found : (struct inode *)ip;
	}
	return inode;
}

static void ext2v_evict(struct inode *inode)
{
	struct ext2v_node *n = inode->i_private;

	if (!n)
		return;
	ext2v_lock();
	if (n->ip)
		ext2_iput(n->ip);
	list_del(&n->hash);
	ext2v_unlock();
	inode->i_private = NULL;
	kfree(n);
}

static int ext2v_sync_fs(struct super_block *sb)
{
	struct ext2v_sb *s = EXT2V_SB(sb);
	int err = 0;

	ext2v_lock();
	if (s->fs)
		err = ext2_sync(s->fs);
	ext2v_unlock();
	return err;
}

/* Drop the ext2 references still held (open files, cwd), then leave the
 * file system clean. Lock not held. */
static int ext2v_release_fs(struct ext2v_sb *s)
{
	struct ext2v_node *n;
	int err;

	ext2v_lock();
	for (int i = 0; i < EXT2V_HASH; i++) {
		list_for_each_entry(n, &s->hash[i], hash) {
			if (n->ip)
				ext2_iput(n->ip);
			n->ip = NULL;
		}
	}
	err = s->fs ? ext2_umount(s->fs) : 0;
	s->fs = NULL;
	ext2v_unlock();
	list_del_init(&s->node);
	if (err)
		pr_err("ext2: %s: unmount failed (%d)\n", s->dev->name, err);
	return err;
}

static void ext2v_shutdown(struct super_block *sb)
{
	ext2v_release_fs(EXT2V_SB(sb));
}

static int ext2v_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct ext2v_sb *s = EXT2V_SB(sb);
	struct ext2_statfs sf;

	ext2v_lock();
	if (!s->fs) {
		ext2v_unlock();
		return -EIO;
	}
	ext2_statfs(s->fs, &sf);
	ext2v_unlock();
	st->f_type = 0xef53;		/* EXT2_SUPER_MAGIC */
	st->f_bsize = sf.block_size;
	st->f_blocks = sf.blocks;
	st->f_bfree = st->f_bavail = sf.free_blocks;
	st->f_files = sf.inodes;
	st->f_ffree = sf.free_inodes;
	st->f_flags = sf.read_only ? 1 : 0;
	return 0;
}

static const struct super_operations ext2v_sops = {
	.evict_inode = ext2v_evict,
	.sync_fs = ext2v_sync_fs,
	.shutdown = ext2v_shutdown,
	.statfs = ext2v_statfs,
};

static void ext2v_kill_sb(struct super_block *sb)
{
	struct ext2v_sb *s = EXT2V_SB(sb);

	shrink_dcache_sb(sb);
	ext2v_release_fs(s);
	kfree(s);
	kfree(sb);
}

static struct blkdev *ext2v_find_dev(const char *name)
{
	struct blkdev *dev = blkdev_lookup(name);
	struct ext2v_sb *s;

	if (!dev)
		dev = blkdev_lookup_serial(name);
	if (!dev) {
		pr_err("ext2: no block device '%s'\n", name);
		return ERR_PTR(-ENXIO);
	}
	list_for_each_entry(s, &ext2v_mounted, node) {
		if (s->dev == dev) {
			pr_err("ext2: %s is already mounted\n", dev->name);
			return ERR_PTR(-EBUSY);
		}
	}
	return dev;
}

static struct ext2v_sb *ext2v_open(struct blkdev *dev, int flags)
{
	struct ext2v_sb *s = kzalloc(sizeof(*s), GFP_KERNEL);
	struct ext2_statfs sf;
	struct ext2_fs *fs;
	uint64_t t0 = ktime_get_ns();

	if (!s)
		return ERR_PTR(-ENOMEM);
	ext2v_lock();
	fs = ext2_mount(dev, (flags & MS_RDONLY) ? EXT2_MOUNT_RDONLY : 0);
	if (!IS_ERR(fs))
		ext2_statfs(fs, &sf);
	ext2v_unlock();
	if (!IS_ERR(fs))	/* bench/disk.py reads this line */
		pr_info("ext2: %s: mounted in %llu us\n", dev->name,
			(unsigned long long)(ktime_get_ns() - t0) / 1000);
	if (IS_ERR(fs)) {
		pr_err("ext2: %s: not mounted (error %ld)\n", dev->name,
		       PTR_ERR(fs));
		kfree(s);
		return (struct ext2v_sb *)fs;
	}
	s->fs = fs;
	s->dev = dev;
	s->ro = sf.read_only;
	for (int i = 0; i < EXT2V_HASH; i++)
		INIT_LIST_HEAD(&s->hash[i]);
	list_add(&s->node, &ext2v_mounted);
	return s;
}

static struct super_block *ext2v_mount(struct file_system_type *type,
				       int flags, const void *data)
{
	struct blkdev *dev = ext2v_find_dev(data);
	struct super_block *sb;
	struct ext2v_sb *s;
	struct inode *root;

	if (IS_ERR(dev))
		return (struct super_block *)dev;
	s = ext2v_open(dev, flags);
	if (IS_ERR(s))
		return (struct super_block *)s;
	sb = sget(type, &ext2v_sops);
	if (!sb) {
		ext2v_release_fs(s);
		kfree(s);
		return ERR_PTR(-ENOMEM);
	}
	sb->s_fs_info = s;
	sb->s_blocksize = dev->block_size;
	root = ext2v_iget(sb, EXT2_ROOT_INO);
	if (!IS_ERR(root) && !S_ISDIR(root->i_mode)) {
		iput(root);
		root = ERR_PTR(-EUCLEAN);
	}
	sb->s_root = IS_ERR(root) ? NULL : d_alloc_root(sb, root);
	if (!sb->s_root) {
		pr_err("ext2: %s: no usable root directory\n", dev->name);
		ext2v_kill_sb(sb);
		return IS_ERR(root) ? (struct super_block *)root :
				      ERR_PTR(-ENOMEM);
	}
	return sb;
}

static struct file_system_type ext2v_type = {
	.name = "ext2",
	.fs_flags = FS_REQUIRES_DEV,
	.mount = ext2v_mount,
	.kill_sb = ext2v_kill_sb,
};

static uint32_t ext2v_clock(void)
{
	return (uint32_t)(ktime_get_real_ns() / NSEC_PER_SEC);
}

static int ext2v_init(void)
{
	ext2_set_clock(ext2v_clock);
	return register_filesystem(&ext2v_type);
}
subsys_initcall(ext2v_init);
