/* SPDX-License-Identifier: MIT */
/*
 * Files without a name: O_TMPFILE and memfd_create. Both make a regular
 * file in a directory under a private name and unlink it at once, so
 * only the open file holds it; its data go when it is closed. O_TMPFILE
 * does it in the directory given (its file system: ramfs or ext2);
 * memfd_create in a ramfs instance of its own, mounted nowhere.
 *
 * Linux's checks: O_TMPFILE wants write access and no O_CREAT
 * (-EINVAL), a directory (-ENOTDIR), and a file system that can create
 * and unlink (-EOPNOTSUPP). Not here: linkat(AT_EMPTY_PATH) giving such
 * a file a name (-ENOENT), and memfd seals (F_ADD_SEALS is -EINVAL).
 *
 * Interface: vfs_open_tmpfile (vfs_internal.h), memfd_create(2).
 */
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/string.h>
#include <pith/syscall.h>
#include "vfs_internal.h"

#define MFD_CLOEXEC		0x1
#define MFD_ALLOW_SEALING	0x2
#define MFD_HUGETLB		0x4
#define MFD_NOEXEC_SEAL		0x8
#define MFD_EXEC		0x10
#define MFD_NAME_MAX		249	/* NAME_MAX less "memfd:" */

static unsigned long tmp_seq;

/* A fresh name in dir: a negative dentry with a reference. */
static struct dentry *tmp_dentry(struct path *dir, const char *prefix)
{
	struct nameidata nd = { .path = *dir };
	char name[NAME_MAX_K + 1];

	for (int tries = 0; tries < 100; tries++) {
		struct dentry *d;

		ksnprintf(name, sizeof(name), "%s#%lu", prefix, ++tmp_seq);
		nd.last = name;
		nd.last_len = (unsigned int)kstrlen(name);
		d = lookup_last(&nd);
		if (IS_ERR(d) || !d->d_inode)
			return d;
		dput(d);
	}
	return ERR_PTR(-EEXIST);
}

static int tmpfile_in(struct path *dir, const char *prefix, int flags,
		      umode_t mode, struct file **out)
{
	struct inode *di = dir->dentry->d_inode;
	struct dentry *d;
	int err;

	if (!di->i_op || !di->i_op->create || !di->i_op->unlink)
		return -EOPNOTSUPP;
	/* The name exists only between create and unlink, both under the
	 * directory's lock: no other thread ever sees it. */
	inode_lock(di);
	d = tmp_dentry(dir, prefix);
	if (IS_ERR(d)) {
		inode_unlock(di);
		return (int)PTR_ERR(d);
	}
	err = di->i_op->create(di, d, S_IFREG | (mode & S_IALLUGO));
	if (!err && !d->d_inode)
		err = -EIO;
	if (!err) {
		err = di->i_op->unlink(di, d);
		d_delete(d);
	}
	inode_unlock(di);
	if (!err) {
		struct path p = { dir->mnt, d };

		err = do_open(&p, flags, true, out);
	}
	dput(d);
	return err;
}

int vfs_open_tmpfile(int dirfd, const char *name, int flags, umode_t mode,
		     struct file **out)
{
	int acc = flags & O_ACCMODE;
	struct nameidata nd;
	int err;

	if ((flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE)
		return -EINVAL;
	if (acc != O_WRONLY && acc != O_RDWR)
		return -EINVAL;
	err = path_lookupat(dirfd, name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY,
			    &nd);
	if (err)
		return err;
	err = tmpfile_in(&nd.path, "#tmpfile", flags & ~O_TMPFILE, mode, out);
	nd_release(&nd);
	return err;
}

/* memfd's own ramfs, mounted nowhere (made on first use). */
static struct vfsmount *memfd_mnt;

static int memfd_mount(void)
{
	struct file_system_type *fs = get_fs_type("ramfs");
	struct super_block *sb;
	struct vfsmount *m;

	if (!fs)
		return -ENOSYS;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	sb = fs->mount(fs, 0, NULL);
	if (IS_ERR(sb)) {
		kfree(m);
		return (int)PTR_ERR(sb);
	}
	m->mnt_root = sb->s_root;
	m->mnt_sb = sb;
	m->mnt_parent = m;
	m->mnt_mountpoint = sb->s_root;
	m->mnt_count = 1;
	INIT_LIST_HEAD(&m->mnt_list);
	memfd_mnt = m;
	return 0;
}

static long sys_memfd_create(long uname, long flags)
{
	const char *name = (const char *)uname;
	struct file *f;
	struct path p;
	char prefix[NAME_MAX_K + 1];
	int err, fd;

	if (flags & ~(long)(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL |
			    MFD_EXEC | MFD_HUGETLB))
		return -EINVAL;
	if ((flags & MFD_HUGETLB) ||
	    ((flags & MFD_EXEC) && (flags & MFD_NOEXEC_SEAL)))
		return -EINVAL;
	if (!name)
		return -EFAULT;
	if (kstrnlen(name, MFD_NAME_MAX + 1) > MFD_NAME_MAX)
		return -EINVAL;
	if (!memfd_mnt && (err = memfd_mount()))
		return err;
	/* "/" would not do in a name: the file is never looked up. */
	ksnprintf(prefix, sizeof(prefix), "memfd:%s", name);
	for (char *c = prefix; *c; c++)
		if (*c == '/')
			*c = '_';
	p = (struct path){ memfd_mnt, memfd_mnt->mnt_root };
	err = tmpfile_in(&p, prefix, O_RDWR | O_LARGEFILE, 0777, &f);
	if (err)
		return err;
	fd = fd_install(f, flags & MFD_CLOEXEC);
	if (fd < 0)
		fput(f);
	return fd;
}
SYSCALL(memfd_create, "sx", sys_memfd_create);
