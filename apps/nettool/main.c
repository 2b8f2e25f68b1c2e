// SPDX-License-Identifier: MIT
/*
 * nettool: the guest side of the network boot tests, in plain POSIX (it
 * builds natively: gcc -o nettool apps/nettool/main.c). It runs the
 * commands on its command line in order and prints one "nettool:" line
 * per result:
 *
 *   tcp HOST PORT N      connect, send N pattern bytes, half-close, read
 *                        the echo to EOF, compare byte for byte
 *   udp HOST PORT N      one N-byte datagram, its echo compared
 *   resolve NAME PORT    getaddrinfo (musl: /etc/hosts, then DNS from
 *                        /etc/resolv.conf); print every address, connect
 *                        to them in order, send a line, print the reply
 *   sleep S              wait S seconds (IPv6 addresses pass DAD first)
 *   serve PORT           TCP and UDP echo on PORT (IPv4), forever
 *   serve6 PORT          the same on an AF_INET6 socket (dual-stack),
 *                        printing each peer and local address
 *
 * HOST is numeric (IPv4 or IPv6).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + i / 251 + 13);
}

static void show(const struct sockaddr *sa, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
		snprintf(out, len, "%s:%d", host, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
		snprintf(out, len, "[%s]:%d", host, port);
	} else {
		snprintf(out, len, "family %d", sa->sa_family);
	}
}

static struct addrinfo *numeric(const char *host, const char *port,
				int type)
{
	struct addrinfo hints = { .ai_socktype = type,
				  .ai_flags = AI_NUMERICHOST |
					      AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	int e = getaddrinfo(host, port, &hints, &ai);

	if (e)
		printf("nettool: %s: %s\n", host, gai_strerror(e));
	return e ? NULL : ai;
}

/* Send n pattern bytes and read the echo at the same time. */
static int tcp_exchange(int fd, size_t n, size_t *got, size_t *bad)
{
	char buf[8192];
	size_t sent = 0;
	ssize_t r;
	struct pollfd p = { fd, 0, 0 };
	int wr_open = 1;

	*got = *bad = 0;
	for (;;) {
		if (sent == n && wr_open) {
			shutdown(fd, SHUT_WR);
			wr_open = 0;
		}
		p.events = POLLIN | (wr_open ? POLLOUT : 0);
		if (poll(&p, 1, 20000) != 1)
			return -ETIMEDOUT;
		if (p.revents & POLLOUT && wr_open) {
			size_t k = n - sent < sizeof(buf) ? n - sent : sizeof(buf);

			for (size_t i = 0; i < k; i++)
				buf[i] = (char)pattern(sent + i);
			r = send(fd, buf, k, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (r < 0 && errno != EAGAIN)
				return -errno;
			sent += r > 0 ? (size_t)r : 0;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (r == 0)
				return 0;
			if (r < 0 && errno != EAGAIN)
				return -errno;
			for (ssize_t i = 0; i < r; i++)
				*bad += (unsigned char)buf[i] != pattern(*got + i);
			*got += r > 0 ? (size_t)r : 0;
		}
	}
}

static void cmd_tcp(const char *host, const char *port, size_t n)
{
	struct addrinfo *ai = numeric(host, port, SOCK_STREAM);
	char local[64];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	size_t got, bad;
	int fd, e;

	if (!ai)
		return;
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		printf("nettool: tcp %s %s: connect: %s\n", host, port,
		       strerror(errno));
		goto out;
	}
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	show((struct sockaddr *)&ss, local, sizeof(local));
	e = tcp_exchange(fd, n, &got, &bad);
	if (e || got != n || bad)
		printf("nettool: tcp %s %s: FAIL (%s, %zu of %zu bytes back, "
		       "%zu wrong)\n", host, port, e ? strerror(-e) : "eof",
		       got, n, bad);
	else
		printf("nettool: tcp %s %s: %zu bytes echoed ok from %s\n",
		       host, port, n, local);
out:
	close(fd);
	freeaddrinfo(ai);
}

static void cmd_udp(const char *host, const char *port, size_t n)
{
	struct addrinfo *ai = numeric(host, port, SOCK_DGRAM);
	unsigned char *out = malloc(n), *in = malloc(n + 1);
	struct pollfd p;
	ssize_t r = -1;
	int fd;

	if (!ai || !out || !in)
		goto done;
	for (size_t i = 0; i < n; i++)
		out[i] = pattern(i);
	fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	p = (struct pollfd){ fd, POLLIN, 0 };
	/* a lost datagram is sent again */
	for (int tries = 0; tries < 5 && r < 0; tries++) {
		sendto(fd, out, n, 0, ai->ai_addr, ai->ai_addrlen);
		if (poll(&p, 1, 3000) == 1)
			r = recv(fd, in, n + 1, 0);
	}
	if (r == (ssize_t)n && !memcmp(in, out, n))
		printf("nettool: udp %s %s: %zu bytes echoed ok\n", host, port,
		       n);
	else
		printf("nettool: udp %s %s: FAIL (%zd bytes back)\n", host,
		       port, r);
	close(fd);
done:
	free(out);
	free(in);
	if (ai)
		freeaddrinfo(ai);
}

static int talk(const struct addrinfo *a, const char *name)
{
	int fd = socket(a->ai_family, SOCK_STREAM, 0);
	char line[128], reply[256], who[64];
	ssize_t r, got = 0;

	show(a->ai_addr, who, sizeof(who));
	if (connect(fd, a->ai_addr, a->ai_addrlen)) {
		printf("nettool: resolve %s: connect %s: %s\n", name, who,
		       strerror(errno));
		close(fd);
		return -1;
	}
	snprintf(line, sizeof(line), "hello %s\n", name);
	send(fd, line, strlen(line), MSG_NOSIGNAL);
	shutdown(fd, SHUT_WR);
	while ((r = read(fd, reply + got, sizeof(reply) - 1 - (size_t)got)) > 0)
		got += r;
	reply[got] = 0;
	reply[strcspn(reply, "\n")] = 0;
	printf("nettool: resolve %s: connected %s, reply: %s\n", name, who,
	       reply);
	close(fd);
	return 0;
}

static void cmd_resolve(const char *name, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai, *a;
	char who[64];
	int e = getaddrinfo(name, port, &hints, &ai);

	if (e) {
		printf("nettool: resolve %s: failed: %s\n", name,
		       gai_strerror(e));
		return;
	}
	for (a = ai; a; a = a->ai_next) {
		show(a->ai_addr, who, sizeof(who));
		printf("nettool: resolve %s: address %s\n", name, who);
	}
	for (a = ai; a; a = a->ai_next)
		talk(a, name);
	freeaddrinfo(ai);
}

static int bound(int family, int type, int port)
{
	struct sockaddr_in in = { .sin_family = AF_INET,
				  .sin_port = htons((unsigned short)port) };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6,
				    .sin6_port = htons((unsigned short)port),
				    .sin6_addr = IN6ADDR_ANY_INIT };
	int fd = socket(family, type, 0), one = 1, zero = 0;
	int err;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		err = bind(fd, (struct sockaddr *)&in6, sizeof(in6));
	} else {
		err = bind(fd, (struct sockaddr *)&in, sizeof(in));
	}
	if (err || (type == SOCK_STREAM && listen(fd, 16))) {
		printf("nettool: serve %d: %s\n", port, strerror(errno));
		exit(1);
	}
	return fd;
}

static void echo_conn(int c, int v6)
{
	char buf[16384], peer[64], local[64];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	ssize_t n, off, w;

	if (v6) {
		getpeername(c, (struct sockaddr *)&ss, &sl);
		show((struct sockaddr *)&ss, peer, sizeof(peer));
		sl = sizeof(ss);
		getsockname(c, (struct sockaddr *)&ss, &sl);
		show((struct sockaddr *)&ss, local, sizeof(local));
		printf("nettool: accepted %s on %s\n", peer, local);
	}
	while ((n = read(c, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += w)
			if ((w = write(c, buf + off, (size_t)(n - off))) <= 0)
				goto out;
out:
	close(c);
}

static void cmd_serve(int port, int v6)
{
	int family = v6 ? AF_INET6 : AF_INET;
	int l = bound(family, SOCK_STREAM, port);
	int u = bound(family, SOCK_DGRAM, port);
	struct pollfd p[2] = { { l, POLLIN, 0 }, { u, POLLIN, 0 } };
	char buf[65536];

	printf("nettool: serving TCP and UDP on port %d (%s)\n", port,
	       v6 ? "IPv6, dual-stack" : "IPv4");
	for (;;) {
		if (poll(p, 2, -1) < 1)
			continue;
		if (p[0].revents & POLLIN) {
			int c = accept(l, NULL, NULL);

			if (c >= 0)
				echo_conn(c, v6);	/* one at a time */
		}
		if (p[1].revents & POLLIN) {
			struct sockaddr_storage ss;
			socklen_t sl = sizeof(ss);
			ssize_t n = recvfrom(u, buf, sizeof(buf), 0,
					     (struct sockaddr *)&ss, &sl);

			if (n >= 0)
				sendto(u, buf, (size_t)n, 0,
				       (struct sockaddr *)&ss, sl);
		}
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc;) {
		const char *c = argv[i];
		int left = argc - i - 1;

		if (!strcmp(c, "tcp") && left >= 3) {
			cmd_tcp(argv[i + 1], argv[i + 2], strtoul(argv[i + 3],
								 NULL, 0));
			i += 4;
		} else if (!strcmp(c, "udp") && left >= 3) {
			cmd_udp(argv[i + 1], argv[i + 2], strtoul(argv[i + 3],
								 NULL, 0));
			i += 4;
		} else if (!strcmp(c, "sleep") && left >= 1) {
			sleep((unsigned int)atoi(argv[i + 1]));
			i += 2;
		} else if (!strcmp(c, "resolve") && left >= 2) {
			cmd_resolve(argv[i + 1], argv[i + 2]);
			i += 3;
		} else if ((!strcmp(c, "serve") || !strcmp(c, "serve6")) &&
			   left >= 1) {
			cmd_serve(atoi(argv[i + 1]), c[5] == '6');
			i += 2;
		} else {
			fprintf(stderr, "nettool: bad command at '%s'\n", c);
			return 2;
		}
	}
	printf("nettool: done\n");
	return 0;
}
