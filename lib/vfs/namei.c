/* SPDX-License-Identifier: MIT */
/*
 * Path walk: a name becomes a (mount, dentry) pair, one component at a
 * time, from the root ('/...') or a start directory. "." stays, ".."
 * climbs (back across a mount to its mountpoint, never above the root),
 * a mounted directory is replaced by the mount's root, and a symlink is
 * spliced into the rest of the name and the walk goes on, at most
 * MAXSYMLINKS (40) times in all, then -ELOOP. A name longer than
 * PATH_MAX (with its NUL) or a component longer than NAME_MAX gives
 * -ENAMETOOLONG; a component under a non-directory gives -ENOTDIR.
 *
 * Trailing slashes: "x/" must be a directory (-ENOTDIR otherwise), and a
 * final symlink followed by a slash is always followed. With
 * LOOKUP_PARENT the walk stops at the parent and reports the last
 * component, its kind (".", "..", a name) and the trailing slash, which
 * each caller judges as Linux does (mkdir("d/") is fine, creat("f/") is
 * -EISDIR, unlink("f/") -ENOTDIR).
 *
 * Locking: a cached name is found under dcache_lock alone (the walk
 * holds a reference on each step, never a lock). A miss takes the
 * directory's inode lock, looks again (another thread may have filled
 * it meanwhile) and only then asks the file system, so one name is
 * never looked up twice at once. ".." reads d_parent under dcache_lock.
 *
 * Interface: path_lookupat(dirfd, name, LOOKUP_*, &nd) ... nd_release(&nd);
 * lookup_last(&nd) after a LOOKUP_PARENT walk, with the parent's inode
 * lock held.
 */
#include <pith/mm.h>
#include <pith/string.h>
#include "vfs_internal.h"

void follow_mounts(struct path *p)
{
	struct vfsmount *m;

	while ((m = lookup_mnt(p->mnt, p->dentry))) {
		struct path next = { m, dget(m->mnt_root) };

		path_put(p);
		*p = next;
	}
}

static bool path_is_root(const struct path *p)
{
	bool r;

	spin_lock(&mount_lock);
	r = p->dentry == vfs_root.dentry && p->mnt == vfs_root.mnt;
	spin_unlock(&mount_lock);
	return r;
}

static void follow_dotdot(struct path *p)
{
	for (;;) {
		struct path up;

		if (path_is_root(p))
			return;
		if (p->dentry != p->mnt->mnt_root) {
			struct dentry *parent = d_parent_get(p->dentry);

			dput(p->dentry);
			p->dentry = parent;
			return;
		}
		if (p->mnt->mnt_parent == p->mnt)
			return;
		up = (struct path){ mntget(p->mnt->mnt_parent),
				    dget(p->mnt->mnt_mountpoint) };
		path_put(p);
		*p = up;
	}
}

static struct dentry *count_hit(struct dentry *d)
{
	spin_lock(&dcache_lock);
	vfs_stats.dcache_hits++;
	if (!d->d_inode)
		vfs_stats.neg_hits++;
	spin_unlock(&dcache_lock);
	return d;
}

/* lookup_one with dir's inode lock held. */
static struct dentry *lookup_locked(struct dentry *dir, const char *name,
				    unsigned int len)
{
	struct dentry *d = d_lookup(dir, name, len), *r;
	struct inode *inode = dir->d_inode;

	if (d)
		return count_hit(d);
	if (!inode->i_op || !inode->i_op->lookup)
		return ERR_PTR(-ENOTDIR);
	d = d_alloc(dir, name, len, DCACHE_IN_LOOKUP);
	if (!d)
		return ERR_PTR(-ENOMEM);
	spin_lock(&dcache_lock);
	vfs_stats.lookups++;
	spin_unlock(&dcache_lock);
	r = inode->i_op->lookup(inode, d);
	if (IS_ERR(r))
		d_delete(d);
	d_lookup_done(d);
	if (IS_ERR(r))
		dput(d);
	return r ? r : d;
}

/* The child 'name' of dir, from the cache or the file system; a
 * reference, possibly negative, or an ERR_PTR. dir's lock not held. */
static struct dentry *lookup_one(struct dentry *dir, const char *name,
				 unsigned int len)
{
	struct dentry *d = d_lookup_fast(dir, name, len);
	struct inode *inode = dir->d_inode;

	if (d)
		return count_hit(d);
	inode_lock(inode);
	d = lookup_locked(dir, name, len);
	inode_unlock(inode);
	return d;
}

struct dentry *lookup_last(struct nameidata *nd)
{
	/* Removed while we waited for its lock: nothing may be added. */
	if (!nd->path.dentry->d_inode->i_nlink)
		return ERR_PTR(-ENOENT);
	return lookup_locked(nd->path.dentry, nd->last, nd->last_len);
}

int start_path(int dirfd, struct path *p)
{
	struct file *f;

	if (dirfd == AT_FDCWD) {
		path_get_locked(p, &vfs_cwd);
		return 0;
	}
	f = fget(dirfd);
	if (!f)
		return -EBADF;
	if (!S_ISDIR(f->f_inode->i_mode) || !f->f_path.dentry) {
		fput(f);
		return -ENOTDIR;
	}
	*p = f->f_path;
	path_get(p);
	fput(f);
	return 0;
}

void nd_release(struct nameidata *nd)
{
	if (nd->path.dentry)
		path_put(&nd->path);
	nd->path = (struct path){ NULL, NULL };
	kfree(nd->buf);
	nd->buf = NULL;
}

/* Splice the symlink target in front of rest (which keeps its slash);
 * the walk continues in the new buffer. */
static int splice_link(struct nameidata *nd, const char *target,
		       const char *rest, char **p)
{
	size_t tl = kstrlen(target), rl = kstrlen(rest);
	char *nb;

	if (++nd->total_links > MAXSYMLINKS)
		return -ELOOP;
	if (!tl)
		return -ENOENT;
	if (tl + rl + 1 > PATH_MAX_K)
		return -ENAMETOOLONG;
	nb = kmalloc(tl + rl + 1, GFP_KERNEL);
	if (!nb)
		return -ENOMEM;
	memcpy(nb, target, tl);
	memcpy(nb + tl, rest, rl + 1);
	kfree(nd->buf);
	nd->buf = nb;
	*p = nb;
	return 0;
}

static int last_kind(const char *s, unsigned int len)
{
	if (len == 1 && s[0] == '.')
		return LAST_DOT;
	if (len == 2 && s[0] == '.' && s[1] == '.')
		return LAST_DOTDOT;
	return LAST_NORM;
}

static void jump_root(struct nameidata *nd)
{
	path_put(&nd->path);
	path_get_locked(&nd->path, &vfs_root);
}

/*
 * One step: nd->path moves to the component [s, s+len). Returns 1 when a
 * symlink was spliced (the walk restarts at *p), 0 or -errno.
 */
static int walk_component(struct nameidata *nd, const char *s,
			  unsigned int len, char **p, bool last,
			  unsigned int flags)
{
	struct dentry *d;
	struct inode *inode;
	int kind = last_kind(s, len), err;

	if (!S_ISDIR(nd->path.dentry->d_inode->i_mode))
		return -ENOTDIR;
	if (kind == LAST_DOT)
		return 0;
	if (kind == LAST_DOTDOT) {
		follow_dotdot(&nd->path);
		return 0;
	}
	d = lookup_one(nd->path.dentry, s, len);
	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	if (!d->d_inode) {
		dput(d);
		return -ENOENT;
	}
	inode = d->d_inode;
	if (S_ISLNK(inode->i_mode) && (!last || (flags & LOOKUP_FOLLOW) ||
				       nd->trailing_slash)) {
		const char *tgt = inode->i_op && inode->i_op->get_link ?
				  inode->i_op->get_link(d) : NULL;

		err = tgt ? splice_link(nd, tgt, s + len, p) : -EINVAL;
		if (!err && tgt[0] == '/')
			jump_root(nd);
		dput(d);
		return err ? err : 1;
	}
	dput(nd->path.dentry);
	nd->path.dentry = d;
	follow_mounts(&nd->path);
	return 0;
}

static int walk_init(int dirfd, const char *name, unsigned int flags,
		     struct nameidata *nd)
{
	size_t len;
	int err;

	*nd = (struct nameidata){ .last_type = LAST_ROOT };
	if (!name)
		return -EFAULT;
	len = kstrnlen(name, PATH_MAX_K);
	if (len >= PATH_MAX_K)
		return -ENAMETOOLONG;
	if (!len && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	if (!vfs_root.mnt)
		return -ENOENT;
	nd->buf = kmalloc(len + 1, GFP_KERNEL);
	if (!nd->buf)
		return -ENOMEM;
	memcpy(nd->buf, name, len + 1);
	if (name[0] == '/') {
		path_get_locked(&nd->path, &vfs_root);
		return 0;
	}
	err = start_path(dirfd, &nd->path);
	if (err) {
		kfree(nd->buf);
		nd->buf = NULL;
	}
	return err;
}

static int walk(struct nameidata *nd, unsigned int flags)
{
	char *p = nd->buf, *s, *q;
	unsigned int len;
	int err;

	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			return 0;
		s = p;
		while (*p && *p != '/')
			p++;
		len = (unsigned int)(p - s);
		if (len > NAME_MAX_K)
			return -ENAMETOOLONG;
		q = p;
		while (*q == '/')
			q++;
		nd->trailing_slash = !*q && q > p;
		p = q;
		if (!*p && (flags & LOOKUP_PARENT)) {
			if (!S_ISDIR(nd->path.dentry->d_inode->i_mode))
				return -ENOTDIR;
			nd->last = s;
			nd->last_len = len;
			nd->last_type = last_kind(s, len);
			return 0;
		}
		err = walk_component(nd, s, len, &p, !*p, flags);
		if (err < 0)
			return err;
	}
}

int path_lookupat(int dirfd, const char *name, unsigned int flags,
		  struct nameidata *nd)
{
	int err = walk_init(dirfd, name, flags, nd);
	umode_t mode;

	if (err)
		return err;
	err = walk(nd, flags);
	if (!err && !(flags & LOOKUP_PARENT)) {
		mode = nd->path.dentry->d_inode->i_mode;
		if ((nd->trailing_slash || (flags & LOOKUP_DIRECTORY)) &&
		    !S_ISDIR(mode))
			err = -ENOTDIR;
	}
	if (err)
		nd_release(nd);
	return err;
}
