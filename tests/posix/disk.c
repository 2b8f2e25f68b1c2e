// SPDX-License-Identifier: MIT
/*
 * A disk exerciser for tests/boot/test_ext2.py: a plain POSIX program,
 * built for Pith with apps/posixdisk. Each argument is one command, run
 * in order; the output is compared with the host's view of the image.
 *
 *   walk:DIR      print every entry under DIR, sorted: "F path size mode
 *                 sha256", "D path mode", "L path target"
 *   write:DIR     a write workload (create, append, overwrite, truncate,
 *                 rename, unlink, mkdir, rmdir, symlink, link), fsync'd;
 *                 prints "wrote path sha256" for what should be there
 *   rofs:DIR      every kind of change must fail with EROFS
 *   isdir:DIR     print "st_dev DIR N" (a failed mount leaves the parent's)
 *   mount:DEV:DIR mount(2) DEV on DIR as ext2, print the result
 *   umount:DIR    umount2(2)
 *   bench:DIR:MB  sequential write (with fsync) and read of MB MiB (the
 *                 read cold where /proc/sys/vm/drop_caches exists)
 *   small:DIR:N   create, write 100 bytes and fsync N files; files/s
 *   durable:DIR:N write N files of assorted sizes (some in subfolders),
 *                 each fsync'd, then "durable path size sha256"; data
 *                 written between the reports is left unsynced
 *   mounttime:DEV:DIR  mount(2) DEV on DIR as ext2 (made if missing);
 *                 "mounttime DEV N us" as the program saw it
 *   scan:DEV:DIR  mount DEV on DIR (made if missing), read everything
 *                 below (bounded), create and remove a file in each
 *                 folder, unmount; one summary line (corruption fuzz)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- SHA-256 ---- */

struct sha {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t n;
};

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(struct sha *s, const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | p[4 * i + 1] << 16 |
		       p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++)
		w[i] = w[i - 16] + (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^
			(w[i - 15] >> 3)) + w[i - 7] + (ROR(w[i - 2], 17) ^
			ROR(w[i - 2], 19) ^ (w[i - 2] >> 10));
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
	e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for (int i = 0; i < 64; i++) {
		t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		     ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void sha_init(struct sha *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->n = 0;
}

static void sha_update(struct sha *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	s->len += len;
	if (s->n) {
		while (len && s->n < 64) {
			s->buf[s->n++] = *p++;
			len--;
		}
		if (s->n < 64)
			return;
		sha_block(s, s->buf);
		s->n = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		sha_block(s, p);
	memcpy(s->buf, p, len);
	s->n = len;
}

static void sha_hex(struct sha *s, char out[65])
{
	uint64_t bits = s->len * 8;
	unsigned char pad = 0x80, z = 0, l[8];

	sha_update(s, &pad, 1);
	while (s->n != 56)
		sha_update(s, &z, 1);
	for (int i = 0; i < 8; i++)
		l[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha_update(s, l, 8);
	for (int i = 0; i < 8; i++)
		sprintf(out + 8 * i, "%08x", s->h[i]);
}

/* ---- commands ---- */

static char iobuf[1 << 20];

static int sha_file(const char *path, char out[65])
{
	struct sha s;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	sha_init(&s);
	while ((n = read(fd, iobuf, sizeof(iobuf))) > 0)
		sha_update(&s, iobuf, (size_t)n);
	close(fd);
	if (n < 0)
		return -1;
	sha_hex(&s, out);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The tree of one file system: mounts below (devfs) are left out. */
static void walk(const char *dir, const char *rel, dev_t dev)
{
	char **names = NULL, path[4096], sub[4096], hex[65], tgt[4096];
	size_t n = 0;
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);

	if (!d) {
		printf("E opendir %s %s\n", rel, strerror(errno));
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, "lost+found"))
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
			 names[i]);
		if (lstat(path, &st)) {
			printf("E lstat %s %s\n", sub, strerror(errno));
		} else if (st.st_dev != dev) {
			;
		} else if (S_ISDIR(st.st_mode)) {
			printf("D %s %o\n", sub, st.st_mode & 07777);
			walk(path, sub, dev);
		} else if (S_ISLNK(st.st_mode)) {
			ssize_t l = readlink(path, tgt, sizeof(tgt) - 1);

			tgt[l < 0 ? 0 : l] = 0;
			printf("L %s %s\n", sub, tgt);
		} else if (sha_file(path, hex)) {
			printf("E read %s %s\n", sub, strerror(errno));
		} else {
			printf("F %s %lld %o %s\n", sub, (long long)st.st_size,
			       st.st_mode & 07777, hex);
		}
		free(names[i]);
	}
	free(names);
}

static void put(const char *path, const void *data, size_t len, off_t at,
		int flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);

	if (fd < 0 || pwrite(fd, data, len, at) != (ssize_t)len ||
	    fsync(fd) || close(fd))
		printf("FAIL write %s: %s\n", path, strerror(errno));
}

static void report(const char *dir, const char *name)
{
	char path[4096], hex[65];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (sha_file(path, hex))
		printf("FAIL read %s: %s\n", name, strerror(errno));
	else
		printf("wrote %s %s\n", name, hex);
}

static void pattern(unsigned char *p, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(seed + i * 7 + (i >> 10));
}

static void write_files(const char *dir)
{
	char p[4096], q[4096];
	static unsigned char big[3 << 20];

	snprintf(p, sizeof(p), "%s/new", dir);
	if (mkdir(p, 0755) && errno != EEXIST)
		printf("FAIL mkdir: %s\n", strerror(errno));
	snprintf(p, sizeof(p), "%s/new/hello.txt", dir);
	put(p, "hello, ext2\n", 12, 0, O_TRUNC);
	put(p, "more\n", 5, 12, 0);			/* append */
	pattern(big, sizeof(big), 3);
	snprintf(p, sizeof(p), "%s/new/big.bin", dir);
	put(p, big, sizeof(big), 0, O_TRUNC);
	put(p, "MIDDLE", 6, 1 << 20, 0);		/* overwrite */
	if (truncate(p, (2 << 20) + 123))
		printf("FAIL truncate: %s\n", strerror(errno));
	snprintf(p, sizeof(p), "%s/new/sparse.bin", dir);
	put(p, "end", 3, 50 << 20, O_TRUNC);		/* a hole first */
	for (int i = 0; i < 50; i++) {
		snprintf(p, sizeof(p), "%s/new/small%02d", dir, i);
		put(p, p + strlen(dir), strlen(p + strlen(dir)), 0, O_TRUNC);
	}
	for (int i = 0; i < 50; i += 2) {		/* every other one */
		snprintf(p, sizeof(p), "%s/new/small%02d", dir, i);
		if (unlink(p))
			printf("FAIL unlink: %s\n", strerror(errno));
	}
	snprintf(p, sizeof(p), "%s/new/small01", dir);
	snprintf(q, sizeof(q), "%s/new/renamed", dir);
	if (rename(p, q))
		printf("FAIL rename: %s\n", strerror(errno));
	snprintf(p, sizeof(p), "%s/new/small03", dir);
	if (rename(p, q))				/* over an existing */
		printf("FAIL rename over: %s\n", strerror(errno));
	snprintf(p, sizeof(p), "%s/new/hardlink", dir);
	snprintf(q, sizeof(q), "%s/new/hello.txt", dir);
	if (link(q, p))
		printf("FAIL link: %s\n", strerror(errno));
	snprintf(p, sizeof(p), "%s/new/sym", dir);
	if (symlink("hello.txt", p))
		printf("FAIL symlink: %s\n", strerror(errno));
	snprintf(p, sizeof(p), "%s/new/gone", dir);
	if (mkdir(p, 0700) || rmdir(p))
		printf("FAIL mkdir/rmdir: %s\n", strerror(errno));
}

static void write_open_unlinked(const char *dir)
{
	char p[4096];
	int fd;

	/* Unlinked while open, still open at exit: freed at power-off. */
	snprintf(p, sizeof(p), "%s/new/orphan", dir);
	fd = open(p, O_RDWR | O_CREAT, 0600);
	if (fd < 0 || write(fd, iobuf, 100000) != 100000 || unlink(p))
		printf("FAIL orphan: %s\n", strerror(errno));
	if (write(fd, "x", 1) != 1)
		printf("FAIL orphan write: %s\n", strerror(errno));
}

static void cmd_write(const char *dir)
{
	static const char *const names[] = {
		"new/hello.txt", "new/big.bin", "new/sparse.bin",
		"new/renamed", "new/hardlink", "new/small49", NULL,
	};

	write_files(dir);
	write_open_unlinked(dir);
	for (int i = 0; names[i]; i++)
		report(dir, names[i]);
	sync();
}

static void expect_erofs(const char *what, int r)
{
	printf("%s %s\n", what, r == 0 ? "OK" : errno == EROFS ? "EROFS" :
	       strerror(errno));
}

static void cmd_rofs(const char *dir)
{
	char p[4096], q[4096];

	snprintf(p, sizeof(p), "%s/rofs-new", dir);
	expect_erofs("creat", open(p, O_WRONLY | O_CREAT, 0644) < 0 ? -1 : 0);
	expect_erofs("mkdir", mkdir(p, 0755));
	expect_erofs("symlink", symlink("x", p));
	snprintf(q, sizeof(q), "%s/a.txt", dir);
	expect_erofs("open-w", open(q, O_WRONLY) < 0 ? -1 : 0);
	expect_erofs("unlink", unlink(q));
	expect_erofs("rename", rename(q, p));
	expect_erofs("truncate", truncate(q, 0));
	expect_erofs("chmod", chmod(q, 0600));
}

static void cmd_isdir(const char *dir)
{
	struct stat a, b;

	if (stat("/", &a) || stat(dir, &b))
		printf("isdir %s: %s\n", dir, strerror(errno));
	else
		printf("isdir %s %s\n", dir,
		       a.st_dev == b.st_dev ? "same-fs" : "mounted");
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void cmd_bench(const char *dir, long mb)
{
	char p[4096];
	double t0, t1, t2, tr;
	int fd;

	snprintf(p, sizeof(p), "%s/bench.bin", dir);
	memset(iobuf, 0x5a, sizeof(iobuf));
	t0 = now();
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (long i = 0; fd >= 0 && i < mb; i++)
		if (write(fd, iobuf, sizeof(iobuf)) != sizeof(iobuf))
			printf("FAIL bench write: %s\n", strerror(errno));
	if (fd < 0 || fsync(fd) || close(fd))
		printf("FAIL bench: %s\n", strerror(errno));
	t1 = now();
	/* Read cold: Linux drops its page cache (Pith has no such file;
	 * its buffer cache holds at most a few MiB). */
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "3\n", 2) != 2)
			printf("FAIL drop_caches: %s\n", strerror(errno));
		close(fd);
	}
	tr = now();
	fd = open(p, O_RDONLY);
	while (fd >= 0 && read(fd, iobuf, sizeof(iobuf)) > 0)
		;
	close(fd);
	t2 = now();
	printf("bench write %.1f MB/s read %.1f MB/s (%ld MiB)\n",
	       mb / (t1 - t0), mb / (t2 - tr), mb);
	unlink(p);
}

static void cmd_small(const char *dir, long n)
{
	char p[4096], data[100];
	double t0, t1;
	long ok = 0;
	int fd;

	memset(data, 'x', sizeof(data));
	snprintf(p, sizeof(p), "%s/small", dir);
	mkdir(p, 0755);
	t0 = now();
	for (long i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/small/f%06ld", dir, i);
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data) ||
		    fsync(fd) || close(fd)) {
			printf("FAIL small %s: %s\n", p, strerror(errno));
			break;
		}
		ok++;
	}
	t1 = now();
	printf("small %ld files %.3f s %.1f files/s\n", ok, t1 - t0,
	       ok / (t1 - t0));
}

/* Deterministic bytes for durable file i. */
static void durable_fill(unsigned char *p, size_t len, unsigned int i)
{
	uint32_t x = 2463534242u ^ (i * 2654435761u);

	for (size_t k = 0; k < len; k++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[k] = (unsigned char)x;
	}
}

static void cmd_durable(const char *dir, long n)
{
	static const size_t sizes[] = { 0, 1, 100, 4096, 5000, 13 * 1024,
					70 * 1024, 300 * 1024, 1100 * 1024 };
	static unsigned char buf[1100 * 1024];
	char p[4200], q[4096], hex[65];
	struct sha s;
	int fd;

	for (long i = 0; i < n && i < 100000; i++) {
		size_t len = sizes[i % (sizeof(sizes) / sizeof(sizes[0]))] +
			     (size_t)(i * 37 % 1000);
		const char *sub = i % 3 ? "" : "/d";

		snprintf(q, sizeof(q), "%s%s", dir, sub);
		mkdir(q, 0755);
		snprintf(p, sizeof(p), "%s/f%04ld", q, i);
		durable_fill(buf, len, (unsigned int)i);
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		/* in two writes, the second past a hole-free middle */
		if (fd < 0 || write(fd, buf, len / 2) != (ssize_t)(len / 2) ||
		    write(fd, buf + len / 2, len - len / 2) !=
		    (ssize_t)(len - len / 2) || fsync(fd) || close(fd)) {
			printf("FAIL durable %s: %s\n", p, strerror(errno));
			return;
		}
		sha_init(&s);
		sha_update(&s, buf, len);
		sha_hex(&s, hex);
		printf("durable %s/f%04ld %zu %s\n", *sub ? "d" : ".", i, len,
		       hex);
		fflush(stdout);
		/* Unsynced churn before the next report: a scratch file
		 * rewritten, which must not disturb what was reported. */
		snprintf(p, sizeof(p), "%s/scratch", dir);
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			if (write(fd, buf, len / 3 + 1) < 0)
				printf("FAIL scratch: %s\n", strerror(errno));
			close(fd);
		}
	}
}

/* ---- scan: a bounded walk of a possibly corrupt file system ---- */

struct scan {
	long files, dirs, links, bytes, errors, budget;
};

static void scan_dir(const char *dir, struct scan *sc, int depth)
{
	char path[1024], tgt[512];
	struct dirent *e;
	struct stat st;
	DIR *d;
	int fd;
	ssize_t n;

	if (depth > 8 || sc->budget <= 0)
		return;
	d = opendir(dir);
	if (!d) {
		sc->errors++;
		return;
	}
	sc->dirs++;
	while (sc->budget > 0 && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		sc->budget--;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
		    (int)sizeof(path))
			continue;
		if (lstat(path, &st)) {
			sc->errors++;
		} else if (S_ISDIR(st.st_mode)) {
			scan_dir(path, sc, depth + 1);
		} else if (S_ISLNK(st.st_mode)) {
			sc->links++;
			if (readlink(path, tgt, sizeof(tgt)) < 0)
				sc->errors++;
		} else if (S_ISREG(st.st_mode)) {
			sc->files++;
			fd = open(path, O_RDONLY);
			if (fd < 0) {
				sc->errors++;
				continue;
			}
			/* at most 2 MiB a file: a corrupt size may be huge */
			for (long got = 0; got < (2 << 20) &&
			     (n = read(fd, iobuf, 256 * 1024)) > 0; got += n)
				sc->bytes += n;
			if (n < 0)
				sc->errors++;
			close(fd);
		}
	}
	closedir(d);
	/* a change in each folder: allocation on corrupt bitmaps */
	if (snprintf(path, sizeof(path), "%s/.scan-new", dir) <
	    (int)sizeof(path)) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			if (write(fd, iobuf, 5000) < 0)
				sc->errors++;
			close(fd);
			unlink(path);
		}
	}
}

static void cmd_scan(const char *dev, const char *dir)
{
	struct scan sc = { .budget = 400 };
	int r;

	mkdir(dir, 0755);
	if (mount(dev, dir, "ext2", 0, NULL)) {
		printf("scan %s refused %s\n", dev, strerror(errno));
		return;
	}
	scan_dir(dir, &sc, 0);
	r = umount2(dir, 0);
	printf("scan %s mounted files=%ld dirs=%ld links=%ld bytes=%ld errors=%ld umount=%s\n",
	       dev, sc.files, sc.dirs, sc.links, sc.bytes, sc.errors,
	       r ? strerror(errno) : "OK");
	fflush(stdout);
}

static void run(char *cmd)
{
	char *arg = strchr(cmd, ':'), *arg2;

	if (!arg) {
		printf("bad command %s\n", cmd);
		return;
	}
	*arg++ = 0;
	arg2 = strchr(arg, ':');
	if (arg2)
		*arg2++ = 0;
	if (!strcmp(cmd, "walk")) {
		struct stat st;

		if (stat(arg, &st))
			printf("E stat %s %s\n", arg, strerror(errno));
		else
			walk(arg, "", st.st_dev);
	}
	else if (!strcmp(cmd, "write"))
		cmd_write(arg);
	else if (!strcmp(cmd, "rofs"))
		cmd_rofs(arg);
	else if (!strcmp(cmd, "isdir"))
		cmd_isdir(arg);
	else if (!strcmp(cmd, "mount") && arg2)
		printf("mount %s %s: %s\n", arg, arg2,
		       mount(arg, arg2, "ext2", 0, NULL) ? strerror(errno) :
		       "OK");
	else if (!strcmp(cmd, "umount"))
		printf("umount %s: %s\n", arg,
		       umount2(arg, 0) ? strerror(errno) : "OK");
	else if (!strcmp(cmd, "bench") && arg2)
		cmd_bench(arg, atol(arg2));
	else if (!strcmp(cmd, "small") && arg2)
		cmd_small(arg, atol(arg2));
	else if (!strcmp(cmd, "durable") && arg2)
		cmd_durable(arg, atol(arg2));
	else if (!strcmp(cmd, "mounttime") && arg2) {
		double t0 = now();
		int r;

		mkdir(arg2, 0755);
		r = mount(arg, arg2, "ext2", 0, NULL);
		if (r)
			printf("mounttime %s: %s\n", arg, strerror(errno));
		else
			printf("mounttime %s %.0f us\n", arg, (now() - t0) * 1e6);
	}
	else if (!strcmp(cmd, "scan") && arg2)
		cmd_scan(arg, arg2);
	else
		printf("bad command %s\n", cmd);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		run(argv[i]);
	printf("done\n");
	return 0;
}
