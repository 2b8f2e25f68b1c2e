/* SPDX-License-Identifier: MIT */
/*
 * In-image tests of readiness: a kernel thread writing a pipe or an
 * eventfd wakes a poll, epoll_wait or read sleeping in the test thread
 * (wait queues, no polling loop), timeouts end those waits, and the
 * last close of a file removes it from an epoll set.
 */
#include <pith/errno.h>
#include <pith/ktest.h>
#include <pith/sched.h>
#include <pith/syscall.h>
#include <pith/time.h>
#include <pith/vfs.h>

#define EPOLL_CTL_ADD	1

struct pfd {
	int fd;
	short events, revents;
};

struct epev {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

static long sc4(long nr, long a, long b, long c, long d)
{
	long ret;
	register long r10 __asm__("r10") = d;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			     : "rcx", "r11", "memory");
	return ret;
}

static int late_writer(void *arg)
{
	struct file *f = arg;
	uint64_t one = 1;

	msleep(20);
	vfs_write(f, &one, 8);
	return 0;
}

/* Write 8 bytes to fd from a kernel thread after 20 ms. */
static struct thread *write_later(long fd)
{
	return kthread_run(late_writer, fget((int)fd), "late-writer");
}

static void finish(struct thread *t)
{
	struct file *f = t->arg;

	kthread_join(t, NULL);
	fput(f);
}

static void poll_pipe_woken_by_thread(struct ktest *t)
{
	int p[2];
	struct pfd fd;
	uint64_t v;
	struct thread *w;

	KT_ASSERT_EQ(t, sc4(NR_pipe2, (long)p, 0, 0, 0), 0);
	fd = (struct pfd){ p[0], POLLIN_K, 0 };
	KT_EXPECT_EQ(t, sc4(NR_poll, (long)&fd, 1, 10, 0), 0);
	w = write_later(p[1]);
	KT_EXPECT_EQ(t, sc4(NR_poll, (long)&fd, 1, 5000, 0), 1);
	KT_EXPECT_EQ(t, fd.revents, POLLIN_K);
	KT_EXPECT_EQ(t, sc4(NR_read, p[0], (long)&v, 8, 0), 8);
	finish(w);
	w = write_later(p[1]);
	KT_EXPECT_EQ(t, sc4(NR_read, p[0], (long)&v, 8, 0), 8);	/* sleeps */
	finish(w);
	sc4(NR_close, p[1], 0, 0, 0);
	KT_EXPECT_EQ(t, sc4(NR_poll, (long)&fd, 1, 0, 0), 1);
	KT_EXPECT_EQ(t, fd.revents, POLLHUP_K);
	sc4(NR_close, p[0], 0, 0, 0);
}

static void poll_epoll_eventfd_woken_and_timeout(struct ktest *t)
{
	long ep = sc4(NR_epoll_create1, 0, 0, 0, 0);
	long e = sc4(NR_eventfd2, 0, 0, 0, 0);
	struct epev ev = { POLLIN_K, 5 }, out;
	struct thread *w;
	uint64_t start;

	KT_ASSERT_TRUE(t, ep >= 0 && e >= 0);
	KT_EXPECT_EQ(t, sc4(NR_epoll_ctl, ep, EPOLL_CTL_ADD, e, (long)&ev), 0);
	start = ktime_get_ns();
	KT_EXPECT_EQ(t, sc4(NR_epoll_wait, ep, (long)&out, 1, 30), 0);
	KT_EXPECT_TRUE(t, ktime_get_ns() - start >= 30000000ull);
	w = write_later(e);
	KT_EXPECT_EQ(t, sc4(NR_epoll_wait, ep, (long)&out, 1, 5000), 1);
	KT_EXPECT_EQ(t, out.data, 5);
	finish(w);
	sc4(NR_close, e, 0, 0, 0);	/* leaves the set */
	KT_EXPECT_EQ(t, sc4(NR_epoll_wait, ep, (long)&out, 1, 0), 0);
	sc4(NR_close, ep, 0, 0, 0);
}

static struct ktest_case poll_cases[] = {
	KTEST_CASE(poll_pipe_woken_by_thread),
	KTEST_CASE(poll_epoll_eventfd_woken_and_timeout),
	{}
};
KTEST_SUITE(poll, poll_cases);
