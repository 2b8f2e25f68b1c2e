/* SPDX-License-Identifier: MIT */
/*
 * rename(2) with Linux's rules and error order: both names on one mount
 * (-EXDEV); "." and ".." cannot move (-EBUSY); a file over a directory is
 * -EISDIR, a directory over a file -ENOTDIR, over a non-empty directory
 * -ENOTEMPTY, into its own subtree -EINVAL; a name over itself (or over
 * another link of the same inode) succeeds and does nothing. The file
 * system adjusts its inodes; the old dentry then takes the new name and
 * the replaced one is unhashed (open files keep it).
 * RENAME_NOREPLACE is honoured; RENAME_EXCHANGE is -EINVAL for now.
 *
 * Locking (Linux's lock_rename): within one directory, its inode lock.
 * Across directories, first the file system's s_rename_mutex, so that
 * no other rename changes the tree's shape while the ancestry checks
 * run, then both directory locks, an ancestor before its descendant and
 * unrelated ones by address; last the inode being replaced, if any.
 *
 * Interface: vfs_rename(odfd, old, ndfd, new, flags); lock_two_dirs /
 * unlock_two_dirs (vfs_internal.h).
 */
#include "vfs_internal.h"

void lock_two_dirs(struct inode *a, struct inode *b, struct dentry *da,
		   struct dentry *db)
{
	if (a == b) {
		inode_lock(a);
		return;
	}
	if (d_is_ancestor(db, da) ||
	    (!d_is_ancestor(da, db) && (uintptr_t)b < (uintptr_t)a)) {
		struct inode *t = a;

		a = b;
		b = t;
	}
	inode_lock(a);
	inode_lock(b);
}

void unlock_two_dirs(struct inode *a, struct inode *b)
{
	inode_unlock(a);
	if (b != a)
		inode_unlock(b);
}

static int rename_check(struct dentry *od, struct dentry *nd,
			struct nameidata *o, struct nameidata *n,
			unsigned int flags)
{
	bool isdir = S_ISDIR(od->d_inode->i_mode);

	if ((flags & RENAME_NOREPLACE) && nd->d_inode)
		return -EEXIST;
	if (nd->d_inode && d_is_ancestor(nd, o->path.dentry))
		return -ENOTEMPTY;
	if (od == nd || od->d_inode == nd->d_inode)
		return 1;	/* nothing to do */
	if (nd->d_inode && isdir && !S_ISDIR(nd->d_inode->i_mode))
		return -ENOTDIR;
	if (nd->d_inode && !isdir && S_ISDIR(nd->d_inode->i_mode))
		return -EISDIR;
	if ((od->d_flags | nd->d_flags) & DCACHE_MOUNTED)
		return -EBUSY;
	if (od == o->path.mnt->mnt_root)
		return -EBUSY;
	return 0;
}

/* Both directories locked: the file system's part, with the replaced
 * inode (if any) locked too. */
static int rename_locked(struct inode *odir, struct dentry *od,
			 struct inode *ndir, struct dentry *nd,
			 unsigned int flags)
{
	struct inode *victim = nd->d_inode;
	int err;

	if (!odir->i_op->rename)
		return -EPERM;
	if (victim)
		inode_lock(victim);
	err = odir->i_op->rename(odir, od, ndir, nd, flags);
	if (victim)
		inode_unlock(victim);
	return err;
}

static int rename_names(struct nameidata *o, struct nameidata *n,
			unsigned int flags)
{
	struct inode *odir = o->path.dentry->d_inode;
	struct inode *ndir = n->path.dentry->d_inode;
	struct dentry *od, *nd;
	int err;

	od = lookup_last(o);
	if (IS_ERR(od))
		return (int)PTR_ERR(od);
	err = !od->d_inode ? -ENOENT : 0;
	if (!err && !S_ISDIR(od->d_inode->i_mode) &&
	    (o->trailing_slash || n->trailing_slash))
		err = -ENOTDIR;
	if (!err && d_is_ancestor(od, n->path.dentry))
		err = -EINVAL;
	nd = err ? NULL : lookup_last(n);
	if (IS_ERR(nd)) {
		err = (int)PTR_ERR(nd);
		nd = NULL;
	}
	if (!err)
		err = rename_check(od, nd, o, n, flags);
	if (!err)
		err = rename_locked(odir, od, ndir, nd, flags);
	if (!err)
		err = d_move(od, nd);
	dput(nd);
	dput(od);
	return err == 1 ? 0 : err;
}

static int rename_lock_names(struct nameidata *o, struct nameidata *n,
			     unsigned int flags)
{
	struct dentry *opd = o->path.dentry, *npd = n->path.dentry;
	struct inode *odir = opd->d_inode, *ndir = npd->d_inode;
	struct mutex *rm = odir == ndir ? NULL : &opd->d_sb->s_rename_mutex;
	int err;

	if (rm)
		mutex_lock(rm);
	lock_two_dirs(odir, ndir, opd, npd);
	err = rename_names(o, n, flags);
	unlock_two_dirs(odir, ndir);
	if (rm)
		mutex_unlock(rm);
	return err;
}

int vfs_rename(int odfd, const char *old, int ndfd, const char *new,
	       unsigned int flags)
{
	struct nameidata o, n;
	int err;

	if (flags & ~(unsigned int)(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if (flags & RENAME_EXCHANGE)
		return -EINVAL;
	err = path_lookupat(odfd, old, LOOKUP_PARENT, &o);
	if (err)
		return err;
	err = path_lookupat(ndfd, new, LOOKUP_PARENT, &n);
	if (err) {
		nd_release(&o);
		return err;
	}
	if (o.path.mnt != n.path.mnt)
		err = -EXDEV;
	else if (o.last_type != LAST_NORM)
		err = -EBUSY;
	else if (n.last_type != LAST_NORM)
		err = (flags & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
	else
		err = rename_lock_names(&o, &n, flags);
	nd_release(&n);
	nd_release(&o);
	return err;
}
