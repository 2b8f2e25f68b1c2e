/* SPDX-License-Identifier: MIT */
/*
 * ext2 (revision 0 and 1) on a block device, read and write, through the
 * buffer cache of lib/blk. This is the layer a VFS sits on: inodes are
 * reference-counted handles, names are (pointer, length) pairs, errors
 * are negative errno values.
 *
 * Interface:
 *   ext2_set_clock(now)            seconds since 1970 for timestamps
 *   fs = ext2_mount(dev, flags)    ERR_PTR(-EINVAL) on a bad superblock or
 *                                  an unsupported feature (logged why)
 *   ip = ext2_iget(fs, ino)        EXT2_ROOT_INO is the root directory
 *   ino = ext2_lookup(dir, name, len)          > 0, or -ENOENT, ...
 *   n = ext2_read(ip, off, buf, len)           bytes; holes read as zeros
 *   n = ext2_read_ra(ip, off, buf, len, &ra)   the same, with sequential
 *                                  read-ahead kept in ra (one per open
 *                                  file, zeroed at open)
 *   n = ext2_write(ip, off, buf, len)          bytes (short on -ENOSPC)
 *   ext2_truncate(ip, size)
 *   ino = ext2_create / ext2_mkdir / ext2_symlink(dir, name, len, ...)
 *   ext2_link(dir, name, len, ip), ext2_unlink, ext2_rmdir, ext2_rename
 *   n = ext2_readlink(ip, buf, size)
 *   ext2_readdir(dir, &cookie, fill, ctx)      cookie 0 starts; fill
 *                                              returns non-zero to stop
 *   ext2_stat(ip, &st), ext2_statfs(fs, &sf)
 *   ext2_setattr(ip, EXT2_ATTR_*, mode, atime, mtime)   chmod, utimes
 *   ext2_chown(ip, uid, gid)                             chown
 *   ext2_iput(ip)                  last reference to an unlinked inode
 *                                  frees it and its blocks
 *   ext2_sync(fs)                  all dirty buffers, then device flush
 *   ext2_umount(fs)                sync, mark the file system clean
 *
 * A corrupt inode, block pointer or directory entry fails the operation
 * with -EUCLEAN (logged, and the superblock marked "has errors"); no
 * write ever goes outside the file system's blocks.
 *
 * Context: thread context, may sleep in I/O. Not internally locked: the
 * caller holds one lock per file system around every call.
 */
#ifndef PITH_EXT2_H
#define PITH_EXT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pith/blk.h>

#define EXT2_ROOT_INO		2
#define EXT2_NAME_LEN		255

#define EXT2_MOUNT_RDONLY	0x1u

/* File types in directory entries and readdir (the filetype feature). */
#define EXT2_FT_UNKNOWN		0
#define EXT2_FT_REG_FILE	1
#define EXT2_FT_DIR		2
#define EXT2_FT_CHRDEV		3
#define EXT2_FT_BLKDEV		4
#define EXT2_FT_FIFO		5
#define EXT2_FT_SOCK		6
#define EXT2_FT_SYMLINK		7

/* Mode bits, as on disk (the same values as Linux's S_IF*). */
#define EXT2_S_IFMT		0170000
#define EXT2_S_IFSOCK		0140000
#define EXT2_S_IFLNK		0120000
#define EXT2_S_IFREG		0100000
#define EXT2_S_IFBLK		0060000
#define EXT2_S_IFDIR		0040000
#define EXT2_S_IFCHR		0020000
#define EXT2_S_IFIFO		0010000

struct ext2_fs;
struct ext2_inode;

struct ext2_stat {
	uint32_t ino;
	uint16_t mode;			/* type and permission bits */
	uint16_t nlink;
	uint32_t uid, gid;
	uint64_t size;
	uint64_t blocks;		/* 512-byte units, metadata included */
	uint32_t atime, mtime, ctime;
	uint32_t blksize;
};

struct ext2_statfs {
	uint32_t block_size;
	uint64_t blocks, free_blocks;
	uint64_t inodes, free_inodes;
	bool read_only;
};

/* Called for each entry; a non-zero return stops before this entry. */
typedef int (*ext2_filldir_t)(void *ctx, const char *name, size_t len,
			      uint32_t ino, unsigned int type);

void ext2_set_clock(uint32_t (*now)(void));

struct ext2_fs *ext2_mount(struct blkdev *dev, unsigned int flags);
int ext2_umount(struct ext2_fs *fs);
int ext2_sync(struct ext2_fs *fs);
void ext2_statfs(struct ext2_fs *fs, struct ext2_statfs *sf);

struct ext2_inode *ext2_iget(struct ext2_fs *fs, uint32_t ino);
void ext2_iput(struct ext2_inode *ip);
uint32_t ext2_ino(const struct ext2_inode *ip);
int ext2_stat(struct ext2_inode *ip, struct ext2_stat *st);
#define EXT2_ATTR_MODE		0x1u	/* permission bits of mode */
#define EXT2_ATTR_ATIME		0x2u
#define EXT2_ATTR_MTIME		0x4u
int ext2_setattr(struct ext2_inode *ip, unsigned int valid, uint16_t mode,
		 uint32_t atime, uint32_t mtime);
/* Owner and group ((uint32_t)-1: unchanged), on disk with high halves. */
int ext2_chown(struct ext2_inode *ip, uint32_t uid, uint32_t gid);

long ext2_read(struct ext2_inode *ip, uint64_t off, void *buf, size_t len);

/*
 * Read-ahead state of one open file: the window [start, start + size)
 * (file blocks) was asked of the disk; reading into its last 'async'
 * blocks starts the next, twice as large up to the limit, so that a
 * sequential reader finds its blocks in flight or cached.
 */
struct ext2_ra {
	uint64_t start;
	uint32_t size;			/* 0: no sequential stream yet */
	uint32_t async;
	uint64_t next;			/* the block after the last read */
};
long ext2_read_ra(struct ext2_inode *ip, uint64_t off, void *buf, size_t len,
		  struct ext2_ra *ra);
long ext2_write(struct ext2_inode *ip, uint64_t off, const void *buf,
		size_t len);
int ext2_truncate(struct ext2_inode *ip, uint64_t size);

long ext2_lookup(struct ext2_inode *dir, const char *name, size_t len);
int ext2_readdir(struct ext2_inode *dir, uint64_t *cookie,
		 ext2_filldir_t fill, void *ctx);
long ext2_create(struct ext2_inode *dir, const char *name, size_t len,
		 unsigned int mode);
long ext2_mkdir(struct ext2_inode *dir, const char *name, size_t len,
		unsigned int mode);
long ext2_symlink(struct ext2_inode *dir, const char *name, size_t len,
		  const char *target, size_t tlen);
long ext2_readlink(struct ext2_inode *ip, char *buf, size_t size);
int ext2_link(struct ext2_inode *dir, const char *name, size_t len,
	      struct ext2_inode *ip);
int ext2_unlink(struct ext2_inode *dir, const char *name, size_t len);
int ext2_rmdir(struct ext2_inode *dir, const char *name, size_t len);
int ext2_rename(struct ext2_inode *odir, const char *oname, size_t olen,
		struct ext2_inode *ndir, const char *nname, size_t nlen);

#endif
