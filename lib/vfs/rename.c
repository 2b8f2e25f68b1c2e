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
 * Interface: vfs_rename(odfd, old, ndfd, new, flags).
 */
#include "vfs_internal.h"

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
		err = odir->i_op->rename ? odir->i_op->rename(odir, od, ndir,
							      nd, flags)
					 : -EPERM;
	if (!err)
		err = d_move(od, nd);
	dput(nd);
	dput(od);
	return err == 1 ? 0 : err;
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
		err = rename_names(&o, &n, flags);
	nd_release(&n);
	nd_release(&o);
	return err;
}
