/* SPDX-License-Identifier: MIT */
/*
 * diskcalls: the newer file calls on an ext2 mount (Pith only; the test
 * checks the image with debugfs and e2fsck afterwards): chown stored on
 * disk with the high halves of the ids, MAP_PRIVATE copies of a file,
 * MAP_SHARED refused with ENODEV, fallocate not offered, an O_TMPFILE
 * file that leaves nothing behind, flock.
 * Usage: diskcalls DIR
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#define PG 4096

static const char *err(long r)
{
	return r < 0 ? (errno == ENODEV ? "ENODEV" :
			errno == EOPNOTSUPP ? "EOPNOTSUPP" : strerror(errno))
		     : "OK";
}

int main(int argc, char **argv)
{
	char buf[2 * PG], *p;
	struct stat st;
	int fd, ok = 1;

	if (argc < 2 || chdir(argv[1]))
		return 1;
	for (int i = 0; i < (int)sizeof(buf); i++)
		buf[i] = (char)('a' + i % 26);
	fd = open("own", O_CREAT | O_RDWR | O_TRUNC, 0644);
	write(fd, buf, 5000);
	printf("chown: %s\n", err(chown("own", 100000, 70001)));
	stat("own", &st);
	printf("stat: uid %u gid %u\n", st.st_uid, st.st_gid);
	p = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	printf("mmap private: %s\n", err(p == MAP_FAILED ? -1 : 0));
	if (p != MAP_FAILED) {
		for (int i = 5000; i < 2 * PG; i++)
			ok &= !p[i];
		printf("private copy equal %d, tail zero %d\n",
		       !memcmp(p, buf, 5000), ok);
		munmap(p, 2 * PG);
	}
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	printf("mmap shared: %s\n", err(p == MAP_FAILED ? -1 : 0));
	printf("fallocate: %s\n", err(fallocate(fd, 0, 0, 100)));
	printf("flock: %s\n", err(flock(fd, LOCK_EX)));
	printf("setxattr: %s\n", err(setxattr("own", "user.a", "v", 1, 0)));
	printf("getxattr: %s\n", err(getxattr("own", "user.a", buf, 10)));
	printf("listxattr: %ld\n", (long)listxattr("own", buf, sizeof(buf)));
	printf("getxattr missing file: %s\n",
	       err(getxattr("nope", "user.a", buf, 10)));
	close(fd);
	fd = open(".", O_TMPFILE | O_RDWR, 0600);
	printf("O_TMPFILE: %s\n", err(fd));
	printf("tmpfile write: %ld\n", (long)write(fd, buf, sizeof(buf)));
	close(fd);
	sync();
	return 0;
}
