/* SPDX-License-Identifier: MIT */
/*
 * fsextra: a differential test of the less common file calls: flock
 * (between descriptions, dup sharing, release on close, a blocked
 * waiter), fallocate, sendfile, copy_file_range, memfd_create,
 * O_TMPFILE, utime/utimes/futimesat/futimens, readahead and
 * sync_file_range. Same source on Linux (in a temporary directory) and
 * on Pith (ramfs); tests/boot/test_posix.py compares the outputs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>
#include <utime.h>

#include "errname.h"

static long check(const char *what, long r)
{
	printf("%s: %s\n", what, r < 0 ? ename(errno) : "OK");
	return r;
}

static void checkn(const char *what, long r)
{
	if (r < 0)
		printf("%s: %s\n", what, ename(errno));
	else
		printf("%s: %ld\n", what, r);
}

static int make_file(const char *name, size_t size)
{
	int fd = open(name, O_CREAT | O_RDWR | O_TRUNC, 0644);

	for (size_t i = 0; i < size; i++) {
		char c = (char)('A' + i % 23);

		write(fd, &c, 1);
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static long pos(int fd)
{
	return (long)lseek(fd, 0, SEEK_CUR);
}

static volatile int released;

static void *waiter(void *arg)
{
	int fd = open("lockf", O_RDONLY);

	flock(fd, LOCK_EX);
	printf("waiter got the lock after release: %d\n", released);
	flock(fd, LOCK_UN);
	close(fd);
	return arg;
}

static void flock_cases(void)
{
	int a = make_file("lockf", 10), b = open("lockf", O_RDONLY), c = dup(a);
	pthread_t t;

	check("flock a EX", flock(a, LOCK_EX));
	check("flock b EX NB", flock(b, LOCK_EX | LOCK_NB));
	check("flock b SH NB", flock(b, LOCK_SH | LOCK_NB));
	check("flock dup c EX (same lock)", flock(c, LOCK_EX | LOCK_NB));
	check("flock c SH (convert)", flock(c, LOCK_SH));
	check("flock b SH NB now", flock(b, LOCK_SH | LOCK_NB));
	check("flock b UN", flock(b, LOCK_UN));
	check("flock a EX NB again", flock(a, LOCK_EX | LOCK_NB));
	close(c);
	check("flock b SH NB after closing dup", flock(b, LOCK_SH | LOCK_NB));
	close(a);
	check("flock b EX NB after last close", flock(b, LOCK_EX | LOCK_NB));
	check("flock op 0", flock(b, 0));
	check("flock SH|EX", flock(b, LOCK_SH | LOCK_EX));
	check("flock bad fd", flock(999, LOCK_SH));
	/* A blocked waiter wakes when the lock goes. */
	pthread_create(&t, NULL, waiter, NULL);
	usleep(100000);
	released = 1;
	flock(b, LOCK_UN);
	pthread_join(t, NULL);
	close(b);
	unlink("lockf");
}

static int all_zero(int fd, off_t off, size_t n)
{
	char buf[8192];

	if (pread(fd, buf, n, off) != (ssize_t)n)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (buf[i])
			return 0;
	return 1;
}

static void fallocate_cases(void)
{
	int fd = open("fa", O_CREAT | O_RDWR | O_TRUNC, 0644), pfd[2];
	struct stat st;
	char buf[16] = { 0 };

	check("fallocate 0", fallocate(fd, 0, 0, 10000));
	fstat(fd, &st);
	printf("size %lld zeros %d\n", (long long)st.st_size,
	       all_zero(fd, 0, 8192));
	check("fallocate keep size", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0,
					       20000));
	fstat(fd, &st);
	printf("size %lld\n", (long long)st.st_size);
	memset(buf, 'q', sizeof(buf));
	for (int i = 0; i < 3; i++)
		pwrite(fd, buf, sizeof(buf), 4096 * i + 100);
	check("punch hole", fallocate(fd, FALLOC_FL_PUNCH_HOLE |
				      FALLOC_FL_KEEP_SIZE, 4096, 4096));
	fstat(fd, &st);
	printf("after punch: size %lld hole zero %d", (long long)st.st_size,
	       all_zero(fd, 4096, 4096));
	pread(fd, buf, 4, 100);
	printf(" before %.4s", buf);
	pread(fd, buf, 4, 8192 + 100);
	printf(" after %.4s\n", buf);
	check("fallocate len 0", fallocate(fd, 0, 0, 0));
	check("fallocate negative", fallocate(fd, 0, -1, 10));
	check("fallocate unknown mode", fallocate(fd, 0x1000, 0, 10));
	check("punch without keep size", fallocate(fd, FALLOC_FL_PUNCH_HOLE,
						   0, 10));
	close(fd);
	fd = open("fa", O_RDONLY);
	check("fallocate O_RDONLY", fallocate(fd, 0, 0, 10));
	close(fd);
	pipe(pfd);
	check("fallocate pipe", fallocate(pfd[1], 0, 0, 10));
	close(pfd[0]);
	close(pfd[1]);
	unlink("fa");
}

static void sendfile_cases(void)
{
	int in = make_file("sf_in", 100000), out = open("sf_out", O_CREAT |
							   O_RDWR | O_TRUNC,
							   0644), pfd[2];
	off_t off = 10;
	char a[8] = { 0 }, b[8] = { 0 };
	struct stat st;

	checkn("sendfile with offset", sendfile(out, in, &off, 50000));
	printf("offset now %ld, in pos %ld, out pos %ld\n", (long)off,
	       pos(in), pos(out));
	pread(in, a, 5, 10);
	pread(out, b, 5, 0);
	printf("copied bytes match: %d\n", !strcmp(a, b));
	checkn("sendfile at position", sendfile(out, in, NULL, 1000));
	printf("in pos %ld, out pos %ld\n", pos(in), pos(out));
	off = 99990;
	checkn("sendfile near EOF", sendfile(out, in, &off, 100));
	off = 200000;
	checkn("sendfile past EOF", sendfile(out, in, &off, 100));
	pipe(pfd);
	checkn("sendfile to pipe", sendfile(pfd[1], in, NULL, 100));
	memset(a, 0, sizeof(a));
	read(pfd[0], a, 5);
	pread(in, b, 5, 1000);
	printf("pipe got the bytes: %d\n", !strcmp(a, b));
	off = 0;
	check("sendfile from pipe with offset", sendfile(out, pfd[0], &off, 10));
	check("sendfile bad in", sendfile(out, 999, NULL, 10));
	close(pfd[0]);
	close(pfd[1]);
	close(out);
	out = open("sf_out", O_WRONLY | O_APPEND);
	check("sendfile to O_APPEND", sendfile(out, in, NULL, 10));
	close(out);
	out = open("sf_out", O_RDONLY);
	check("sendfile to O_RDONLY", sendfile(out, in, NULL, 10));
	fstat(out, &st);
	printf("out size %lld\n", (long long)st.st_size);
	close(out);
	close(in);
	unlink("sf_in");
	unlink("sf_out");
}

static void copy_range_cases(void)
{
	int in = make_file("cr_in", 20000), out = open("cr_out", O_CREAT |
							  O_RDWR | O_TRUNC,
							  0644), fd, pfd[2];
	loff_t ioff = 100, ooff = 7;
	char a[8] = { 0 }, b[8] = { 0 };

	checkn("copy_file_range offsets", copy_file_range(in, &ioff, out, &ooff,
							 5000, 0));
	printf("ioff %ld ooff %ld in pos %ld out pos %ld\n", (long)ioff,
	       (long)ooff, pos(in), pos(out));
	pread(in, a, 6, 100);
	pread(out, b, 6, 7);
	printf("copied bytes match: %d\n", !strcmp(a, b));
	lseek(in, 19000, SEEK_SET);
	checkn("copy_file_range positions", copy_file_range(in, NULL, out,
							   NULL, 5000, 0));
	printf("in pos %ld out pos %ld\n", pos(in), pos(out));
	checkn("copy_file_range len 0", copy_file_range(in, NULL, out, NULL,
							0, 0));
	check("copy_file_range flags", copy_file_range(in, NULL, out, NULL, 1,
						       1));
	ioff = 0;
	ooff = 10;
	check("copy_file_range overlap", copy_file_range(in, &ioff, in, &ooff,
							 100, 0));
	fd = open(".", O_RDONLY | O_DIRECTORY);
	check("copy_file_range dir", copy_file_range(fd, NULL, out, NULL, 1, 0));
	close(fd);
	pipe(pfd);
	check("copy_file_range pipe", copy_file_range(in, NULL, pfd[1], NULL, 1,
						      0));
	close(pfd[0]);
	close(pfd[1]);
	fd = open("cr_out", O_WRONLY | O_APPEND);
	check("copy_file_range O_APPEND", copy_file_range(in, NULL, fd, NULL, 1,
							  0));
	close(fd);
	close(in);
	close(out);
	unlink("cr_in");
	unlink("cr_out");
}

static void splice_cases(void)
{
	int in = make_file("sp_in", 10000), out = open("sp_out", O_CREAT |
							  O_RDWR | O_TRUNC,
							  0644), pfd[2], qfd[2];
	loff_t off = 5, ooff = 3;
	char a[128] = { 0 }, b[128] = { 0 };
	struct iovec v[2] = { { "vm", 2 }, { "splice", 6 } };
	struct iovec rv[1] = { { a, sizeof(a) } };

	pipe(pfd);
	checkn("splice file to pipe", splice(in, &off, pfd[1], NULL, 100, 0));
	printf("off %ld in pos %ld\n", (long)off, pos(in));
	read(pfd[0], a, 100);
	pread(in, b, 100, 5);
	printf("pipe got the bytes: %d\n", !memcmp(a, b, 100));
	write(pfd[1], "fifty", 5);
	checkn("splice pipe to file", splice(pfd[0], NULL, out, &ooff, 1000, 0));
	memset(a, 0, sizeof(a));
	pread(out, a, 5, 3);
	printf("file got: %s, ooff %ld\n", a, (long)ooff);
	check("splice empty pipe nonblock", splice(pfd[0], NULL, out, NULL, 10,
						   SPLICE_F_NONBLOCK));
	check("splice file to file", splice(in, NULL, out, NULL, 10, 0));
	off = 0;
	check("splice offset on pipe", splice(pfd[0], &off, out, NULL, 10, 0));
	check("splice one pipe", splice(pfd[0], NULL, pfd[1], NULL, 10, 0));
	check("splice bad flags", splice(in, NULL, pfd[1], NULL, 10, 0x100));
	checkn("vmsplice into pipe", vmsplice(pfd[1], v, 2, 0));
	memset(a, 0, sizeof(a));
	checkn("vmsplice out of pipe", vmsplice(pfd[0], rv, 1, 0));
	printf("got %s\n", a);
	check("vmsplice file", vmsplice(in, v, 1, 0));
	pipe(qfd);
	write(pfd[1], "p2p", 3);
	checkn("splice pipe to pipe", splice(pfd[0], NULL, qfd[1], NULL, 64, 0));
	memset(a, 0, sizeof(a));
	read(qfd[0], a, 3);
	printf("second pipe got %s\n", a);
	write(pfd[1], "tee-me", 6);
	checkn("tee", tee(pfd[0], qfd[1], 100, 0));
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	read(qfd[0], a, 100);
	read(pfd[0], b, 100);
	printf("tee copy %s, original %s\n", a, b);
	check("tee empty nonblock", tee(pfd[0], qfd[1], 10, SPLICE_F_NONBLOCK));
	check("tee file", tee(in, qfd[1], 10, 0));
	check("tee one pipe", tee(pfd[0], pfd[1], 10, 0));
	checkn("tee len 0", tee(pfd[0], qfd[1], 0, 0));
	close(pfd[1]);
	checkn("tee at EOF", tee(pfd[0], qfd[1], 10, 0));
	close(qfd[0]);
	close(qfd[1]);
	close(pfd[0]);
	close(in);
	close(out);
	unlink("sp_in");
	unlink("sp_out");
}

static int count_dir(void)
{
	DIR *d = opendir(".");
	int n = 0;

	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void memfd_tmpfile_cases(void)
{
	char name[300], buf[8] = { 0 };
	struct stat st;
	int before = count_dir();
	int fd = (int)syscall(SYS_memfd_create, "test/one", 1);
	char *p;

	check("memfd_create", fd);
	printf("cloexec: %d\n", fcntl(fd, F_GETFD) == FD_CLOEXEC);
	write(fd, "memory file", 11);
	fstat(fd, &st);
	printf("memfd size %lld regular %d nlink %ld\n", (long long)st.st_size,
	       S_ISREG(st.st_mode), (long)st.st_nlink);
	ftruncate(fd, 8192);
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	memcpy(p + 4096, "shared", 6);
	pread(fd, buf, 6, 4096);
	printf("memfd mmap shared: %s\n", buf);
	munmap(p, 8192);
	close(fd);
	memset(name, 'n', sizeof(name));
	name[sizeof(name) - 1] = 0;
	check("memfd long name", syscall(SYS_memfd_create, name, 0));
	check("memfd bad flags", syscall(SYS_memfd_create, "x", 0x100));

	fd = open(".", O_TMPFILE | O_RDWR, 0600);
	check("O_TMPFILE", fd);
	write(fd, "tmp data", 8);
	memset(buf, 0, sizeof(buf));
	pread(fd, buf, 8, 0);
	fstat(fd, &st);
	printf("tmpfile: %.8s nlink %ld mode %o\n", buf, (long)st.st_nlink,
	       st.st_mode & 07777);
	printf("directory unchanged: %d\n", count_dir() == before);
	close(fd);
	check("O_TMPFILE read-only", open(".", O_TMPFILE | O_RDONLY, 0600));
	check("O_TMPFILE with O_CREAT", open(".", O_TMPFILE | O_CREAT | O_RDWR,
					     0600));
	close(open("tf", O_CREAT | O_WRONLY, 0644));
	check("O_TMPFILE on a file", open("tf", O_TMPFILE | O_RDWR, 0600));
	check("O_TMPFILE missing dir", open("nodir", O_TMPFILE | O_RDWR, 0600));
	unlink("tf");
}

static void show_times(const char *what, const char *name)
{
	struct stat st;

	stat(name, &st);
	printf("%s: atime %lld.%09ld mtime %lld.%09ld\n", what,
	       (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
	       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

static void time_cases(void)
{
	struct timeval tv[2] = { { 1000, 500000 }, { 2000, 7 } };
	struct utimbuf ub = { 3000, 4000 };
	struct timespec ts[2] = { { 5000, 1 }, { 6000, 2 } };
	int fd = make_file("tm", 10), pfd[2];

	check("utimes", syscall(SYS_utimes, "tm", tv));
	show_times("after utimes", "tm");
	check("utime", syscall(SYS_utime, "tm", &ub));
	show_times("after utime", "tm");
	tv[0].tv_sec = 7000;
	check("futimesat", syscall(SYS_futimesat, AT_FDCWD, "tm", tv));
	show_times("after futimesat", "tm");
	check("futimens on a file", futimens(fd, ts));
	show_times("after futimens", "tm");
	tv[1].tv_usec = 1000000;
	check("utimes bad usec", syscall(SYS_utimes, "tm", tv));
	check("utime missing", syscall(SYS_utime, "nope", &ub));
	check("readahead", syscall(SYS_readahead, fd, 0L, 4096L));
	check("sync_file_range", sync_file_range(fd, 0, 0, 0));
	check("sync_file_range write", sync_file_range(fd, 0, 10,
						       SYNC_FILE_RANGE_WRITE));
	check("sync_file_range bad flags", sync_file_range(fd, 0, 0, 8));
	pipe(pfd);
	check("readahead pipe", syscall(SYS_readahead, pfd[0], 0L, 10L));
	check("sync_file_range pipe", sync_file_range(pfd[0], 0, 0, 0));
	close(pfd[0]);
	close(pfd[1]);
	close(fd);
	unlink("tm");
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* The old getdents record: d_type in the last byte of each record. */
static void getdents_old(void)
{
	char buf[4096], names[8][32];
	int fd, n = 0;
	long len;

	mkdir("gd", 0755);
	close(open("gd/file", O_CREAT | O_WRONLY, 0644));
	mkdir("gd/sub", 0755);
	symlink("file", "gd/link");
	fd = open("gd", O_RDONLY | O_DIRECTORY);
	len = syscall(SYS_getdents, fd, buf, sizeof(buf));
	for (long off = 0; off < len && n < 8;) {
		unsigned short reclen = *(unsigned short *)(buf + off + 16);

		snprintf(names[n++], sizeof(names[0]), "%s:%d", buf + off + 18,
			 buf[off + reclen - 1]);
		off += reclen;
	}
	qsort(names, (size_t)n, sizeof(names[0]), cmpstr);
	printf("getdents:");
	for (int i = 0; i < n; i++)
		printf(" %s", names[i]);
	printf("\n");
	lseek(fd, 0, SEEK_SET);
	check("getdents tiny buffer", syscall(SYS_getdents, fd, buf, 8L));
	close(fd);
	check("getdents not a dir", syscall(SYS_getdents, 0, buf, 4096L));
	unlink("gd/file");
	unlink("gd/link");
	rmdir("gd/sub");
	rmdir("gd");
}

int main(void)
{
	getdents_old();
	flock_cases();
	fallocate_cases();
	sendfile_cases();
	copy_range_cases();
	splice_cases();
	memfd_tmpfile_cases();
	time_cases();
	return 0;
}
