/* SPDX-License-Identifier: MIT */
/*
 * Namespace operations: mkdir, mknod, symlink, link, unlink, rmdir,
 * rename, readlink, each resolving its names and then checking, in
 * Linux's order, the rules that give its error numbers. The file system
 * does the inode work through its inode_operations; the VFS keeps the
 * dentry cache in step (d_instantiate by the fs, d_delete, d_move here).
 *
 * Locking: the parent directory's inode lock is held from the lookup of
 * the last name to the end of the change (create_prepare ... finish),
 * so the checks and the change see one state of the directory; the
 * inode losing or gaining a link is locked after it (parent, then
 * child), as Linux does.
 *
 * Interface: vfs_mkdir, vfs_mknod, vfs_symlink, vfs_link, vfs_unlink,
 * vfs_rmdir, vfs_rename, vfs_readlink (see <pith/vfs.h>).
 */
#include <pith/mm.h>
#include <pith/string.h>
#include "vfs_internal.h"

static void nd_unlock_release(struct nameidata *nd)
{
	inode_unlock(nd->path.dentry->d_inode);
	nd_release(nd);
}

/*
 * Walk to the parent of a name to create and look the name up: a
 * negative dentry (with a reference), the parent's inode lock held, or
 * ERR_PTR (nothing held). A trailing slash is fine only for a directory
 * (is_dir).
 */
static struct dentry *create_prepare(int dirfd, const char *name,
				     bool is_dir, struct nameidata *nd)
{
	struct dentry *d;
	int err = path_lookupat(dirfd, name, LOOKUP_PARENT, nd);

	if (err)
		return ERR_PTR(err);
	if (nd->last_type != LAST_NORM) {
		nd_release(nd);
		return ERR_PTR(-EEXIST);
	}
	inode_lock(nd->path.dentry->d_inode);
	d = lookup_last(nd);
	if (IS_ERR(d)) {
		nd_unlock_release(nd);
		return d;
	}
	err = d->d_inode ? -EEXIST :
	      (nd->trailing_slash && !is_dir) ? -ENOENT : 0;
	if (err) {
		dput(d);
		nd_unlock_release(nd);
		return ERR_PTR(err);
	}
	return d;
}

static int create_finish(struct nameidata *nd, struct dentry *d, int err)
{
	if (!err && !d->d_inode)
		err = -EIO;
	dput(d);
	nd_unlock_release(nd);
	return err;
}

int vfs_mkdir(int dirfd, const char *name, umode_t mode)
{
	struct nameidata nd;
	struct dentry *d = create_prepare(dirfd, name, true, &nd);
	struct inode *dir;

	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	dir = nd.path.dentry->d_inode;
	if (!dir->i_op->mkdir)
		return create_finish(&nd, d, -EPERM);
	return create_finish(&nd, d, dir->i_op->mkdir(dir, d,
					S_IFDIR | (mode & S_IALLUGO)));
}

int vfs_mknod(int dirfd, const char *name, umode_t mode, dev_t_k dev)
{
	struct nameidata nd;
	struct dentry *d = create_prepare(dirfd, name, false, &nd);
	struct inode *dir;
	int err = -EPERM;

	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	dir = nd.path.dentry->d_inode;
	if (S_ISREG(mode) || !(mode & S_IFMT))
		err = dir->i_op->create ? dir->i_op->create(dir, d, S_IFREG |
						(mode & S_IALLUGO)) : -EPERM;
	else if (S_ISDIR(mode))
		err = -EINVAL;
	else if (dir->i_op->mknod)
		err = dir->i_op->mknod(dir, d, mode, dev);
	return create_finish(&nd, d, err);
}

int vfs_symlink(const char *target, int dirfd, const char *name)
{
	struct nameidata nd;
	struct dentry *d;
	struct inode *dir;
	size_t tl;

	if (!target)
		return -EFAULT;
	tl = kstrnlen(target, PATH_MAX_K);
	if (!tl)
		return -ENOENT;
	if (tl >= PATH_MAX_K)
		return -ENAMETOOLONG;
	d = create_prepare(dirfd, name, false, &nd);
	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	dir = nd.path.dentry->d_inode;
	if (!dir->i_op->symlink)
		return create_finish(&nd, d, -EPERM);
	return create_finish(&nd, d, dir->i_op->symlink(dir, d, target));
}

/* The new name's directory is locked; lock the inode getting the link
 * (child after parent) and check it still has a name. */
static int vfs_link_locked(struct dentry *old, struct inode *dir,
			   struct dentry *d)
{
	struct inode *inode = old->d_inode;
	int err = -ENOENT;

	inode_lock(inode);
	if (inode->i_nlink)
		err = dir->i_op->link(old, dir, d);
	inode_unlock(inode);
	return err;
}

int vfs_link(int odfd, const char *old, int ndfd, const char *new, int flags)
{
	struct nameidata ond, nnd;
	struct dentry *d;
	struct inode *dir, *inode;
	int err;

	err = path_lookupat(odfd, old, (flags & AT_SYMLINK_FOLLOW ?
			    LOOKUP_FOLLOW : 0) | (flags & AT_EMPTY_PATH ?
			    LOOKUP_EMPTY : 0), &ond);
	if (err)
		return err;
	d = create_prepare(ndfd, new, false, &nnd);
	if (IS_ERR(d)) {
		nd_release(&ond);
		return (int)PTR_ERR(d);
	}
	dir = nnd.path.dentry->d_inode;
	inode = ond.path.dentry->d_inode;
	if (ond.path.mnt != nnd.path.mnt)
		err = -EXDEV;
	else if (S_ISDIR(inode->i_mode))
		err = -EPERM;
	else if (!dir->i_op->link)
		err = -EPERM;
	else
		err = vfs_link_locked(ond.path.dentry, dir, d);
	nd_release(&ond);
	return create_finish(&nnd, d, err);
}

/* Walk to the parent and look up an existing last name, for removal:
 * returns with the parent's inode lock held, or ERR_PTR. */
static struct dentry *remove_prepare(int dirfd, const char *name,
				     struct nameidata *nd, int root_err,
				     int dot_err, int dotdot_err)
{
	struct dentry *d;
	int err = path_lookupat(dirfd, name, LOOKUP_PARENT, nd);

	if (err)
		return ERR_PTR(err);
	err = nd->last_type == LAST_ROOT ? root_err :
	      nd->last_type == LAST_DOT ? dot_err :
	      nd->last_type == LAST_DOTDOT ? dotdot_err : 0;
	if (err) {
		nd_release(nd);
		return ERR_PTR(err);
	}
	inode_lock(nd->path.dentry->d_inode);
	d = lookup_last(nd);
	if (!IS_ERR(d) && !d->d_inode) {
		dput(d);
		d = ERR_PTR(-ENOENT);
	}
	if (IS_ERR(d))
		nd_unlock_release(nd);
	return d;
}

static int remove_finish(struct nameidata *nd, struct dentry *d, int err)
{
	if (!err)
		d_delete(d);
	dput(d);
	nd_unlock_release(nd);
	return err;
}

/* dir's lock held: the removal itself, under the victim's lock. */
static int remove_locked(struct inode *dir, struct dentry *d, bool is_dir)
{
	struct inode *victim = d->d_inode;
	int err;

	inode_lock(victim);
	err = is_dir ? dir->i_op->rmdir(dir, d) : dir->i_op->unlink(dir, d);
	inode_unlock(victim);
	return err;
}

int vfs_unlink(int dirfd, const char *name)
{
	struct nameidata nd;
	struct dentry *d = remove_prepare(dirfd, name, &nd, -EISDIR, -EISDIR,
					  -EISDIR);
	struct inode *dir;
	umode_t mode;

	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	dir = nd.path.dentry->d_inode;
	mode = d->d_inode->i_mode;
	if (S_ISDIR(mode))
		return remove_finish(&nd, d, -EISDIR);
	if (nd.trailing_slash)
		return remove_finish(&nd, d, -ENOTDIR);
	if (d->d_flags & DCACHE_MOUNTED)
		return remove_finish(&nd, d, -EBUSY);
	if (!dir->i_op->unlink)
		return remove_finish(&nd, d, -EPERM);
	return remove_finish(&nd, d, remove_locked(dir, d, false));
}

int vfs_rmdir(int dirfd, const char *name)
{
	struct nameidata nd;
	struct dentry *d = remove_prepare(dirfd, name, &nd, -EBUSY, -EINVAL,
					  -ENOTEMPTY);
	struct inode *dir;

	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	dir = nd.path.dentry->d_inode;
	if (!S_ISDIR(d->d_inode->i_mode))
		return remove_finish(&nd, d, -ENOTDIR);
	if (d->d_flags & DCACHE_MOUNTED)
		return remove_finish(&nd, d, -EBUSY);
	if (!dir->i_op->rmdir)
		return remove_finish(&nd, d, -EPERM);
	return remove_finish(&nd, d, remove_locked(dir, d, true));
}

int vfs_readlink(int dirfd, const char *name, char *buf, size_t len)
{
	struct nameidata nd;
	struct inode *inode;
	const char *tgt;
	size_t n;
	int err;

	if ((long)len <= 0)
		return -EINVAL;
	err = path_lookupat(dirfd, name, name && !*name ? LOOKUP_EMPTY : 0,
			    &nd);
	if (err)
		return err;
	inode = nd.path.dentry->d_inode;
	tgt = S_ISLNK(inode->i_mode) && inode->i_op->get_link ?
	      inode->i_op->get_link(nd.path.dentry) : NULL;
	if (!tgt) {
		nd_release(&nd);
		return -EINVAL;
	}
	n = MIN(kstrlen(tgt), len);
	memcpy(buf, tgt, n);
	inode_touch(inode, true, false, false);
	nd_release(&nd);
	return (int)n;
}
