/* SPDX-License-Identifier: MIT */
/*
 * fsops: a differential test of file system calls. Plain POSIX C: the
 * same source runs on Linux (in a temporary directory) and on Pith (on
 * ramfs), and tests/boot/test_posix.py compares the two outputs line by
 * line. It prints only what both must agree on: contents, sizes, link
 * counts, types, sorted listings and errno names.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errname.h"

/* Print "what: OK" or "what: ENAME" for a call returning -1 on error. */
static long check(const char *what, long r)
{
	printf("%s: %s\n", what, r < 0 ? ename(errno) : "OK");
	return r;
}

static void put(const char *name, const char *data)
{
	int fd = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		printf("put %s failed: %s\n", name, ename(errno));
	close(fd);
}

static void show(const char *name)
{
	char buf[256];
	int fd = open(name, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		printf("show %s: %s\n", name, ename(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = 0;
	printf("show %s: %zd '%s'\n", name, n, buf);
	close(fd);
}

static void stat_line(const char *name)
{
	struct stat st;

	if (lstat(name, &st)) {
		printf("stat %s: %s\n", name, ename(errno));
		return;
	}
	printf("stat %s: type %s mode %03o nlink %lu size %lld\n", name,
	       S_ISDIR(st.st_mode) ? "dir" : S_ISREG(st.st_mode) ? "reg" :
	       S_ISLNK(st.st_mode) ? "lnk" : "other",
	       (unsigned int)(st.st_mode & 0777),
	       S_ISDIR(st.st_mode) ? 0ul : (unsigned long)st.st_nlink,
	       S_ISDIR(st.st_mode) ? 0ll : (long long)st.st_size);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * NOTE: the listing uses getdents64 through syscall(2), not opendir(3):
 * musl's opendir needs malloc, and Pith has no brk/mmap yet.
 */
struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static void list(const char *dir)
{
	static char names[64][64];
	char *n[64], buf[512];
	int k = 0, fd = open(dir, O_RDONLY | O_DIRECTORY);
	long len;

	if (fd < 0) {
		printf("list %s: %s\n", dir, ename(errno));
		return;
	}
	while ((len = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < len && k < 64;) {
			struct linux_dirent64 *e = (void *)(buf + off);

			snprintf(names[k], sizeof(names[k]), "%s", e->d_name);
			n[k] = names[k];
			k++;
			off += e->d_reclen;
		}
	}
	close(fd);
	qsort(n, k, sizeof(n[0]), cmp);
	printf("list %s:", dir);
	for (int i = 0; i < k; i++)
		printf(" %s", n[i]);
	printf("\n");
}

static void test_rw_seek_append_truncate(void)
{
	char buf[64];
	ssize_t n;
	int fd = check("open rw", open("f", O_CREAT | O_RDWR | O_TRUNC,
					0644));

	printf("write %zd\n", write(fd, "hello world", 11));
	printf("lseek %ld\n", (long)lseek(fd, 6, SEEK_SET));
	printf("read %zd\n", read(fd, buf, 5));
	printf("data '%.5s'\n", buf);
	printf("read at eof %zd\n", read(fd, buf, 5));
	printf("lseek end %ld\n", (long)lseek(fd, 0, SEEK_END));
	printf("pwrite %zd\n", pwrite(fd, "HELLO", 5, 0));
	printf("pread %zd\n", pread(fd, buf, 11, 0));
	printf("data '%.11s'\n", buf);
	printf("cur %ld\n", (long)lseek(fd, 0, SEEK_CUR));
	check("ftruncate shrink", ftruncate(fd, 4));
	stat_line("f");
	check("ftruncate grow", ftruncate(fd, 10));
	n = pread(fd, buf, 64, 0);
	printf("pread grown %zd zero %d\n", n, buf[4] == 0 && buf[9] == 0);
	close(fd);
	fd = open("f", O_WRONLY | O_APPEND);
	lseek(fd, 0, SEEK_SET);
	printf("append %zd\n", write(fd, "!", 1));
	printf("after append %ld\n", (long)lseek(fd, 0, SEEK_CUR));
	printf("getfl %o\n", fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND |
						   O_NONBLOCK));
	close(fd);
	stat_line("f");
	check("truncate path", truncate("f", 2));
	show("f");
	fd = open("f", O_WRONLY | O_TRUNC);
	close(fd);
	stat_line("f");
}

static void test_holes(void)
{
	char buf[16];
	int fd = open("sparse", O_CREAT | O_RDWR, 0644);

	lseek(fd, 1 << 20, SEEK_SET);
	ssize_t n;
	int first;

	printf("hole write %zd\n", write(fd, "end", 3));
	n = pread(fd, buf, 4, 0);
	first = buf[0];
	pread(fd, buf, 1, 500000);
	printf("hole pread %zd first %d mid %d\n", n, first, buf[0]);
	close(fd);
	stat_line("sparse");
	unlink("sparse");
}

static void test_dirs_and_links(void)
{
	check("mkdir d", mkdir("d", 0755));
	check("mkdir d/sub", mkdir("d/sub", 0700));
	put("d/a", "A");
	put("d/b", "BB");
	list("d");
	stat_line("d/sub");
	check("link", link("d/a", "d/a2"));
	stat_line("d/a");
	check("symlink", symlink("a", "d/s"));
	stat_line("d/s");
	show("d/s");
	{
		char buf[16] = { 0 };

		printf("readlink %zd '%s'\n", readlink("d/s", buf, 15), buf);
	}
	check("unlink a", unlink("d/a"));
	stat_line("d/a2");
	show("d/s");
	list("d");
}

static void test_rename_matrix(void)
{
	mkdir("r", 0755);
	put("r/f1", "one");
	put("r/f2", "two");
	mkdir("r/d1", 0755);
	mkdir("r/d2", 0755);
	mkdir("r/full", 0755);
	put("r/full/x", "x");
	check("rename file over file", rename("r/f1", "r/f2"));
	show("r/f2");
	check("rename file over dir", rename("r/f2", "r/d1"));
	check("rename dir over file", rename("r/d1", "r/f2"));
	check("rename dir over empty dir", rename("r/d1", "r/d2"));
	check("rename dir over non-empty dir", rename("r/d2", "r/full"));
	check("rename dir into own child", rename("r/d2", "r/d2/x"));
	check("rename onto itself", rename("r/f2", "r/f2"));
	check("rename missing", rename("r/nope", "r/x"));
	check("rename file/ trailing slash", rename("r/f2/", "r/g"));
	check("rename dir with slash", rename("r/d2/", "r/d3/"));
	check("rename . away", rename("r/.", "r/z"));
	list("r");
}

static void test_unlink_while_open(void)
{
	char buf[16] = { 0 };
	int fd;

	put("u", "still here");
	fd = open("u", O_RDONLY);
	check("unlink open file", unlink("u"));
	stat_line("u");
	printf("read unlinked %zd '%s'\n", read(fd, buf, 15), buf);
	{
		struct stat st;

		fstat(fd, &st);
		printf("fstat unlinked nlink %lu size %lld\n",
		       (unsigned long)st.st_nlink, (long long)st.st_size);
	}
	close(fd);
}

static void test_fds(void)
{
	int fd = open("f", O_RDONLY | O_CLOEXEC), fd2, n = 0, first = -1;
	struct rlimit rl = { 64, 64 };

	printf("getfd %d\n", fcntl(fd, F_GETFD));
	fd2 = dup(fd);
	printf("dup getfd %d\n", fcntl(fd2, F_GETFD));
	lseek(fd, 1, SEEK_SET);
	printf("shared offset %ld\n", (long)lseek(fd2, 0, SEEK_CUR));
	printf("dup2 %d\n", dup2(fd, 50) == 50);
	printf("dupfd_cloexec %d\n", fcntl(fd, F_DUPFD_CLOEXEC, 40) == 40);
	close(40);
	close(50);
	close(fd2);
	close(fd);
	setrlimit(RLIMIT_NOFILE, &rl);	/* Pith's table is its own limit */
	while ((fd = open("f", O_RDONLY)) >= 0) {
		if (first < 0)
			first = fd;
		n++;
	}
	printf("until full: %s\n", ename(errno));
	for (int i = 0; i < n; i++)
		close(first + i);
	fd = open("f", O_RDONLY);
	printf("lowest again %d\n", fd == first);
	close(fd);
}

static void test_symlink_loops(void)
{
	symlink("loop2", "loop1");
	symlink("loop1", "loop2");
	check("open symlink loop", open("loop1", O_RDONLY));
	check("stat symlink loop", access("loop1/x", F_OK));
	check("open O_NOFOLLOW symlink", open("d/s", O_RDONLY | O_NOFOLLOW));
	symlink("nowhere", "dangling");
	check("open dangling", open("dangling", O_RDONLY));
	check("lstat dangling", access("dangling", F_OK));
}

static void test_errors(void)
{
	char name[300], buf[8];
	int fd = open("f", O_RDONLY), dfd = open("d", O_RDONLY);

	memset(name, 'n', sizeof(name));
	name[sizeof(name) - 1] = 0;
	check("open missing", open("missing", O_RDONLY));
	check("open excl existing", open("f", O_CREAT | O_EXCL | O_RDWR,
					  0644));
	check("open under a file", open("f/x", O_RDONLY));
	check("open dir for writing", open("d", O_WRONLY));
	check("open file O_DIRECTORY", open("f", O_RDONLY | O_DIRECTORY));
	check("open long name", open(name, O_CREAT | O_RDWR, 0644));
	check("create name/", open("newfile/", O_CREAT | O_RDWR, 0644));
	check("mkdir existing", mkdir("d", 0755));
	check("mkdir missing parent", mkdir("x/y/z", 0755));
	check("rmdir non-empty", rmdir("d"));
	check("rmdir file", rmdir("f"));
	check("rmdir dot", rmdir("d/sub/."));
	check("unlink dir", unlink("d"));
	check("unlink file/", unlink("f/"));
	check("link dir", link("d", "d2"));
	check("link existing", link("f", "d/b"));
	check("symlink empty", symlink("", "e"));
	check("readlink file", readlink("f", buf, sizeof(buf)));
	check("read bad fd", read(99, buf, 1));
	check("close bad fd", close(99));
	check("dup2 bad fd", dup2(99, 5));
	check("write read-only fd", write(fd, "x", 1));
	check("ftruncate read-only", ftruncate(fd, 0));
	check("lseek negative", lseek(fd, -5, SEEK_SET));
	check("lseek bad whence", lseek(fd, 0, 42));
	check("read dir fd", read(dfd, buf, 1));
	check("truncate negative", truncate("f", -1));
	check("chdir to file", chdir("f"));
	check("openat bad dirfd", openat(99, "x", O_RDONLY));
	check("openat file as dirfd", openat(fd, "x", O_RDONLY));
	check("fcntl bad cmd", fcntl(fd, 9999));
	check("getcwd small", getcwd(buf, 2) ? 0 : -1);
	{
		struct winsize ws;

		check("ioctl on file", ioctl(fd, TIOCGWINSZ, &ws));
	}
	close(fd);
	close(dfd);
	fd = open("f", O_WRONLY);
	check("read write-only fd", read(fd, buf, 1));
	close(fd);
}

static void test_cwd(void)
{
	char base[512], here[600];

	getcwd(base, sizeof(base));
	check("chdir d/sub", chdir("d/sub"));
	getcwd(here, sizeof(here));
	printf("cwd suffix '%s'\n", here + strlen(base));
	check("chdir ..", chdir("../.."));
	getcwd(here, sizeof(here));
	printf("cwd back %d\n", !strcmp(here, base));
}

int main(void)
{
	umask(022);
	mkdir("fsops.tmp", 0755);
	if (chdir("fsops.tmp")) {
		printf("no work directory: %s\n", ename(errno));
		return 1;
	}
	test_rw_seek_append_truncate();
	test_holes();
	test_dirs_and_links();
	test_rename_matrix();
	test_unlink_while_open();
	test_fds();
	test_symlink_loops();
	test_errors();
	test_cwd();
	printf("fsops done\n");
	return 0;
}
