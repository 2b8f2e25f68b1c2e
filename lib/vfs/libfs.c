/* SPDX-License-Identifier: MIT */
/*
 * Helpers for file systems whose directory is the dentry cache itself
 * (ramfs, devfs): a lookup that finds nothing is a negative entry, a
 * link is a positive dentry pinned by the cache, readdir walks the
 * directory's children in creation order.
 *
 * Interface: simple_lookup, simple_link, simple_unlink, simple_rmdir,
 * simple_rename, simple_setattr, simple_get_link, dcache_readdir,
 * generic_file_llseek, simple_dir_operations (see <pith/vfs.h>).
 */
#include <pith/mm.h>
#include <pith/string.h>
#include "vfs_internal.h"

struct dentry *simple_lookup(struct inode *dir, struct dentry *d)
{
	return NULL;		/* not in the cache: it does not exist */
}

int simple_link(struct dentry *old, struct inode *dir, struct dentry *d)
{
	struct inode *inode = old->d_inode;

	inode->i_nlink++;
	inode_touch(inode, false, false, true);
	inode_touch(dir, false, true, true);
	d_instantiate(d, igrab(inode));
	return 0;
}

int simple_unlink(struct inode *dir, struct dentry *d)
{
	struct inode *inode = d->d_inode;

	inode->i_nlink--;
	inode_touch(inode, false, false, true);
	inode_touch(dir, false, true, true);
	return 0;
}

int simple_rmdir(struct inode *dir, struct dentry *d)
{
	if (!d_empty_dir(d))
		return -ENOTEMPTY;
	d->d_inode->i_nlink = 0;
	dir->i_nlink--;
	inode_touch(dir, false, true, true);
	return 0;
}

/* The inode side of a rename; the VFS checked the directory rules. */
int simple_rename(struct inode *odir, struct dentry *od,
		  struct inode *ndir, struct dentry *nd, unsigned int flags)
{
	bool isdir = S_ISDIR(od->d_inode->i_mode);
	struct inode *victim = nd->d_inode;

	if (victim && isdir) {
		if (!d_empty_dir(nd))
			return -ENOTEMPTY;
		victim->i_nlink = 0;
		odir->i_nlink--;	/* the moved dir's ".." leaves odir */
	} else if (victim) {
		victim->i_nlink--;
		inode_touch(victim, false, false, true);
	} else if (isdir) {
		odir->i_nlink--;
		ndir->i_nlink++;
	}
	inode_touch(odir, false, true, true);
	inode_touch(ndir, false, true, true);
	inode_touch(od->d_inode, false, false, true);
	return 0;
}

int simple_setattr(struct dentry *d, struct iattr *ia)
{
	struct inode *inode = d->d_inode;

	if (ia->ia_valid & ATTR_SIZE)
		return -EPERM;		/* the file system must handle it */
	if (ia->ia_valid & ATTR_MODE)
		inode->i_mode = (inode->i_mode & S_IFMT) |
				(ia->ia_mode & S_IALLUGO);
	if (ia->ia_valid & ATTR_UID)
		inode->i_uid = ia->ia_uid;
	if (ia->ia_valid & ATTR_GID)
		inode->i_gid = ia->ia_gid;
	if (ia->ia_valid & ATTR_ATIME)
		inode->i_atime = ia->ia_atime;
	if (ia->ia_valid & ATTR_MTIME)
		inode->i_mtime = ia->ia_mtime;
	inode_touch(inode, false, false, true);
	return 0;
}

const char *simple_get_link(struct dentry *d)
{
	return d->d_inode->i_link;
}

static uint64_t parent_ino(struct file *f)
{
	struct dentry *d = f->f_path.dentry;
	uint64_t ino;

	/* At a mount root ".." is the mountpoint's parent. */
	if (d == f->f_path.mnt->mnt_root && f->f_path.mnt->mnt_parent !=
	    f->f_path.mnt)
		d = f->f_path.mnt->mnt_mountpoint;
	spin_lock(&dcache_lock);	/* a rename may move d meanwhile */
	ino = d->d_parent->d_inode->i_ino;
	spin_unlock(&dcache_lock);
	return ino;
}

static struct dentry *first_from(struct dentry *dir, uint64_t pos)
{
	struct rb_node *n = dir->d_order.rb_node;
	struct dentry *best = NULL;

	while (n) {
		struct dentry *d = rb_entry(n, struct dentry, d_seq_node);

		if (d->d_seq >= pos) {
			best = d;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

int dcache_readdir(struct file *f, struct dir_context *ctx)
{
	struct dentry *dir = f->f_path.dentry;
	struct dentry *d;

	if (ctx->pos == 0) {
		if (!ctx->actor(ctx, ".", 1, 1, dir->d_inode->i_ino, DT_DIR))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->actor(ctx, "..", 2, 2, parent_ino(f), DT_DIR))
			return 0;
		ctx->pos = 2;
	}
	for (d = first_from(dir, ctx->pos); d;
	     d = rb_entry_safe(rb_next(&d->d_seq_node), struct dentry,
			       d_seq_node)) {
		if (!ctx->actor(ctx, d->d_name, d->d_len, d->d_seq + 1,
				d->d_inode->i_ino,
				dt_type(d->d_inode->i_mode)))
			return 0;
		ctx->pos = d->d_seq + 1;
	}
	return 0;
}

loff_t generic_file_llseek(struct file *f, loff_t off, int whence)
{
	loff_t base;

	switch (whence) {
	case SEEK_SET_K:
		base = 0;
		break;
	case SEEK_CUR_K:
		base = f->f_pos;
		break;
	case SEEK_END_K:
		base = f->f_inode->i_size;
		break;
	case SEEK_DATA_K:
		if (off < 0 || off >= f->f_inode->i_size)
			return -ENXIO;
		return f->f_pos = off;
	case SEEK_HOLE_K:
		if (off < 0 || off >= f->f_inode->i_size)
			return -ENXIO;
		return f->f_pos = f->f_inode->i_size;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	return f->f_pos = base + off;
}

loff_t generic_dir_llseek(struct file *f, loff_t off, int whence)
{
	if (whence == SEEK_CUR_K)
		off += f->f_pos;
	else if (whence != SEEK_SET_K)
		return -EINVAL;
	if (off < 0)
		return -EINVAL;
	return f->f_pos = off;
}

const struct file_operations simple_dir_operations = {
	.llseek = generic_dir_llseek,
	.iterate = dcache_readdir,
};

const struct inode_operations simple_symlink_inode_operations = {
	.get_link = simple_get_link,
	.setattr = simple_setattr,
};
