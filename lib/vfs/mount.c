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
 */
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/string.h>
#include "vfs_internal.h"

struct path vfs_root;
struct path vfs_cwd;
static LIST_HEAD(mounts);

struct vfsmount *mntget(struct vfsmount *m)
{
	if (m)
		m->mnt_count++;
	return m;
}

void mntput(struct vfsmount *m)
{
	if (m && --m->mnt_count < 0)
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

struct vfsmount *lookup_mnt(struct vfsmount *mnt, struct dentry *d)
{
	struct vfsmount *m;

	if (!(d->d_flags & DCACHE_MOUNTED))
		return NULL;
	list_for_each_entry(m, &mounts, mnt_list)
		if (m->mnt_parent == mnt && m->mnt_mountpoint == d)
			return m;
	return NULL;
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
	list_add_tail(&m->mnt_list, &mounts);
	return m;
}

int vfs_mount_root(const char *fstype)
{
	return vfs_mount_root_source(NULL, fstype, 0);
}

int vfs_mount_root_source(const char *source, const char *fstype,
			  int flags)
{
	struct vfsmount *m;

	if (vfs_root.mnt)
		return -EBUSY;
	m = mount_fs(source, fstype, flags, NULL);
	if (IS_ERR(m))
		return (int)PTR_ERR(m);
	vfs_root = (struct path){ m, dget(m->mnt_root) };
	vfs_cwd = vfs_root;
	path_get(&vfs_cwd);
	mntget(m);
	return 0;
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
	m = mount_fs(source, fstype, flags, data);
	if (IS_ERR(m)) {
		nd_release(&nd);
		return (int)PTR_ERR(m);
	}
	/* The mount keeps the references the walk took. */
	m->mnt_parent = nd.path.mnt;
	m->mnt_mountpoint = nd.path.dentry;
	nd.path.dentry->d_flags |= DCACHE_MOUNTED;
	nd.path = (struct path){ NULL, NULL };
	nd_release(&nd);
	return 0;
}

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
	nd_release(&nd);
	if (m->mnt_count > 1 || mnt_has_children(m))
		return -EBUSY;
	mp = m->mnt_mountpoint;
	list_del(&m->mnt_list);
	if (!lookup_mnt(m->mnt_parent, mp))
		mp->d_flags &= ~DCACHE_MOUNTED;
	dput(mp);
	mntput(m->mnt_parent);
	if (m->mnt_sb->s_type->kill_sb)
		m->mnt_sb->s_type->kill_sb(m->mnt_sb);
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

	list_for_each_entry(m, &mounts, mnt_list) {
		e = vfs_syncfs(m->mnt_sb);
		if (e && !err)
			err = e;
	}
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
