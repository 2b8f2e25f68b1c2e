// SPDX-License-Identifier: MIT
/*
 * ext2 name operations: create, mkdir, symlink (fast ones inside the
 * inode's block map when shorter than 60 bytes, slow ones in a block),
 * readlink, link, unlink, rmdir, rename. Link counts follow the rules
 * e2fsck checks: a directory has 2 + its subdirectories.
 *
 * Interface: the name calls of <pith/ext2.h>. New inodes go near their
 * parent (ext2_new_inode); an unlinked inode is freed by ext2_iput when
 * its last reference goes.
 */
#include <pith/string.h>
#include "ext2_fs.h"

#define EXT2_LINK_MAX	32000

static bool is_dot(const char *name, size_t len)
{
	return name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'));
}

/* Can 'name' be added to dir? 0, -EEXIST, ... */
static int ext2_check_new(struct ext2_inode *dir, const char *name, size_t len)
{
	long r;

	if (dir->fs->read_only)
		return -EROFS;
	if (!ext2_isdir(dir))
		return -ENOTDIR;
	if (!dir->d.i_links_count || !len)
		return -ENOENT;
	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	r = ext2_dir_find(dir, name, len);
	if (r >= 0)
		return -EEXIST;
	return r == -ENOENT ? 0 : (int)r;
}

/* A new inode of 'mode' with one link, not yet in any directory. */
static struct ext2_inode *ext2_make(struct ext2_inode *dir, const char *name,
				    size_t len, unsigned int mode)
{
	struct ext2_inode *ip;
	long ino;
	int err = ext2_check_new(dir, name, len);

	if (err)
		return ERR_PTR(err);
	ino = ext2_new_inode(dir, mode);
	if (ino < 0)
		return ERR_PTR(ino);
	ip = ext2_new_inode_mem(dir->fs, (uint32_t)ino, mode);
	if (IS_ERR(ip)) {
		ext2_free_inode(dir->fs, (uint32_t)ino,
				(mode & EXT2_S_IFMT) == EXT2_S_IFDIR);
		return ip;
	}
	ip->d.i_links_count = 1;
	ip->goal = 0;
	return ip;
}

/* Enter ip in dir; on failure the inode is dropped (freed by iput). */
static long ext2_enter(struct ext2_inode *dir, const char *name, size_t len,
		       struct ext2_inode *ip, int err)
{
	long ino = ip->ino;

	if (!err)
		err = ext2_write_inode(ip);
	if (!err)
		err = ext2_dir_add(dir, name, len, ip->ino, ip->d.i_mode);
	if (err) {
		ip->d.i_links_count = 0;
		ino = err;
	}
	ext2_iput(ip);
	return ino;
}

long ext2_create(struct ext2_inode *dir, const char *name, size_t len,
		 unsigned int mode)
{
	struct ext2_inode *ip;

	if (!(mode & EXT2_S_IFMT))
		mode |= EXT2_S_IFREG;
	if ((mode & EXT2_S_IFMT) == EXT2_S_IFDIR ||
	    (mode & EXT2_S_IFMT) == EXT2_S_IFLNK)
		return -EINVAL;
	ip = ext2_make(dir, name, len, mode & (EXT2_S_IFMT | 07777));
	if (IS_ERR(ip))
		return PTR_ERR(ip);
	return ext2_enter(dir, name, len, ip, 0);
}

long ext2_mkdir(struct ext2_inode *dir, const char *name, size_t len,
		unsigned int mode)
{
	struct ext2_inode *ip;
	long ino;

	if (dir->d.i_links_count >= EXT2_LINK_MAX)
		return -EMLINK;
	ip = ext2_make(dir, name, len, EXT2_S_IFDIR | (mode & 07777));
	if (IS_ERR(ip))
		return PTR_ERR(ip);
	ip->d.i_links_count = 2;
	ino = ext2_enter(dir, name, len, ip, ext2_dir_init(ip, dir->ino));
	if (ino > 0) {
		dir->d.i_links_count++;
		ext2_write_inode(dir);
	}
	return ino;
}

long ext2_symlink(struct ext2_inode *dir, const char *name, size_t len,
		  const char *target, size_t tlen)
{
	struct ext2_inode *ip;
	long n = 0;

	if (!tlen)
		return -ENOENT;
	if (tlen >= dir->fs->block_size)
		return -ENAMETOOLONG;
	ip = ext2_make(dir, name, len, EXT2_S_IFLNK | 0777);
	if (IS_ERR(ip))
		return PTR_ERR(ip);
	if (tlen < EXT2_FAST_LINK_MAX) {
		memcpy(ip->d.i_block, target, tlen);
		ext2_set_isize(ip, tlen);
	} else {
		n = ext2_write_data(ip, 0, target, tlen);
		if (n >= 0 && (size_t)n != tlen)
			n = -ENOSPC;
	}
	return ext2_enter(dir, name, len, ip, n < 0 ? (int)n : 0);
}

long ext2_readlink(struct ext2_inode *ip, char *buf, size_t size)
{
	uint64_t len = ext2_isize(ip);

	if (!ext2_islnk(ip))
		return -EINVAL;
	if (!len || len >= ip->fs->block_size ||
	    (ext2_fast_symlink(ip) && len >= EXT2_FAST_LINK_MAX)) {
		ext2_err(ip->fs, "symlink %u: bad size %llu", ip->ino,
			 (unsigned long long)len);
		return -EUCLEAN;
	}
	if (size > len)
		size = (size_t)len;
	if (!ext2_fast_symlink(ip))
		return ext2_read(ip, 0, buf, size);
	memcpy(buf, ip->d.i_block, size);
	return (long)size;
}

int ext2_link(struct ext2_inode *dir, const char *name, size_t len,
	      struct ext2_inode *ip)
{
	int err = ext2_check_new(dir, name, len);

	if (!err && ext2_isdir(ip))
		err = -EPERM;
	if (!err && ip->d.i_links_count >= EXT2_LINK_MAX)
		err = -EMLINK;
	if (!err && !ip->d.i_links_count)
		err = -ENOENT;
	if (!err)
		err = ext2_dir_add(dir, name, len, ip->ino, ip->d.i_mode);
	if (err)
		return err;
	ip->d.i_links_count++;
	ext2_touch(ip, false);
	return ext2_write_inode(ip);
}

/* Look name up in dir and take a reference to its inode. */
static struct ext2_inode *ext2_get_entry(struct ext2_inode *dir,
					 const char *name, size_t len)
{
	long ino;

	if (dir->fs->read_only)
		return ERR_PTR(-EROFS);
	ino = ext2_lookup(dir, name, len);
	if (ino < 0)
		return ERR_PTR(ino);
	return ext2_iget(dir->fs, (uint32_t)ino);
}

int ext2_unlink(struct ext2_inode *dir, const char *name, size_t len)
{
	struct ext2_inode *ip = ext2_get_entry(dir, name, len);
	int err;

	if (IS_ERR(ip))
		return PTR_ERR(ip);
	err = ext2_isdir(ip) ? -EISDIR : ext2_dir_remove(dir, name, len);
	if (!err) {
		ip->d.i_links_count--;
		ext2_touch(ip, false);
		err = ext2_write_inode(ip);
	}
	ext2_iput(ip);
	return err;
}

int ext2_rmdir(struct ext2_inode *dir, const char *name, size_t len)
{
	struct ext2_inode *ip;
	int err;

	if (len && is_dot(name, len))
		return len == 1 ? -EINVAL : -ENOTEMPTY;
	ip = ext2_get_entry(dir, name, len);
	if (IS_ERR(ip))
		return PTR_ERR(ip);
	err = ext2_isdir(ip) ? ext2_dir_empty(ip) : -ENOTDIR;
	if (err == 0)
		err = -ENOTEMPTY;
	if (err == 1)
		err = ext2_dir_remove(dir, name, len);
	if (!err) {
		ip->d.i_links_count = 0;
		ext2_touch(ip, false);
		ext2_write_inode(ip);
		dir->d.i_links_count--;
		err = ext2_write_inode(dir);
	}
	ext2_iput(ip);
	return err;
}
