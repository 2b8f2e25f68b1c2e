/* SPDX-License-Identifier: MIT */
/*
 * The VFS under concurrency: 8 threads at once create, write, rename
 * (within and across two shared directories, in opposite directions),
 * link, unlink, list and stat files, make, move and remove directories,
 * append records to one shared journal, and open/dup/close descriptors.
 * Each thread keeps its own book of the names it made and what they
 * hold; at the end the program lists the directories and reads every
 * file, and prints only what the books predict (counts and "match"), so
 * the output is the same on Linux and Pith whatever the interleaving.
 * Then a close races with reads of the same fd.
 *
 * "vfsrace preempt" also prints whether any worker was preempted
 * (getrusage RUSAGE_THREAD ru_nivcsw), which the Pith test asserts: the
 * race windows only exist if threads are switched inside system calls.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define THREADS	8
#define ITERS	120
#define MAXENT	(ITERS * 3 + 8)
#define RECLEN	16

struct entry {
	char name[40];
	int k;			/* content key: C(t, k) */
	int alive;
};

struct book {
	int t;
	struct entry e[MAXENT];
	int n;
	int errors;		/* a call that did not do what it must */
	int size_errors, list_errors, fd_errors;
	int created, renamed, linked, unlinked, dirs, records;
	int held[3];		/* fds left open for the final check */
	long nivcsw;
};

static struct book books[THREADS];
static pthread_barrier_t start;

static size_t content_len(int t, int k)
{
	return 1 + (size_t)(k * 37 + t * 11) % 3000;
}

static void content(int t, int k, char *buf, size_t len)
{
	char pat[16];
	int pl = snprintf(pat, sizeof(pat), "T%dK%d;", t, k);

	for (size_t i = 0; i < len; i++)
		buf[i] = pat[i % (size_t)pl];
}

static struct entry *find(struct book *b, const char *name)
{
	for (int i = 0; i < b->n; i++)
		if (b->e[i].alive && !strcmp(b->e[i].name, name))
			return &b->e[i];
	return NULL;
}

static void add(struct book *b, const char *name, int k)
{
	struct entry *e = find(b, name);

	if (!e)
		e = &b->e[b->n++];
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->k = k;
	e->alive = 1;
}

static void drop(struct book *b, const char *name)
{
	struct entry *e = find(b, name);

	if (e)
		e->alive = 0;
}

static int write_file(const char *name, int t, int k, int flags)
{
	size_t len = content_len(t, k);
	char *buf = malloc(len);
	int fd = open(name, O_WRONLY | O_CREAT | flags, 0644), ok;

	if (fd < 0) {
		free(buf);
		return -1;
	}
	content(t, k, buf, len);
	ok = write(fd, buf, len) == (ssize_t)len;
	free(buf);
	return close(fd) == 0 && ok ? 0 : -1;
}

static void check(struct book *b, int cond)
{
	if (!cond)
		b->errors++;
}

static void stat_one(struct book *b, int k)
{
	struct entry *e = &b->e[k % b->n];
	struct stat st;

	if (!e->alive)
		return;
	if (stat(e->name, &st) || st.st_size != (off_t)content_len(b->t, e->k))
		b->size_errors++;
}

/* Every name of ours in dir appears exactly once in a listing. */
static void list_check(struct book *b, const char *dir)
{
	size_t dl = strlen(dir);
	int seen[MAXENT] = { 0 };
	DIR *d = opendir(dir);
	struct dirent *de;
	char full[300];

	if (!d) {
		b->list_errors++;
		return;
	}
	while ((de = readdir(d))) {
		snprintf(full, sizeof(full), "%s/%s", dir, de->d_name);
		for (int i = 0; i < b->n; i++)
			if (b->e[i].alive && !strcmp(b->e[i].name, full))
				seen[i]++;
	}
	closedir(d);
	for (int i = 0; i < b->n; i++)
		if (b->e[i].alive && !strncmp(b->e[i].name, dir, dl) &&
		    b->e[i].name[dl] == '/' && !strchr(b->e[i].name + dl + 1,
							'/') && seen[i] != 1)
			b->list_errors++;
}

/* mkdir, a child, a move across directories, the rules, removal. */
static void dir_dance(struct book *b, int k)
{
	char d[64], sub[80], bad[96], moved[64], msub[80];
	const char *from = b->t % 2 ? "b" : "a", *to = b->t % 2 ? "a" : "b";

	snprintf(d, sizeof(d), "%s/D%d_%d", from, b->t, k);
	snprintf(sub, sizeof(sub), "%s/sub", d);
	snprintf(bad, sizeof(bad), "%s/x", sub);
	snprintf(moved, sizeof(moved), "%s/D%d_%d", to, b->t, k);
	snprintf(msub, sizeof(msub), "%s/sub", moved);
	check(b, mkdir(d, 0755) == 0);
	check(b, mkdir(sub, 0755) == 0);
	check(b, rename(d, bad) == -1 && errno == EINVAL);
	check(b, rename(d, moved) == 0);
	check(b, rmdir(moved) == -1 && errno == ENOTEMPTY);
	check(b, rmdir(msub) == 0);
	check(b, rmdir(moved) == 0);
	b->dirs++;
}

static void journal(struct book *b, int k)
{
	char rec[RECLEN + 1];
	int fd = open("c/journal", O_WRONLY | O_APPEND);

	snprintf(rec, sizeof(rec), "J%02d:%06d:zzzz\n", b->t, k);
	check(b, fd >= 0 && write(fd, rec, RECLEN) == RECLEN);
	check(b, fd >= 0 && close(fd) == 0);
	b->records++;
}

/* open, dup, F_DUPFD, fstat: every descriptor names our file. */
static void fd_storm(struct book *b, const char *name)
{
	struct stat st0, st;
	int fd = open(name, O_RDONLY), d1, d2;

	if (fd < 0 || fstat(fd, &st0)) {
		b->fd_errors++;
		return;
	}
	d1 = dup(fd);
	d2 = fcntl(fd, F_DUPFD, 20 + b->t);
	if (d1 < 0 || d2 < 20 + b->t || d1 == fd || d2 == fd || d1 == d2)
		b->fd_errors++;
	for (int i = 0; i < 3; i++) {
		int x = i == 0 ? fd : i == 1 ? d1 : d2;

		if (x >= 0 && (fstat(x, &st) || st.st_ino != st0.st_ino))
			b->fd_errors++;
	}
	if (close(d2) || close(d1) || close(fd))
		b->fd_errors++;
}

static void step(struct book *b, int k)
{
	int t = b->t;
	const char *home = t % 2 ? "b" : "a", *other = t % 2 ? "a" : "b";
	char f[40], g[40], l[40], tmp[40], o[40];

	snprintf(f, sizeof(f), "%s/f%d_%d", home, t, k);
	check(b, write_file(f, t, k, O_EXCL) == 0);
	add(b, f, k);
	b->created++;
	if (k % 3 == 0)
		snprintf(g, sizeof(g), "%s/f%d_%d", other, t, k);
	else
		snprintf(g, sizeof(g), "%s/g%d_%d", home, t, k);
	if (k % 3 != 2) {
		check(b, rename(f, g) == 0);
		drop(b, f);
		add(b, g, k);
		b->renamed++;
	} else {
		snprintf(g, sizeof(g), "%s", f);
	}
	if (k % 4 == 0) {
		snprintf(l, sizeof(l), "c/l%d_%d", t, k);
		check(b, link(g, l) == 0);
		add(b, l, k);
		b->linked++;
	}
	if (k % 5 == 0 && k >= 5) {
		/* The newest surviving name of iteration k - 5, if any. */
		for (int i = b->n - 1; i >= 0; i--) {
			if (b->e[i].alive && b->e[i].k == k - 5 &&
			    b->e[i].name[0] != 'c') {
				check(b, unlink(b->e[i].name) == 0);
				b->e[i].alive = 0;
				b->unlinked++;
				break;
			}
		}
	}
	if (k % 7 == 0) {
		snprintf(tmp, sizeof(tmp), "%s/tmp%d_%d", home, t, k);
		snprintf(o, sizeof(o), "c/o%d", t);
		check(b, write_file(tmp, t, k, O_EXCL) == 0);
		check(b, rename(tmp, o) == 0);	/* over the previous one */
		add(b, o, k);
	}
	stat_one(b, k * 7 + 3);
	if (k % 10 == 0) {
		list_check(b, "a");
		list_check(b, "b");
		list_check(b, "c");
	}
	if (k % 8 == 0)
		dir_dance(b, k);
	journal(b, k);
	fd_storm(b, g);
}

static void *worker(void *arg)
{
	struct book *b = arg;
	struct rusage ru;

	pthread_barrier_wait(&start);
	for (int k = 0; k < ITERS; k++)
		step(b, k);
	for (int i = 0; i < 3; i++)
		b->held[i] = open("c/journal", O_RDONLY);
	if (!getrusage(RUSAGE_THREAD, &ru))
		b->nivcsw = ru.ru_nivcsw;
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names in dir, as "dir/name". */
static int listing(const char *dir, char **out, int max)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n < max && asprintf(&out[n], "%s/%s", dir,
					de->d_name) > 0)
			n++;
	}
	if (d)
		closedir(d);
	qsort(out, (size_t)n, sizeof(char *), cmp_str);
	return n;
}

static int file_matches(const char *name, int t, int k)
{
	size_t len = content_len(t, k);
	char *want = malloc(len), *got = malloc(len + 1);
	int fd = open(name, O_RDONLY), ok;
	struct stat st;

	content(t, k, want, len);
	ok = fd >= 0 && read(fd, got, len + 1) == (ssize_t)len &&
	     !memcmp(want, got, len) && !fstat(fd, &st) &&
	     st.st_size == (off_t)len;
	if (fd >= 0)
		close(fd);
	free(want);
	free(got);
	return ok;
}

/* The listing of dir equals the books' names there; contents read back. */
static void final_dir(const char *dir)
{
	static char *names[THREADS * MAXENT + 16], *want[THREADS * MAXENT];
	int n = listing(dir, names, THREADS * MAXENT + 16), w = 0, bad = 0;
	size_t dl = strlen(dir);

	for (int t = 0; t < THREADS; t++) {
		for (int i = 0; i < books[t].n; i++) {
			struct entry *e = &books[t].e[i];

			if (!e->alive || strncmp(e->name, dir, dl) ||
			    e->name[dl] != '/')
				continue;
			want[w++] = e->name;
			if (!file_matches(e->name, t, e->k))
				bad++;
		}
	}
	if (!strcmp(dir, "c"))
		want[w++] = "c/journal";
	qsort(want, (size_t)w, sizeof(char *), cmp_str);
	int same = n == w;

	for (int i = 0; same && i < n; i++)
		same = !strcmp(names[i], want[i]);
	printf("dir %s: %d names, %s; contents %s\n", dir, w,
	       same ? "listing matches" : "LISTING DIFFERS",
	       bad ? "DIFFER" : "match");
	if (!same)
		for (int i = 0; i < n || i < w; i++)
			printf("  %s | %s\n", i < n ? names[i] : "-",
			       i < w ? want[i] : "-");
	for (int i = 0; i < n; i++)
		free(names[i]);
}

static void final_journal(void)
{
	int fd = open("c/journal", O_RDONLY), next[THREADS] = { 0 }, bad = 0;
	char rec[RECLEN + 1];
	long total = 0;
	int t, k;

	while (fd >= 0 && read(fd, rec, RECLEN) == RECLEN) {
		rec[RECLEN] = 0;
		total++;
		if (sscanf(rec, "J%2d:%6d:zzzz\n", &t, &k) != 2 || t < 0 ||
		    t >= THREADS || k != next[t] || rec[RECLEN - 1] != '\n')
			bad++;
		else
			next[t]++;
	}
	close(fd);
	for (t = 0; t < THREADS; t++)
		if (next[t] != books[t].records)
			bad++;
	printf("journal: %ld records, %s\n", total, bad ? "BAD" : "intact");
}

static void final_fds(void)
{
	int all[THREADS * 3], n = 0, bad = 0;
	struct stat st;

	for (int t = 0; t < THREADS; t++)
		for (int i = 0; i < 3; i++)
			all[n++] = books[t].held[i];
	for (int i = 0; i < n; i++) {
		if (all[i] < 0 || fstat(all[i], &st))
			bad++;
		for (int j = 0; j < i; j++)
			if (all[i] == all[j])
				bad++;
	}
	for (int i = 0; i < n; i++)
		close(all[i]);
	printf("held fds: %d, %s\n", n, bad ? "NOT DISTINCT" :
	       "valid and distinct");
}

static int racer_fd;

static void *closer(void *arg)
{
	for (volatile int i = 0; i < 20000; i++)
		;
	close(racer_fd);
	return NULL;
}

/* Reads of one fd while another thread closes it: every read is whole
 * or fails with EBADF, and once one fails, all later ones do. */
static void close_vs_read(void)
{
	char want[512], got[512];
	int fd = open("c/big", O_RDWR | O_CREAT | O_TRUNC, 0644), bad = 0;
	pthread_t th;
	int closed = 0;

	content(99, 1, want, sizeof(want));
	for (int i = 0; i < 64; i++)
		if (write(fd, want, sizeof(want)) != sizeof(want))
			bad++;
	racer_fd = fd;
	pthread_create(&th, NULL, closer, NULL);
	for (int i = 0; i < 100000 && !closed; i++) {
		ssize_t n = pread(fd, got, sizeof(got), (i % 64) * 512);

		if (n == (ssize_t)sizeof(got))
			bad += !!memcmp(want, got, sizeof(got));
		else if (n < 0 && errno == EBADF)
			closed = 1;
		else
			bad++;
	}
	pthread_join(th, NULL);
	if (!closed)
		close(fd);	/* the reader finished first: fine either way */
	printf("close vs read: %s\n", bad ? "BAD" : "ok");
}

int main(int argc, char **argv)
{
	pthread_t th[THREADS];
	long sum[8] = { 0 }, errors = 0, nivcsw = 0;

	if (mkdir("a", 0755) || mkdir("b", 0755) || mkdir("c", 0755) ||
	    close(open("c/journal", O_WRONLY | O_CREAT, 0644))) {
		perror("setup");
		return 1;
	}
	pthread_barrier_init(&start, NULL, THREADS);
	for (int t = 0; t < THREADS; t++) {
		books[t].t = t;
		pthread_create(&th[t], NULL, worker, &books[t]);
	}
	for (int t = 0; t < THREADS; t++) {
		struct book *b = &books[t];

		pthread_join(th[t], NULL);
		sum[0] += b->created;
		sum[1] += b->renamed;
		sum[2] += b->linked;
		sum[3] += b->unlinked;
		sum[4] += b->dirs;
		errors += b->errors;
		sum[5] += b->size_errors;
		sum[6] += b->list_errors;
		sum[7] += b->fd_errors;
		nivcsw += b->nivcsw;
	}
	printf("created %ld renamed %ld linked %ld unlinked %ld dirs %ld\n",
	       sum[0], sum[1], sum[2], sum[3], sum[4]);
	printf("call errors %ld, stat errors %ld, listing errors %ld, "
	       "fd errors %ld\n", errors, sum[5], sum[6], sum[7]);
	final_dir("a");
	final_dir("b");
	final_dir("c");
	final_journal();
	final_fds();
	close_vs_read();
	if (argc > 1 && !strcmp(argv[1], "preempt"))
		printf("workers preempted: %s\n", nivcsw ? "yes" : "no");
	return 0;
}
