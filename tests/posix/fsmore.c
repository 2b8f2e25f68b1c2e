/* SPDX-License-Identifier: MIT */
/*
 * fsmore: a differential test of the newer file system calls: mmap of
 * files (private copies, shared pages seen by read/write both ways, the
 * zeroed tail past EOF, the errno cases), statx against fstat, preadv /
 * pwritev / preadv2 / pwritev2, the chown family, renameat2 with
 * RENAME_NOREPLACE. Same source on Linux (in a temporary directory) and
 * on Pith (ramfs); tests/boot/test_posix.py compares the outputs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#define PG 4096

#include "errname.h"

static long check(const char *what, long r)
{
	printf("%s: %s\n", what, r < 0 ? ename(errno) : "OK");
	return r;
}

static void checkn_(const char *what, long r)
{
	if (r < 0)
		printf("%s: %s\n", what, ename(errno));
	else
		printf("%s: %ld\n", what, r);
}

static void map_err(const char *what, void *p)
{
	printf("%s: %s\n", what, p == MAP_FAILED ? ename(errno) : "OK");
	if (p != MAP_FAILED)
		munmap(p, PG);
}

static void fill(char *buf, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)('a' + (i * 7 + (size_t)seed) % 26);
}

static int make_file(const char *name, size_t size, int seed)
{
	char *buf = malloc(size);
	int fd = open(name, O_CREAT | O_RDWR | O_TRUNC, 0644);

	fill(buf, size, seed);
	if (fd < 0 || write(fd, buf, size) != (ssize_t)size)
		printf("make_file %s failed: %s\n", name, ename(errno));
	free(buf);
	return fd;
}

static int all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void mmap_private(void)
{
	size_t size = 2 * PG + 100;
	char *want = malloc(size), got[16];
	int fd = make_file("priv", size, 1);
	char *p;

	fill(want, size, 1);
	p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	check("mmap private ro", p == MAP_FAILED ? -1 : 0);
	printf("private content equal: %d\n", !memcmp(p, want, size));
	printf("private tail past EOF zero: %d\n",
	       all_zero(p + size, 3 * PG - size));
	munmap(p, size);
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, PG);
	check("mmap private rw at offset", p == MAP_FAILED ? -1 : 0);
	printf("private offset content equal: %d\n",
	       !memcmp(p, want + PG, PG));
	memcpy(p, "PRIVATE", 7);
	pread(fd, got, 7, PG);
	printf("private store not in file: %d\n", memcmp(got, "PRIVATE", 7) != 0);
	munmap(p, PG);
	close(fd);
	/* A read-only fd may be mapped private and writable. */
	fd = open("priv", O_RDONLY);
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	check("mmap private rw of O_RDONLY", p == MAP_FAILED ? -1 : 0);
	if (p != MAP_FAILED) {
		p[0] = 'Z';
		munmap(p, PG);
	}
	close(fd);
	free(want);
}

static void mmap_shared(void)
{
	int fd = make_file("shared", PG + 10, 2);
	char buf[32] = { 0 };
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       0);
	struct stat st;

	check("mmap shared", p == MAP_FAILED ? -1 : 0);
	if (p == MAP_FAILED)
		return;
	memcpy(p + 100, "through-the-map", 15);
	pread(fd, buf, 15, 100);
	printf("read sees map store: %.15s\n", buf);
	pwrite(fd, "via-pwrite", 10, 2000);
	printf("map sees pwrite: %.10s\n", p + 2000);
	printf("shared tail past EOF zero: %d\n",
	       all_zero(p + PG + 10, PG - 10));
	check("msync", msync(p, PG, MS_SYNC));
	check("msync async+sync", msync(p, PG, MS_SYNC | MS_ASYNC));
	fstat(fd, &st);
	printf("size after map stores: %lld\n", (long long)st.st_size);
	check("munmap", munmap(p, 2 * PG));
	memset(buf, 0, sizeof(buf));
	pread(fd, buf, 15, 100);
	printf("after munmap: %.15s\n", buf);

	/* A hole mapped and stored into, and an unlinked mapped file. */
	ftruncate(fd, 4 * PG);
	p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 2 * PG);
	check("mmap shared hole", p == MAP_FAILED ? -1 : 0);
	printf("hole reads zero: %d\n", all_zero(p, 2 * PG));
	unlink("shared");
	strcpy(p + PG + 5, "in-the-hole");
	memset(buf, 0, sizeof(buf));
	pread(fd, buf, 11, 3 * PG + 5);
	printf("unlinked file sees store: %s\n", buf);
	close(fd);
	printf("map outlives close: %s\n", p + PG + 5);
	munmap(p, PG);		/* part of it */
	printf("rest of map still there: %s\n", p + PG + 5);
	munmap(p + PG, PG);

	/* Truncate while mapped, then grow: the file reads zeros. */
	fd = make_file("shrink", 2 * PG, 3);
	p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ftruncate(fd, 100);
	ftruncate(fd, 2 * PG);
	memset(buf, 'x', sizeof(buf));
	pread(fd, buf, 8, PG + 8);
	printf("shrunk and grown reads zero: %d\n", all_zero(buf, 8));
	printf("first bytes kept: %d\n", p[0] == 'a' + 3 % 26);
	munmap(p, 2 * PG);
	close(fd);
	unlink("shrink");
}

static void mmap_errors(void)
{
	int fd, pfd[2];
	char *p;

	close(make_file("errs", 100, 4));
	fd = open("errs", O_RDONLY);
	map_err("shared write of O_RDONLY",
		mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	map_err("shared read of O_RDONLY",
		mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0));
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	check("mprotect write, shared of O_RDONLY",
	      mprotect(p, PG, PROT_READ | PROT_WRITE));
	munmap(p, PG);
	p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
	check("mprotect write, private of O_RDONLY",
	      mprotect(p, PG, PROT_READ | PROT_WRITE));
	munmap(p, PG);
	map_err("offset not aligned",
		mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100));
	map_err("length 0", mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0));
	map_err("neither shared nor private",
		mmap(NULL, PG, PROT_READ, 0, fd, 0));
	close(fd);
	map_err("closed fd", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0));
	map_err("fd -1", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0));
	fd = open("errs", O_WRONLY);
	map_err("private of O_WRONLY",
		mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0));
	close(fd);
	fd = open("errs", O_RDWR | O_APPEND);
	map_err("shared write of O_APPEND",
		mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	close(fd);
	fd = open("errs", O_PATH);
	map_err("O_PATH fd", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0));
	close(fd);
	pipe(pfd);
	map_err("pipe", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, pfd[0], 0));
	close(pfd[0]);
	close(pfd[1]);
	fd = open(".", O_RDONLY | O_DIRECTORY);
	map_err("directory", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0));
	close(fd);
	fd = open("/dev/null", O_RDWR);
	map_err("/dev/null", mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0));
	close(fd);
	fd = open("/dev/zero", O_RDWR);
	p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	check("/dev/zero private", p == MAP_FAILED ? -1 : 0);
	if (p != MAP_FAILED) {
		printf("/dev/zero reads zero: %d\n", p[0] == 0 && p[PG + 7] == 0);
		p[5] = 1;
		munmap(p, 2 * PG);
	}
	close(fd);
	unlink("errs");
}

/* Linux's struct statx, spelled out: musl's headers may lack it. */
struct statx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t pad;
};
struct statx_s {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad0;
	uint64_t ino, size, blocks, attributes_mask;
	struct statx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[16];
};
#define BASIC 0x7ffu

static long xstatx(int dirfd, const char *name, int flags, struct statx_s *sx)
{
	memset(sx, 0xa5, sizeof(*sx));
	return syscall(SYS_statx, dirfd, name, flags, BASIC, sx);
}

static int same(const struct statx_s *x, const struct stat *s)
{
	return (x->mask & BASIC) == BASIC && x->mode == s->st_mode &&
	       x->ino == s->st_ino && x->nlink == s->st_nlink &&
	       x->uid == s->st_uid && x->gid == s->st_gid &&
	       (off_t)x->size == s->st_size &&
	       (blkcnt_t)x->blocks == s->st_blocks &&
	       x->blksize == (uint32_t)s->st_blksize &&
	       makedev(x->dev_major, x->dev_minor) == s->st_dev &&
	       makedev(x->rdev_major, x->rdev_minor) == s->st_rdev &&
	       x->mtime.tv_sec == s->st_mtim.tv_sec &&
	       x->mtime.tv_nsec == (uint32_t)s->st_mtim.tv_nsec &&
	       x->ctime.tv_sec == s->st_ctim.tv_sec &&
	       x->atime.tv_sec == s->st_atim.tv_sec;
}

static void statx_cases(void)
{
	struct statx_s sx;
	struct stat st;
	int fd = make_file("sx", 5000, 5);

	fstat(fd, &st);
	check("statx name", xstatx(AT_FDCWD, "sx", 0, &sx));
	printf("statx name matches fstat: %d\n", same(&sx, &st));
	printf("statx size %llu mode %o nlink %u\n",
	       (unsigned long long)sx.size, sx.mode, sx.nlink);
	check("statx AT_EMPTY_PATH", xstatx(fd, "", AT_EMPTY_PATH, &sx));
	printf("statx fd matches fstat: %d\n", same(&sx, &st));
	symlink("sx", "sxlink");
	xstatx(AT_FDCWD, "sxlink", AT_SYMLINK_NOFOLLOW, &sx);
	lstat("sxlink", &st);
	printf("statx nofollow is a link: %d size %llu matches: %d\n",
	       (sx.mode & S_IFMT) == S_IFLNK, (unsigned long long)sx.size,
	       same(&sx, &st));
	xstatx(AT_FDCWD, "sxlink", 0, &sx);
	printf("statx follow is a file: %d\n", (sx.mode & S_IFMT) == S_IFREG);
	fd = open("/dev/null", O_RDONLY);
	fstat(fd, &st);
	xstatx(fd, "", AT_EMPTY_PATH, &sx);
	printf("statx /dev/null matches fstat: %d\n", same(&sx, &st));
	close(fd);
	mkdir("sxdir", 0755);
	xstatx(AT_FDCWD, "sxdir", 0, &sx);
	stat("sxdir", &st);
	printf("statx dir matches stat: %d\n", same(&sx, &st));
	check("statx missing", xstatx(AT_FDCWD, "nope", 0, &sx));
	check("statx empty without flag", xstatx(AT_FDCWD, "", 0, &sx));
	check("statx bad flags", xstatx(AT_FDCWD, "sx", 0x40000, &sx));
	check("statx bad fd", xstatx(9999, "", AT_EMPTY_PATH, &sx));
	check("statx file as dirfd", xstatx(fd = open("sx", O_RDONLY), "x", 0,
					    &sx));
	close(fd);
	unlink("sxlink");
	unlink("sx");
	rmdir("sxdir");
}

static void vector_io(void)
{
	int fd = open("vec", O_CREAT | O_RDWR | O_TRUNC, 0644);
	char a[8], b[8], c[8], out[32] = { 0 };
	struct iovec w[3] = { { "alpha-", 6 }, { "", 0 }, { "beta-gamma", 10 } };
	struct iovec r[3] = { { a, 3 }, { b, 5 }, { c, 8 } };
	int pfd[2];
	long n;

	write(fd, "0123456789", 10);
	n = pwritev(fd, w, 3, 100);
	printf("pwritev: %ld, offset now %ld\n", n, (long)lseek(fd, 0, SEEK_CUR));
	n = preadv(fd, r, 3, 100);
	printf("preadv: %ld [%.3s|%.5s|%.8s] offset now %ld\n", n, a, b, c,
	       (long)lseek(fd, 0, SEEK_CUR));
	n = preadv(fd, r, 3, 110);
	printf("preadv near EOF: %ld [%.3s|%.5s]\n", n, a, b);
	lseek(fd, 2, SEEK_SET);
	n = syscall(SYS_preadv2, fd, r, 2, -1L, 0L, 0);
	printf("preadv2 at -1: %ld [%.3s|%.5s] offset now %ld\n", n, a, b,
	       (long)lseek(fd, 0, SEEK_CUR));
	n = syscall(SYS_pwritev2, fd, w, 1, 0L, 0L, 0);
	printf("pwritev2 at 0: %ld offset now %ld\n", n,
	       (long)lseek(fd, 0, SEEK_CUR));
	pread(fd, out, 10, 0);
	printf("file starts: %s\n", out);
	check("pwritev2 bad flag", syscall(SYS_pwritev2, fd, w, 1, 0L, 0L,
					       0x1000000));
	check("preadv negative", preadv(fd, r, 1, -5));
	check("preadv bad fd", preadv(999, r, 1, 0));
	check("preadv too many", syscall(SYS_preadv, fd, r, 100000, 0L, 0L));
	pipe(pfd);
	check("preadv pipe", preadv(pfd[0], r, 1, 0));
	check("preadv2 NOWAIT empty pipe",
	      syscall(SYS_preadv2, pfd[0], r, 1, -1L, 0L, 8));
	write(pfd[1], "xy", 2);
	checkn_("preadv2 NOWAIT pipe with data",
		syscall(SYS_preadv2, pfd[0], r, 1, -1L, 0L, 8));
	check("pwritev read end", pwritev(pfd[0], w, 1, 0));
	close(pfd[0]);
	close(pfd[1]);
	close(fd);
	fd = open("vec", O_RDONLY);
	check("pwritev O_RDONLY", pwritev(fd, w, 1, 0));
	close(fd);
	unlink("vec");
}

static void show_owner(const char *what, const char *name, int follow)
{
	struct stat st;

	if ((follow ? stat(name, &st) : lstat(name, &st)) < 0)
		printf("%s: %s\n", what, ename(errno));
	else
		printf("%s: uid %u gid %u mode %o\n", what, st.st_uid,
		       st.st_gid, st.st_mode & 07777);
}

static void chown_cases(void)
{
	int fd = make_file("own", 10, 6);

	check("chown", chown("own", 1234, 5678));
	show_owner("after chown", "own", 1);
	check("chown -1 gid", chown("own", -1, 99));
	show_owner("after chown -1 99", "own", 1);
	check("fchown", fchown(fd, 70000, -1));
	show_owner("after fchown", "own", 1);
	symlink("own", "ownlink");
	check("lchown", lchown("ownlink", 11, 12));
	show_owner("link after lchown", "ownlink", 0);
	show_owner("target after lchown", "own", 1);
	check("fchownat nofollow", fchownat(AT_FDCWD, "ownlink", 21, 22,
					    AT_SYMLINK_NOFOLLOW));
	show_owner("link after fchownat", "ownlink", 0);
	check("fchownat follow", fchownat(AT_FDCWD, "ownlink", 31, 32, 0));
	show_owner("target after fchownat", "own", 1);
	check("fchownat AT_EMPTY_PATH", fchownat(fd, "", 41, 42,
						 AT_EMPTY_PATH));
	show_owner("after AT_EMPTY_PATH", "own", 1);
	chmod("own", 06755);
	check("chown keeps ids", chown("own", -1, -1));
	show_owner("setid bits after chown", "own", 1);
	mkdir("owndir", 0755);
	chmod("owndir", 02755);
	check("chown dir", chown("owndir", 5, 6));
	show_owner("dir keeps setgid", "owndir", 1);
	check("chown missing", chown("nope", 1, 1));
	check("fchownat bad flags", fchownat(AT_FDCWD, "own", 1, 1, 0x4));
	check("fchown bad fd", fchown(999, 1, 1));
	check("mkdir drops setgid", mkdir("sgdir", 02755));
	show_owner("mkdir 02755", "sgdir", 1);
	rmdir("sgdir");
	close(fd);
	unlink("ownlink");
	unlink("own");
	rmdir("owndir");
}

static void rename_cases(void)
{
	make_file("ra", 3, 7);
	make_file("rb", 5, 8);
	check("renameat2 NOREPLACE onto existing",
	      syscall(SYS_renameat2, AT_FDCWD, "ra", AT_FDCWD, "rb", 1));
	check("renameat2 NOREPLACE to new",
	      syscall(SYS_renameat2, AT_FDCWD, "ra", AT_FDCWD, "rc", 1));
	check("ra gone", access("ra", F_OK));
	check("renameat2 bad flags",
	      syscall(SYS_renameat2, AT_FDCWD, "rc", AT_FDCWD, "rd", 0x10));
	check("renameat2 NOREPLACE|EXCHANGE",
	      syscall(SYS_renameat2, AT_FDCWD, "rc", AT_FDCWD, "rb", 3));
	unlink("rb");
	unlink("rc");
}

int main(void)
{
	mmap_private();
	mmap_shared();
	mmap_errors();
	statx_cases();
	vector_io();
	chown_cases();
	rename_cases();
	return 0;
}
