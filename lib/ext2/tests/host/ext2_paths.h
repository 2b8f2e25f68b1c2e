/* SPDX-License-Identifier: MIT */
/*
 * Path-level helpers for the ext2 host tests: each takes a path from the
 * file system's root, walks to the parent with path_parent() (ext2_host.h)
 * and makes one ext2_* call. Shared by the write and model tests.
 */
#ifndef EXT2_PATHS_H
#define EXT2_PATHS_H

static long p_create(struct ext2_fs *fs, const char *path)
{
	const char *name;
	struct ext2_inode *dir = path_parent(fs, path, &name);
	long r;

	if (IS_ERR(dir))
		return PTR_ERR(dir);
	r = ext2_create(dir, name, strlen(name), 0644);
	ext2_iput(dir);
	return r;
}

static long p_mkdir(struct ext2_fs *fs, const char *path)
{
	const char *name;
	struct ext2_inode *dir = path_parent(fs, path, &name);
	long r;

	if (IS_ERR(dir))
		return PTR_ERR(dir);
	r = ext2_mkdir(dir, name, strlen(name), 0755);
	ext2_iput(dir);
	return r;
}

static long p_write(struct ext2_fs *fs, const char *path, uint64_t off,
		    const void *buf, size_t len)
{
	long ino = path_lookup(fs, path);
	struct ext2_inode *ip;
	long r;

	if (ino < 0)
		return ino;
	ip = ext2_iget(fs, (uint32_t)ino);
	r = ext2_write(ip, off, buf, len);
	ext2_iput(ip);
	return r;
}

static int p_truncate(struct ext2_fs *fs, const char *path, uint64_t size)
{
	struct ext2_inode *ip = ext2_iget(fs, (uint32_t)path_lookup(fs, path));
	int r = ext2_truncate(ip, size);

	ext2_iput(ip);
	return r;
}

static int p_unlink(struct ext2_fs *fs, const char *path, bool dir)
{
	const char *name;
	struct ext2_inode *d = path_parent(fs, path, &name);
	int r;

	if (IS_ERR(d))
		return PTR_ERR(d);
	r = dir ? ext2_rmdir(d, name, strlen(name)) :
		  ext2_unlink(d, name, strlen(name));
	ext2_iput(d);
	return r;
}

static int p_rename(struct ext2_fs *fs, const char *from, const char *to)
{
	const char *on, *nn;
	struct ext2_inode *od = path_parent(fs, from, &on);
	struct ext2_inode *nd = path_parent(fs, to, &nn);
	int r = IS_ERR(od) ? PTR_ERR(od) : IS_ERR(nd) ? PTR_ERR(nd) :
		ext2_rename(od, on, strlen(on), nd, nn, strlen(nn));

	ext2_iput(od);
	ext2_iput(nd);
	return r;
}

static int p_link(struct ext2_fs *fs, const char *from, const char *to)
{
	const char *nn;
	long ino = path_lookup(fs, from);
	struct ext2_inode *ip = ino < 0 ? ERR_PTR(ino) :
				ext2_iget(fs, (uint32_t)ino);
	struct ext2_inode *nd = path_parent(fs, to, &nn);
	int r = IS_ERR(ip) ? PTR_ERR(ip) : IS_ERR(nd) ? PTR_ERR(nd) :
		ext2_link(nd, nn, strlen(nn), ip);

	ext2_iput(ip);
	ext2_iput(nd);
	return r;
}

static HOST_UNUSED long p_symlink(struct ext2_fs *fs, const char *path, const char *target)
{
	const char *name;
	struct ext2_inode *d = path_parent(fs, path, &name);
	long r = ext2_symlink(d, name, strlen(name), target, strlen(target));

	ext2_iput(d);
	return r;
}

/* debugfs must dump exactly len bytes equal to buf. */

#endif
