// SPDX-License-Identifier: MIT
/*
 * setsockopt and getsockopt: SO_REUSEADDR and SO_KEEPALIVE (the pcb's
 * option bits), SO_RCVTIMEO/SO_SNDTIMEO (the netconn's timeouts, in
 * ms), SO_LINGER (only "off" and "0 seconds": close sends a reset),
 * SO_ERROR (read and cleared), SO_TYPE, SO_DOMAIN, SO_PROTOCOL,
 * SO_ACCEPTCONN, SO_RCVBUF/SO_SNDBUF (kept, not applied: lwIP's windows
 * are fixed at build time), TCP_NODELAY, TCP_KEEP*, IPV6_V6ONLY. Others
 * give ENOPROTOOPT, as Linux does for options it does not know.
 *
 * Interface: SYSCALL() registrations only.
 */
#include <lwip/tcp.h>
#include <lwip/tcpip.h>
#include <pith/errno.h>
#include <pith/syscall.h>
#include "socket.h"

#define SOL_SOCKET_K	1
#define IPPROTO_TCP_K	6
#define IPPROTO_IPV6_K	41
#define SO_REUSEADDR_K	2
#define SO_TYPE_K	3
#define SO_ERROR_K	4
#define SO_BROADCAST_K	6
#define SO_SNDBUF_K	7
#define SO_RCVBUF_K	8
#define SO_KEEPALIVE_K	9
#define SO_LINGER_K	13
#define SO_REUSEPORT_K	15
#define SO_RCVTIMEO_K	20
#define SO_SNDTIMEO_K	21
#define SO_ACCEPTCONN_K	30
#define SO_PROTOCOL_K	38
#define SO_DOMAIN_K	39
#define TCP_NODELAY_K	1
#define TCP_KEEPIDLE_K	4
#define TCP_KEEPINTVL_K	5
#define TCP_KEEPCNT_K	6
#define IPV6_V6ONLY_K	26
#define EDOM_K		33

struct timeval_k {
	int64_t sec, usec;
};

struct linger_k {
	int onoff, linger;
};

/* Set or clear an SOF_* bit on the pcb under the core lock. */
static void pcb_option(struct sock *s, u8_t opt, bool on)
{
	LOCK_TCPIP_CORE();
	if (s->conn->pcb.ip) {
		if (on)
			ip_set_option(s->conn->pcb.ip, opt);
		else
			ip_reset_option(s->conn->pcb.ip, opt);
	}
	UNLOCK_TCPIP_CORE();
}

static int tcp_option(struct sock *s, int name, int v)
{
	struct tcp_pcb *pcb;

	if (s->type != SOCK_STREAM_K)
		return -ENOPROTOOPT;
	LOCK_TCPIP_CORE();
	pcb = s->conn->pcb.tcp;
	if (pcb && name == TCP_NODELAY_K) {
		if (v)
			tcp_nagle_disable(pcb);
		else
			tcp_nagle_enable(pcb);
	} else if (pcb && name == TCP_KEEPIDLE_K) {
		pcb->keep_idle = (u32_t)v * 1000;
	} else if (pcb && name == TCP_KEEPINTVL_K) {
		pcb->keep_intvl = (u32_t)v * 1000;
	} else if (pcb && name == TCP_KEEPCNT_K) {
		pcb->keep_cnt = (u32_t)v;
	}
	UNLOCK_TCPIP_CORE();
	return name <= TCP_KEEPCNT_K ? 0 : -ENOPROTOOPT;
}

static int set_timeout(struct sock *s, int name, const void *val, long len)
{
	const struct timeval_k *tv = val;
	uint64_t ms;

	if (len < (long)sizeof(*tv))
		return -EINVAL;
	if (tv->usec < 0 || tv->usec >= 1000000)
		return -EDOM_K;
	ms = tv->sec < 0 ? 0 : (uint64_t)tv->sec * 1000 +
			       (uint64_t)(tv->usec + 999) / 1000;
	if (ms > INT32_MAX)
		ms = 0;		/* too long: forever */
	if (name == SO_RCVTIMEO_K) {
		s->rcvtimeo_ns = ms * 1000000;
		netconn_set_recvtimeout(s->conn, (u32_t)ms);
	} else {
		s->sndtimeo_ns = ms * 1000000;
		netconn_set_sendtimeout(s->conn, (s32_t)ms);
	}
	return 0;
}

static int set_socket_level(struct sock *s, int name, const void *val,
			    long len)
{
	int v = *(const int *)val;

	switch (name) {
	case SO_REUSEADDR_K:
	case SO_REUSEPORT_K:
		pcb_option(s, SOF_REUSEADDR, v);
		return 0;
	case SO_KEEPALIVE_K:
		pcb_option(s, SOF_KEEPALIVE, v);
		return 0;
	case SO_BROADCAST_K:
		pcb_option(s, SOF_BROADCAST, v);
		return 0;
	case SO_RCVBUF_K:
		s->rcvbuf = v < 1152 ? 2304 : 2 * v;
		return 0;
	case SO_SNDBUF_K:
		s->sndbuf = v < 2304 ? 4608 : 2 * v;
		return 0;
	case SO_RCVTIMEO_K:
	case SO_SNDTIMEO_K:
		return set_timeout(s, name, val, len);
	case SO_LINGER_K:
		if (len < (long)sizeof(struct linger_k))
			return -EINVAL;
		s->linger0 = ((const struct linger_k *)val)->onoff &&
			     !((const struct linger_k *)val)->linger;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int set_v6only(struct sock *s, int v)
{
	netconn_set_ipv6only(s->conn, v);
	return 0;
}

static long sys_setsockopt(long fd, long level, long name, long val,
			   long len)
{
	struct file *f;
	long err;
	struct sock *s = sockfd(fd, &f, &err);

	if (!s)
		goto out;
	err = -EINVAL;
	if (!val || len < (long)sizeof(int))
		goto out;
	if (level == SOL_SOCKET_K)
		err = set_socket_level(s, (int)name, (const void *)val, len);
	else if (level == IPPROTO_TCP_K)
		err = tcp_option(s, (int)name, *(const int *)val);
	else if (level == IPPROTO_IPV6_K && name == IPV6_V6ONLY_K &&
		 s->family == AF_INET6_K)
		err = set_v6only(s, *(const int *)val);
	else
		err = -ENOPROTOOPT;
out:
	fput(f);
	return err;
}
SYSCALL(setsockopt, "dddpd", sys_setsockopt);

static int pcb_has(struct sock *s, u8_t opt)
{
	return s->conn->pcb.ip && ip_get_option(s->conn->pcb.ip, opt) ? 1 : 0;
}

/* An int-valued option; -ENOPROTOOPT when name is not one. */
static long get_int(struct sock *s, int level, int name, int *v)
{
	if (level == IPPROTO_TCP_K && name == TCP_NODELAY_K &&
	    s->type == SOCK_STREAM_K) {
		*v = s->conn->pcb.tcp && tcp_nagle_disabled(s->conn->pcb.tcp);
		return 0;
	}
	if (level != SOL_SOCKET_K)
		return -ENOPROTOOPT;
	switch (name) {
	case SO_REUSEADDR_K:	*v = pcb_has(s, SOF_REUSEADDR); break;
	case SO_KEEPALIVE_K:	*v = pcb_has(s, SOF_KEEPALIVE); break;
	case SO_TYPE_K:		*v = s->type; break;
	case SO_ERROR_K:	*v = sock_take_error(s); break;
	case SO_RCVBUF_K:	*v = s->rcvbuf; break;
	case SO_SNDBUF_K:	*v = s->sndbuf; break;
	case SO_ACCEPTCONN_K:	*v = s->listening; break;
	case SO_DOMAIN_K:	*v = s->family; break;
	case SO_PROTOCOL_K:	*v = s->type == SOCK_STREAM_K ? 6 : 17; break;
	default:		return -ENOPROTOOPT;
	}
	return 0;
}

static long get_opt(struct sock *s, int level, int name, void *val,
		    uint32_t *len)
{
	struct timeval_k tv;
	uint64_t ns;
	int v;
	long err;

	if (level == SOL_SOCKET_K &&
	    (name == SO_RCVTIMEO_K || name == SO_SNDTIMEO_K)) {
		if (*len < sizeof(tv))
			return -EINVAL;
		ns = name == SO_RCVTIMEO_K ? s->rcvtimeo_ns : s->sndtimeo_ns;
		tv.sec = (int64_t)(ns / 1000000000);
		tv.usec = (int64_t)(ns % 1000000000 / 1000);
		*(struct timeval_k *)val = tv;
		*len = sizeof(tv);
		return 0;
	}
	err = get_int(s, level, name, &v);
	if (err)
		return err;
	if (*len < sizeof(int))
		return -EINVAL;
	*(int *)val = v;
	*len = sizeof(int);
	return 0;
}

static long sys_getsockopt(long fd, long level, long name, long val,
			   long ulen)
{
	struct file *f;
	long err;
	struct sock *s = sockfd(fd, &f, &err);

	if (s)
		err = (!val || !ulen) ? -EFAULT :
		      get_opt(s, (int)level, (int)name, (void *)val,
			      (uint32_t *)ulen);
	fput(f);
	return err;
}
SYSCALL(getsockopt, "dddpp", sys_getsockopt);
