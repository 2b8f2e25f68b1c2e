/* SPDX-License-Identifier: MIT */
/*
 * Mounts: a file system's root grafted over a directory. A path is a
 * (mount, dentry) pair so that ".." at a mount's root can step back to
 * the mountpoint. The image has one namespace, one root and one current
 * directory.
 *
 * Interface: vfs_mount_root(fstype) (or vfs_mount_root_source(dev, ...))
 * at the fs level, then vfs_mount(target, fstype, flags, data) or
 * vfs_mount_source(dev, target, ...) / vfs_umount(target) (-EBUSY while
 * a file, a cwd or another mount uses it); lookup_mnt for the walk;
 * vfs_sync_all / vfs_syncfs; vfs_shutdown_mounts at power-off (vfs_boot.c
 * hooks it): each mount, newest first, drops its unused dentries and is
 * shut down (or synced) by its file system, so disks are left clean.
 *
 * Locking: mount_lock, a spinlock, guards the mount list, mnt_count,
 * vfs_root and vfs_cwd (taken before dcache_lock when both are needed:
 * the path getters); namespace_mutex serializes mount, umount and the
 * sync walks, which sleep. lookup_mnt returns its mount with a
 * reference, so a concurrent umount sees it busy.
 */
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/string.h>
#include "vfs_internal.h"

struct path vfs_root;
struct path vfs_cwd;
static LIST_HEAD(mounts);
DEFINE_SPINLOCK(mount_lock);
static DEFINE_MUTEX(namespace_mutex);

struct vfsmount *mntget(struct vfsmount *m)
{
	if (m)
		__atomic_fetch_add(&m->mnt_count, 1, __ATOMIC_RELAXED);
	return m;
}

void mntput(struct vfsmount *m)
{
	if (m && __atomic_sub_fetch(&m->mnt_count, 1, __ATOMIC_RELAXED) < 0)
		pr_err("vfs: mntput of an unused mount\n");
}

void path_get(const struct path *p)
{
	mntget(p->mnt);
	dget(p->dentry);
}

void path_put(const struct path *p)
{
	dput(p->dentry);
	mntput(p->mnt);
}

/* *src copied into *dst with references, atomically against a chdir or
 * a root change (vfs_root, vfs_cwd). */
void path_get_locked(struct path *dst, const struct path *src)
{
	spin_lock(&mount_lock);
	*dst = *src;
	path_get(dst);
	spin_unlock(&mount_lock);
}

/* Make p the current directory (taking over its references). */
void set_cwd(struct path *p)
{
	struct path old;

	spin_lock(&mount_lock);
	old = vfs_cwd;
	vfs_cwd = *p;
	spin_unlock(&mount_lock);
	path_put(&old);
}

/* mount_lock held. */
static struct vfsmount *__lookup_mnt(struct vfsmount *mnt, struct dentry *d)
{
	struct vfsmount *m;

	list_for_each_entry(m, &mounts, mnt_list)
		if (m->mnt_parent == mnt && m->mnt_mountpoint == d)
			return m;
	return NULL;
}

struct vfsmount *lookup_mnt(struct vfsmount *mnt, struct dentry *d)
{
	struct vfsmount *m;

	if (!(__atomic_load_n(&d->d_flags, __ATOMIC_RELAXED) &
	      DCACHE_MOUNTED))
		return NULL;
	spin_lock(&mount_lock);
	m = mntget(__lookup_mnt(mnt, d));
	spin_unlock(&mount_lock);
	return m;
}

static struct vfsmount *mount_fs(const char *source, const char *fstype,
				 int flags, const void *data)
{
	struct file_system_type *fs = get_fs_type(fstype);
	struct super_block *sb;
	struct vfsmount *m;

	if (!fs)
		return ERR_PTR(-ENODEV);
	if (fs->fs_flags & FS_REQUIRES_DEV) {
		if (!source || !*source)
			return ERR_PTR(-EINVAL);
		data = source;
	}
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return ERR_PTR(-ENOMEM);
	sb = fs->mount(fs, flags, data);
	if (IS_ERR(sb)) {
		kfree(m);
		return (void *)sb;
	}
	m->mnt_sb = sb;
	m->mnt_root = sb->s_root;
	m->mnt_count = 1;
	m->mnt_parent = m;
	m->mnt_mountpoint = sb->s_root;
	return m;
}

static void mnt_add(struct vfsmount *m)
{
	spin_lock(&mount_lock);
	list_add_tail(&m->mnt_list, &mounts);
	spin_unlock(&mount_lock);
}

int vfs_mount_root(const char *fstype)
{
	return vfs_mount_root_source(NULL, fstype, 0);
}

int vfs_mount_root_source(const char *source, const char *fstype,
			  int flags)
{
	struct vfsmount *m;
	int err = -EBUSY;

	mutex_lock(&namespace_mutex);
	if (vfs_root.mnt)
		goto out;
	m = mount_fs(source, fstype, flags, NULL);
	err = IS_ERR(m) ? (int)PTR_ERR(m) : 0;
	if (err)
		goto out;
	mnt_add(m);
	dget(m->mnt_root);
	dget(m->mnt_root);
	mntget(m);
	spin_lock(&mount_lock);
	vfs_root = (struct path){ m, m->mnt_root };
	vfs_cwd = (struct path){ mntget(m), m->mnt_root };
	spin_unlock(&mount_lock);
out:
	mutex_unlock(&namespace_mutex);
	return err;
}

int vfs_mount(const char *target, const char *fstype, int flags,
	      const void *data)
{
	return vfs_mount_source(NULL, target, fstype, flags, data);
}

int vfs_mount_source(const char *source, const char *target,
		     const char *fstype, int flags, const void *data)
{
	struct nameidata nd;
	struct vfsmount *m;
	int err;

	err = path_lookupat(AT_FDCWD, target, LOOKUP_FOLLOW |
			    LOOKUP_DIRECTORY, &nd);
	if (err)
		return err;
	mutex_lock(&namespace_mutex);
	m = mount_fs(source, fstype, flags, data);
	if (IS_ERR(m)) {
		mutex_unlock(&namespace_mutex);
		nd_release(&nd);
		return (int)PTR_ERR(m);
	}
	/* The mount keeps the references the walk took. */
	m->mnt_parent = nd.path.mnt;
	m->mnt_mountpoint = nd.path.dentry;
	spin_lock(&mount_lock);
	list_add_tail(&m->mnt_list, &mounts);
	spin_lock(&dcache_lock);
	nd.path.dentry->d_flags |= DCACHE_MOUNTED;
	spin_unlock(&dcache_lock);
	spin_unlock(&mount_lock);
	mutex_unlock(&namespace_mutex);
	nd.path = (struct path){ NULL, NULL };
	nd_release(&nd);
	return 0;
}

/* mount_lock held. */
static bool mnt_has_children(struct vfsmount *mnt)
{
	struct vfsmount *m;

	list_for_each_entry(m, &mounts, mnt_list)
		if (m->mnt_parent == mnt && m != mnt)
			return true;
	return false;
}

int vfs_umount(const char *target)
{
	struct nameidata nd;
	struct vfsmount *m;
	struct dentry *mp;
	int err;

	err = path_lookupat(AT_FDCWD, target, LOOKUP_FOLLOW, &nd);
	if (err)
		return err;
	m = nd.path.mnt;
	if (nd.path.dentry != m->mnt_root || m->mnt_parent == m) {
		nd_release(&nd);
		return -EINVAL;
	}
	mutex_lock(&namespace_mutex);
	nd_release(&nd);
	spin_lock(&mount_lock);
	if (m->mnt_count > 1 || mnt_has_children(m)) {
		spin_unlock(&mount_lock);
		mutex_unlock(&namespace_mutex);
		return -EBUSY;
	}
	mp = m->mnt_mountpoint;
	list_del(&m->mnt_list);
	if (!__lookup_mnt(m->mnt_parent, mp)) {
		spin_lock(&dcache_lock);
		mp->d_flags &= ~DCACHE_MOUNTED;
		spin_unlock(&dcache_lock);
	}
	spin_unlock(&mount_lock);
	dput(mp);
	mntput(m->mnt_parent);
	if (m->mnt_sb->s_type->kill_sb)
		m->mnt_sb->s_type->kill_sb(m->mnt_sb);
	mutex_unlock(&namespace_mutex);
	kfree(m);
	return 0;
}

int vfs_syncfs(struct super_block *sb)
{
	return sb->s_op && sb->s_op->sync_fs ? sb->s_op->sync_fs(sb) : 0;
}

int vfs_sync_all(void)
{
	struct vfsmount *m;
	int err = 0, e;

	/* The list changes only under namespace_mutex. */
	mutex_lock(&namespace_mutex);
	list_for_each_entry(m, &mounts, mnt_list) {
		e = vfs_syncfs(m->mnt_sb);
		if (e && !err)
			err = e;
	}
	mutex_unlock(&namespace_mutex);
	return err;
}

void vfs_shutdown_mounts(void)
{
	struct vfsmount *m;
	struct super_block *sb;

	list_for_each_entry_reverse(m, &mounts, mnt_list) {
		sb = m->mnt_sb;
		shrink_dcache_sb(sb);
		if (sb->s_op && sb->s_op->shutdown)
			sb->s_op->shutdown(sb);
		else
			vfs_syncfs(sb);
	}
}
