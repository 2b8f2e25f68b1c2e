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

/* devfs.c */
int devfs_mount_and_open_console(void);

#endif
