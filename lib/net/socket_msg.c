// SPDX-License-Identifier: MIT
/*
 * sendto, recvfrom, sendmsg, recvmsg. A message's iovec is gathered into
 * (or scattered from) one bounce buffer, so a datagram stays one
 * datagram and a stream write is one lwIP write. On AF_UNIX files from
 * socketpair these are read and write.
 *
 * Interface: SYSCALL() registrations only.
 */
#include <pith/errno.h>
#include <pith/mm.h>
#include <pith/string.h>
#include <pith/syscall.h>
#include "socket.h"

#define IOV_MAX_K	1024
#define MAX_MSG		(1u << 20)

struct iovec_k {
	void *base;
	size_t len;
};

struct msghdr_k {
	void *name;
	uint32_t namelen;
	struct iovec_k *iov;
	size_t iovlen;
	void *control;
	size_t controllen;
	int flags;
};

static long do_send(long fd, const void *buf, size_t len, long flags,
		    const void *usa, long salen)
{
	struct file *f;
	long err;
	struct sock *s = sockfd(fd, &f, &err);
	ip_addr_t ip;
	u16_t port = 0;

	if (!s) {
		err = f ? vfs_write(f, buf, len) : err;
		goto out;
	}
	if (usa && s->type == SOCK_DGRAM_K) {
		err = sa_to_ip(s, usa, salen, &ip, &port);
		if (err)
			goto out;
	}
	err = sock_send(s, buf, len, (int)flags, f->f_flags & O_NONBLOCK,
			usa && s->type == SOCK_DGRAM_K ? &ip : NULL, port);
out:
	fput(f);
	return err;
}

static long do_recv(long fd, void *buf, size_t len, long flags, void *usa,
		    uint32_t *ulen)
{
	struct file *f;
	long err;
	struct sock *s = sockfd(fd, &f, &err);
	ip_addr_t ip;
	u16_t port = 0;

	if (!s) {
		err = f ? vfs_read(f, buf, len) : err;
		if (f && ulen)
			*ulen = 0;
		goto out;
	}
	err = sock_recv(s, buf, len, (int)flags, f->f_flags & O_NONBLOCK,
			&ip, &port);
	if (err >= 0 && usa && s->type == SOCK_DGRAM_K)
		ip_to_sa(s, &ip, port, usa, ulen);
	else if (err >= 0 && ulen)
		*ulen = 0;
out:
	fput(f);
	return err;
}

static long sys_sendto(long fd, long buf, long len, long flags, long usa,
		       long salen)
{
	return do_send(fd, (const void *)buf, (size_t)len, flags,
		       (const void *)usa, salen);
}
SYSCALL(sendto, "dbuxpd", sys_sendto);

static long sys_recvfrom(long fd, long buf, long len, long flags, long usa,
			 long ulen)
{
	return do_recv(fd, (void *)buf, (size_t)len, flags, (void *)usa,
		       (uint32_t *)ulen);
}
SYSCALL(recvfrom, "dpuxpp", sys_recvfrom);

/* Total length of an iovec; -EINVAL when malformed. */
static long iov_total(const struct msghdr_k *m)
{
	size_t total = 0;

	if (m->iovlen > IOV_MAX_K)
		return -EMSGSIZE;
	for (size_t i = 0; i < m->iovlen; i++) {
		total += m->iov[i].len;
		if (total > MAX_MSG)
			return -EMSGSIZE;
	}
	return (long)total;
}

static long sys_sendmsg(long fd, long um, long flags)
{
	const struct msghdr_k *m = (const void *)um;
	long total = iov_total(m), n;
	char *buf;
	size_t off = 0;

	if (total < 0)
		return total;
	buf = kmalloc((size_t)total + 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (size_t i = 0; i < m->iovlen; i++) {
		memcpy(buf + off, m->iov[i].base, m->iov[i].len);
		off += m->iov[i].len;
	}
	n = do_send(fd, buf, (size_t)total, flags, m->name, m->namelen);
	kfree(buf);
	return n;
}
SYSCALL(sendmsg, "dpx", sys_sendmsg);

static long sys_recvmsg(long fd, long um, long flags)
{
	struct msghdr_k *m = (void *)um;
	long total = iov_total(m), n;
	char *buf;
	size_t off = 0, k;

	if (total < 0)
		return total;
	buf = kmalloc((size_t)total + 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	n = do_recv(fd, buf, (size_t)total, flags, m->name,
		    m->name ? &m->namelen : NULL);
	for (size_t i = 0; n > 0 && i < m->iovlen && off < (size_t)n; i++) {
		k = MIN(m->iov[i].len, (size_t)n - off);
		memcpy(m->iov[i].base, buf + off, k);
		off += k;
	}
	kfree(buf);
	if (n >= 0) {
		m->controllen = 0;
		m->flags = n > total ? MSG_TRUNC_K : 0;
		if (n > total && !(flags & MSG_TRUNC_K))
			n = total;
	}
	return n;
}
SYSCALL(recvmsg, "dpx", sys_recvmsg);
