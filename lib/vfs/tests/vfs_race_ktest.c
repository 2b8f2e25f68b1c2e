/* SPDX-License-Identifier: MIT */
/*
 * The VFS's locks under several threads at once: the descriptor table
 * (open/dup/close storms; a close racing with reads of the same fd) and
 * the dentry cache (create, rename within and across directories, link,
 * unlink, lookups of missing names past the negative-dentry cap, stat).
 * Each worker runs until a deadline, so under the preemptive scheduler
 * (apps/ktest-preempt) its slices end inside VFS calls; the cooperative
 * image interleaves them with yield(). Every case checks that nothing
 * leaked (files, dentries, inodes counted by vfs_get_stats), that the
 * results are what one thread alone would see, and, with lock debugging,
 * that no lock misuse was reported.
 */
#include <pith/errno.h>
#include <pith/ktest.h>
#include <pith/lock_debug.h>
#include <pith/sched.h>
#include <pith/string.h>
#include <pith/time.h>
#include <pith/vfs.h>

#define WORKERS		4
#define RUN_NS		(300 * NSEC_PER_MSEC)

struct worker {
	int id;
	uint64_t deadline;
	int errors;
	unsigned long iters;
	unsigned long nivcsw;
	struct thread *thr;
};

static bool keep_going(struct worker *w)
{
	w->iters++;
#ifndef CONFIG_LIBSCHED_PREEMPT
	if (!(w->iters % 16))
		yield();
#endif
	return w->iters < 64 || ktime_get_ns() < w->deadline;
}

static void run_workers(struct ktest *t, struct worker *ws,
			int (*fn)(void *))
{
	char name[16];
	unsigned long nivcsw = 0;
	int errors = 0;

	for (int i = 0; i < WORKERS; i++) {
		ws[i] = (struct worker){ .id = i,
			.deadline = ktime_get_ns() + RUN_NS };
		ksnprintf(name, sizeof(name), "vfsrace%d", i);
		ws[i].thr = kthread_run(fn, &ws[i], name);
		KT_ASSERT_FALSE(t, IS_ERR(ws[i].thr));
	}
	for (int i = 0; i < WORKERS; i++) {
		kthread_join(ws[i].thr, NULL);
		errors += ws[i].errors;
		nivcsw += ws[i].nivcsw;
	}
	KT_EXPECT_EQ(t, errors, 0);
#ifdef CONFIG_LIBSCHED_PREEMPT
	/* The point of the exercise: slices ended inside VFS calls. */
	KT_EXPECT_TRUE(t, nivcsw > 0);
#endif
}

/* The fd a new open would get now. */
static int lowest_free_fd(void)
{
	struct file *f;
	int fd;

	if (vfs_open(AT_FDCWD, "/dev/null", O_RDONLY, 0, &f))
		return -1;
	fd = fd_install(f, false);
	if (fd < 0)
		fput(f);
	else
		fd_close(fd);
	return fd;
}

static int fd_storm_fn(void *arg)
{
	struct worker *w = arg;
	struct file *f, *g;
	int fd, fd2;

	while (keep_going(w)) {
		if (vfs_open(AT_FDCWD, "/dev/null", O_RDONLY, 0, &f)) {
			w->errors++;
			continue;
		}
		fd = fd_install(f, w->id & 1);
		fd2 = fd < 0 ? -1 : fd_alloc(fd + 1 + w->id, get_file(f),
					     false);
		if (fd < 0 || fd2 < 0) {
			w->errors++;
			fput(f);
			continue;
		}
		/* Both slots hold our file: a double-assigned fd would
		 * show another thread's file here. */
		g = fget(fd2);
		if (g != f || !!fd_get_cloexec(fd) != (w->id & 1))
			w->errors++;
		fput(g);
		if (fd_close(fd2) || fd_close(fd))
			w->errors++;
	}
	w->nivcsw = current->nivcsw;
	return 0;
}

static void vfs_race_fd_table_storm(struct ktest *t)
{
	struct worker ws[WORKERS];
	unsigned long reports = lock_debug_reports();
	int lowest = lowest_free_fd();

	KT_ASSERT_TRUE(t, lowest >= 0);
	run_workers(t, ws, fd_storm_fn);
	KT_EXPECT_EQ(t, lowest_free_fd(), lowest);
	KT_EXPECT_EQ(t, lock_debug_reports(), reports);
}

struct close_race {
	int fd;
	volatile bool go;
	int bad;
	unsigned long reads;
};

static int closer_fn(void *arg)
{
	struct close_race *r = arg;

	while (!r->go)
		yield();
	msleep(20);
	fd_close(r->fd);
	return 0;
}

/* A reader holds its reference (fget) across each read, so a close in
 * the middle only drops the table's: the read completes, the next fget
 * fails, and the file is freed by the reader's fput. */
static void vfs_race_close_during_read(struct ktest *t)
{
	static char buf[4096];
	struct close_race r = { 0 };
	struct thread *c;
	struct file *f;
	uint64_t end = ktime_get_ns() + 2 * NSEC_PER_SEC;
	int lowest = lowest_free_fd();

	KT_ASSERT_EQ(t, vfs_open(AT_FDCWD, "/racefile", O_CREAT | O_RDWR,
				 0644, &f), 0);
	memset(buf, 'r', sizeof(buf));
	KT_ASSERT_EQ(t, vfs_write(f, buf, sizeof(buf)), (long)sizeof(buf));
	r.fd = fd_install(f, false);
	KT_ASSERT_TRUE(t, r.fd >= 0);
	c = kthread_run(closer_fn, &r, "closer");
	KT_ASSERT_FALSE(t, IS_ERR(c));
	r.go = true;
	while (ktime_get_ns() < end) {
		struct file *g = fget(r.fd);

		if (!g)
			break;
		if (vfs_pread(g, buf, sizeof(buf), 0) != (long)sizeof(buf) ||
		    buf[100] != 'r')
			r.bad++;
		r.reads++;
		fput(g);
	}
	kthread_join(c, NULL);
	KT_EXPECT_EQ(t, r.bad, 0);
	KT_EXPECT_TRUE(t, r.reads > 0);
	KT_EXPECT_EQ(t, fget(r.fd), NULL);
	KT_EXPECT_EQ(t, lowest_free_fd(), lowest);
	KT_EXPECT_EQ(t, vfs_unlink(AT_FDCWD, "/racefile"), 0);
}

static void name(char *buf, size_t len, const char *dir, const char *kind,
		 int id, unsigned long i)
{
	ksnprintf(buf, len, "%s/%s%d_%lu", dir, kind, id, i);
}

/* One round in the shared directories; errors are counted. */
static void dcache_round(struct worker *w, unsigned long i)
{
	char a[64], b[64], c[64], miss[64];
	const char *home = w->id & 1 ? "/race/x" : "/race/y";
	const char *away = w->id & 1 ? "/race/y" : "/race/x";
	struct kstat st;
	struct file *f;

	name(a, sizeof(a), home, "f", w->id, i);
	name(b, sizeof(b), away, "g", w->id, i);
	name(c, sizeof(c), "/race/z", "l", w->id, i);
	name(miss, sizeof(miss), home, "missing", w->id, i);
	if (vfs_open(AT_FDCWD, a, O_CREAT | O_EXCL | O_WRONLY, 0644, &f)) {
		w->errors++;
		return;
	}
	if (vfs_write(f, a, 8) != 8)
		w->errors++;
	fput(f);
	if (vfs_stat(AT_FDCWD, miss, 0, &st) != -ENOENT)
		w->errors++;		/* a negative dentry per round */
	if (vfs_rename(AT_FDCWD, a, AT_FDCWD, b, 0) ||
	    vfs_link(AT_FDCWD, b, AT_FDCWD, c, 0) ||
	    vfs_stat(AT_FDCWD, c, 0, &st) || st.st_nlink != 2 ||
	    st.st_size != 8 || vfs_stat(AT_FDCWD, a, 0, &st) != -ENOENT)
		w->errors++;
	if (vfs_unlink(AT_FDCWD, b) || vfs_unlink(AT_FDCWD, c))
		w->errors++;
}

static int dcache_fn(void *arg)
{
	struct worker *w = arg;
	unsigned long i = 0;

	while (keep_going(w))
		dcache_round(w, i++);
	w->nivcsw = current->nivcsw;
	return 0;
}

static void vfs_race_dcache_namespace(struct ktest *t)
{
	struct worker ws[WORKERS];
	unsigned long reports = lock_debug_reports();

	KT_ASSERT_EQ(t, vfs_mkdir(AT_FDCWD, "/race", 0755), 0);
	KT_ASSERT_EQ(t, vfs_mkdir(AT_FDCWD, "/race/x", 0755), 0);
	KT_ASSERT_EQ(t, vfs_mkdir(AT_FDCWD, "/race/y", 0755), 0);
	KT_ASSERT_EQ(t, vfs_mkdir(AT_FDCWD, "/race/z", 0755), 0);
	run_workers(t, ws, dcache_fn);
	/* Every name made was removed: the directories are empty (the
	 * global dentry counts are not compared: other suites' files may
	 * be let go meanwhile). */
	KT_EXPECT_EQ(t, vfs_rmdir(AT_FDCWD, "/race/x"), 0);
	KT_EXPECT_EQ(t, vfs_rmdir(AT_FDCWD, "/race/y"), 0);
	KT_EXPECT_EQ(t, vfs_rmdir(AT_FDCWD, "/race/z"), 0);
	KT_EXPECT_EQ(t, vfs_rmdir(AT_FDCWD, "/race"), 0);
	KT_EXPECT_EQ(t, lock_debug_reports(), reports);
}

static struct ktest_case vfs_race_cases[] = {
	KTEST_CASE(vfs_race_fd_table_storm),
	KTEST_CASE(vfs_race_close_during_read),
	KTEST_CASE(vfs_race_dcache_namespace),
	{}
};
KTEST_SUITE(vfs_race, vfs_race_cases);
