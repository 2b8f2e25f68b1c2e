/* SPDX-License-Identifier: MIT */
/*
 * manyfiles: 100000 files in one directory (issue 7). Creates them in a
 * scrambled order (every 1000th gets a few bytes), stats a sample, lists
 * the directory, prints the count and a checksum of the sorted names,
 * then unlinks them all and checks the directory is empty. Linux runs
 * it in a tmpfs directory, Pith on ramfs; the outputs must be equal.
 * Usage: manyfiles [N] (default 100000).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void name_of(char *buf, size_t len, long i, long n)
{
	snprintf(buf, len, "big/f%ld", (i * 7919) % n);
}

static long list(char ***out)
{
	DIR *d = opendir("big");
	struct dirent *e;
	long cnt = 0, cap = 1024;
	char **v = malloc(cap * sizeof(*v));

	if (!d) {
		printf("opendir: %s\n", strerror(errno));
		exit(1);
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (cnt == cap)
			v = realloc(v, (cap *= 2) * sizeof(*v));
		v[cnt++] = strdup(e->d_name);
	}
	closedir(d);
	*out = v;
	return cnt;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	uint64_t h = 1469598103934665603ull;	/* FNV-1a 64 */
	char name[64], **v;
	long cnt, bad = 0;
	struct stat st;

	if (mkdir("big", 0755)) {
		printf("mkdir: %s\n", strerror(errno));
		return 1;
	}
	for (long i = 0; i < n; i++) {
		long k = (i * 7919) % n;
		int fd;

		name_of(name, sizeof(name), i, n);
		fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0) {
			printf("create %s: %s\n", name, strerror(errno));
			return 1;
		}
		if (k % 1000 == 0)
			dprintf(fd, "file %ld\n", k);
		close(fd);
	}
	for (long k = 0; k < n; k += 997) {
		snprintf(name, sizeof(name), "big/f%ld", k);
		if (stat(name, &st) || !S_ISREG(st.st_mode) ||
		    st.st_size != (k % 1000 ? 0 : (off_t)snprintf(NULL, 0,
						"file %ld\n", k)))
			bad++;
	}
	printf("stat sample: %ld bad\n", bad);
	stat("big", &st);
	printf("dir nlink %ld\n", (long)st.st_nlink);
	cnt = list(&v);
	qsort(v, (size_t)cnt, sizeof(*v), cmp);
	for (long i = 0; i < cnt; i++) {
		for (const char *p = v[i]; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
		h = (h ^ '\n') * 1099511628211ull;
		free(v[i]);
	}
	free(v);
	printf("listed %ld names, checksum %016llx\n", cnt,
	       (unsigned long long)h);
	printf("missing name: %s\n",
	       stat("big/f-1", &st) ? (errno == ENOENT ? "ENOENT" : "other") :
	       "found");
	for (long i = 0; i < n; i++) {
		name_of(name, sizeof(name), i, n);
		if (unlink(name))
			bad++;
	}
	cnt = list(&v);
	free(v);
	printf("after unlink: %ld bad, %ld left\n", bad, cnt);
	printf("rmdir: %s\n", rmdir("big") ? strerror(errno) : "OK");
	return 0;
}
