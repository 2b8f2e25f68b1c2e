/* SPDX-License-Identifier: MIT */
/*
 * Extended attributes: no file system here keeps them, so the calls
 * answer as Linux does for a file system without xattr handlers (its
 * ramfs): the name is resolved (ENOENT, ENOTDIR, ELOOP, EBADF as usual)
 * and the attribute name and size checked (ERANGE, E2BIG, EINVAL), then
 * get, set and remove give EOPNOTSUPP and list gives an empty list.
 * Attributes already on an ext2 image are not read.
 *
 * Interface: SYSCALL() registrations only.
 */
#include <pith/string.h>
#include <pith/syscall.h>
#include "vfs_internal.h"

#define XATTR_CREATE	0x1
#define XATTR_REPLACE	0x2
#define XATTR_NAME_MAX	255
#define XATTR_SIZE_MAX	65536

/* Resolve a name (follow or not) or an fd; 0 or -errno. */
static int xattr_target(long fd, const char *name, bool follow)
{
	struct nameidata nd;
	struct file *f;
	int err;

	if (name) {
		err = path_lookupat(AT_FDCWD, name, follow ? LOOKUP_FOLLOW : 0,
				    &nd);
		if (!err)
			nd_release(&nd);
		return err;
	}
	f = fget((int)fd);
	if (!f)
		return -EBADF;
	err = (f->f_mode & FMODE_PATH) ? -EBADF : 0;
	fput(f);
	return err;
}

static int xattr_name_ok(const char *attr)
{
	size_t n;

	if (!attr)
		return -EFAULT;
	n = kstrnlen(attr, XATTR_NAME_MAX + 1);
	return !n || n > XATTR_NAME_MAX ? -ERANGE : 0;
}

static long do_getxattr(long fd, const char *name, bool follow,
			const char *attr)
{
	int err = xattr_target(fd, name, follow);

	if (!err)
		err = xattr_name_ok(attr);
	return err ? err : -EOPNOTSUPP;
}

static long do_setxattr(long fd, const char *name, bool follow,
			const char *attr, long size, long flags)
{
	int err = xattr_target(fd, name, follow);

	if (err)
		return err;
	if (flags & ~(long)(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	err = xattr_name_ok(attr);
	if (err)
		return err;
	if ((unsigned long)size > XATTR_SIZE_MAX)
		return -E2BIG;
	return -EOPNOTSUPP;
}

static long do_listxattr(long fd, const char *name, bool follow)
{
	return xattr_target(fd, name, follow);	/* 0: the list is empty */
}

static long sys_getxattr(long n, long a, long v, long s)
{
	return do_getxattr(-1, (const char *)n, true, (const char *)a);
}
SYSCALL(getxattr, "ssp", sys_getxattr);

static long sys_lgetxattr(long n, long a, long v, long s)
{
	return do_getxattr(-1, (const char *)n, false, (const char *)a);
}
SYSCALL(lgetxattr, "ssp", sys_lgetxattr);

static long sys_fgetxattr(long fd, long a, long v, long s)
{
	return do_getxattr(fd, NULL, false, (const char *)a);
}
SYSCALL(fgetxattr, "dsp", sys_fgetxattr);

static long sys_setxattr(long n, long a, long v, long s, long fl)
{
	return do_setxattr(-1, (const char *)n, true, (const char *)a, s, fl);
}
SYSCALL(setxattr, "sspux", sys_setxattr);

static long sys_lsetxattr(long n, long a, long v, long s, long fl)
{
	return do_setxattr(-1, (const char *)n, false, (const char *)a, s, fl);
}
SYSCALL(lsetxattr, "sspux", sys_lsetxattr);

static long sys_fsetxattr(long fd, long a, long v, long s, long fl)
{
	return do_setxattr(fd, NULL, false, (const char *)a, s, fl);
}
SYSCALL(fsetxattr, "dspux", sys_fsetxattr);

static long sys_listxattr(long n, long l, long s)
{
	return do_listxattr(-1, (const char *)n, true);
}
SYSCALL(listxattr, "spu", sys_listxattr);

static long sys_llistxattr(long n, long l, long s)
{
	return do_listxattr(-1, (const char *)n, false);
}
SYSCALL(llistxattr, "spu", sys_llistxattr);

static long sys_flistxattr(long fd, long l, long s)
{
	return do_listxattr(fd, NULL, false);
}
SYSCALL(flistxattr, "dpu", sys_flistxattr);

static long sys_removexattr(long n, long a)
{
	return do_getxattr(-1, (const char *)n, true, (const char *)a);
}
SYSCALL(removexattr, "ss", sys_removexattr);

static long sys_lremovexattr(long n, long a)
{
	return do_getxattr(-1, (const char *)n, false, (const char *)a);
}
SYSCALL(lremovexattr, "ss", sys_lremovexattr);

static long sys_fremovexattr(long fd, long a)
{
	return do_getxattr(fd, NULL, false, (const char *)a);
}
SYSCALL(fremovexattr, "ds", sys_fremovexattr);
