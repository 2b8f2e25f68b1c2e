/* SPDX-License-Identifier: MIT */
/* Private to lib/vfs: do not include from other libraries. */
#ifndef LIB_VFS_INTERNAL_H
#define LIB_VFS_INTERNAL_H

#include <pith/spinlock.h>
#include <pith/vfs.h>

#ifndef CONFIG_LIBVFS_MAX_FDS
#define CONFIG_LIBVFS_MAX_FDS 1024
#endif
#ifndef CONFIG_LIBVFS_NEG_DENTRIES
#define CONFIG_LIBVFS_NEG_DENTRIES 4096
#endif

extern struct vfs_stats vfs_stats;

/*
 * Lock order (README.md says why):
 *   namespace_mutex (mount/umount)
 *   -> s_rename_mutex (cross-directory rename)
 *   -> f_pos_lock -> directory inode locks, parent before child (two
 *      unrelated directories: ancestor first, else lower address)
 *   -> a regular file's inode lock -> the file system's own locks
 *      (ext2: lib/blk's cache mutex)
 *   -> spinlocks: fd_lock; mount_lock -> dcache_lock -> icount_lock.
 * No sleeping lock is taken under a spinlock, and no inode lock is held
 * across a wait for another party (pipe, socket, console, poll).
 */

/* dcache.c */
extern spinlock_t dcache_lock;
struct dentry *d_alloc(struct dentry *parent, const char *name,
		       unsigned int len, unsigned int flags);
struct dentry *d_lookup(struct dentry *parent, const char *name,
			unsigned int len);
struct dentry *d_lookup_fast(struct dentry *parent, const char *name,
			     unsigned int len);
void d_lookup_done(struct dentry *d);
/* d's parent, with a reference (stable against a concurrent rename). */
struct dentry *d_parent_get(struct dentry *d);
int d_move(struct dentry *d, struct dentry *target);
bool d_is_ancestor(struct dentry *anc, struct dentry *d);

/* mount.c */
extern spinlock_t mount_lock;
extern struct path vfs_root;
extern struct path vfs_cwd;
struct vfsmount *mntget(struct vfsmount *m);
void mntput(struct vfsmount *m);
/* The mount on (mnt, d) with a reference, or NULL. */
struct vfsmount *lookup_mnt(struct vfsmount *mnt, struct dentry *d);
void path_get(const struct path *p);
void path_put(const struct path *p);
void path_get_locked(struct path *dst, const struct path *src);
void set_cwd(struct path *p);
/* Power-off: every mount, newest first, shut down by its file system. */
void vfs_shutdown_mounts(void);

/* namei.c */
#define LOOKUP_FOLLOW		0x1	/* follow a final symlink */
#define LOOKUP_DIRECTORY	0x2	/* the result must be a directory */
#define LOOKUP_PARENT		0x4	/* stop at the parent of the last */
#define LOOKUP_EMPTY		0x8	/* "" means the start directory */

enum { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

struct nameidata {
	struct path path;		/* result (a reference) */
	const char *last;		/* LOOKUP_PARENT: final component */
	unsigned int last_len;
	int last_type;
	bool trailing_slash;
	int total_links;
	char *buf;			/* owns the copy 'last' points into */
};

/* Resolve name from dirfd. 0 or -errno; on success nd holds references
 * and must be released with nd_release. */
int path_lookupat(int dirfd, const char *name, unsigned int flags,
		  struct nameidata *nd);
void nd_release(struct nameidata *nd);
/* The child named nd->last of nd->path (cached or looked up), with a
 * reference; may be negative. */
struct dentry *lookup_last(struct nameidata *nd);
/* Start path for dirfd: a reference. */
int start_path(int dirfd, struct path *p);
/* Follow mounts covering p (replacing references). */
void follow_mounts(struct path *p);

/* file.c */
struct file *file_alloc(void);

/* rename.c: lock two directories in the documented order (one when
 * they are the same); unlock both. */
void lock_two_dirs(struct inode *a, struct inode *b, struct dentry *da,
		   struct dentry *db);
void unlock_two_dirs(struct inode *a, struct inode *b);

/* poll.c */
struct pollfd_k {
	int fd;
	short events;
	short revents;
};
/* Poll fds until one is ready or timeout_ns (UINT64_MAX: forever);
 * returns how many are ready or -errno. */
int do_poll_fds(struct pollfd_k *fds, unsigned int n, uint64_t timeout_ns);
long timespec_to_ns(const struct timespec_k *ts, uint64_t *ns);

/* initrd.c */
int initrd_unpack(const void *buf, size_t size);

/* attr.c: Linux x86-64's struct statx (256 bytes). */
#define STATX_BASIC_STATS_K	0x7ffu
struct statx_timestamp_k {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t __reserved;
};
struct statx_k {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, __spare0;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct statx_timestamp_k stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor;
	uint32_t stx_dev_major, stx_dev_minor;
	uint64_t stx_mnt_id;
	uint32_t stx_dio_mem_align, stx_dio_offset_align;
	uint64_t __spare3[12];
};
void vfs_statx_fill(const struct kstat *st, struct statx_k *sx);

/* mmap.c: the mmap op of /dev/zero (fresh zeroed pages, shared or not:
 * one process). */
void *zero_mmap(struct file *f, size_t len, loff_t off, unsigned int vmprot,
		int flags);

/* locks.c: flock(2). fput drops a closing file's lock. */
extern struct list_head flock_list;
void flock_release(struct file *f);
int vfs_flock(struct file *f, int op);
static inline void locks_remove_file(struct file *f)
{
	if (!list_empty(&flock_list))
		flock_release(f);
}

/* tmpfile.c: O_TMPFILE (open.c) and memfd_create. */
int vfs_open_tmpfile(int dirfd, const char *name, int flags, umode_t mode,
		     struct file **out);
int do_open(struct path *path, int flags, bool created, struct file **out);

/* devfs.c */
int devfs_mount_and_open_console(void);

#endif
