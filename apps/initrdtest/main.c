/* SPDX-License-Identifier: MIT */
/*
 * initrdtest: for each path in its arguments (default: the files of its
 * rootfs/ folder), prints "path size checksum" (64-bit FNV-1a) or
 * "path: error N". Plain POSIX C.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

static void sum(const char *path)
{
	static unsigned char buf[4096];
	uint64_t h = 0xcbf29ce484222325ull;
	long long size = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		printf("%s: error %d\n", path, errno);
		return;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 0x100000001b3ull;
		size += n;
	}
	close(fd);
	printf("%s %lld %016llx\n", path, size, (unsigned long long)h);
}

int main(int argc, char **argv)
{
	static char *defaults[] = { "/etc/motd", "/data/blob.bin",
				    "/data/motd.link" };

	if (argc < 2) {
		for (unsigned int i = 0; i < 3; i++)
			sum(defaults[i]);
	}
	for (int i = 1; i < argc; i++)
		sum(argv[i]);
	printf("initrdtest done\n");
	return 0;
}
