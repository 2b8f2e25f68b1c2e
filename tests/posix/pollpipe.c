// SPDX-License-Identifier: MIT
/*
 * Differential test: pipes, eventfd, poll, select and epoll, run natively
 * on Linux and on Pith with the output compared. Pipes between two
 * threads (EOF when the writer closes, EPIPE when the reader has), the
 * atomicity of PIPE_BUF writes, non-blocking EAGAIN, poll/select/epoll
 * readiness on pipes and eventfd (level, edge, one-shot), socketpair.
 * With the argument "sigpipe" it writes to a pipe without a reader and
 * dies of SIGPIPE's default action.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHECK(what, expr) report(what, (long)(expr))

static void report(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerror(errno));
	else
		printf("%s: %ld\n", what, r);
}

struct feed {
	int fd;
	size_t total;
	int chunk;
};

static void *writer(void *arg)
{
	struct feed *f = arg;
	char buf[3000];
	size_t sent = 0;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)i;
	while (sent < f->total) {
		size_t n = f->total - sent < (size_t)f->chunk ?
			   f->total - sent : (size_t)f->chunk;
		ssize_t w = write(f->fd, buf, n);

		if (w < 0)
			break;
		sent += (size_t)w;
	}
	close(f->fd);
	return NULL;
}

static void pipe_between_threads(void)
{
	int p[2];
	pthread_t t;
	struct feed f;
	char buf[1000];
	size_t total = 0;
	ssize_t n;
	unsigned sum = 0;

	CHECK("pipe", pipe(p));
	f = (struct feed){ p[1], 200000, 2999 };
	pthread_create(&t, NULL, writer, &f);
	while ((n = read(p[0], buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			sum += (unsigned char)buf[i];
		total += (size_t)n;
	}
	pthread_join(t, NULL);
	printf("threads: read %zu bytes, sum %u, last read %zd\n", total,
	       sum, n);
	CHECK("read after EOF", read(p[0], buf, 1));
	close(p[0]);
}

static void *slow_reader(void *arg)
{
	int fd = *(int *)arg;
	char buf[100];

	usleep(20000);
	read(fd, buf, sizeof(buf));
	close(fd);
	return NULL;
}

static void pipe_epipe(void)
{
	int p[2];
	pthread_t t;
	char big[100000];
	ssize_t w;

	signal(SIGPIPE, SIG_IGN);
	CHECK("pipe", pipe(p));
	memset(big, 'x', sizeof(big));
	pthread_create(&t, NULL, slow_reader, &p[0]);
	/* Fills the pipe, blocks, and the reader closes after one read. */
	w = write(p[1], big, sizeof(big));
	printf("blocked write: %s\n", w > 0 ? "partial" : strerror(errno));
	pthread_join(t, NULL);
	CHECK("write without reader", write(p[1], "x", 1));
	close(p[1]);
	signal(SIGPIPE, SIG_DFL);
}

static void pipe_nonblocking(void)
{
	int p[2];
	char buf[5000];
	long total = 0;
	ssize_t w;

	CHECK("pipe2 nonblock", pipe2(p, O_NONBLOCK | O_CLOEXEC));
	printf("cloexec %d nonblock %d\n", fcntl(p[0], F_GETFD),
	       !!(fcntl(p[1], F_GETFL) & O_NONBLOCK));
	CHECK("read empty", read(p[0], buf, 10));
	memset(buf, 'a', sizeof(buf));
	while ((w = write(p[1], buf, 4096)) > 0)
		total += w;
	printf("filled %ld, then %s\n", total, strerror(errno));
	CHECK("atomic write into 0 room", write(p[1], buf, 10));
	CHECK("read some", read(p[0], buf, 100));
	CHECK("atomic 4096 into 100 room", write(p[1], buf, 4096));
	CHECK("pipe2 bad flag", pipe2(p, 0x10));
	close(p[0]);
	close(p[1]);
}

static void poll_pipe(void)
{
	int p[2];
	struct pollfd fds[2];

	pipe(p);
	fds[0] = (struct pollfd){ p[0], POLLIN, 0 };
	fds[1] = (struct pollfd){ p[1], POLLOUT, 0 };
	CHECK("poll empty pipe", poll(fds, 2, 0));
	printf("revents %#x %#x\n", fds[0].revents, fds[1].revents);
	write(p[1], "hi", 2);
	CHECK("poll with data", poll(fds, 1, 1000));
	printf("revents %#x\n", fds[0].revents);
	close(p[1]);
	CHECK("poll after writer closed", poll(fds, 1, 1000));
	printf("revents %#x\n", fds[0].revents);
	fds[0].fd = 99;
	CHECK("poll bad fd", poll(fds, 1, 0));
	printf("revents %#x\n", fds[0].revents);
	CHECK("poll timeout", poll(NULL, 0, 30));
	close(p[0]);
}

static void *late_writer(void *arg)
{
	usleep(30000);
	write(*(int *)arg, "z", 1);
	return NULL;
}

static void poll_wakes_up(void)
{
	int p[2];
	pthread_t t;
	struct pollfd fd;
	fd_set r;
	struct timeval tv = { 5, 0 };
	char c;

	pipe(p);
	fd = (struct pollfd){ p[0], POLLIN, 0 };
	pthread_create(&t, NULL, late_writer, &p[1]);
	CHECK("poll woken by a thread", poll(&fd, 1, 5000));
	pthread_join(t, NULL);
	read(p[0], &c, 1);
	pthread_create(&t, NULL, late_writer, &p[1]);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK("select woken by a thread", select(p[0] + 1, &r, NULL, NULL,
						 &tv));
	printf("isset %d\n", FD_ISSET(p[0], &r));
	pthread_join(t, NULL);
	close(p[0]);
	close(p[1]);
}

static void select_cases(void)
{
	int p[2];
	fd_set r, w;
	struct timeval tv = { 0, 20000 };

	pipe(p);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	CHECK("select writable", select(p[1] + 1, &r, &w, NULL, &tv));
	printf("r %d w %d\n", FD_ISSET(p[0], &r), FD_ISSET(p[1], &w));
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){ 0, 20000 };
	CHECK("select timeout", select(p[0] + 1, &r, NULL, NULL, &tv));
	FD_SET(p[0], &r);
	FD_SET(50, &r);
	CHECK("select bad fd", select(51, &r, NULL, NULL, &tv));
	close(p[0]);
	close(p[1]);
}

static void eventfd_cases(void)
{
	int e = eventfd(3, EFD_NONBLOCK);
	uint64_t v = 0;
	struct pollfd fd = { e, POLLIN | POLLOUT, 0 };

	CHECK("poll eventfd", poll(&fd, 1, 0));
	printf("revents %#x\n", fd.revents);
	CHECK("read eventfd", read(e, &v, 8));
	printf("value %llu\n", (unsigned long long)v);
	CHECK("read empty eventfd", read(e, &v, 8));
	CHECK("short read", read(e, &v, 4));
	v = 5;
	write(e, &v, 8);
	v = UINT64_MAX;
	CHECK("write max", write(e, &v, 8));
	v = UINT64_MAX - 1;
	CHECK("write overflow", write(e, &v, 8));
	close(e);
	e = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	read(e, &v, 8);
	printf("semaphore %llu\n", (unsigned long long)v);
	read(e, &v, 8);
	CHECK("semaphore drained", read(e, &v, 8));
	close(e);
}

static void epoll_levels(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC), p[2];
	struct epoll_event ev = { 0 }, out[4];
	char c;

	pipe(p);
	ev.events = EPOLLIN;
	ev.data.u32 = 7;
	CHECK("ctl add", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	CHECK("ctl add again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	CHECK("wait empty", epoll_wait(ep, out, 4, 10));
	write(p[1], "ab", 2);
	CHECK("wait level", epoll_wait(ep, out, 4, 1000));
	printf("events %#x data %u\n", out[0].events, out[0].data.u32);
	CHECK("wait level again", epoll_wait(ep, out, 4, 0));
	ev.events = EPOLLIN | EPOLLET;
	CHECK("ctl mod et", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	CHECK("wait et", epoll_wait(ep, out, 4, 0));
	CHECK("wait et again", epoll_wait(ep, out, 4, 0));
	write(p[1], "c", 1);
	CHECK("wait et new data", epoll_wait(ep, out, 4, 0));
	ev.events = EPOLLIN | EPOLLONESHOT;
	epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
	CHECK("wait oneshot", epoll_wait(ep, out, 4, 0));
	CHECK("wait oneshot disarmed", epoll_wait(ep, out, 4, 0));
	epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
	CHECK("wait oneshot rearmed", epoll_wait(ep, out, 4, 0));
	while (read(p[0], &c, 1) == 1 && c != 'c')
		;
	close(p[1]);
	ev.events = EPOLLIN;
	epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
	CHECK("wait hup", epoll_wait(ep, out, 4, 0));
	printf("events %#x\n", out[0].events);
	CHECK("ctl del", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	CHECK("ctl del again", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	CHECK("ctl self", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
	CHECK("wait bad max", epoll_wait(ep, out, 0, 0));
	close(p[0]);
	close(ep);
}

static void *bump(void *arg)
{
	uint64_t one = 1;

	usleep(30000);
	write(*(int *)arg, &one, 8);
	return NULL;
}

static void epoll_eventfd_and_close(void)
{
	int ep = epoll_create(1), e = eventfd(0, 0), p[2];
	struct epoll_event ev = { EPOLLIN, { .u64 = 42 } }, out[2];
	pthread_t t;

	epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev);
	pthread_create(&t, NULL, bump, &e);
	CHECK("epoll woken by eventfd", epoll_wait(ep, out, 2, 5000));
	printf("data %llu\n", (unsigned long long)out[0].data.u64);
	pthread_join(t, NULL);
	read(e, &ev.data.u64, 8);
	pipe(p);
	ev.events = EPOLLOUT;
	epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev);
	close(p[1]);
	CHECK("closed file left the set", epoll_wait(ep, out, 2, 0));
	close(p[0]);
	close(e);
	close(ep);
}

static void socketpair_cases(void)
{
	int sv[2];
	char buf[16];
	struct pollfd fd;

	CHECK("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK("send", write(sv[0], "ping", 4));
	CHECK("recv", read(sv[1], buf, sizeof(buf)));
	CHECK("reply", write(sv[1], "pong!", 5));
	CHECK("recv reply", read(sv[0], buf, sizeof(buf)));
	CHECK("shutdown wr", shutdown(sv[0], SHUT_WR));
	CHECK("peer sees EOF", read(sv[1], buf, sizeof(buf)));
	fd = (struct pollfd){ sv[1], POLLIN, 0 };
	CHECK("poll EOF", poll(&fd, 1, 0));
	close(sv[1]);
	signal(SIGPIPE, SIG_IGN);
	CHECK("write to closed peer", write(sv[0], "x", 1));
	signal(SIGPIPE, SIG_DFL);
	close(sv[0]);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "sigpipe")) {
		int p[2];

		pipe(p);
		close(p[0]);
		printf("writing to a pipe without readers\n");
		write(p[1], "x", 1);
		printf("not reached\n");
		return 0;
	}
	pipe_between_threads();
	pipe_epipe();
	pipe_nonblocking();
	poll_pipe();
	poll_wakes_up();
	select_cases();
	eventfd_cases();
	epoll_levels();
	epoll_eventfd_and_close();
	socketpair_cases();
	return 0;
}
