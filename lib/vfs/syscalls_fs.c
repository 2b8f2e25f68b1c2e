/* SPDX-License-Identifier: MIT */
/*
 * The name system calls: open family, stat family, access, mkdir,
 * rmdir, unlink, rename, link, symlink, readlink, truncate, chdir,
 * getcwd, chmod, umask, utimensat, mount. Each *at form takes a
 * directory fd or AT_FDCWD; the old forms call it with AT_FDCWD.
 *
 * Interface: SYSCALL() registrations only.
 */
#include <pith/string.h>
#include <pith/syscall.h>
#include "vfs_internal.h"

#define F_OK		0
#define UTIME_NOW	((1l << 30) - 1l)
#define UTIME_OMIT	((1l << 30) - 2l)

static umode_t cur_umask = 022;

static long sys_openat(long dirfd, long name, long flags, long mode)
{
	struct file *f;
	int err, fd;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		mode &= ~(long)cur_umask;
	err = vfs_open((int)dirfd, (const char *)name, (int)flags,
		       (umode_t)mode, &f);
	if (err)
		return err;
	fd = fd_install(f, flags & O_CLOEXEC);
	if (fd < 0)
		fput(f);
	return fd;
}
SYSCALL(openat, "dsoo", sys_openat);

static long sys_open(long name, long flags, long mode)
{
	return sys_openat(AT_FDCWD, name, flags, mode);
}
SYSCALL(open, "soo", sys_open);

static long sys_creat(long name, long mode)
{
	return sys_openat(AT_FDCWD, name, O_CREAT | O_WRONLY | O_TRUNC, mode);
}
SYSCALL(creat, "so", sys_creat);

static long sys_newfstatat(long dirfd, long name, long st, long flags)
{
	if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800))
		return -EINVAL;
	if ((flags & AT_EMPTY_PATH) && name && !*(const char *)name) {
		struct file *f = dirfd == AT_FDCWD ? NULL : fget((int)dirfd);
		int r;

		if (dirfd == AT_FDCWD)
			return vfs_stat(AT_FDCWD, ".", 0, (struct kstat *)st);
		if (!f)
			return -EBADF;
		r = vfs_fstat(f, (struct kstat *)st);
		fput(f);
		return r;
	}
	return vfs_stat((int)dirfd, (const char *)name, (int)flags,
			(struct kstat *)st);
}
SYSCALL(newfstatat, "dspx", sys_newfstatat);

/* Linux x86-64's struct statfs. */
struct statfs_k {
	long f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int f_fsid[2];
	long f_namelen, f_frsize, f_flags, f_spare[4];
};

static long put_statfs(const struct kstatfs *k, long buf)
{
	struct statfs_k *u = (struct statfs_k *)buf;

	memset(u, 0, sizeof(*u));
	u->f_type = k->f_type;
	u->f_bsize = u->f_frsize = k->f_bsize;
	u->f_blocks = k->f_blocks;
	u->f_bfree = k->f_bfree;
	u->f_bavail = k->f_bavail;
	u->f_files = k->f_files;
	u->f_ffree = k->f_ffree;
	u->f_namelen = k->f_namelen;
	u->f_flags = k->f_flags;
	return 0;
}

static long sys_statfs(long name, long buf)
{
	struct kstatfs k;
	int err = vfs_statfs(AT_FDCWD, (const char *)name, NULL, &k);

	return err ? err : put_statfs(&k, buf);
}
SYSCALL(statfs, "sp", sys_statfs);

static long sys_fstatfs(long fd, long buf)
{
	struct file *f = fget((int)fd);
	struct kstatfs k;
	int err;

	if (!f)
		return -EBADF;
	err = vfs_statfs(AT_FDCWD, NULL, f, &k);
	fput(f);
	return err ? err : put_statfs(&k, buf);
}
SYSCALL(fstatfs, "dp", sys_fstatfs);

static long sys_stat(long name, long st)
{
	return vfs_stat(AT_FDCWD, (const char *)name, 0, (struct kstat *)st);
}
SYSCALL(stat, "sp", sys_stat);

static long sys_lstat(long name, long st)
{
	return vfs_stat(AT_FDCWD, (const char *)name, AT_SYMLINK_NOFOLLOW,
			(struct kstat *)st);
}
SYSCALL(lstat, "sp", sys_lstat);

/* One user (root): a name that resolves is accessible, except that
 * X_OK wants some execute bit on a non-directory, as Linux does. */
static long sys_faccessat(long dirfd, long name, long mode)
{
	struct kstat st;
	int err;

	if (mode & ~7l)
		return -EINVAL;
	err = vfs_stat((int)dirfd, (const char *)name, 0, &st);
	if (err)
		return err;
	if ((mode & 1) && !S_ISDIR(st.st_mode) && !(st.st_mode & 0111))
		return -EACCES;
	return 0;
}
SYSCALL(faccessat, "dsd", sys_faccessat);

static long sys_faccessat2(long dirfd, long name, long mode, long flags)
{
	if (flags & ~(long)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return sys_faccessat(dirfd, name, mode);
}
SYSCALL(faccessat2, "dsdx", sys_faccessat2);

static long sys_access(long name, long mode)
{
	return sys_faccessat(AT_FDCWD, name, mode);
}
SYSCALL(access, "sd", sys_access);

static long sys_mkdirat(long dirfd, long name, long mode)
{
	/* Linux: set-user/group-ID bits of mkdir's mode are ignored. */
	return vfs_mkdir((int)dirfd, (const char *)name,
			 (umode_t)mode & (0777 | S_ISVTX) & ~cur_umask);
}
SYSCALL(mkdirat, "dso", sys_mkdirat);

static long sys_mkdir(long name, long mode)
{
	return sys_mkdirat(AT_FDCWD, name, mode);
}
SYSCALL(mkdir, "so", sys_mkdir);

static long sys_mknodat(long dirfd, long name, long mode, long dev)
{
	return vfs_mknod((int)dirfd, (const char *)name,
			 (umode_t)mode & ~cur_umask, (dev_t_k)dev);
}
SYSCALL(mknodat, "dsox", sys_mknodat);

static long sys_mknod(long name, long mode, long dev)
{
	return sys_mknodat(AT_FDCWD, name, mode, dev);
}
SYSCALL(mknod, "sox", sys_mknod);

static long sys_rmdir(long name)
{
	return vfs_rmdir(AT_FDCWD, (const char *)name);
}
SYSCALL(rmdir, "s", sys_rmdir);

static long sys_unlinkat(long dirfd, long name, long flags)
{
	if (flags & ~(long)AT_REMOVEDIR)
		return -EINVAL;
	if (flags & AT_REMOVEDIR)
		return vfs_rmdir((int)dirfd, (const char *)name);
	return vfs_unlink((int)dirfd, (const char *)name);
}
SYSCALL(unlinkat, "dsx", sys_unlinkat);

static long sys_unlink(long name)
{
	return vfs_unlink(AT_FDCWD, (const char *)name);
}
SYSCALL(unlink, "s", sys_unlink);

static long sys_renameat2(long od, long old, long nd, long new, long flags)
{
	return vfs_rename((int)od, (const char *)old, (int)nd,
			  (const char *)new, (unsigned int)flags);
}
SYSCALL(renameat2, "dsdsx", sys_renameat2);

static long sys_renameat(long od, long old, long nd, long new)
{
	return sys_renameat2(od, old, nd, new, 0);
}
SYSCALL(renameat, "dsds", sys_renameat);

static long sys_rename(long old, long new)
{
	return sys_renameat2(AT_FDCWD, old, AT_FDCWD, new, 0);
}
SYSCALL(rename, "ss", sys_rename);

static long sys_linkat(long od, long old, long nd, long new, long flags)
{
	if (flags & ~(long)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return vfs_link((int)od, (const char *)old, (int)nd,
			(const char *)new, (int)flags);
}
SYSCALL(linkat, "dsdsx", sys_linkat);

static long sys_link(long old, long new)
{
	return sys_linkat(AT_FDCWD, old, AT_FDCWD, new, 0);
}
SYSCALL(link, "ss", sys_link);

static long sys_symlinkat(long target, long dirfd, long name)
{
	return vfs_symlink((const char *)target, (int)dirfd,
			   (const char *)name);
}
SYSCALL(symlinkat, "sds", sys_symlinkat);

static long sys_symlink(long target, long name)
{
	return sys_symlinkat(target, AT_FDCWD, name);
}
SYSCALL(symlink, "ss", sys_symlink);

static long sys_readlinkat(long dirfd, long name, long buf, long len)
{
	return vfs_readlink((int)dirfd, (const char *)name, (char *)buf,
			    (size_t)len);
}
SYSCALL(readlinkat, "dspd", sys_readlinkat);

static long sys_readlink(long name, long buf, long len)
{
	return sys_readlinkat(AT_FDCWD, name, buf, len);
}
SYSCALL(readlink, "spd", sys_readlink);

static long sys_truncate(long name, long len)
{
	struct nameidata nd;
	int err = path_lookupat(AT_FDCWD, (const char *)name, LOOKUP_FOLLOW,
				&nd);

	if (err)
		return err;
	err = vfs_truncate(nd.path.dentry, len);
	nd_release(&nd);
	return err;
}
SYSCALL(truncate, "sd", sys_truncate);

static long sys_ftruncate(long fd, long len)
{
	struct file *f;
	int err = -EINVAL;

	if (len < 0)
		return -EINVAL;		/* Linux checks this before the fd */
	f = fget((int)fd);
	if (!f)
		return -EBADF;
	if (S_ISREG(f->f_inode->i_mode) && (f->f_mode & FMODE_WRITE) &&
	    f->f_path.dentry)
		err = vfs_truncate(f->f_path.dentry, len);
	fput(f);
	return err;
}
SYSCALL(ftruncate, "dd", sys_ftruncate);

static long sys_chdir(long name)
{
	return vfs_chdir(AT_FDCWD, (const char *)name);
}
SYSCALL(chdir, "s", sys_chdir);

static long sys_fchdir(long fd)
{
	return vfs_chdir((int)fd, "");
}
SYSCALL(fchdir, "d", sys_fchdir);

static long sys_getcwd(long buf, long len)
{
	return vfs_getcwd((char *)buf, (size_t)len);
}
SYSCALL(getcwd, "pd", sys_getcwd);

static long sys_umask(long mask)
{
	umode_t old = cur_umask;

	cur_umask = (umode_t)mask & 0777;
	return old;
}
SYSCALL(umask, "o", sys_umask);

static int chmod_path(struct path *p, umode_t mode)
{
	struct iattr ia = { .ia_valid = ATTR_MODE, .ia_mode = mode };

	return vfs_setattr(p->dentry, &ia);
}

static long sys_fchmodat(long dirfd, long name, long mode)
{
	struct nameidata nd;
	int err = path_lookupat((int)dirfd, (const char *)name, LOOKUP_FOLLOW,
				&nd);

	if (err)
		return err;
	err = chmod_path(&nd.path, (umode_t)mode);
	nd_release(&nd);
	return err;
}
SYSCALL(fchmodat, "dso", sys_fchmodat);

static long sys_chmod(long name, long mode)
{
	return sys_fchmodat(AT_FDCWD, name, mode);
}
SYSCALL(chmod, "so", sys_chmod);

static long sys_fchmod(long fd, long mode)
{
	struct file *f = fget((int)fd);
	int err = -EBADF;

	if (!f)
		return -EBADF;
	if (f->f_path.dentry && !(f->f_mode & FMODE_PATH))
		err = chmod_path(&f->f_path, (umode_t)mode);
	fput(f);
	return err;
}
SYSCALL(fchmod, "do", sys_fchmod);

/*
 * path_lookupat, except that with LOOKUP_EMPTY an empty name means the
 * file dirfd itself, whatever its type (the walk only starts at
 * directories): futimens, fchownat(AT_EMPTY_PATH).
 */
static int empty_path_lookup(long dirfd, const char *name,
			     unsigned int lookup, struct nameidata *nd)
{
	struct file *f;

	if (!name && dirfd == AT_FDCWD)
		return -EFAULT;
	if (!(lookup & LOOKUP_EMPTY) || (name && *name) || dirfd == AT_FDCWD)
		return path_lookupat((int)dirfd, name ? name : "", lookup, nd);
	f = fget((int)dirfd);
	if (!f)
		return -EBADF;
	*nd = (struct nameidata){ .path = f->f_path };
	if (!nd->path.dentry) {
		fput(f);
		return -EBADF;
	}
	path_get(&nd->path);
	fput(f);
	return 0;
}

static bool set_time(const struct timespec_k *ts, struct timespec_k *out,
		     int *err)
{
	if (!ts) {
		*out = current_time_k();
		return true;
	}
	if (ts->tv_nsec == UTIME_OMIT)
		return false;
	if (ts->tv_nsec == UTIME_NOW) {
		*out = current_time_k();
		return true;
	}
	if (ts->tv_nsec < 0 || ts->tv_nsec > 999999999)
		*err = -EINVAL;
	*out = *ts;
	return true;
}

static long sys_utimensat(long dirfd, long name, long times, long flags)
{
	const struct timespec_k *ts = (const struct timespec_k *)times;
	struct iattr ia = { 0 };
	struct nameidata nd;
	int err = 0;

	if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (set_time(ts ? &ts[0] : NULL, &ia.ia_atime, &err))
		ia.ia_valid |= ATTR_ATIME;
	if (set_time(ts ? &ts[1] : NULL, &ia.ia_mtime, &err))
		ia.ia_valid |= ATTR_MTIME;
	if (err)
		return err;
	/* A NULL name (futimens) is the fd itself. */
	err = empty_path_lookup(dirfd, (const char *)name,
				(flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
				(!name || (flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
				&nd);
	if (err)
		return err;
	err = vfs_setattr(nd.path.dentry, &ia);
	nd_release(&nd);
	return err;
}
SYSCALL(utimensat, "dspx", sys_utimensat);

/* The older time setters, in seconds (utime) or microseconds. */
struct timeval_k {
	int64_t tv_sec;
	long tv_usec;
};

static long sys_futimesat(long dirfd, long name, long tv)
{
	const struct timeval_k *t = (const struct timeval_k *)tv;
	struct timespec_k ts[2];

	if (!t)
		return sys_utimensat(dirfd, name, 0, 0);
	for (int i = 0; i < 2; i++) {
		if (t[i].tv_usec < 0 || t[i].tv_usec >= 1000000)
			return -EINVAL;
		ts[i] = (struct timespec_k){ t[i].tv_sec, t[i].tv_usec * 1000 };
	}
	return sys_utimensat(dirfd, name, (long)ts, 0);
}
SYSCALL(futimesat, "dsp", sys_futimesat);

static long sys_utimes(long name, long tv)
{
	return sys_futimesat(AT_FDCWD, name, tv);
}
SYSCALL(utimes, "sp", sys_utimes);

static long sys_utime(long name, long buf)
{
	const int64_t *u = (const int64_t *)buf;	/* actime, modtime */
	struct timespec_k ts[2];

	if (!u)
		return sys_utimensat(AT_FDCWD, name, 0, 0);
	ts[0] = (struct timespec_k){ u[0], 0 };
	ts[1] = (struct timespec_k){ u[1], 0 };
	return sys_utimensat(AT_FDCWD, name, (long)ts, 0);
}
SYSCALL(utime, "sp", sys_utime);

static long sys_mount(long src, long target, long type, long flags,
		      long data)
{
	if (!type)
		return -EINVAL;
	return vfs_mount_source((const char *)src, (const char *)target,
				(const char *)type, (int)(flags & MS_RDONLY),
				(const void *)data);
}
SYSCALL(mount, "sssxp", sys_mount);

static long sys_umount2(long target, long flags)
{
	return vfs_umount((const char *)target);
}
SYSCALL(umount2, "sx", sys_umount2);

#define AT_NO_AUTOMOUNT		0x800
#define AT_STATX_SYNC_TYPE	0x6000
#define STATX_RESERVED		0x80000000u

/* The kstat of dirfd itself (AT_EMPTY_PATH with ""), or of a name. */
static int stat_at(long dirfd, const char *name, long flags,
		   struct kstat *st)
{
	if ((flags & AT_EMPTY_PATH) && (!name || !*name)) {
		struct file *f;
		int r;

		if (dirfd == AT_FDCWD)
			return vfs_stat(AT_FDCWD, ".", 0, st);
		f = fget((int)dirfd);
		if (!f)
			return -EBADF;
		r = vfs_fstat(f, st);
		fput(f);
		return r;
	}
	if (!name)
		return -EFAULT;
	return vfs_stat((int)dirfd, name, (int)(flags & AT_SYMLINK_NOFOLLOW),
			st);
}

/* statx: every basic field whatever the mask asks (Linux may return
 * more than asked); no birth time. */
static long sys_statx(long dirfd, long name, long flags, long mask, long buf)
{
	struct kstat st;
	int err;

	if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH |
			    AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if ((unsigned long)mask & STATX_RESERVED)
		return -EINVAL;
	err = stat_at(dirfd, (const char *)name, flags, &st);
	if (err)
		return err;
	vfs_statx_fill(&st, (struct statx_k *)buf);
	return 0;
}
SYSCALL(statx, "dsxxp", sys_statx);

static long chown_at(long dirfd, const char *name, long uid, long gid,
		     unsigned int lookup)
{
	struct nameidata nd;
	int err = empty_path_lookup(dirfd, name, lookup, &nd);

	if (err)
		return err;
	err = vfs_chown(nd.path.dentry, (uint32_t)uid, (uint32_t)gid);
	nd_release(&nd);
	return err;
}

static long sys_fchownat(long dirfd, long name, long uid, long gid,
			 long flags)
{
	if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return chown_at(dirfd, (const char *)name, uid, gid,
			(flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
			(flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0));
}
SYSCALL(fchownat, "dsddx", sys_fchownat);

static long sys_chown(long name, long uid, long gid)
{
	return chown_at(AT_FDCWD, (const char *)name, uid, gid, LOOKUP_FOLLOW);
}
SYSCALL(chown, "sdd", sys_chown);

static long sys_lchown(long name, long uid, long gid)
{
	return chown_at(AT_FDCWD, (const char *)name, uid, gid, 0);
}
SYSCALL(lchown, "sdd", sys_lchown);

static long sys_fchown(long fd, long uid, long gid)
{
	struct file *f = fget((int)fd);
	int err = -EBADF;

	if (!f)
		return -EBADF;
	if (f->f_path.dentry && !(f->f_mode & FMODE_PATH))
		err = vfs_chown(f->f_path.dentry, (uint32_t)uid, (uint32_t)gid);
	fput(f);
	return err;
}
SYSCALL(fchown, "ddd", sys_fchown);
