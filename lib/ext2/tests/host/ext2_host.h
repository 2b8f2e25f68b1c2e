/* SPDX-License-Identifier: MIT */
/*
 * Host-test environment for lib/ext2: lib/blk's (file-backed device,
 * kmalloc on malloc), the lib/ext2 sources built in, and helpers around
 * e2fsprogs, which the tests run through system().
 *
 * Interface (in a *_test.c, after #include "hosttest.h"):
 *   #include "ext2_host.h"
 *   if (!have_e2fsprogs()) SKIP_CASE();     a case without the tools
 *   sh("mke2fs ... %s", img)                 run a formatted shell line;
 *                                            returns its exit status
 *   mkimg(img, blocksize, inode_size, kib, extra)   a fresh ext2 image
 *   fsck_ok(img)                             e2fsck -fn exits 0
 *   fs = mount_img(img, &dev) / umount_img(fs, dev)
 *   path_lookup(fs, "/a/b")                  inode number or -errno
 *   read_all(fs, "/a/b", &len)               malloc'd contents or NULL
 *   fill_pattern(buf, len, seed)             deterministic bytes
 */
#ifndef EXT2_HOST_H
#define EXT2_HOST_H

#include <stdarg.h>
#include <sys/wait.h>
#include <time.h>
/* The directory index is on, as in the default configuration. */
#ifndef CONFIG_LIBEXT2_DIR_INDEX
#define CONFIG_LIBEXT2_DIR_INDEX 1
#endif
#include "../../../blk/tests/host/blk_host.h"
#include "../../../core/vsnprintf.c"
#include "../../super.c"
#include "../../alloc.c"
#include "../../inode.c"
#include "../../bmap.c"
#include "../../file.c"
#include "../../dir.c"
#include "../../dir_index.c"
#include "../../namei.c"
#include "../../rename.c"

#define HOST_UNUSED __attribute__((unused))

/* The case passes without running: KTAP has no per-case skip here, so
 * it says why on a comment line. */
#define SKIP_CASE()							\
	do {								\
		printf("    # SKIP %s: e2fsprogs missing\n", __func__);	\
		return;							\
	} while (0)

static HOST_UNUSED __printf(1, 2) int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static HOST_UNUSED bool have_e2fsprogs(void)
{
	return !sh("command -v mke2fs >/dev/null && command -v e2fsck >/dev/null && command -v debugfs >/dev/null");
}

static uint32_t host_clock(void)
{
	return (uint32_t)time(NULL);
}

static HOST_UNUSED int mkimg(const char *img, int bs, int isz, int kib,
			     const char *extra)
{
	ext2_set_clock(host_clock);
	return sh("rm -f %s && mke2fs -q -F -t ext2 -b %d -I %d %s %s %d >/dev/null 2>&1",
		  img, bs, isz, extra ? extra : "", img, kib);
}

static HOST_UNUSED bool fsck_ok(const char *img)
{
	int st = sh("e2fsck -fn %s >/tmp/pith-fsck.log 2>&1", img);

	if (st) {
		sh("cat /tmp/pith-fsck.log | head -40");
		return false;
	}
	return true;
}

static HOST_UNUSED struct ext2_fs *mount_img(const char *img,
					     struct blkdev **dev)
{
	*dev = fileblk_open(img, false);
	return ext2_mount(*dev, 0);
}

static HOST_UNUSED int umount_img(struct ext2_fs *fs, struct blkdev *dev)
{
	int err = IS_ERR(fs) ? 0 : ext2_umount(fs);

	fileblk_close(dev);
	return err;
}

/* Walk an absolute path (no symlinks followed); inode number or -errno. */
static HOST_UNUSED long path_lookup(struct ext2_fs *fs, const char *path)
{
	long ino = EXT2_ROOT_INO;

	while (*path) {
		const char *end;
		struct ext2_inode *dir;

		while (*path == '/')
			path++;
		if (!*path)
			break;
		end = strchrnul(path, '/');
		dir = ext2_iget(fs, (uint32_t)ino);
		if (IS_ERR(dir))
			return PTR_ERR(dir);
		ino = ext2_lookup(dir, path, (size_t)(end - path));
		ext2_iput(dir);
		if (ino < 0)
			return ino;
		path = end;
	}
	return ino;
}

/* The parent directory of path (held) and the last name's offset. */
static HOST_UNUSED struct ext2_inode *path_parent(struct ext2_fs *fs,
						 const char *path,
						 const char **last)
{
	char dirpath[4096];
	const char *slash = strrchr(path, '/');
	struct ext2_inode *dir;
	long ino;

	memcpy(dirpath, path, (size_t)(slash - path));
	dirpath[slash - path] = '\0';
	*last = slash + 1;
	ino = path_lookup(fs, dirpath);
	if (ino < 0)
		return ERR_PTR(ino);
	dir = ext2_iget(fs, (uint32_t)ino);
	if (!IS_ERR(dir) && !ext2_isdir(dir)) {
		ext2_iput(dir);
		return ERR_PTR(-ENOTDIR);
	}
	return dir;
}

static HOST_UNUSED char *read_all(struct ext2_fs *fs, const char *path,
				  size_t *len)
{
	long ino = path_lookup(fs, path);
	struct ext2_inode *ip;
	struct ext2_stat st;
	char *buf;
	long n;

	if (ino < 0)
		return NULL;
	ip = ext2_iget(fs, (uint32_t)ino);
	if (IS_ERR(ip))
		return NULL;
	ext2_stat(ip, &st);
	buf = malloc(st.size + 1);
	n = ext2_read(ip, 0, buf, st.size);
	ext2_iput(ip);
	if (n != (long)st.size) {
		free(buf);
		return NULL;
	}
	*len = st.size;
	return buf;
}

static HOST_UNUSED void fill_pattern(void *buf, size_t len, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		((unsigned char *)buf)[i] = (unsigned char)x;
	}
}

#endif
