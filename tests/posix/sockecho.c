// SPDX-License-Identifier: MIT
/*
 * sockecho: a plain-POSIX TCP echo server on one epoll loop (non-blocking
 * accept, read, write; EPOLLRDHUP and EOF close a connection), for the
 * socket boot tests; it builds natively unchanged.
 * Usage: sockecho [PORT [HOST TCPPORT UDPPORT]]
 * With HOST it first connects to HOST:TCPPORT, sends a line and prints
 * the reply, then sends a UDP datagram to HOST:UDPPORT and prints the
 * answer; then it listens on PORT (default 7) and echoes forever.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_in sa(const char *host, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((unsigned short)port) };

	inet_pton(AF_INET, host, &a.sin_addr);
	return a;
}

static void tcp_client(const char *host, int port)
{
	struct sockaddr_in a = sa(host, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char buf[128];
	ssize_t n, got = 0;

	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		printf("sockecho: tcp connect: %s\n", strerror(errno));
		close(fd);
		return;
	}
	write(fd, "hello from the guest\n", 21);
	while ((n = read(fd, buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
		got += n;
	buf[got] = 0;
	printf("sockecho: tcp reply: %s", buf);
	close(fd);
}

static void udp_client(const char *host, int port)
{
	struct sockaddr_in a = sa(host, port), from;
	socklen_t len = sizeof(from);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct pollfd p = { fd, POLLIN, 0 };
	char buf[128];
	ssize_t n;

	sendto(fd, "ping over udp", 13, 0, (struct sockaddr *)&a, sizeof(a));
	if (poll(&p, 1, 10000) != 1) {
		printf("sockecho: udp: no answer\n");
		close(fd);
		return;
	}
	n = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from,
		     &len);
	buf[n > 0 ? n : 0] = 0;
	printf("sockecho: udp reply: %s from port %d\n", buf,
	       ntohs(from.sin_port));
	close(fd);
}

static int listener(int port)
{
	struct sockaddr_in a = sa("0.0.0.0", port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 64)) {
		printf("sockecho: cannot listen: %s\n", strerror(errno));
		exit(1);
	}
	return fd;
}

static void accept_all(int ep, int l)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
	int c, one = 1;

	while ((c = accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		ev.data.fd = c;
		epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
	}
}

/* Echo what is there; close on EOF or error. Blocks briefly on a full
 * send buffer (poll for POLLOUT) so no byte is lost. */
static void echo(int c)
{
	char buf[16384];
	ssize_t n, off, w;
	struct pollfd p = { c, POLLOUT, 0 };

	while ((n = read(c, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += w) {
			w = write(c, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EAGAIN) {
				poll(&p, 1, 1000);
				w = 0;
			} else if (w < 0) {
				close(c);
				return;
			}
		}
	}
	if (n == 0 || errno != EAGAIN)
		close(c);	/* also leaves the epoll set */
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 7;
	struct epoll_event ev = { .events = EPOLLIN }, out[32];
	int l, ep;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 4) {
		tcp_client(argv[2], atoi(argv[3]));
		udp_client(argv[2], atoi(argv[4]));
	}
	l = listener(port);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ev.data.fd = l;
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	printf("sockecho: listening on TCP port %d\n", port);
	for (;;) {
		int n = epoll_wait(ep, out, 32, -1);

		for (int i = 0; i < n; i++) {
			if (out[i].data.fd == l)
				accept_all(ep, l);
			else
				echo(out[i].data.fd);
		}
	}
}
