/* SPDX-License-Identifier: MIT */
/* Private to lib/net: BSD sockets as VFS files (socket.c, socket_io.c,
 * socket_calls.c). */
#ifndef NET_SOCKET_H
#define NET_SOCKET_H

#include <stdbool.h>
#include <stdint.h>
#include <lwip/api.h>
#include <pith/spinlock.h>
#include <pith/vfs.h>
#include <pith/wait.h>

#define AF_UNIX_K	1
#define AF_INET_K	2
#define AF_INET6_K	10
#define SOCK_STREAM_K	1
#define SOCK_DGRAM_K	2
#define MSG_PEEK_K	0x2
#define MSG_TRUNC_K	0x20
#define MSG_DONTWAIT_K	0x40
#define MSG_WAITALL_K	0x100
#define MSG_NOSIGNAL_K	0x4000

/*
 * Legend: [T] sock_table_lock (event counters, so_error, reset; the
 * netconn callback runs under it), [C] the calling thread (one user of
 * a socket at a time, as the VFS assumes).
 */
struct sock {
	struct netconn *conn;
	int index;			/* in the table; conn->socket */
	int family, type;
	struct wait_queue_head wq;	/* poll, epoll */
	int rcvevent;			/* [T] messages queued for recv */
	bool sendevent;			/* [T] room to send */
	bool reset;			/* [T] the connection is gone */
	bool peer_fin;			/* [T] the peer's FIN was processed */
	int so_error;			/* [T] pending error, positive */
	bool connecting;		/* [C] non-blocking connect pending */
	bool listening;			/* [C] */
	bool rd_eof, wr_shut;		/* [C] */
	bool linger0;			/* [C] close with RST */
	struct pbuf *rx_pbuf;		/* [C] TCP data not yet read */
	uint16_t rx_off;
	struct netbuf *rx_nb;		/* [C] a peeked datagram */
	int rcvbuf, sndbuf;		/* [C] stored for getsockopt */
	uint64_t rcvtimeo_ns, sndtimeo_ns;	/* [C] */
};

extern spinlock_t sock_table_lock;

/* socket.c */
struct file *sock_file_new(struct netconn *conn, int family, int type,
			   int flags);
struct sock *sock_of(struct file *f);
int sock_errno(err_t err);
/* Take (and clear) the pending error; 0 when there is none. */
int sock_take_error(struct sock *s);
void sock_sync_nb(struct sock *s, bool nb);
void sock_event(struct netconn *conn, enum netconn_evt evt, u16_t len);

/* socket_io.c: the data path; addr filled for datagrams when not NULL */
long sock_recv(struct sock *s, void *buf, size_t len, int flags, bool nb,
	       ip_addr_t *from, u16_t *port);
long sock_send(struct sock *s, const void *buf, size_t len, int flags,
	       bool nb, const ip_addr_t *to, u16_t port);

/* socket_calls.c */
struct sockaddr_in_k {
	uint16_t family, port;
	uint32_t addr;
	uint8_t zero[8];
};

struct sockaddr_in6_k {
	uint16_t family, port;
	uint32_t flowinfo;
	uint32_t addr[4];
	uint32_t scope_id;
};

/* A user sockaddr into an lwIP address and port (host order). */
int sa_to_ip(struct sock *s, const void *sa, long len, ip_addr_t *ip,
	     u16_t *port);
/* ip:port as the socket's family shows it into usa; *ulen updated. */
void ip_to_sa(struct sock *s, const ip_addr_t *ip, u16_t port, void *usa,
	      uint32_t *ulen);
/* The socket of fd, the file held in *fp (NULL: *err says why; an
 * AF_UNIX file is held with NULL returned and *err -ENOTSOCK). */
struct sock *sockfd(long fd, struct file **fp, long *err);

#endif
