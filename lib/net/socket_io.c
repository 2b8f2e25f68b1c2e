// SPDX-License-Identifier: MIT
/*
 * The socket data path. TCP receive keeps the rest of a pbuf between
 * calls and, once it has some bytes, takes more only if they are already
 * queued (like Linux, a read returns what has arrived). EOF is sticky.
 * Datagrams come one netbuf per call, truncated to the buffer (MSG_TRUNC
 * says how long the datagram was). Sends copy the data; a blocking TCP
 * send returns when lwIP has taken it all. After the connection is gone
 * a send reports the pending error once (ECONNRESET), then EPIPE and
 * SIGPIPE, as Linux does.
 *
 * Interface (socket.h): sock_recv, sock_send.
 */
#include <lwip/tcp.h>
#include <lwip/udp.h>
#include <pith/errno.h>
#include <pith/signal_k.h>
#include "socket.h"

/* Fetch the next TCP pbuf into s->rx_pbuf; 0, 1 at EOF, or -errno. */
static int recv_tcp_more(struct sock *s, bool dontblock)
{
	struct pbuf *p = NULL;
	err_t err;
	int e;

	err = netconn_recv_tcp_pbuf_flags(s->conn, &p,
					  dontblock ? NETCONN_DONTBLOCK : 0);
	if (err == ERR_OK) {
		s->rx_pbuf = p;
		s->rx_off = 0;
		return 0;
	}
	if (err == ERR_CLSD) {
		s->rd_eof = true;
		return 1;
	}
	e = sock_take_error(s);
	if (e && err != ERR_WOULDBLOCK && err != ERR_TIMEOUT)
		return -e;
	if (err == ERR_CONN && (s->conn->flags & NETCONN_FLAG_MBOXCLOSED)) {
		s->rd_eof = true;
		return 1;
	}
	return -sock_errno(err);
}

static long recv_stream(struct sock *s, char *buf, size_t len, int flags,
			bool nb)
{
	size_t copied = 0, n;
	int r;

	if (s->listening)
		return -ENOTCONN;
	while (copied < len) {
		if (!s->rx_pbuf) {
			if (s->rd_eof)
				break;
			r = recv_tcp_more(s, nb || (copied &&
					  !(flags & MSG_WAITALL_K)));
			if (r == 1)
				break;
			if (r < 0) {
				if (copied)
					break;
				return r;
			}
		}
		n = pbuf_copy_partial(s->rx_pbuf, buf + copied,
				      (u16_t)MIN(len - copied, 0xffffu),
				      s->rx_off);
		copied += n;
		if (flags & MSG_PEEK_K)
			break;
		s->rx_off = (uint16_t)(s->rx_off + n);
		if (s->rx_off >= s->rx_pbuf->tot_len) {
			pbuf_free(s->rx_pbuf);
			s->rx_pbuf = NULL;
		}
	}
	return (long)copied;
}

static long recv_dgram(struct sock *s, char *buf, size_t len, int flags,
		       bool nb, ip_addr_t *from, u16_t *port)
{
	struct netbuf *nb_ = s->rx_nb;
	err_t err;
	u16_t total;
	size_t n;

	if (!nb_) {
		err = netconn_recv_udp_raw_netbuf_flags(s->conn, &nb_,
					nb ? NETCONN_DONTBLOCK : 0);
		if (err != ERR_OK)
			return -sock_errno(err);
	}
	total = nb_->p->tot_len;
	n = pbuf_copy_partial(nb_->p, buf, (u16_t)MIN(len, total), 0);
	if (from)
		ip_addr_copy(*from, *netbuf_fromaddr(nb_));
	if (port)
		*port = netbuf_fromport(nb_);
	if (flags & MSG_PEEK_K) {
		s->rx_nb = nb_;
	} else {
		s->rx_nb = NULL;
		netbuf_delete(nb_);
	}
	return (long)(flags & MSG_TRUNC_K ? total : n);
}

long sock_recv(struct sock *s, void *buf, size_t len, int flags, bool nb,
	       ip_addr_t *from, u16_t *port)
{
	nb = nb || (flags & MSG_DONTWAIT_K);
	if (s->type == SOCK_STREAM_K) {
		if (from)
			ip_addr_set_zero(from);
		return len ? recv_stream(s, buf, len, flags, nb) : 0;
	}
	return recv_dgram(s, buf, len, flags, nb, from, port);
}

/* The error of a send on a connection that is gone. */
static long send_dead(struct sock *s, int flags)
{
	int e = sock_take_error(s);

	if (e && e != ECONNREFUSED)
		return -e;
	if (!(flags & MSG_NOSIGNAL_K))
		send_sig_current(SIGPIPE_K);
	return -EPIPE;
}

static long send_stream(struct sock *s, const void *buf, size_t len,
			int flags, bool nb)
{
	size_t written = 0;
	err_t err;

	if (s->wr_shut)
		return send_dead(s, flags);
	if (!s->conn->pcb.tcp && !s->reset)
		return -ENOTCONN;
	sock_sync_nb(s, nb);
	err = netconn_write_partly(s->conn, buf, len,
				   NETCONN_COPY | (nb ? NETCONN_DONTBLOCK : 0),
				   &written);
	sock_sync_nb(s, false);
	if (written)
		return (long)written;
	if (err == ERR_OK)
		return 0;
	if (err == ERR_RST || err == ERR_ABRT || err == ERR_CLSD ||
	    (err == ERR_CONN && s->reset))
		return send_dead(s, flags);
	return -sock_errno(err);
}

static long send_dgram(struct sock *s, const void *buf, size_t len,
		       const ip_addr_t *to, u16_t port)
{
	struct netbuf nbuf = { 0 };
	err_t err;

	if (len > 65507)
		return -EMSGSIZE;
	if (netbuf_ref(&nbuf, buf, (u16_t)len) != ERR_OK)
		return -ENOMEM;
	if (to)
		err = netconn_sendto(s->conn, &nbuf, to, port);
	else if (s->conn->pcb.udp &&
		 (s->conn->pcb.udp->flags & UDP_FLAGS_CONNECTED))
		err = netconn_send(s->conn, &nbuf);
	else
		err = ERR_ARG;
	pbuf_free(nbuf.p);
	if (err == ERR_ARG && !to)
		return -EDESTADDRREQ;
	return err == ERR_OK ? (long)len : -sock_errno(err);
}

long sock_send(struct sock *s, const void *buf, size_t len, int flags,
	       bool nb, const ip_addr_t *to, u16_t port)
{
	nb = nb || (flags & MSG_DONTWAIT_K);
	if (s->type == SOCK_STREAM_K)
		return len ? send_stream(s, buf, len, flags, nb) : 0;
	return send_dgram(s, buf, len, to, port);
}
