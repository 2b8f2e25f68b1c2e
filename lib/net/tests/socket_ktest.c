// SPDX-License-Identifier: MIT
/*
 * In-image tests of the socket layer over lwIP's loopback interface
 * (127.0.0.1), through the SYSCALL instruction as an app reaches it:
 * connect/accept/echo, ECONNREFUSED (blocking, and non-blocking through
 * poll and SO_ERROR), EOF after the peer closes, ECONNRESET then EPIPE
 * after a reset, the listen backlog, accept on a shut-down or closed
 * listener, EADDRINUSE, UDP datagrams, epoll readiness, options,
 * POLLRDHUP when the peer's FIN arrives, AF_INET6 names and scopes.
 */
#include <pith/errno.h>
#include <pith/ktest.h>
#include <pith/string.h>
#include <pith/syscall.h>
#include <pith/vfs.h>

#define AF_INET		2
#define AF_INET6	10
#define SOCK_STREAM	1
#define SOCK_DGRAM	2
#define SOCK_NONBLOCK	O_NONBLOCK
#define SOL_SOCKET	1
#define SO_REUSEADDR	2
#define SO_TYPE		3
#define SO_ERROR	4
#define SO_LINGER	13
#define SO_RCVTIMEO	20
#define MSG_NOSIGNAL	0x4000
#define MSG_TRUNC	0x20
#define EPOLL_CTL_ADD	1
#define LOOPBACK	0x0100007fu	/* 127.0.0.1, network order */

struct sin {
	uint16_t family, port;
	uint32_t addr;
	uint8_t zero[8];
};

struct pfd {
	int fd;
	short events, revents;
};

struct epev {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

static long sc6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10),
			       "r"(r8), "r"(r9)
			     : "rcx", "r11", "memory");
	return ret;
}

#define sc(nr, a, b, c) sc6(nr, a, b, c, 0, 0, 0)

static struct sin addr(uint16_t port)
{
	return (struct sin){ AF_INET, (uint16_t)(port >> 8 | port << 8),
			     LOOPBACK, { 0 } };
}

static long tcp_listener(uint16_t port, int backlog)
{
	struct sin a = addr(port);
	long fd = sc(NR_socket, AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return fd;
	if (sc(NR_bind, fd, (long)&a, sizeof(a)) ||
	    sc(NR_listen, fd, backlog, 0)) {
		sc(NR_close, fd, 0, 0);
		return -1;
	}
	return fd;
}

static long tcp_connect(uint16_t port, int flags)
{
	struct sin a = addr(port);
	long fd = sc(NR_socket, AF_INET, SOCK_STREAM | flags, 0);
	long r;

	if (fd < 0)
		return fd;
	r = sc(NR_connect, fd, (long)&a, sizeof(a));
	if (r && r != -EINPROGRESS) {
		sc(NR_close, fd, 0, 0);
		return r;
	}
	return fd;
}

static void socket_tcp_loopback_echo(struct ktest *t)
{
	long l = tcp_listener(7001, 8), c, a;
	struct sin peer, me;
	uint32_t len = sizeof(peer), mlen = sizeof(me);
	char buf[32] = { 0 };

	KT_ASSERT_TRUE(t, l >= 0);
	c = tcp_connect(7001, 0);
	KT_ASSERT_TRUE(t, c >= 0);
	a = sc(NR_accept, l, (long)&peer, (long)&len);
	KT_ASSERT_TRUE(t, a >= 0);
	KT_EXPECT_EQ(t, len, sizeof(peer));
	KT_EXPECT_EQ(t, peer.addr, LOOPBACK);
	KT_EXPECT_EQ(t, sc(NR_getsockname, c, (long)&me, (long)&mlen), 0);
	KT_EXPECT_EQ(t, me.port, peer.port);
	KT_EXPECT_EQ(t, sc(NR_write, c, (long)"hello", 5), 5);
	KT_EXPECT_EQ(t, sc(NR_read, a, (long)buf, sizeof(buf)), 5);
	KT_EXPECT_EQ(t, memcmp(buf, "hello", 5), 0);
	KT_EXPECT_EQ(t, sc(NR_write, a, (long)"world!", 6), 6);
	KT_EXPECT_EQ(t, sc(NR_read, c, (long)buf, sizeof(buf)), 6);
	sc(NR_close, a, 0, 0);
	sc(NR_close, c, 0, 0);
	sc(NR_close, l, 0, 0);
}

static void socket_connect_refused(struct ktest *t)
{
	struct pfd p;
	long fd, err = 0;
	uint32_t len = sizeof(err);

	KT_EXPECT_EQ(t, tcp_connect(7002, 0), -ECONNREFUSED);
	fd = tcp_connect(7002, SOCK_NONBLOCK);
	KT_ASSERT_TRUE(t, fd >= 0);
	p = (struct pfd){ (int)fd, POLLOUT_K, 0 };
	KT_EXPECT_EQ(t, sc(NR_poll, (long)&p, 1, 2000), 1);
	KT_EXPECT_TRUE(t, p.revents & POLLERR_K);
	KT_EXPECT_EQ(t, sc6(NR_getsockopt, fd, SOL_SOCKET, SO_ERROR,
			    (long)&err, (long)&len, 0), 0);
	KT_EXPECT_EQ(t, err, ECONNREFUSED);
	sc(NR_close, fd, 0, 0);
}

static void socket_read_after_peer_close_is_zero(struct ktest *t)
{
	long l = tcp_listener(7003, 8), c, a;
	char buf[8];
	struct pfd p;

	KT_ASSERT_TRUE(t, l >= 0);
	c = tcp_connect(7003, 0);
	a = sc(NR_accept, l, 0, 0);
	KT_ASSERT_TRUE(t, c >= 0 && a >= 0);
	KT_EXPECT_EQ(t, sc(NR_write, a, (long)"bye", 3), 3);
	sc(NR_close, a, 0, 0);
	KT_EXPECT_EQ(t, sc(NR_read, c, (long)buf, sizeof(buf)), 3);
	KT_EXPECT_EQ(t, sc(NR_read, c, (long)buf, sizeof(buf)), 0);
	KT_EXPECT_EQ(t, sc(NR_read, c, (long)buf, sizeof(buf)), 0);
	p = (struct pfd){ (int)c, POLLIN_K, 0 };
	KT_EXPECT_EQ(t, sc(NR_poll, (long)&p, 1, 0), 1);
	sc(NR_close, c, 0, 0);
	sc(NR_close, l, 0, 0);
}

static void socket_epipe_after_peer_reset(struct ktest *t)
{
	long l = tcp_listener(7004, 8), c, a, r = 0;
	int lg[2] = { 1, 0 };
	struct pfd p;

	KT_ASSERT_TRUE(t, l >= 0);
	c = tcp_connect(7004, 0);
	a = sc(NR_accept, l, 0, 0);
	KT_ASSERT_TRUE(t, c >= 0 && a >= 0);
	KT_EXPECT_EQ(t, sc6(NR_setsockopt, a, SOL_SOCKET, SO_LINGER,
			    (long)lg, sizeof(lg), 0), 0);
	sc(NR_close, a, 0, 0);		/* sends a reset */
	p = (struct pfd){ (int)c, POLLIN_K, 0 };
	KT_EXPECT_EQ(t, sc(NR_poll, (long)&p, 1, 2000), 1);
	KT_EXPECT_TRUE(t, p.revents & (POLLHUP_K | POLLERR_K));
	for (int i = 0; i < 4 && r != -EPIPE; i++) {
		r = sc6(NR_sendto, c, (long)"x", 1, MSG_NOSIGNAL, 0, 0);
		KT_EXPECT_TRUE(t, r == -ECONNRESET || r == -EPIPE);
	}
	KT_EXPECT_EQ(t, r, -EPIPE);
	sc(NR_close, c, 0, 0);
	sc(NR_close, l, 0, 0);
}

static void socket_listen_backlog(struct ktest *t)
{
	long l = tcp_listener(7005, 1), c1, c2, a;
	struct pfd p;

	KT_ASSERT_TRUE(t, l >= 0);
	c1 = tcp_connect(7005, 0);
	KT_ASSERT_TRUE(t, c1 >= 0);
	c2 = tcp_connect(7005, SOCK_NONBLOCK);
	KT_ASSERT_TRUE(t, c2 >= 0);
	/* The backlog is full: the second SYN is dropped for now. */
	p = (struct pfd){ (int)c2, POLLOUT_K, 0 };
	KT_EXPECT_EQ(t, sc(NR_poll, (long)&p, 1, 200), 0);
	a = sc6(NR_accept4, l, 0, 0, SOCK_NONBLOCK, 0, 0);
	KT_EXPECT_TRUE(t, a >= 0);
	sc(NR_close, a, 0, 0);
	sc(NR_close, c1, 0, 0);
	sc(NR_close, c2, 0, 0);
	sc(NR_close, l, 0, 0);
}

static void socket_accept_on_closed_listener(struct ktest *t)
{
	long l = tcp_listener(7006, 8), s;

	KT_ASSERT_TRUE(t, l >= 0);
	KT_EXPECT_EQ(t, sc(NR_fcntl, l, 4, O_NONBLOCK), 0);	/* F_SETFL */
	KT_EXPECT_EQ(t, sc(NR_accept, l, 0, 0), -EAGAIN);
	KT_EXPECT_EQ(t, sc(NR_shutdown, l, 2, 0), 0);
	KT_EXPECT_EQ(t, sc(NR_accept, l, 0, 0), -EINVAL);
	sc(NR_close, l, 0, 0);
	KT_EXPECT_EQ(t, sc(NR_accept, l, 0, 0), -EBADF);
	s = sc(NR_socket, AF_INET, SOCK_STREAM, 0);
	KT_EXPECT_EQ(t, sc(NR_accept, s, 0, 0), -EINVAL);
	sc(NR_close, s, 0, 0);
	s = sc(NR_open, (long)"/dev/null", O_RDONLY, 0);
	KT_EXPECT_EQ(t, sc(NR_accept, s, 0, 0), -ENOTSOCK);
	sc(NR_close, s, 0, 0);
}

static void socket_bind_in_use(struct ktest *t)
{
	long l = tcp_listener(7007, 8), s;
	struct sin a = addr(7007);

	KT_ASSERT_TRUE(t, l >= 0);
	s = sc(NR_socket, AF_INET, SOCK_STREAM, 0);
	KT_EXPECT_EQ(t, sc(NR_bind, s, (long)&a, sizeof(a)), -EADDRINUSE);
	sc(NR_close, s, 0, 0);
	sc(NR_close, l, 0, 0);
}

static void socket_udp_datagrams(struct ktest *t)
{
	long a = sc(NR_socket, AF_INET, SOCK_DGRAM, 0);
	long b = sc(NR_socket, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	struct sin sa = addr(7008), sb = addr(7009), from;
	uint32_t len = sizeof(from);
	struct pfd p = { (int)b, POLLIN_K, 0 };
	char buf[4];

	KT_ASSERT_TRUE(t, a >= 0 && b >= 0);
	KT_ASSERT_EQ(t, sc(NR_bind, a, (long)&sa, sizeof(sa)), 0);
	KT_ASSERT_EQ(t, sc(NR_bind, b, (long)&sb, sizeof(sb)), 0);
	KT_EXPECT_EQ(t, sc6(NR_recvfrom, b, (long)buf, 4, 0, 0, 0), -EAGAIN);
	KT_EXPECT_EQ(t, sc6(NR_sendto, a, (long)"datagram", 8, 0, (long)&sb,
			    sizeof(sb)), 8);
	/* Loopback delivery goes through the tcpip thread: wait for it. */
	KT_EXPECT_EQ(t, sc(NR_poll, (long)&p, 1, 2000), 1);
	KT_EXPECT_EQ(t, sc6(NR_recvfrom, b, (long)buf, 4, MSG_TRUNC,
			    (long)&from, (long)&len), 8);
	KT_EXPECT_EQ(t, memcmp(buf, "data", 4), 0);
	KT_EXPECT_EQ(t, from.port, sa.port);
	KT_EXPECT_EQ(t, sc6(NR_sendto, a, (long)"x", 1, 0, 0, 0),
		     -EDESTADDRREQ);
	sc(NR_close, a, 0, 0);
	sc(NR_close, b, 0, 0);
}

static void socket_epoll_readiness(struct ktest *t)
{
	long l = tcp_listener(7010, 8), ep = sc(NR_epoll_create1, 0, 0, 0);
	struct epev ev = { POLLIN_K, 1 }, out[2];
	long c, a;

	KT_ASSERT_TRUE(t, l >= 0 && ep >= 0);
	KT_EXPECT_EQ(t, sc(NR_epoll_ctl, ep, EPOLL_CTL_ADD, l) , -EFAULT);
	sc6(NR_epoll_ctl, ep, EPOLL_CTL_ADD, l, (long)&ev, 0, 0);
	KT_EXPECT_EQ(t, sc(NR_epoll_wait, ep, (long)out, 2), 0);
	c = tcp_connect(7010, 0);
	KT_EXPECT_EQ(t, sc6(NR_epoll_wait, ep, (long)out, 2, 2000, 0, 0), 1);
	KT_EXPECT_EQ(t, out[0].data, 1);
	a = sc(NR_accept, l, 0, 0);
	KT_ASSERT_TRUE(t, c >= 0 && a >= 0);
	ev = (struct epev){ POLLIN_K, 2 };
	sc6(NR_epoll_ctl, ep, EPOLL_CTL_ADD, a, (long)&ev, 0, 0);
	KT_EXPECT_EQ(t, sc6(NR_epoll_wait, ep, (long)out, 2, 0, 0, 0), 0);
	sc(NR_write, c, (long)"ping", 4);
	KT_EXPECT_EQ(t, sc6(NR_epoll_wait, ep, (long)out, 2, 2000, 0, 0), 1);
	KT_EXPECT_EQ(t, out[0].data, 2);
	sc(NR_close, c, 0, 0);
	sc(NR_close, a, 0, 0);
	sc(NR_close, l, 0, 0);
	sc(NR_close, ep, 0, 0);
}

/* POLLRDHUP as soon as the peer's FIN is in, with its data still
 * unread; and for a connection whose FIN came before accept(). Polling
 * for RDHUP alone, so data readiness cannot end the wait. */
static void socket_rdhup_on_peer_fin(struct ktest *t)
{
	long l = tcp_listener(7012, 8), ep = sc(NR_epoll_create1, 0, 0, 0);
	struct epev ev = { POLLRDHUP_K, 3 }, out[2];
	char buf[8];
	struct pfd p;
	long c, a;

	KT_ASSERT_TRUE(t, l >= 0 && ep >= 0);
	c = tcp_connect(7012, 0);
	a = sc(NR_accept, l, 0, 0);
	KT_ASSERT_TRUE(t, c >= 0 && a >= 0);
	sc6(NR_epoll_ctl, ep, EPOLL_CTL_ADD, c, (long)&ev, 0, 0);
	p = (struct pfd){ (int)c, POLLRDHUP_K, 0 };
	KT_EXPECT_EQ(t, sc(NR_poll, (long)&p, 1, 0), 0);
	KT_EXPECT_EQ(t, sc(NR_write, a, (long)"bye", 3), 3);
	KT_EXPECT_EQ(t, sc(NR_shutdown, a, 1 /* SHUT_WR */, 0), 0);
	KT_EXPECT_EQ(t, sc6(NR_epoll_wait, ep, (long)out, 2, 2000, 0, 0), 1);
	KT_EXPECT_TRUE(t, out[0].events & POLLRDHUP_K);
	KT_EXPECT_EQ(t, sc(NR_poll, (long)&p, 1, 2000), 1);
	KT_EXPECT_EQ(t, p.revents, POLLRDHUP_K);
	KT_EXPECT_EQ(t, sc(NR_read, c, (long)buf, sizeof(buf)), 3);
	KT_EXPECT_EQ(t, sc(NR_read, c, (long)buf, sizeof(buf)), 0);
	sc(NR_close, a, 0, 0);
	sc(NR_close, c, 0, 0);

	/* The FIN before accept(). */
	c = tcp_connect(7012, 0);
	KT_ASSERT_TRUE(t, c >= 0);
	KT_EXPECT_EQ(t, sc(NR_write, c, (long)"hi", 2), 2);
	sc(NR_close, c, 0, 0);
	p = (struct pfd){ (int)l, POLLIN_K, 0 };
	KT_EXPECT_EQ(t, sc(NR_poll, (long)&p, 1, 2000), 1);
	for (int i = 0; i < 20; i++)
		sc(NR_sched_yield, 0, 0, 0);	/* let the FIN in */
	a = sc(NR_accept, l, 0, 0);
	KT_ASSERT_TRUE(t, a >= 0);
	p = (struct pfd){ (int)a, POLLRDHUP_K, 0 };
	KT_EXPECT_EQ(t, sc(NR_poll, (long)&p, 1, 2000), 1);
	KT_EXPECT_EQ(t, sc(NR_read, a, (long)buf, sizeof(buf)), 2);
	KT_EXPECT_EQ(t, sc(NR_read, a, (long)buf, sizeof(buf)), 0);
	sc(NR_close, a, 0, 0);
	sc(NR_close, l, 0, 0);
	sc(NR_close, ep, 0, 0);
}

#define P7981	((uint16_t)(7981 >> 8 | (7981 & 0xff) << 8))
#define P7982	((uint16_t)(7982 >> 8 | (7982 & 0xff) << 8))

struct sin6 {
	uint16_t family, port;
	uint32_t flowinfo;
	uint8_t addr[16];
	uint32_t scope_id;
};

/* AF_INET6 over lo: bind/listen/accept on [::1], the names both ends
 * see, an IPv4 client on a dual-stack listener shown as ::ffff:, and a
 * link-local destination without a scope id refused as on Linux. */
static void socket_ipv6_names(struct ktest *t)
{
	struct sin6 a = { AF_INET6, P7981, 0, { [15] = 1 }, 0 };
	struct sin6 any = { AF_INET6, P7981, 0, { 0 }, 0 }, got;
	struct sin v4 = addr(7981);
	uint32_t len = sizeof(got);
	int one = 1;
	long l = sc(NR_socket, AF_INET6, SOCK_STREAM, 0), c, s;
	static const uint8_t mapped[16] = { [10] = 0xff, [11] = 0xff, 127, 0,
					    0, 1 };

	KT_ASSERT_TRUE(t, l >= 0);
	KT_ASSERT_EQ(t, sc(NR_bind, l, (long)&any, sizeof(any)), 0);
	KT_ASSERT_EQ(t, sc(NR_listen, l, 8, 0), 0);
	c = sc(NR_socket, AF_INET6, SOCK_STREAM, 0);
	KT_ASSERT_EQ(t, sc(NR_connect, c, (long)&a, sizeof(a)), 0);
	s = sc(NR_accept, l, (long)&got, (long)&len);
	KT_ASSERT_TRUE(t, s >= 0);
	KT_EXPECT_EQ(t, len, sizeof(got));
	KT_EXPECT_EQ(t, got.family, AF_INET6);
	KT_EXPECT_EQ(t, memcmp(got.addr, a.addr, 16), 0);
	len = sizeof(got);
	KT_EXPECT_EQ(t, sc(NR_getsockname, s, (long)&got, (long)&len), 0);
	KT_EXPECT_EQ(t, got.port, P7981);
	KT_EXPECT_EQ(t, memcmp(got.addr, a.addr, 16), 0);
	sc(NR_close, s, 0, 0);
	sc(NR_close, c, 0, 0);

	c = sc(NR_socket, AF_INET, SOCK_STREAM, 0);
	KT_ASSERT_EQ(t, sc(NR_connect, c, (long)&v4, sizeof(v4)), 0);
	len = sizeof(got);
	s = sc(NR_accept, l, (long)&got, (long)&len);
	KT_ASSERT_TRUE(t, s >= 0);
	KT_EXPECT_EQ(t, got.family, AF_INET6);
	KT_EXPECT_EQ(t, memcmp(got.addr, mapped, 16), 0);
	sc(NR_close, s, 0, 0);
	sc(NR_close, c, 0, 0);
	sc(NR_close, l, 0, 0);

	/* IPV6_V6ONLY: no IPv4 connection on the same port (another port:
	 * 7981 has connections in TIME_WAIT). */
	any.port = v4.port = P7982;
	l = sc(NR_socket, AF_INET6, SOCK_STREAM, 0);
	KT_EXPECT_EQ(t, sc6(NR_setsockopt, l, 41 /* IPPROTO_IPV6 */,
			    26 /* IPV6_V6ONLY */, (long)&one, 4, 0), 0);
	KT_ASSERT_EQ(t, sc(NR_bind, l, (long)&any, sizeof(any)), 0);
	KT_ASSERT_EQ(t, sc(NR_listen, l, 8, 0), 0);
	c = sc(NR_socket, AF_INET, SOCK_STREAM, 0);
	KT_EXPECT_EQ(t, sc(NR_connect, c, (long)&v4, sizeof(v4)),
		     -ECONNREFUSED);
	sc(NR_close, c, 0, 0);
	sc(NR_close, l, 0, 0);

	a = (struct sin6){ AF_INET6, P7981, 0, { 0xfe, 0x80, [15] = 1 }, 0 };
	c = sc(NR_socket, AF_INET6, SOCK_DGRAM, 0);
	KT_EXPECT_EQ(t, sc6(NR_sendto, c, (long)"x", 1, 0, (long)&a,
			    sizeof(a)), -EINVAL);
	sc(NR_close, c, 0, 0);
}

static void socket_options(struct ktest *t)
{
	long s = tcp_listener(7011, 8), c, a;
	int v = 1;
	uint32_t len = sizeof(v);
	int64_t tv[2] = { 0, 50000 };
	char buf[4];

	KT_ASSERT_TRUE(t, s >= 0);
	KT_EXPECT_EQ(t, sc6(NR_getsockopt, s, SOL_SOCKET, SO_TYPE, (long)&v,
			    (long)&len, 0), 0);
	KT_EXPECT_EQ(t, v, SOCK_STREAM);
	v = 1;
	KT_EXPECT_EQ(t, sc6(NR_setsockopt, s, SOL_SOCKET, SO_REUSEADDR,
			    (long)&v, 4, 0), 0);
	v = 0;
	sc6(NR_getsockopt, s, SOL_SOCKET, SO_REUSEADDR, (long)&v, (long)&len,
	    0);
	KT_EXPECT_EQ(t, v, 1);
	KT_EXPECT_EQ(t, sc6(NR_setsockopt, s, SOL_SOCKET, 999, (long)&v, 4,
			    0), -ENOPROTOOPT);
	c = tcp_connect(7011, 0);
	a = sc(NR_accept, s, 0, 0);
	KT_ASSERT_TRUE(t, c >= 0 && a >= 0);
	KT_EXPECT_EQ(t, sc6(NR_setsockopt, a, SOL_SOCKET, SO_RCVTIMEO,
			    (long)tv, sizeof(tv), 0), 0);
	KT_EXPECT_EQ(t, sc(NR_read, a, (long)buf, 4), -EAGAIN);
	sc(NR_close, c, 0, 0);
	sc(NR_close, a, 0, 0);
	sc(NR_close, s, 0, 0);
}

static struct ktest_case socket_cases[] = {
	KTEST_CASE(socket_tcp_loopback_echo),
	KTEST_CASE(socket_connect_refused),
	KTEST_CASE(socket_read_after_peer_close_is_zero),
	KTEST_CASE(socket_epipe_after_peer_reset),
	KTEST_CASE(socket_listen_backlog),
	KTEST_CASE(socket_accept_on_closed_listener),
	KTEST_CASE(socket_bind_in_use),
	KTEST_CASE(socket_udp_datagrams),
	KTEST_CASE(socket_epoll_readiness),
	KTEST_CASE(socket_options),
	KTEST_CASE(socket_rdhup_on_peer_fin),
	KTEST_CASE(socket_ipv6_names),
	{}
};
KTEST_SUITE(socket, socket_cases);
