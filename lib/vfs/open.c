/* SPDX-License-Identifier: MIT */
/*
 * Opening, attributes and the current directory, with Linux's rules:
 * O_CREAT walks to the parent and creates a missing last name (-EEXIST
 * with O_EXCL, -EISDIR for "name/"); O_NOFOLLOW refuses a final symlink
 * (-ELOOP); a directory opens only read-only (-EISDIR); O_DIRECTORY
 * wants one (-ENOTDIR); O_TRUNC empties a regular file opened for
 * writing; O_PATH gives a handle that only names the file.
 *
 * Locking: O_CREAT looks the name up and creates it under the parent's
 * inode lock (so O_EXCL has one winner), and drops it before the open
 * itself; setattr (truncate, chmod, utimes) holds the inode's lock.
 *
 * Interface: vfs_open, vfs_truncate, vfs_setattr, vfs_stat, vfs_fstat,
 * vfs_chdir, vfs_getcwd (see <pith/vfs.h>).
 */
#include <pith/mm.h>
#include <pith/string.h>
#include "vfs_internal.h"

int vfs_setattr(struct dentry *d, struct iattr *ia)
{
	struct inode *inode = d->d_inode;
	int err;

	if (!inode->i_op || !inode->i_op->setattr)
		return -EPERM;
	inode_lock(inode);
	err = inode->i_op->setattr(d, ia);
	inode_unlock(inode);
	return err;
}

int vfs_truncate(struct dentry *d, loff_t len)
{
	struct iattr ia = { .ia_valid = ATTR_SIZE, .ia_size = len };
	umode_t mode = d->d_inode->i_mode;

	if (len < 0)
		return -EINVAL;
	if (S_ISDIR(mode))
		return -EISDIR;
	if (!S_ISREG(mode))
		return -EINVAL;
	return vfs_setattr(d, &ia);
}

/* Create the missing last component of nd as a regular file. */
static int open_create(struct nameidata *nd, struct dentry *d, umode_t mode)
{
	struct inode *dir = nd->path.dentry->d_inode;
	int err;

	if (nd->trailing_slash)
		return -EISDIR;
	if (!dir->i_op || !dir->i_op->create)
		return -EACCES;
	err = dir->i_op->create(dir, d, S_IFREG | (mode & S_IALLUGO));
	if (!err && !d->d_inode)
		err = -EIO;
	return err;
}

/* The last name of nd, created if missing (1) or found (0), with the
 * parent's inode lock held throughout: a reference or ERR_PTR. */
static struct dentry *open_lookup_create(struct nameidata *nd, umode_t mode,
					 int *created)
{
	struct inode *dir = nd->path.dentry->d_inode;
	struct dentry *d;
	int err;

	inode_lock(dir);
	d = lookup_last(nd);
	if (!IS_ERR(d) && !d->d_inode) {
		err = open_create(nd, d, mode);
		if (err) {
			dput(d);
			d = ERR_PTR(err);
		} else {
			*created = 1;
		}
	}
	inode_unlock(dir);
	return d;
}

/* O_CREAT: returns with nd->path at the file to open. */
static int open_last(int dirfd, const char *name, int flags, umode_t mode,
		     struct nameidata *nd)
{
	struct dentry *d;
	int created = 0;
	int err = path_lookupat(dirfd, name, LOOKUP_PARENT, nd);

	if (err)
		return err;
	if (nd->last_type != LAST_NORM)
		return -EISDIR;
	d = open_lookup_create(nd, mode, &created);
	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	if (created) {
		dput(nd->path.dentry);
		nd->path.dentry = d;
		return 1;	/* created */
	}
	if (flags & O_EXCL) {
		dput(d);
		return -EEXIST;
	}
	if (S_ISLNK(d->d_inode->i_mode) || nd->trailing_slash) {
		/* Follow it with a full walk (a dangling link: -ENOENT). */
		dput(d);
		nd_release(nd);
		if (flags & O_NOFOLLOW)
			return -ELOOP;
		return path_lookupat(dirfd, name, LOOKUP_FOLLOW, nd);
	}
	dput(nd->path.dentry);
	nd->path.dentry = d;
	follow_mounts(&nd->path);
	return 0;
}

static int may_open(struct inode *inode, int flags)
{
	umode_t mode = inode->i_mode;
	int acc = flags & O_ACCMODE;

	if (flags & O_PATH)
		return S_ISDIR(mode) || !(flags & O_DIRECTORY) ? 0 : -ENOTDIR;
	if (S_ISLNK(mode))
		return -ELOOP;
	if (S_ISDIR(mode) && (acc != O_RDONLY || (flags & O_CREAT)))
		return -EISDIR;
	if (!S_ISDIR(mode) && (flags & O_DIRECTORY))
		return -ENOTDIR;
	if (acc == 3)
		return -EINVAL;
	return 0;
}

int do_open(struct path *path, int flags, bool created, struct file **out)
{
	struct inode *inode = path->dentry->d_inode;
	const struct file_operations *fops = inode->i_fop;
	struct file *f;
	int err = may_open(inode, flags);

	if (err)
		return err;
	if ((flags & O_TRUNC) && !created && S_ISREG(inode->i_mode) &&
	    (flags & O_ACCMODE) != O_RDONLY && !(flags & O_PATH)) {
		err = vfs_truncate(path->dentry, 0);
		if (err)
			return err;
	}
	f = alloc_file(path, flags, (flags & O_PATH) ? NULL : fops);
	if (!f)
		return -ENOMEM;
	if (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode))
		f->f_mode |= FMODE_LSEEK;
	if (f->f_op && f->f_op->open) {
		err = f->f_op->open(inode, f);
		if (err) {
			f->f_op = NULL;	/* no release for a failed open */
			fput(f);
			return err;
		}
	}
	*out = f;
	return 0;
}

int vfs_open(int dirfd, const char *name, int flags, umode_t mode,
	     struct file **out)
{
	struct nameidata nd;
	unsigned int lf = 0;
	int err;

	if (flags & (O_TMPFILE & ~O_DIRECTORY))
		return vfs_open_tmpfile(dirfd, name, flags, mode, out);
	if (flags & O_CREAT) {
		err = open_last(dirfd, name, flags, mode, &nd);
	} else {
		if (!(flags & O_NOFOLLOW))
			lf |= LOOKUP_FOLLOW;
		if (flags & O_DIRECTORY)
			lf |= LOOKUP_DIRECTORY;
		err = path_lookupat(dirfd, name, lf, &nd);
	}
	if (err < 0) {
		nd_release(&nd);
		return err;
	}
	err = do_open(&nd.path, flags, err == 1, out);
	nd_release(&nd);
	return err;
}

static void fill_stat(struct inode *inode, struct kstat *st)
{
	*st = (struct kstat){
		.st_dev = inode->i_sb ? inode->i_sb->s_dev : 0,
		.st_ino = inode->i_ino,
		.st_nlink = inode->i_nlink,
		.st_mode = inode->i_mode,
		.st_uid = inode->i_uid,
		.st_gid = inode->i_gid,
		.st_rdev = inode->i_rdev,
		.st_size = inode->i_size,
		.st_blksize = 4096,
		.st_blocks = (int64_t)inode->i_blocks,
		.st_atim = inode->i_atime,
		.st_mtim = inode->i_mtime,
		.st_ctim = inode->i_ctime,
	};
}

int vfs_fstat(struct file *f, struct kstat *st)
{
	fill_stat(f->f_inode, st);
	return 0;
}

int vfs_stat(int dirfd, const char *name, int flags, struct kstat *st)
{
	struct nameidata nd;
	unsigned int lf = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	int err;

	if (flags & AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	err = path_lookupat(dirfd, name, lf, &nd);
	if (err)
		return err;
	fill_stat(nd.path.dentry->d_inode, st);
	nd_release(&nd);
	return 0;
}

int vfs_chdir(int dirfd, const char *name)
{
	struct nameidata nd;
	int err = path_lookupat(dirfd, name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY |
				(name && !*name ? LOOKUP_EMPTY : 0), &nd);

	if (err)
		return err;
	set_cwd(&nd.path);
	nd.path = (struct path){ NULL, NULL };
	nd_release(&nd);
	return 0;
}

/* Prepend "/name" to the string ending at *end; false when full. */
static bool prepend(char *buf, char **end, const char *name,
		    unsigned int len)
{
	if ((size_t)(*end - buf) < len + 1)
		return false;
	*end -= len;
	memcpy(*end, name, len);
	*--*end = '/';
	return true;
}

/* mount_lock and dcache_lock held: nothing moves while it climbs. */
static long build_cwd(char *tmp)
{
	char *end = tmp + PATH_MAX_K - 1;
	struct path p = vfs_cwd;

	if (p.dentry->d_flags & DCACHE_UNHASHED)
		return -ENOENT;		/* Linux: the cwd was removed */
	*end = 0;
	while (!(p.dentry == vfs_root.dentry && p.mnt == vfs_root.mnt)) {
		if (p.dentry == p.mnt->mnt_root) {
			if (p.mnt->mnt_parent == p.mnt)
				break;
			p = (struct path){ p.mnt->mnt_parent,
					   p.mnt->mnt_mountpoint };
			continue;
		}
		if (!prepend(tmp, &end, p.dentry->d_name, p.dentry->d_len))
			return -ENAMETOOLONG;
		p.dentry = p.dentry->d_parent;
	}
	if (!*end)
		*--end = '/';
	return (long)(tmp + PATH_MAX_K - end);
}

long vfs_getcwd(char *buf, size_t size)
{
	char *tmp;
	long ret;

	tmp = kmalloc(PATH_MAX_K, GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	spin_lock(&mount_lock);
	spin_lock(&dcache_lock);
	ret = build_cwd(tmp);
	spin_unlock(&dcache_lock);
	spin_unlock(&mount_lock);
	/* The copy to the caller is made without the locks (it may fault
	 * in the app's memory, which is not a place to hold them). */
	if (ret > (long)size)
		ret = -ERANGE;
	else if (ret > 0)
		memcpy(buf, tmp + PATH_MAX_K - ret, (size_t)ret);
	kfree(tmp);
	return ret;
}

/*
 * statfs: the file system holding a path (f == NULL) or an open file.
 * The file system's statfs op fills it (ST_RDONLY, 1, in f_flags when
 * it is mounted read-only).
 */
int vfs_statfs(int dirfd, const char *name, struct file *f,
	       struct kstatfs *st)
{
	struct nameidata nd;
	struct super_block *sb;
	int err = 0;

	if (!f) {
		err = path_lookupat(dirfd, name, LOOKUP_FOLLOW, &nd);
		if (err)
			return err;
		sb = nd.path.dentry->d_inode->i_sb;
	} else {
		sb = f->f_inode->i_sb;
	}
	*st = (struct kstatfs){ .f_bsize = PAGE_SIZE, .f_namelen = 255 };
	if (sb->s_op && sb->s_op->statfs)
		err = sb->s_op->statfs(sb, st);
	if (!f)
		nd_release(&nd);
	return err;
}
