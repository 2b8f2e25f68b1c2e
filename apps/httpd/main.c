/* SPDX-License-Identifier: MIT */
/*
 * httpd: a small HTTP/1.1 static file server in portable POSIX C. One
 * thread, one epoll loop, non-blocking sockets; keep-alive and pipelined
 * requests (answered in order); GET and HEAD of files under a root
 * directory; bounded request size; a connection limit; idle connections
 * closed after a timeout; an access log line per request.
 *
 * Usage: httpd [-p port] [-r root] [-c max_conns] [-t idle_seconds] [-q]
 * Defaults: port 80, root "/" (on Pith, the app's rootfs initrd), 256
 * connections, 10 s. The same source builds and runs on Linux.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "http.h"

#define IN_MAX		(HTTP_MAX_HEADERS + HTTP_MAX_LINE)
#define FILE_MAX	(16 << 20)

struct conn {
	int fd;
	char in[IN_MAX];
	size_t in_len;
	char *out;
	size_t out_len, out_off, out_cap;
	time_t last;
	bool closing;		/* close once out is sent */
	char peer[48];
};

static struct {
	int port, max_conns, idle, nconns, epfd;
	const char *root;
	bool quiet;
	struct conn **conns;
} srv = { 80, 256, 10, 0, -1, "/", false, NULL };

static int out_reserve(struct conn *c, size_t more)
{
	size_t need = c->out_len + more;
	char *p;

	if (need <= c->out_cap)
		return 0;
	p = realloc(c->out, need + 4096);
	if (!p)
		return -1;
	c->out = p;
	c->out_cap = need + 4096;
	return 0;
}

static int out_append(struct conn *c, const void *data, size_t n)
{
	if (out_reserve(c, n))
		return -1;
	memcpy(c->out + c->out_len, data, n);
	c->out_len += n;
	return 0;
}

static void log_request(struct conn *c, const char *what, int status,
			size_t bytes)
{
	if (!srv.quiet)
		printf("%s \"%s\" %d %zu\n", c->peer, what, status, bytes);
}

/* An error page; 'close' ends the connection after it (a request we
 * could not parse leaves the stream unsynchronised). */
static void send_error(struct conn *c, int status, const char *what,
		       bool close)
{
	char body[160], head[320];
	int bl = snprintf(body, sizeof(body), "<h1>%d %s</h1>\n", status,
			  http_reason(status));
	int hl = snprintf(head, sizeof(head),
			  "HTTP/1.1 %d %s\r\nServer: httpd (Pith)\r\n"
			  "Content-Type: text/html\r\nContent-Length: %d\r\n"
			  "%s%s\r\n", status, http_reason(status), bl,
			  status == 405 ? "Allow: GET, HEAD\r\n" : "",
			  close ? "Connection: close\r\n" : "");

	out_append(c, head, hl);
	out_append(c, body, bl);
	c->closing |= close;
	log_request(c, what, status, bl);
}

static int read_file(const char *path, char **data, size_t *len,
		     struct stat *st)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;
	size_t got = 0;

	if (fd < 0)
		return -1;
	if (fstat(fd, st) || !S_ISREG(st->st_mode) || st->st_size > FILE_MAX ||
	    !(*data = malloc(st->st_size + 1))) {
		close(fd);
		return -1;
	}
	while (got < (size_t)st->st_size &&
	       (n = read(fd, *data + got, st->st_size - got)) > 0)
		got += n;
	close(fd);
	*len = got;
	return 0;
}

static void serve(struct conn *c, const struct http_request *req)
{
	char path[HTTP_MAX_URI + 512], date[32], head[512];
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	int hl;

	snprintf(path, sizeof(path), "%s%s%s", srv.root,
		 srv.root[strlen(srv.root) - 1] == '/' ? req->path + 1
						       : req->path,
		 req->path[strlen(req->path) - 1] == '/' ? "index.html" : "");
	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		strncat(path, "/index.html", sizeof(path) - strlen(path) - 1);
	if (read_file(path, &data, &len, &st)) {
		send_error(c, 404, req->path, !req->keep_alive);
		return;
	}
	http_date(st.st_mtime, date);
	hl = snprintf(head, sizeof(head),
		      "HTTP/1.1 200 OK\r\nServer: httpd (Pith)\r\n"
		      "Content-Type: %s\r\nContent-Length: %zu\r\n"
		      "Last-Modified: %s\r\n%s\r\n", http_mime_type(path), len,
		      date, req->keep_alive ? "" : "Connection: close\r\n");
	out_append(c, head, hl);
	if (!req->head)
		out_append(c, data, len);
	free(data);
	c->closing = !req->keep_alive;
	log_request(c, req->path, 200, req->head ? 0 : len);
}

static void conn_close(struct conn *c)
{
	epoll_ctl(srv.epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	srv.conns[c->fd] = NULL;
	srv.nconns--;
	free(c->out);
	free(c);
}

/* Answer every complete request in the buffer, in order. */
static void handle_input(struct conn *c)
{
	struct http_request req;
	size_t off = 0;

	while (!c->closing && off < c->in_len) {
		memset(&req, 0, sizeof(req));
		int st = http_parse(c->in + off, c->in_len - off, &req);

		if (st == HTTP_AGAIN)
			break;
		if (st != HTTP_OK) {
			send_error(c, st, "-", true);
			break;
		}
		serve(c, &req);
		off += req.consumed;
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
	if (c->in_len == sizeof(c->in))
		send_error(c, 431, "-", true);	/* cannot happen: parser */
}

static int flush_out(struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = write(c->fd, c->out + c->out_off,
				  c->out_len - c->out_off);

		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		c->out_off += n;
	}
	c->out_off = c->out_len = 0;
	return c->closing ? -1 : 0;
}

static void conn_event(struct conn *c, unsigned int ev)
{
	struct epoll_event e = { .data.fd = c->fd };
	ssize_t n = -1;

	if (ev & (EPOLLERR | EPOLLHUP)) {
		conn_close(c);
		return;
	}
	while (!c->closing && c->in_len < sizeof(c->in) &&
	       (n = read(c->fd, c->in + c->in_len,
			 sizeof(c->in) - c->in_len)) > 0) {
		c->in_len += n;
		handle_input(c);
	}
	if (!c->closing && c->in_len < sizeof(c->in) && n == 0) {
		conn_close(c);		/* the peer closed */
		return;
	}
	c->last = time(NULL);
	if (flush_out(c)) {
		conn_close(c);
		return;
	}
	e.events = EPOLLIN | (c->out_len ? EPOLLOUT : 0);
	epoll_ctl(srv.epfd, EPOLL_CTL_MOD, c->fd, &e);
}

static void accept_all(int lfd)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int fd;

	while ((fd = accept4(lfd, (struct sockaddr *)&a, &al,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct conn *c = calloc(1, sizeof(*c));
		struct epoll_event e = { .events = EPOLLIN, .data.fd = fd };
		int one = 1;

		if (!c || fd >= 65536 || srv.nconns >= srv.max_conns) {
			free(c);
			close(fd);	/* over the limit: refuse at once */
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->fd = fd;
		c->last = time(NULL);
		snprintf(c->peer, sizeof(c->peer), "%s:%d",
			 inet_ntoa(a.sin_addr), ntohs(a.sin_port));
		srv.conns[fd] = c;
		srv.nconns++;
		epoll_ctl(srv.epfd, EPOLL_CTL_ADD, fd, &e);
		al = sizeof(a);
	}
}

static void reap_idle(void)
{
	time_t now = time(NULL);

	for (int fd = 0; fd < 65536; fd++) {
		struct conn *c = srv.conns[fd];

		if (c && now - c->last >= srv.idle)
			conn_close(c);
	}
}

static int listen_on(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 128)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void usage(void)
{
	fprintf(stderr, "usage: httpd [-p port] [-r root] [-c max_conns] "
		"[-t idle_seconds] [-q]\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	int o;

	while ((o = getopt(argc, argv, "p:r:c:t:q")) != -1) {
		if (o == 'p')
			srv.port = atoi(optarg);
		else if (o == 'r')
			srv.root = optarg;
		else if (o == 'c')
			srv.max_conns = atoi(optarg);
		else if (o == 't')
			srv.idle = atoi(optarg);
		else if (o == 'q')
			srv.quiet = true;
		else
			usage();
	}
	if (srv.port <= 0 || srv.port > 65535 || srv.max_conns <= 0 ||
	    srv.idle <= 0)
		usage();
}

int main(int argc, char **argv)
{
	struct epoll_event ev[64];
	time_t last_reap = time(NULL);
	int lfd;

	parse_args(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	srv.conns = calloc(65536, sizeof(*srv.conns));
	lfd = listen_on(srv.port);
	srv.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (lfd < 0 || srv.epfd < 0 || !srv.conns) {
		perror("httpd: listen");
		return 1;
	}
	epoll_ctl(srv.epfd, EPOLL_CTL_ADD, lfd,
		  &(struct epoll_event){ .events = EPOLLIN, .data.fd = lfd });
	printf("httpd: serving %s on port %d\n", srv.root, srv.port);
	for (;;) {
		int n = epoll_wait(srv.epfd, ev, 64, 1000);

		for (int i = 0; i < n; i++) {
			if (ev[i].data.fd == lfd)
				accept_all(lfd);
			else if (srv.conns[ev[i].data.fd])
				conn_event(srv.conns[ev[i].data.fd],
					   ev[i].events);
		}
		if (time(NULL) != last_reap) {
			reap_idle();
			last_reap = time(NULL);
		}
	}
}
