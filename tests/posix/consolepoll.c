// SPDX-License-Identifier: MIT
/*
 * Console readiness: poll and epoll on standard input (the serial
 * console on Pith) wake when a line arrives, and blocking reads return
 * whole lines. The host feeds "first line", "second", "third" with
 * pauses (tests/boot/test_console.py); without input, poll times out.
 */
#include <poll.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <unistd.h>

int main(void)
{
	struct pollfd p = { 0, POLLIN, 0 };
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int ep = epoll_create1(0), r;
	char buf[64];
	ssize_t n;

	setvbuf(stdout, NULL, _IONBF, 0);
	printf("poll before input: %d\n", poll(&p, 1, 100));
	r = poll(&p, 1, 30000);
	printf("poll: %d revents %#x\n", r, p.revents);
	n = read(0, buf, sizeof(buf));
	printf("read %zd: %.*s", n, (int)n, buf);
	epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev);
	printf("epoll: %d\n", epoll_wait(ep, &out, 1, 30000));
	n = read(0, buf, sizeof(buf));
	printf("read %zd: %.*s", n, (int)n, buf);
	n = read(0, buf, sizeof(buf));
	printf("blocking read %zd: %.*s", n, (int)n, buf);
	return 0;
}
