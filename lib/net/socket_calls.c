// SPDX-License-Identifier: MIT
/*
 * The socket system calls: socket, bind, listen, accept(4), connect,
 * send/recv families, shutdown, getsockname, getpeername. Addresses are
 * Linux's sockaddr_in/sockaddr_in6; an AF_INET6 socket is dual-stack
 * and shows IPv4 peers as ::ffff:a.b.c.d. AF_UNIX files (socketpair,
 * lib/vfs) get read/write semantics from the send/recv calls. Options
 * are in socket_opts.c.
 *
 * Interface: SYSCALL() registrations only.
 */
#include <lwip/tcp.h>
#include <lwip/tcpip.h>
#include <pith/clock.h>
#include <pith/errno.h>
#include <pith/printk.h>
#include <pith/string.h>
#include <pith/syscall.h>
#include "socket.h"

#define SOCK_TYPE_MASK	0xf
#define SHUT_RD		0
#define SHUT_RDWR	2

/* A user sockaddr into an lwIP address and port (host order). */
int sa_to_ip(struct sock *s, const void *sa, long len, ip_addr_t *ip,
		    u16_t *port)
{
	const struct sockaddr_in_k *in = sa;
	const struct sockaddr_in6_k *in6 = sa;

	if (!sa || len < (long)sizeof(uint16_t))
		return -EINVAL;
	if (in->family == AF_INET_K && len >= (long)sizeof(*in)) {
		ip_addr_set_ip4_u32_val(*ip, in->addr);
	} else if (in->family == AF_INET6_K && s->family == AF_INET6_K &&
		   len >= (long)sizeof(*in6)) {
		if (!in6->addr[0] && !in6->addr[1] &&
		    in6->addr[2] == PP_HTONL(0xffff)) {
			ip_addr_set_ip4_u32_val(*ip, in6->addr[3]);
		} else {
			IP_ADDR6(ip, in6->addr[0], in6->addr[1], in6->addr[2],
				 in6->addr[3]);
			/* sin6_scope_id is lwIP's zone (the interface
			 * index: lo 1, en0 2, as Linux numbers them). A
			 * link-local address needs one, as on Linux. */
			if (ip6_addr_has_scope(ip_2_ip6(ip), IP6_UNKNOWN)) {
				if (!in6->scope_id)
					return -EINVAL;
				ip6_addr_set_zone(ip_2_ip6(ip),
						  (u8_t)in6->scope_id);
			}
		}
	} else {
		return s->family == AF_INET_K && in->family == AF_INET6_K ?
		       -EAFNOSUPPORT : -EINVAL;
	}
	*port = lwip_ntohs(in->port);
	return 0;
}

/* Write ip:port as the socket's family sees it; *ulen updated. */
void ip_to_sa(struct sock *s, const ip_addr_t *ip, u16_t port,
		     void *usa, uint32_t *ulen)
{
	struct sockaddr_in6_k in6 = { .family = AF_INET6_K,
				      .port = lwip_htons(port) };
	struct sockaddr_in_k in = { .family = AF_INET_K,
				    .port = lwip_htons(port) };
	const void *src = &in;
	uint32_t n = sizeof(in);

	if (!usa || !ulen)
		return;
	if (s->family == AF_INET6_K) {
		if (IP_IS_V4(ip)) {
			in6.addr[2] = PP_HTONL(0xffff);
			in6.addr[3] = ip4_addr_get_u32(ip_2_ip4(ip));
		} else {
			memcpy(in6.addr, ip_2_ip6(ip)->addr, 16);
			if (ip6_addr_has_zone(ip_2_ip6(ip)))
				in6.scope_id = ip6_addr_zone(ip_2_ip6(ip));
		}
		src = &in6;
		n = sizeof(in6);
	} else {
		in.addr = ip4_addr_get_u32(ip_2_ip4(ip));
	}
	memcpy(usa, src, MIN(n, *ulen));
	*ulen = n;
}

/* The socket behind fd with the file held, or NULL and *err set. */
struct sock *sockfd(long fd, struct file **fp, long *err)
{
	struct file *f = fget((int)fd);
	struct sock *s = sock_of(f);

	*fp = f;
	*err = !f ? -EBADF : -ENOTSOCK;
	if (f && !s && !S_ISSOCK(f->f_inode->i_mode)) {
		fput(f);
		*fp = NULL;
	}
	return s;
}

static enum netconn_type conn_type(int family, int type)
{
	bool v6 = family == AF_INET6_K;

	if (type == SOCK_STREAM_K)
		return v6 ? NETCONN_TCP_IPV6 : NETCONN_TCP;
	return v6 ? NETCONN_UDP_IPV6 : NETCONN_UDP;
}

static long sys_socket(long family, long type, long proto)
{
	int kind = (int)(type & SOCK_TYPE_MASK);
	int flags = (int)(type & (O_NONBLOCK | O_CLOEXEC));
	struct netconn *conn;
	struct file *f;
	int fd;

	if (family != AF_INET_K && family != AF_INET6_K)
		return -EAFNOSUPPORT;
	if (type & ~(long)(SOCK_TYPE_MASK | O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	if (kind != SOCK_STREAM_K && kind != SOCK_DGRAM_K)
		return -ESOCKTNOSUPPORT;
	if (proto && proto != (kind == SOCK_STREAM_K ? 6 : 17))
		return -EPROTONOSUPPORT;
	conn = netconn_new_with_callback(conn_type((int)family, kind),
					 sock_event);
	if (!conn)
		return -ENOBUFS;
	f = sock_file_new(conn, (int)family, kind, flags);
	if (IS_ERR(f)) {
		netconn_delete(conn);
		return PTR_ERR(f);
	}
	fd = fd_install(f, flags & O_CLOEXEC);
	if (fd < 0)
		fput(f);
	return fd;
}
SYSCALL(socket, "ddd", sys_socket);

static long sys_bind(long fd, long usa, long len)
{
	struct file *f;
	long err;
	struct sock *s = sockfd(fd, &f, &err);
	ip_addr_t ip;
	u16_t port;

	if (!s)
		goto out;
	err = sa_to_ip(s, (const void *)usa, len, &ip, &port);
	if (!err)
		err = -sock_errno(netconn_bind(s->conn, &ip, port));
out:
	fput(f);
	return err;
}
SYSCALL(bind, "dpd", sys_bind);

/* The first socket to listen is when a server image starts serving:
 * say when, in the kernel's own clock since entry (make bench reads it). */
static void note_first_listen(struct sock *s)
{
	static bool done;
	ip_addr_t ip;
	u16_t port = 0;

	if (done)
		return;
	done = true;
	netconn_getaddr(s->conn, &ip, &port, 1);
	pr_notice("net: first listen on port %u at %lu us since entry\n", port,
		(unsigned long)(clock_ns() / 1000));
}

static long sys_listen(long fd, long backlog)
{
	struct file *f;
	long err;
	struct sock *s = sockfd(fd, &f, &err);

	if (!s)
		goto out;
	err = -EOPNOTSUPP;
	if (s->type != SOCK_STREAM_K)
		goto out;
	if (backlog < 1)
		backlog = 1;
	err = -sock_errno(netconn_listen_with_backlog(s->conn,
					(u8_t)MIN(backlog, 255)));
	if (!err) {
		s->listening = true;
		note_first_listen(s);
	}
out:
	fput(f);
	return err;
}
SYSCALL(listen, "dd", sys_listen);

static long do_accept(struct sock *s, bool nb, long usa, long ulen,
		      int flags)
{
	struct netconn *nc;
	struct file *nf;
	ip_addr_t ip;
	u16_t port;
	err_t e;
	int fd;

	if (!s->listening)
		return -EINVAL;
	sock_sync_nb(s, nb);
	e = netconn_accept(s->conn, &nc);
	sock_sync_nb(s, false);
	if (e != ERR_OK)
		return e == ERR_CLSD || e == ERR_CONN ? -EINVAL :
		       -sock_errno(e);
	nf = sock_file_new(nc, s->family, SOCK_STREAM_K, flags);
	if (IS_ERR(nf)) {
		netconn_delete(nc);
		return PTR_ERR(nf);
	}
	if (netconn_peer(nc, &ip, &port) == ERR_OK)
		ip_to_sa(s, &ip, port, (void *)usa, (uint32_t *)ulen);
	fd = fd_install(nf, flags & O_CLOEXEC);
	if (fd < 0)
		fput(nf);
	return fd;
}

static long sys_accept4(long fd, long usa, long ulen, long flags)
{
	struct file *f;
	long err;
	struct sock *s = sockfd(fd, &f, &err);

	if (flags & ~(long)(O_NONBLOCK | O_CLOEXEC))
		err = -EINVAL;
	else if (s)
		err = do_accept(s, f->f_flags & O_NONBLOCK, usa, ulen,
				(int)flags);
	fput(f);
	return err;
}
SYSCALL(accept4, "dppx", sys_accept4);

static long sys_accept(long fd, long usa, long ulen)
{
	return sys_accept4(fd, usa, ulen, 0);
}
SYSCALL(accept, "dpp", sys_accept);

static long do_connect(struct sock *s, bool nb, const ip_addr_t *ip,
		       u16_t port)
{
	err_t e;

	if (s->type == SOCK_STREAM_K && s->connecting)
		return s->conn->state == NETCONN_CONNECT ? -EALREADY :
		       -EISCONN;
	s->connecting = s->type == SOCK_STREAM_K;
	sock_sync_nb(s, nb && s->type == SOCK_STREAM_K);
	e = netconn_connect(s->conn, ip, port);
	sock_sync_nb(s, false);
	if (e == ERR_INPROGRESS)
		return -EINPROGRESS;
	if (e == ERR_OK)
		return 0;
	s->connecting = false;
	sock_take_error(s);
	if (e == ERR_RST)
		return -ECONNREFUSED;
	return -sock_errno(e);
}

static long sys_connect(long fd, long usa, long len)
{
	struct file *f;
	long err;
	struct sock *s = sockfd(fd, &f, &err);
	ip_addr_t ip;
	u16_t port;

	if (!s)
		goto out;
	err = sa_to_ip(s, (const void *)usa, len, &ip, &port);
	if (!err)
		err = do_connect(s, f->f_flags & O_NONBLOCK, &ip, port);
out:
	fput(f);
	return err;
}
SYSCALL(connect, "dpd", sys_connect);

static long sys_shutdown(long fd, long how)
{
	struct file *f;
	long err;
	struct sock *s = sockfd(fd, &f, &err);
	bool rd = how != 1, wr = how != SHUT_RD;

	if (!s) {
		err = f ? unix_shutdown(f, (int)how) : err;
		goto out;
	}
	err = -EINVAL;
	if (how < SHUT_RD || how > SHUT_RDWR)
		goto out;
	err = -ENOTCONN;
	if (s->type != SOCK_STREAM_K || (!s->conn->pcb.tcp && !s->reset))
		goto out;
	if (s->listening)
		rd = wr = true;
	err = s->reset ? 0 : -sock_errno(netconn_shutdown(s->conn, rd, wr));
	s->rd_eof |= rd;
	s->wr_shut |= wr;
	wake_up_poll(&s->wq, POLLIN_K | POLLOUT_K | POLLHUP_K);
out:
	fput(f);
	return err;
}
SYSCALL(shutdown, "dd", sys_shutdown);

static long do_name(long fd, long usa, long ulen, bool local)
{
	struct file *f;
	long err;
	struct sock *s = sockfd(fd, &f, &err);
	ip_addr_t ip;
	u16_t port;
	err_t e;

	if (!s)
		goto out;
	e = netconn_getaddr(s->conn, &ip, &port, local);
	if (e != ERR_OK && local) {
		ip_addr_set_zero(&ip);	/* not bound yet: 0.0.0.0:0 */
		port = 0;
		e = ERR_OK;
	}
	err = e == ERR_OK ? 0 : -ENOTCONN;
	if (!err)
		ip_to_sa(s, &ip, port, (void *)usa, (uint32_t *)ulen);
out:
	fput(f);
	return err;
}

static long sys_getsockname(long fd, long usa, long ulen)
{
	return do_name(fd, usa, ulen, true);
}
SYSCALL(getsockname, "dpp", sys_getsockname);

static long sys_getpeername(long fd, long usa, long ulen)
{
	return do_name(fd, usa, ulen, false);
}
SYSCALL(getpeername, "dpp", sys_getpeername);
