/* SPDX-License-Identifier: MIT */
/*
 * ramfs: the in-memory file system, and the image's default root. A
 * directory is its dentries (the VFS keeps them in a red-black tree per
 * directory, so 100k names stay O(log n)); a regular file's data are
 * whole pages from lib/mm, indexed by page number, allocated on first
 * write, so holes cost nothing and read as zeros. There is no backing
 * store: nothing is ever evicted while linked or open.
 *
 * Space: a write that needs a page fails with -ENOSPC when the file
 * system is at its CONFIG_LIBRAMFS_MAX_MB limit (0: none), when free
 * memory would fall below CONFIG_LIBRAMFS_RESERVE_KB, or when the page
 * allocator has nothing left; a short write returns what it wrote.
 *
 * Locking: the VFS holds a directory's inode lock around each of its
 * ops, and a regular file's around read, write and setattr, so a file's
 * page array never changes under a reader; the page and inode counts
 * are atomic (writers of different files run at once).
 *
 * Interface: the "ramfs" file system type, registered at the subsys
 * level; mount it with vfs_mount_root("ramfs") or vfs_mount(...).
 * ramfs_get_stats() for tests.
 */
#include <pith/init.h>
#include <pith/mm.h>
#include <pith/ramfs.h>
#include <pith/string.h>
#include <pith/vfs.h>
#include "ramfs_internal.h"

#ifndef CONFIG_LIBRAMFS_MAX_MB
#define CONFIG_LIBRAMFS_MAX_MB 0
#endif
#ifndef CONFIG_LIBRAMFS_RESERVE_KB
#define CONFIG_LIBRAMFS_RESERVE_KB 1024
#endif

static struct ramfs_stats stats;
static unsigned long limit_pages = (unsigned long)CONFIG_LIBRAMFS_MAX_MB *
				   (1024 * 1024 / PAGE_SIZE);

static const struct inode_operations ramfs_dir_iops;
static const struct inode_operations ramfs_file_iops;
static const struct inode_operations ramfs_special_iops = {
	.setattr = simple_setattr,
};

void ramfs_get_stats(struct ramfs_stats *st)
{
	*st = stats;
}

void ramfs_set_limit_pages(unsigned long pages)
{
	limit_pages = pages;
}

void *ramfs_page_alloc(void)
{
	uintptr_t p;

	if (limit_pages && stats.pages >= limit_pages)
		return NULL;
	if (nr_free_pages() < CONFIG_LIBRAMFS_RESERVE_KB / (PAGE_SIZE / 1024))
		return NULL;
	p = get_free_page(GFP_KERNEL | __GFP_ZERO);
	if (p)
		__atomic_fetch_add(&stats.pages, 1, __ATOMIC_RELAXED);
	return (void *)p;
}

static void ramfs_page_free(void *p)
{
	if (p) {
		free_pages((uintptr_t)p, 0);
		__atomic_fetch_sub(&stats.pages, 1, __ATOMIC_RELAXED);
	}
}

/* Free every page from index 'from' on. */
void ramfs_trim(struct inode *inode, unsigned long from)
{
	struct ramfs_data *rd = inode->i_private;

	if (!rd)
		return;
	if (rd->mmaps) {
		ramfs_zero_from(rd, from);
		return;
	}
	for (unsigned long i = from; i < rd->cap; i++) {
		if (rd->pages[i]) {
			ramfs_page_free(rd->pages[i]);
			rd->pages[i] = NULL;
			rd->used--;
		}
	}
	inode->i_blocks = rd->used * (PAGE_SIZE / 512);
}

static void ramfs_evict(struct inode *inode)
{
	struct ramfs_data *rd = inode->i_private;

	if (S_ISREG(inode->i_mode) && rd) {
		ramfs_trim(inode, 0);
		kfree(rd->pages);
		kfree(rd);
	}
	__atomic_fetch_sub(&stats.inodes, 1, __ATOMIC_RELAXED);
}

/* Blocks are pages; the total is the size limit, or what the page
 * allocator could still give (less the reserve ramfs keeps free). */
static int ramfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	unsigned long reserve = CONFIG_LIBRAMFS_RESERVE_KB / (PAGE_SIZE / 1024);
	unsigned long free = nr_free_pages() > reserve ?
			     nr_free_pages() - reserve : 0;

	if (limit_pages)
		free = MIN(free, limit_pages > stats.pages ?
				 limit_pages - stats.pages : 0);
	st->f_type = 0x858458f6;	/* RAMFS_MAGIC */
	st->f_bsize = PAGE_SIZE;
	st->f_blocks = stats.pages + free;
	st->f_bfree = st->f_bavail = free;
	st->f_files = stats.inodes;
	return 0;
}

static const struct super_operations ramfs_sops = {
	.evict_inode = ramfs_evict,
	.statfs = ramfs_statfs,
};

static struct inode *ramfs_new_inode(struct super_block *sb, umode_t mode,
				     struct inode *dir)
{
	struct inode *inode = new_inode(sb, mode);

	if (!inode)
		return NULL;
	if (S_ISREG(mode)) {
		inode->i_private = kzalloc(sizeof(struct ramfs_data),
					   GFP_KERNEL);
		if (!inode->i_private) {
			iput(inode);
			return NULL;
		}
		inode->i_op = &ramfs_file_iops;
		inode->i_fop = &ramfs_file_fops;
	} else if (S_ISDIR(mode)) {
		inode->i_op = &ramfs_dir_iops;
		inode->i_fop = &simple_dir_operations;
		inode->i_nlink = 2;
	} else if (S_ISLNK(mode)) {
		inode->i_op = &simple_symlink_inode_operations;
	} else {
		/* Device, FIFO, socket nodes: no driver yet, open -> EINVAL
		 * on read/write. */
		inode->i_op = &ramfs_special_iops;
	}
	__atomic_fetch_add(&stats.inodes, 1, __ATOMIC_RELAXED);
	return inode;
}

static int ramfs_mknod(struct inode *dir, struct dentry *d, umode_t mode,
		       dev_t_k dev)
{
	struct inode *inode = ramfs_new_inode(dir->i_sb, mode, dir);

	if (!inode)
		return -ENOSPC;
	inode->i_rdev = dev;
	if (S_ISDIR(mode))
		dir->i_nlink++;
	d_instantiate(d, inode);
	inode_touch(dir, false, true, true);
	return 0;
}

static int ramfs_create(struct inode *dir, struct dentry *d, umode_t mode)
{
	return ramfs_mknod(dir, d, mode, 0);
}

static int ramfs_mkdir(struct inode *dir, struct dentry *d, umode_t mode)
{
	return ramfs_mknod(dir, d, mode, 0);
}

static int ramfs_symlink(struct inode *dir, struct dentry *d,
			 const char *target)
{
	size_t len = kstrlen(target);
	struct inode *inode = ramfs_new_inode(dir->i_sb, S_IFLNK | 0777, dir);

	if (!inode)
		return -ENOSPC;
	inode->i_link = kmalloc(len + 1, GFP_KERNEL);
	if (!inode->i_link) {
		iput(inode);
		return -ENOSPC;
	}
	memcpy(inode->i_link, target, len + 1);
	inode->i_size = (loff_t)len;
	d_instantiate(d, inode);
	inode_touch(dir, false, true, true);
	return 0;
}

static int ramfs_setattr(struct dentry *d, struct iattr *ia)
{
	struct inode *inode = d->d_inode;
	struct iattr rest = *ia;
	loff_t size = ia->ia_size;

	if (ia->ia_valid & ATTR_SIZE) {
		if (size < inode->i_size) {
			struct ramfs_data *rd = inode->i_private;
			unsigned long keep = DIV_ROUND_UP((uint64_t)size,
							  PAGE_SIZE);
			unsigned long off = size % PAGE_SIZE;

			ramfs_trim(inode, keep);
			if (off && keep - 1 < rd->cap && rd->pages[keep - 1])
				memset((char *)rd->pages[keep - 1] + off, 0,
				       PAGE_SIZE - off);
		}
		inode->i_size = size;
		inode_touch(inode, false, true, true);
		rest.ia_valid &= ~(unsigned int)ATTR_SIZE;
		if (!rest.ia_valid)
			return 0;
	}
	return simple_setattr(d, &rest);
}

static const struct inode_operations ramfs_dir_iops = {
	.lookup = simple_lookup,
	.create = ramfs_create,
	.link = simple_link,
	.unlink = simple_unlink,
	.symlink = ramfs_symlink,
	.mkdir = ramfs_mkdir,
	.rmdir = simple_rmdir,
	.mknod = ramfs_mknod,
	.rename = simple_rename,
	.setattr = simple_setattr,
};

static const struct inode_operations ramfs_file_iops = {
	.setattr = ramfs_setattr,
};

static struct super_block *ramfs_mount(struct file_system_type *fs,
				       int flags, const void *data)
{
	struct super_block *sb = sget(fs, &ramfs_sops);
	struct inode *root;

	if (!sb)
		return ERR_PTR(-ENOMEM);
	root = ramfs_new_inode(sb, S_IFDIR | 0755, NULL);
	if (root)
		sb->s_root = d_alloc_root(sb, root);
	if (!root || !sb->s_root) {
		iput(root);
		kfree(sb);
		return ERR_PTR(-ENOMEM);
	}
	return sb;
}

static struct file_system_type ramfs_type = {
	.name = "ramfs",
	.mount = ramfs_mount,
};

int ramfs_register(void)
{
	return register_filesystem(&ramfs_type);
}
#ifndef PITH_HOST_TEST
subsys_initcall(ramfs_register);
#endif
