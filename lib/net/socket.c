// SPDX-License-Identifier: MIT
/*
 * BSD sockets as VFS files over lwIP netconns. Each socket file owns a
 * struct sock, registered in a table whose index is the netconn's
 * `socket` field, so the netconn event callback (sock_event, run by
 * lwIP under its core lock) finds it and keeps lwIP's counts: messages
 * waiting to be received (data, EOF, errors, connections to accept),
 * room to send, a pending error. Every change wakes the file's wait
 * queue, which is what poll, select and epoll hook. A connection that
 * arrives before accept() wraps it counts its receive events in
 * conn->socket below -1, as lwIP's own socket layer does.
 *
 * Errors come from the netconn calls' err_t (sock_errno), never from
 * lwIP's global errno.
 *
 * Interface (socket.h): sock_file_new, sock_of, sock_errno,
 * sock_take_error, sock_sync_nb, sock_event.
 */
#include <lwip/tcp.h>
#include <lwip/tcpip.h>
#include <pith/errno.h>
#include <pith/mm.h>
#include <pith/printk.h>
#include "socket.h"

#define SOCK_TABLE_SIZE	1024

spinlock_t sock_table_lock = __SPIN_LOCK_UNLOCKED;
static struct sock *sock_table[SOCK_TABLE_SIZE];	/* [T] */
static const struct file_operations sock_fops;

int sock_errno(err_t err)
{
	switch (err) {
	case ERR_OK:		return 0;
	case ERR_MEM:		return ENOMEM;
	case ERR_BUF:		return ENOBUFS;
	case ERR_TIMEOUT:	return EAGAIN;
	case ERR_RTE:		return EHOSTUNREACH;
	case ERR_INPROGRESS:	return EINPROGRESS;
	case ERR_VAL:		return EINVAL;
	case ERR_WOULDBLOCK:	return EAGAIN;
	case ERR_USE:		return EADDRINUSE;
	case ERR_ALREADY:	return EALREADY;
	case ERR_ISCONN:	return EISCONN;
	case ERR_CONN:		return ENOTCONN;
	case ERR_IF:		return ENETDOWN;
	case ERR_ABRT:		return ECONNABORTED;
	case ERR_RST:		return ECONNRESET;
	case ERR_CLSD:		return ENOTCONN;
	case ERR_ARG:		return EINVAL;
	default:		return EIO;
	}
}

/* The netconn's error as the socket reports it: refused while connecting. */
static int event_error(struct sock *s, struct netconn *conn)
{
	if (s->connecting && conn->pending_err == ERR_RST)
		return ECONNREFUSED;
	return sock_errno(conn->pending_err);
}

/* Count an event for a socket; sock_table_lock held. */
static unsigned int count_event(struct sock *s, struct netconn *conn,
				enum netconn_evt evt, u16_t len)
{
	switch (evt) {
	case NETCONN_EVT_RCVPLUS:
		s->rcvevent++;
		/* len 0 on a connection: lwIP queued its "closed" marker
		 * behind the data, i.e. the peer's FIN (or a local
		 * SHUT_RD, which Linux shows as RDHUP too). Listeners get
		 * len 0 per new connection, which poll ignores. */
		if (len || s->type != SOCK_STREAM_K)
			return POLLIN_K | POLLRDNORM_K;
		s->peer_fin = true;
		return POLLIN_K | POLLRDNORM_K | POLLRDHUP_K;
	case NETCONN_EVT_RCVMINUS:
		s->rcvevent--;
		return 0;
	case NETCONN_EVT_SENDPLUS:
		s->sendevent = true;
		return POLLOUT_K | POLLWRNORM_K;
	case NETCONN_EVT_SENDMINUS:
		s->sendevent = false;
		return 0;
	case NETCONN_EVT_ERROR:
		s->so_error = event_error(s, conn);
		s->reset = true;
		return POLLERR_K | POLLHUP_K | POLLIN_K | POLLOUT_K;
	}
	return 0;
}

void sock_event(struct netconn *conn, enum netconn_evt evt, u16_t len)
{
	unsigned long flags = spin_lock_irqsave(&sock_table_lock);
	struct sock *s;
	unsigned int mask;

	if (conn->socket < 0) {
		if (evt == NETCONN_EVT_RCVPLUS)
			conn->socket--;		/* not accepted yet */
		spin_unlock_irqrestore(&sock_table_lock, flags);
		return;
	}
	s = conn->socket < SOCK_TABLE_SIZE ? sock_table[conn->socket] : NULL;
	if (s && s->conn == conn) {
		mask = count_event(s, conn, evt, len);
		if (mask)
			wake_up_poll(&s->wq, mask);
	}
	spin_unlock_irqrestore(&sock_table_lock, flags);
}

/* Enter s in the table and hook its netconn; -ENFILE when it is full. */
static int sock_register(struct sock *s)
{
	unsigned long flags = spin_lock_irqsave(&sock_table_lock);
	int early;

	for (int i = 0; i < SOCK_TABLE_SIZE; i++) {
		if (sock_table[i])
			continue;
		sock_table[i] = s;
		s->index = i;
		early = -1 - s->conn->socket;	/* events before accept */
		s->rcvevent += early > 0 ? early : 0;
		s->conn->socket = i;
		spin_unlock_irqrestore(&sock_table_lock, flags);
		return 0;
	}
	spin_unlock_irqrestore(&sock_table_lock, flags);
	return -ENFILE;
}

static void sock_unregister(struct sock *s)
{
	unsigned long flags = spin_lock_irqsave(&sock_table_lock);

	sock_table[s->index] = NULL;
	s->conn->socket = -1;
	spin_unlock_irqrestore(&sock_table_lock, flags);
}

struct file *sock_file_new(struct netconn *conn, int family, int type,
			   int flags)
{
	struct sock *s = kzalloc(sizeof(*s), GFP_KERNEL);
	struct file *f;

	if (!s)
		return ERR_PTR(-ENOMEM);
	s->conn = conn;
	s->family = family;
	s->type = type;
	init_waitqueue_head(&s->wq);
	/* TCP: room to send once connected (accepted ones are). */
	s->sendevent = type != SOCK_STREAM_K ||
		       (conn->state == NETCONN_NONE && conn->pcb.tcp &&
			conn->pcb.tcp->state == ESTABLISHED);
	/* An accepted connection whose FIN came before accept(). */
	s->peer_fin = type == SOCK_STREAM_K && conn->pcb.tcp &&
		      (conn->pcb.tcp->state == CLOSE_WAIT ||
		       conn->pcb.tcp->state == LAST_ACK);
	s->rcvbuf = s->sndbuf = 212992;
	if (sock_register(s)) {
		kfree(s);
		return ERR_PTR(-ENFILE);
	}
	f = anon_file(&sock_fops, s, S_IFSOCK, O_RDWR | (flags & O_NONBLOCK));
	if (!f) {
		sock_unregister(s);
		kfree(s);
		return ERR_PTR(-ENOMEM);
	}
	return f;
}

struct sock *sock_of(struct file *f)
{
	return f && f->f_op == &sock_fops ? f->private_data : NULL;
}

int sock_take_error(struct sock *s)
{
	unsigned long flags = spin_lock_irqsave(&sock_table_lock);
	int err = s->so_error;

	s->so_error = 0;
	spin_unlock_irqrestore(&sock_table_lock, flags);
	return err;
}

void sock_sync_nb(struct sock *s, bool nb)
{
	netconn_set_nonblocking(s->conn, nb);
}

static unsigned int sock_stream_poll(struct sock *s, int rcv, bool snd,
				     bool reset, bool fin)
{
	unsigned int mask = 0;
	enum netconn_state st = s->conn->state;

	if (s->listening)
		return rcv > 0 ? POLLIN_K | POLLRDNORM_K : 0;
	if (rcv > 0 || s->rx_pbuf || s->rd_eof)
		mask |= POLLIN_K | POLLRDNORM_K;
	/* As soon as the FIN is in, not only once EOF was read (Linux:
	 * RCV_SHUTDOWN); readable too, since a read will reach EOF. */
	if (s->rd_eof || fin)
		mask |= POLLRDHUP_K | POLLIN_K | POLLRDNORM_K;
	if (reset)
		mask |= POLLHUP_K | POLLIN_K | POLLRDNORM_K | POLLRDHUP_K;
	if (snd && !(s->connecting && st == NETCONN_CONNECT))
		mask |= POLLOUT_K | POLLWRNORM_K;
	if (!s->conn->pcb.tcp && !s->connecting && !reset)
		mask |= POLLOUT_K | POLLWRNORM_K | POLLHUP_K;	/* new */
	if ((s->rd_eof || fin) && s->wr_shut)
		mask |= POLLHUP_K;
	return mask;
}

static unsigned int sock_poll(struct file *f, poll_table *pt)
{
	struct sock *s = f->private_data;
	unsigned long flags;
	unsigned int mask;
	int rcv, err;
	bool snd, reset, fin;

	poll_wait(f, &s->wq, pt);
	flags = spin_lock_irqsave(&sock_table_lock);
	rcv = s->rcvevent;
	snd = s->sendevent;
	reset = s->reset;
	fin = s->peer_fin;
	err = s->so_error;
	spin_unlock_irqrestore(&sock_table_lock, flags);
	if (s->type == SOCK_STREAM_K)
		mask = sock_stream_poll(s, rcv, snd, reset, fin);
	else
		mask = (rcv > 0 || s->rx_nb ? POLLIN_K | POLLRDNORM_K : 0) |
		       POLLOUT_K | POLLWRNORM_K;
	return mask | (err ? POLLERR_K : 0);
}

static long sock_read(struct file *f, void *buf, size_t len, loff_t *pos)
{
	return sock_recv(f->private_data, buf, len, 0,
			 f->f_flags & O_NONBLOCK, NULL, NULL);
}

static long sock_write(struct file *f, const void *buf, size_t len,
		       loff_t *pos)
{
	return sock_send(f->private_data, buf, len, 0,
			 f->f_flags & O_NONBLOCK, NULL, 0);
}

/* Close with a reset (SO_LINGER 0): abort the pcb under the core lock. */
static void sock_abort(struct sock *s)
{
	LOCK_TCPIP_CORE();
	if (s->conn->pcb.tcp && s->conn->pcb.tcp->state != LISTEN)
		tcp_abort(s->conn->pcb.tcp);
	UNLOCK_TCPIP_CORE();
}

static int sock_release(struct inode *inode, struct file *f)
{
	struct sock *s = f->private_data;

	sock_unregister(s);
	if (s->linger0 && s->type == SOCK_STREAM_K)
		sock_abort(s);
	if (s->rx_pbuf)
		pbuf_free(s->rx_pbuf);
	if (s->rx_nb)
		netbuf_delete(s->rx_nb);
	netconn_delete(s->conn);
	kfree(s);
	return 0;
}

#define FIONREAD_K	0x541b

static long sock_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct sock *s = f->private_data;
	int n = 0;

	if (cmd != FIONREAD_K)
		return -ENOTTY;
	if (s->rx_pbuf)
		n = s->rx_pbuf->tot_len - s->rx_off;
	else if (s->rx_nb)
		n = s->rx_nb->p->tot_len;
	*(int *)arg = n + (s->type == SOCK_STREAM_K ? s->conn->recv_avail : 0);
	return 0;
}

static const struct file_operations sock_fops = {
	.read = sock_read,
	.write = sock_write,
	.poll = sock_poll,
	.ioctl = sock_ioctl,
	.release = sock_release,
};
