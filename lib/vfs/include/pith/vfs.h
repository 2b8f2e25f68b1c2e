/* SPDX-License-Identifier: MIT */
/*
 * The VFS: Linux's file objects in miniature. A `struct file` is an open
 * thing (regular file, directory, device, pipe); it points at a dentry (a
 * name in the tree) whose inode is the object itself. Paths are walked
 * through the dentry cache; file systems fill it on a miss. Mounts graft
 * one file system's root over a directory of another.
 *
 * Interface (file system providers):
 *   register_filesystem(&fstype)          at the subsys init level
 *   fs->mount(fs, flags, data) -> sb      make a super block with s_root
 *   new_inode(sb) / iput(inode)           inodes, counted
 *   d_instantiate(dentry, inode)          a negative dentry becomes positive
 *   simple_*                              helpers for file systems whose
 *                                         dentry tree is the directory
 *                                         (ramfs, devfs): lookup, link,
 *                                         unlink, rmdir, rename, readdir
 * Interface (kernel users; the system calls in syscalls*.c use the same):
 *   vfs_open(dirfd_path, name, flags, mode, &file)   then fput(file)
 *   vfs_read / vfs_write / vfs_llseek(file, ...)
 *   vfs_mkdir / vfs_unlink / vfs_rmdir / vfs_symlink / vfs_link /
 *   vfs_rename (at AT_FDCWD-style start paths), vfs_mount(path, fstype),
 *   vfs_mount_source(dev, path, fstype, flags, data), vfs_sync_all()
 *   vfs_mmap_fd(fd, len, prot, flags, off)   lib/posix's file mmap
 *   vfs_chown(dentry, uid, gid)
 *   fd_install(file, cloexec) -> fd, fget(fd) / fput(file), fd_close(fd)
 *   anon_file(fops, priv, mode, flags)    a file with no name (pipes)
 *
 * Context: thread context only; any call may sleep (inode locks, a
 * file's read or write). Safe under the preemptive scheduler: the lock
 * order is in lib/vfs/README.md.
 */
#ifndef PITH_VFS_H
#define PITH_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pith/compiler.h>
#include <pith/errno.h>
#include <pith/list.h>
#include <pith/mutex.h>
#include <pith/rbtree.h>

typedef int64_t loff_t;
typedef long ssize_t_k;
typedef uint32_t umode_t;
typedef uint64_t dev_t_k;

#define PATH_MAX_K	4096
#define NAME_MAX_K	255
#define MAXSYMLINKS	40

/* Mode bits (Linux values). */
#define S_IFMT		0170000
#define S_IFSOCK	0140000
#define S_IFLNK		0120000
#define S_IFREG		0100000
#define S_IFBLK		0060000
#define S_IFDIR		0040000
#define S_IFCHR		0020000
#define S_IFIFO		0010000
#define S_ISUID		04000
#define S_ISGID		02000
#define S_ISVTX		01000
#define S_IALLUGO	07777
#define S_ISDIR(m)	(((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m)	(((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m)	(((m) & S_IFMT) == S_IFLNK)
#define S_ISCHR(m)	(((m) & S_IFMT) == S_IFCHR)
#define S_ISFIFO(m)	(((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m)	(((m) & S_IFMT) == S_IFSOCK)

/* Open flags (Linux x86-64 values). */
#define O_ACCMODE	00000003
#define O_RDONLY	00000000
#define O_WRONLY	00000001
#define O_RDWR		00000002
#define O_CREAT		00000100
#define O_EXCL		00000200
#define O_NOCTTY	00000400
#define O_TRUNC		00001000
#define O_APPEND	00002000
#define O_NONBLOCK	00004000
#define O_DSYNC		00010000
#define O_LARGEFILE	00100000
#define O_DIRECTORY	00200000
#define O_NOFOLLOW	00400000
#define O_NOATIME	01000000
#define O_CLOEXEC	02000000
#define O_PATH		010000000
#define O_TMPFILE	020200000

/* *at() flags and the current-directory marker. */
#define AT_FDCWD		(-100)
#define AT_SYMLINK_NOFOLLOW	0x100
#define AT_REMOVEDIR		0x200
#define AT_SYMLINK_FOLLOW	0x400
#define AT_EACCESS		0x200
#define AT_EMPTY_PATH		0x1000

#define SEEK_SET_K	0
#define SEEK_CUR_K	1
#define SEEK_END_K	2
#define SEEK_DATA_K	3
#define SEEK_HOLE_K	4

#ifndef RENAME_NOREPLACE	/* host unit tests see stdio.h's */
#define RENAME_NOREPLACE	1
#define RENAME_EXCHANGE		2
#endif

/* mmap(2) protections and flags (Linux values). */
#define PROT_READ_K	0x1
#define PROT_WRITE_K	0x2
#define PROT_EXEC_K	0x4
#define MAP_SHARED_K	0x01
#define MAP_PRIVATE_K	0x02
#define MAP_SHARED_VALIDATE_K	0x03
#define MAP_TYPE_K	0x0f
#define MAP_FIXED_K	0x10
#define MAP_ANONYMOUS_K	0x20

/* Directory entry types (getdents64 d_type). */
#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12

/* Poll bits. */
#define POLLIN_K	0x001
#define POLLPRI_K	0x002
#define POLLOUT_K	0x004
#define POLLERR_K	0x008
#define POLLHUP_K	0x010
#define POLLNVAL_K	0x020
#define POLLRDNORM_K	0x040
#define POLLRDBAND_K	0x080
#define POLLWRNORM_K	0x100
#define POLLWRBAND_K	0x200
#define POLLMSG_K	0x400
#define POLLRDHUP_K	0x2000

struct file;
struct inode;
struct dentry;
struct super_block;
struct vfsmount;
struct poll_table_struct;
struct wait_queue_head;

struct timespec_k {
	int64_t tv_sec;
	long tv_nsec;
};

/* Linux x86-64 struct stat, as the stat family fills it. */
struct kstat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t __pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;
	struct timespec_k st_atim, st_mtim, st_ctim;
	long __reserved[3];
};

/* readdir: the file system calls actor for each entry from ctx->pos on;
 * actor returns false when the caller's buffer is full. */
struct dir_context {
	bool (*actor)(struct dir_context *ctx, const char *name, int len,
		      loff_t next_pos, uint64_t ino, unsigned int type);
	loff_t pos;
};

struct file_operations {
	long (*read)(struct file *f, void *buf, size_t len, loff_t *pos);
	long (*write)(struct file *f, const void *buf, size_t len,
		      loff_t *pos);
	loff_t (*llseek)(struct file *f, loff_t off, int whence);
	/* Readiness (POLL*_K bits); pt may be NULL (just asking). */
	unsigned int (*poll)(struct file *f, struct poll_table_struct *pt);
	long (*ioctl)(struct file *f, unsigned int cmd, unsigned long arg);
	int (*fsync)(struct file *f, int datasync);
	int (*iterate)(struct file *f, struct dir_context *ctx);
	int (*open)(struct inode *inode, struct file *f);
	int (*release)(struct inode *inode, struct file *f);
	/* mmap(2): map len bytes (page multiple) from page-aligned off with
	 * vmprot (VM_* bits), flags MAP_SHARED_K or MAP_PRIVATE_K. Returns
	 * the address or ERR_PTR. Without it the file cannot be mapped
	 * (-ENODEV). generic_file_mmap makes private copies. */
	void *(*mmap)(struct file *f, size_t len, loff_t off,
		      unsigned int vmprot, int flags);
	/* fallocate(2) for a regular file: mode 0 or FALLOC_*_K bits (the
	 * VFS has checked them); without it -EOPNOTSUPP. */
	long (*fallocate)(struct file *f, int mode, loff_t off, loff_t len);
};

#define FALLOC_FL_KEEP_SIZE_K	0x01
#define FALLOC_FL_PUNCH_HOLE_K	0x02

/* Attribute changes for setattr (ATTR_* say which fields are valid). */
#define ATTR_MODE	0x01
#define ATTR_UID	0x02
#define ATTR_GID	0x04
#define ATTR_SIZE	0x08
#define ATTR_ATIME	0x10
#define ATTR_MTIME	0x20
#define ATTR_CTIME	0x40

struct iattr {
	unsigned int ia_valid;
	umode_t ia_mode;
	uint32_t ia_uid, ia_gid;
	loff_t ia_size;
	struct timespec_k ia_atime, ia_mtime;
};

struct inode_operations {
	/* Fill d (d_instantiate) or leave it negative; NULL or ERR_PTR. */
	struct dentry *(*lookup)(struct inode *dir, struct dentry *d);
	int (*create)(struct inode *dir, struct dentry *d, umode_t mode);
	int (*link)(struct dentry *old, struct inode *dir, struct dentry *d);
	int (*unlink)(struct inode *dir, struct dentry *d);
	int (*symlink)(struct inode *dir, struct dentry *d, const char *tgt);
	int (*mkdir)(struct inode *dir, struct dentry *d, umode_t mode);
	int (*rmdir)(struct inode *dir, struct dentry *d);
	int (*mknod)(struct inode *dir, struct dentry *d, umode_t mode,
		     dev_t_k dev);
	/* Inode-level work of a rename; the VFS moves the dentries. */
	int (*rename)(struct inode *odir, struct dentry *od,
		      struct inode *ndir, struct dentry *nd,
		      unsigned int flags);
	const char *(*get_link)(struct dentry *d);
	int (*setattr)(struct dentry *d, struct iattr *ia);
};

/* statfs(2)'s answer, in the file system's own units. */
struct kstatfs {
	long f_type;
	long f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	long f_namelen;
	long f_flags;
};

struct super_operations {
	/* Free the file system's data of an inode nobody uses any more. */
	void (*evict_inode)(struct inode *inode);
	void (*put_super)(struct super_block *sb);
	/* sync(2), syncfs(2): everything to stable storage. */
	int (*sync_fs)(struct super_block *sb);
	/* Power-off: leave the storage clean (files may still be open;
	 * nothing else will run). Without it, sync_fs is called. */
	void (*shutdown)(struct super_block *sb);
	/* statfs(2): sizes and counts; without it they read as zero. */
	int (*statfs)(struct super_block *sb, struct kstatfs *st);
};

/*
 * Legend (lib/vfs/README.md has the lock order):
 * [I] the inode's own i_mutex (inode_lock): a directory's entries, a
 *     regular file's size and data, attributes;
 * [P] the parent directory's i_mutex (a name in it, its links);
 * [D] dcache_lock (a spinlock: dentry trees, flags, counts, parents);
 * [C] the inode-count spinlock (i_count, i_state);
 * [M] mount_lock (a spinlock: the mount table, mount counts, root, cwd);
 * [F] the owning file system; files: [A] atomic, [O] f_pos_lock.
 * Fields without a code are set before the object is shared.
 */
#define I_FREEING	0x1	/* the last iput is evicting it */

struct inode {
	uint64_t i_ino;
	umode_t i_mode;			/* [I] (the type never changes) */
	uint32_t i_uid, i_gid;
	unsigned int i_nlink;		/* [P] */
	dev_t_k i_rdev;
	loff_t i_size;			/* [I][F] */
	uint64_t i_blocks;		/* [I][F] 512-byte units */
	struct timespec_k i_atime, i_mtime, i_ctime;
	int i_count;			/* [C] dentries + files + holders */
	unsigned int i_state;		/* [C] I_FREEING */
	struct mutex i_mutex;		/* Linux's i_rwsem, exclusive only */
	const struct inode_operations *i_op;
	const struct file_operations *i_fop;
	struct super_block *i_sb;
	char *i_link;			/* symlink target (kmalloc'd) */
	void *i_private;		/* [F] */
};

#define DNAME_INLINE_LEN	40

#define DCACHE_UNHASHED		0x1	/* removed from its parent */
#define DCACHE_MOUNTED		0x2	/* a mount covers it */
#define DCACHE_NEG_LRU		0x4	/* on the negative-dentry LRU */
#define DCACHE_IN_LOOKUP	0x8	/* the fs's lookup is filling it */

struct dentry {
	int d_count;			/* [D] refs: users + children */
	unsigned int d_flags;		/* [D] DCACHE_* */
	struct inode *d_inode;		/* [D][P] NULL: negative */
	struct dentry *d_parent;	/* [D] itself for a root; changes
					 * only in a rename (rename mutex) */
	struct super_block *d_sb;
	char *d_name;
	unsigned int d_len;
	struct rb_node d_node;		/* in parent's d_children, by name */
	struct rb_root d_children;	/* every cached child */
	struct rb_node d_seq_node;	/* in parent's d_order, by d_seq */
	struct rb_root d_order;		/* positive children, readdir order */
	uint64_t d_seq;			/* readdir position in the parent */
	uint64_t d_next_seq;
	struct list_head d_lru;		/* negative-dentry LRU */
	char d_iname[DNAME_INLINE_LEN];
};

struct super_block {
	struct file_system_type *s_type;
	const struct super_operations *s_op;
	struct dentry *s_root;
	dev_t_k s_dev;
	unsigned long s_blocksize;
	uint64_t s_next_ino;		/* [C] */
	void *s_fs_info;		/* [F] */
	/* Cross-directory renames, one at a time (s_vfs_rename_mutex):
	 * keeps the tree's shape still while the ancestry is checked. */
	struct mutex s_rename_mutex;
};

/* file_system_type.fs_flags */
#define FS_REQUIRES_DEV	0x1	/* mount's data is the source (device) */

/* Mount flags (Linux's MS_* values). */
#define MS_RDONLY	0x1

struct file_system_type {
	const char *name;
	int fs_flags;
	/* A new super block with s_root set, or ERR_PTR. With
	 * FS_REQUIRES_DEV, data is the source name ("vblk0"). */
	struct super_block *(*mount)(struct file_system_type *fs, int flags,
				     const void *data);
	void (*kill_sb)(struct super_block *sb);
	struct list_head list;
};

struct vfsmount {
	struct dentry *mnt_root;
	struct super_block *mnt_sb;
	struct vfsmount *mnt_parent;	/* itself for the root mount */
	struct dentry *mnt_mountpoint;
	int mnt_count;			/* [M] the mount + every path */
	struct list_head mnt_list;
};

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
};

/* Mode the file was opened with. */
#define FMODE_READ	0x1
#define FMODE_WRITE	0x2
#define FMODE_LSEEK	0x4
#define FMODE_PATH	0x8

struct file {
	int f_count;			/* [A] fd table slots + holders */
	unsigned int f_flags;		/* O_* as the app gave them */
	unsigned int f_mode;		/* FMODE_* */
	loff_t f_pos;			/* [O] for FMODE_LSEEK files */
	struct mutex f_pos_lock;	/* read/write/seek/getdents of one
					 * file in turn (FMODE_LSEEK) */
	const struct file_operations *f_op;
	struct path f_path;
	struct inode *f_inode;
	void *private_data;
	struct list_head f_ep_links;	/* epoll.c's epmutex */
};

/* ---- file system providers ---- */

int register_filesystem(struct file_system_type *fs);
struct file_system_type *get_fs_type(const char *name);
/* A super block with a fresh anonymous device number. */
struct super_block *sget(struct file_system_type *fs,
			 const struct super_operations *ops);
struct inode *new_inode(struct super_block *sb, umode_t mode);
/* A reference, or NULL when the inode is being evicted (I_FREEING). */
struct inode *igrab(struct inode *inode);
void iput(struct inode *inode);

/*
 * The inode lock (Linux's inode_lock on i_rwsem, here always exclusive).
 * A directory's: held by the VFS around every lookup that reaches the
 * file system and every change of its names (create, link, unlink,
 * rename, readdir); a file system's directory ops are called with it.
 * A regular file's: held around read, write and setattr (truncate).
 * Never held across a wait for another party (pipes, sockets, console).
 * Context: thread context, may sleep.
 */
static inline void inode_lock(struct inode *inode)
{
	mutex_lock(&inode->i_mutex);
}

static inline void inode_unlock(struct inode *inode)
{
	mutex_unlock(&inode->i_mutex);
}

static inline bool inode_is_locked(struct inode *inode)
{
	return mutex_is_locked(&inode->i_mutex);
}
/* Set atime/mtime/ctime to now. */
void inode_touch(struct inode *inode, bool a, bool m, bool c);
struct timespec_k current_time_k(void);
void d_instantiate(struct dentry *d, struct inode *inode);
struct dentry *d_alloc_root(struct super_block *sb, struct inode *inode);
struct dentry *dget(struct dentry *d);
void dput(struct dentry *d);
/* Remove a name: unhash d (it lives on while referenced). */
void d_delete(struct dentry *d);
/* True when dir has no positive children. */
bool d_empty_dir(struct dentry *dir);
/* Free every unused dentry of sb (and their inodes), s_root included
 * when nothing uses it: before a file system goes away. */
void shrink_dcache_sb(struct super_block *sb);
unsigned int dt_type(umode_t mode);

/* Helpers for a file system whose dentry tree is its directory. */
struct dentry *simple_lookup(struct inode *dir, struct dentry *d);
int simple_link(struct dentry *old, struct inode *dir, struct dentry *d);
int simple_unlink(struct inode *dir, struct dentry *d);
int simple_rmdir(struct inode *dir, struct dentry *d);
int simple_rename(struct inode *odir, struct dentry *od,
		  struct inode *ndir, struct dentry *nd, unsigned int flags);
int simple_setattr(struct dentry *d, struct iattr *ia);
const char *simple_get_link(struct dentry *d);
int dcache_readdir(struct file *f, struct dir_context *ctx);
loff_t generic_file_llseek(struct file *f, loff_t off, int whence);
/* mmap op for files read through f_op->read: MAP_PRIVATE as a copy in
 * anonymous pages (the tail past EOF zeroed); MAP_SHARED is -ENODEV
 * (logged once). */
void *generic_file_mmap(struct file *f, size_t len, loff_t off,
			unsigned int vmprot, int flags);
/* llseek for directories whose position is an opaque readdir cookie:
 * SEEK_SET and SEEK_CUR only, never negative. */
loff_t generic_dir_llseek(struct file *f, loff_t off, int whence);
extern const struct file_operations simple_dir_operations;
extern const struct inode_operations simple_symlink_inode_operations;

/* ---- kernel users ---- */

/* The starting point for a relative name: AT_FDCWD or a directory fd. */
int vfs_open(int dirfd, const char *name, int flags, umode_t mode,
	     struct file **out);
long vfs_read(struct file *f, void *buf, size_t len);
long vfs_write(struct file *f, const void *buf, size_t len);
long vfs_pread(struct file *f, void *buf, size_t len, loff_t pos);
long vfs_pwrite(struct file *f, const void *buf, size_t len, loff_t pos);
loff_t vfs_llseek(struct file *f, loff_t off, int whence);
int vfs_mkdir(int dirfd, const char *name, umode_t mode);
int vfs_mknod(int dirfd, const char *name, umode_t mode, dev_t_k dev);
int vfs_unlink(int dirfd, const char *name);
int vfs_rmdir(int dirfd, const char *name);
int vfs_symlink(const char *target, int dirfd, const char *name);
int vfs_link(int odfd, const char *old, int ndfd, const char *new,
	     int flags);
int vfs_rename(int odfd, const char *old, int ndfd, const char *new,
	       unsigned int flags);
int vfs_readlink(int dirfd, const char *name, char *buf, size_t len);
int vfs_stat(int dirfd, const char *name, int flags, struct kstat *st);
int vfs_statfs(int dirfd, const char *name, struct file *f,
	       struct kstatfs *st);
int vfs_fstat(struct file *f, struct kstat *st);
/* chown: uid or gid (uint32_t)-1 leaves that one as it is. */
int vfs_chown(struct dentry *d, uint32_t uid, uint32_t gid);
int vfs_truncate(struct dentry *d, loff_t len);
int vfs_setattr(struct dentry *d, struct iattr *ia);
int vfs_iterate(struct file *f, struct dir_context *ctx);
int vfs_chdir(int dirfd, const char *name);
/* Write the cwd into buf; returns the length with the NUL or -errno. */
long vfs_getcwd(char *buf, size_t len);
int vfs_mount(const char *target, const char *fstype, int flags,
	      const void *data);
/* The same with a source, for FS_REQUIRES_DEV types ("vblk0"). */
int vfs_mount_source(const char *source, const char *target,
		     const char *fstype, int flags, const void *data);
int vfs_umount(const char *target);
/* Mount the root file system (type name); fs init level. */
int vfs_mount_root(const char *fstype);
int vfs_mount_root_source(const char *source, const char *fstype,
			  int flags);
/* sync(2): every mounted file system's sync_fs; the first error. */
int vfs_sync_all(void);
int vfs_syncfs(struct super_block *sb);

struct file *alloc_file(struct path *path, int flags,
			const struct file_operations *fops);
/* A file with an inode of its own and no name: pipes, sockets. */
struct file *anon_file(const struct file_operations *fops, void *priv,
		       umode_t mode, int flags);
struct file *get_file(struct file *f);
void fput(struct file *f);

/*
 * mmap(2) of the file at fd (lib/posix's mmap for non-anonymous maps):
 * Linux's checks (-EBADF, -EINVAL, -EACCES for a mapping wider than the
 * open mode, -ENODEV for files that cannot be mapped), then the file's
 * mmap op. Returns the address or -errno.
 */
#if CONFIG_LIBVFS
long vfs_mmap_fd(int fd, size_t len, int prot, int flags, loff_t off);
#else
static inline long vfs_mmap_fd(int fd, size_t len, int prot, int flags,
			       loff_t off)
{
	return -EBADF;		/* no files without lib/vfs */
}
#endif

/* ---- the descriptor table (one per image) ---- */

/* Lowest free fd >= min; -EMFILE when the table is full. */
int fd_alloc(int min, struct file *f, bool cloexec);
static inline int fd_install(struct file *f, bool cloexec)
{
	return fd_alloc(0, f, cloexec);
}
/* The file at fd with a reference, or NULL. */
struct file *fget(int fd);
int fd_close(int fd);
/* dup2/dup3: close newfd if open, then share oldfd's file. */
int fd_dup_to(int oldfd, int newfd, bool cloexec);
int fd_get_cloexec(int fd);
int fd_set_cloexec(int fd, bool on);
/* Size of the table (RLIMIT_NOFILE). */
int fd_table_size(void);

/* ---- readiness ---- */

/*
 * A file's poll op reports its POLL*_K bits now and, when pt is not NULL,
 * calls poll_wait() on every wait queue that is woken when they change.
 * poll/select and epoll pass tables whose qproc adds an entry of theirs.
 */
typedef void (*poll_queue_proc)(struct file *f, struct wait_queue_head *wq,
				struct poll_table_struct *pt);

struct poll_table_struct {
	poll_queue_proc qproc;		/* NULL: just asking */
	unsigned int key;		/* the events the caller wants */
};
typedef struct poll_table_struct poll_table;

static inline void poll_wait(struct file *f, struct wait_queue_head *wq,
			     poll_table *pt)
{
	if (pt && pt->qproc && wq)
		pt->qproc(f, wq, pt);
}

/* The file's readiness (POLLNVAL_K without a poll op: always ready). */
unsigned int vfs_poll(struct file *f, poll_table *pt);
/* Wake wq's pollers and epoll items with the events in mask. */
void wake_up_poll(struct wait_queue_head *wq, unsigned int mask);

/* pipe.c, eventfd.c: new files for the system calls and socketpair. */
int create_pipe_files(struct file **res, int flags);
/* Two files into two fds (both or neither); 0 or -errno. */
int fd_install_pair(struct file **fs, int *fds, bool cloexec);
/* An AF_UNIX SOCK_STREAM pair: two pipes crossed. */
int create_unix_pair(struct file **res, int flags);
/* shutdown(2) on such a socket; -ENOTSOCK for other files. */
int unix_shutdown(struct file *f, int how);
/* Last close of a file in epoll sets (file.c calls it). */
void eventpoll_release(struct file *f);

/* ---- statistics for tests ---- */

struct vfs_stats {
	unsigned long lookups;		/* calls into a fs's lookup */
	unsigned long dcache_hits;	/* walks answered by the cache */
	unsigned long neg_hits;		/* ... with a negative entry */
	unsigned long dentries, negative;	/* alive now */
	unsigned long inodes, files;	/* alive now */
};
void vfs_get_stats(struct vfs_stats *st);

#endif
