/* SPDX-License-Identifier: MIT */
/*
 * epoll: a set of (file, fd) items, each hooked by a wait-queue entry on
 * every queue its file's poll op names. When a file wakes a queue, the
 * entry's callback (Linux's ep_poll_callback) puts the item on the ready
 * list and wakes epoll_wait; epoll_wait re-asks each ready file for its
 * bits, reports the ones it has, and keeps level-triggered items on the
 * list (edge-triggered ones wait for the next wake-up; EPOLLONESHOT ones
 * are disarmed until EPOLL_CTL_MOD). An item goes away with EPOLL_CTL_DEL
 * or with the last close of its file (eventpoll_release from fput).
 *
 * Lock order: epmutex -> ep->mtx -> a file's wait-queue lock -> ep->lock
 *             -> ep->wq's lock.
 * Legend: [E] epmutex (every file's f_ep_links), [M] ep->mtx (the item
 *         tree, item fields but events), [L] ep->lock (ready list,
 *         epi->ready, epi->events).
 *
 * Interface: epoll_create, epoll_create1, epoll_ctl, epoll_wait,
 * epoll_pwait (system calls); eventpoll_release(file) for fput.
 */
#include <pith/mm.h>
#include <pith/mutex.h>
#include <pith/sched.h>
#include <pith/signal_k.h>
#include <pith/spinlock.h>
#include <pith/syscall.h>
#include <pith/time.h>
#include <pith/wait.h>
#include "vfs_internal.h"

#define EPOLLIN		0x001
#define EPOLLERR	0x008
#define EPOLLHUP	0x010
#define EPOLLRDNORM	0x040
#define EPOLLEXCLUSIVE	(1u << 28)
#define EPOLLWAKEUP	(1u << 29)
#define EPOLLONESHOT	(1u << 30)
#define EPOLLET		(1u << 31)
#define EP_PRIVATE_BITS	(EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EPOLL_CTL_ADD	1
#define EPOLL_CTL_DEL	2
#define EPOLL_CTL_MOD	3
#define EP_MAX_EVENTS	(INT32_MAX / 12)

struct epoll_event_k {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

struct eventpoll {
	spinlock_t lock;
	struct mutex mtx;
	struct wait_queue_head wq;		/* epoll_wait sleepers */
	struct wait_queue_head poll_wait;	/* pollers of this epoll */
	struct rb_root items;			/* [M] by (file, fd) */
	struct list_head rdllist;		/* [L] */
};

struct epitem {
	struct rb_node rbn;			/* [M] */
	struct list_head rdllink;		/* [L] */
	bool ready;				/* [L] on rdllist or txlist */
	uint32_t events;			/* [L] */
	uint64_t data;				/* [M] */
	struct file *file;			/* not counted: see fput */
	int fd;
	int nwait;				/* entries hooked, -1: no mem */
	struct eventpoll *ep;
	struct list_head fllink;		/* [E] in file->f_ep_links */
	struct list_head pwqlist;		/* [M] eppoll_entry */
};

struct eppoll_entry {
	struct list_head llink;
	struct epitem *base;
	struct wait_queue_entry wait;
	struct wait_queue_head *whead;
};

struct ep_pqueue {
	poll_table pt;
	struct epitem *epi;
};

static DEFINE_MUTEX(epmutex);
static const struct file_operations eventpoll_fops;

struct ep_key {
	struct file *file;
	int fd;
};

static int ep_cmp(const void *key, const struct rb_node *n)
{
	const struct ep_key *k = key;
	const struct epitem *e = rb_entry(n, struct epitem, rbn);

	if (k->file != e->file)
		return (uintptr_t)k->file < (uintptr_t)e->file ? -1 : 1;
	return k->fd < e->fd ? -1 : k->fd > e->fd;
}

static bool ep_less(struct rb_node *a, const struct rb_node *b)
{
	const struct epitem *e = rb_entry(a, struct epitem, rbn);
	struct ep_key k = { e->file, e->fd };

	return ep_cmp(&k, b) < 0;
}

static struct epitem *ep_find(struct eventpoll *ep, struct file *f, int fd)
{
	struct ep_key k = { f, fd };
	struct rb_node *n = rb_find(&k, &ep->items, ep_cmp);

	return n ? rb_entry(n, struct epitem, rbn) : NULL;
}

/* Put epi on the ready list and wake waiters; ep->lock held. */
static bool ep_set_ready(struct eventpoll *ep, struct epitem *epi)
{
	if (!epi->ready) {
		list_add_tail(&epi->rdllink, &ep->rdllist);
		epi->ready = true;
	}
	if (waitqueue_active(&ep->wq))
		wake_up(&ep->wq);
	return waitqueue_active(&ep->poll_wait);
}

/* A watched file's queue was woken (its lock held; any context). */
static int ep_poll_callback(struct wait_queue_entry *w, void *key)
{
	struct eppoll_entry *pwq = container_of(w, struct eppoll_entry, wait);
	struct epitem *epi = pwq->base;
	struct eventpoll *ep = epi->ep;
	unsigned int mask = (unsigned int)(uintptr_t)key;
	unsigned long flags = spin_lock_irqsave(&ep->lock);
	bool pwake = false;

	if ((epi->events & ~EP_PRIVATE_BITS) &&
	    (!mask || (mask & epi->events)))
		pwake = ep_set_ready(ep, epi);
	spin_unlock_irqrestore(&ep->lock, flags);
	if (pwake)
		wake_up_poll(&ep->poll_wait, EPOLLIN);
	return 1;
}

static void ep_ptable_queue_proc(struct file *f, struct wait_queue_head *wq,
				 poll_table *pt)
{
	struct epitem *epi = container_of(pt, struct ep_pqueue, pt)->epi;
	struct eppoll_entry *pwq;

	if (epi->nwait < 0)
		return;
	pwq = kzalloc(sizeof(*pwq), GFP_KERNEL);
	if (!pwq) {
		epi->nwait = -1;
		return;
	}
	pwq->base = epi;
	pwq->whead = wq;
	pwq->wait.func = ep_poll_callback;
	pwq->wait.thread = NULL;
	INIT_LIST_HEAD(&pwq->wait.entry);
	add_wait_queue(wq, &pwq->wait);
	list_add_tail(&pwq->llink, &epi->pwqlist);
	epi->nwait++;
}

/* Unhook and free epi; epmutex and ep->mtx held. */
static void ep_remove(struct eventpoll *ep, struct epitem *epi)
{
	struct eppoll_entry *pwq, *next;
	unsigned long flags;

	list_for_each_entry_safe(pwq, next, &epi->pwqlist, llink) {
		remove_wait_queue(pwq->whead, &pwq->wait);
		list_del(&pwq->llink);
		kfree(pwq);
	}
	list_del(&epi->fllink);
	rb_erase(&epi->rbn, &ep->items);
	flags = spin_lock_irqsave(&ep->lock);
	if (epi->ready)
		list_del(&epi->rdllink);
	spin_unlock_irqrestore(&ep->lock, flags);
	kfree(epi);
}

/* Report revents now if the file has them (new or changed item). */
static void ep_check_now(struct eventpoll *ep, struct epitem *epi,
			 unsigned int revents)
{
	unsigned long flags;
	bool pwake = false;

	if (!(revents & epi->events))
		return;
	flags = spin_lock_irqsave(&ep->lock);
	pwake = ep_set_ready(ep, epi);
	spin_unlock_irqrestore(&ep->lock, flags);
	if (pwake)
		wake_up_poll(&ep->poll_wait, EPOLLIN);
}

static int ep_insert(struct eventpoll *ep, const struct epoll_event_k *ev,
		     struct file *f, int fd)
{
	struct epitem *epi = kzalloc(sizeof(*epi), GFP_KERNEL);
	struct ep_pqueue epq;
	unsigned int revents;

	if (!epi)
		return -ENOMEM;
	INIT_LIST_HEAD(&epi->rdllink);
	INIT_LIST_HEAD(&epi->pwqlist);
	epi->ep = ep;
	epi->file = f;
	epi->fd = fd;
	epi->events = ev->events | EPOLLERR | EPOLLHUP;
	epi->data = ev->data;
	epq.pt.qproc = ep_ptable_queue_proc;
	epq.pt.key = epi->events;
	epq.epi = epi;
	revents = vfs_poll(f, &epq.pt);
	list_add_tail(&epi->fllink, &f->f_ep_links);
	rb_add(&epi->rbn, &ep->items, ep_less);
	if (epi->nwait < 0) {
		ep_remove(ep, epi);
		return -ENOMEM;
	}
	ep_check_now(ep, epi, revents);
	return 0;
}

static void ep_modify(struct eventpoll *ep, struct epitem *epi,
		      const struct epoll_event_k *ev)
{
	unsigned long flags = spin_lock_irqsave(&ep->lock);

	epi->events = ev->events | EPOLLERR | EPOLLHUP;
	spin_unlock_irqrestore(&ep->lock, flags);
	epi->data = ev->data;
	ep_check_now(ep, epi, vfs_poll(epi->file, NULL));
}

static struct eventpoll *ep_of(struct file *f)
{
	return f && f->f_op == &eventpoll_fops ? f->private_data : NULL;
}

static int ep_ctl(struct eventpoll *ep, int op, struct file *tf, int fd,
		  const struct epoll_event_k *ev)
{
	struct epitem *epi;
	int err = 0;

	mutex_lock(&epmutex);
	mutex_lock(&ep->mtx);
	epi = ep_find(ep, tf, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		err = epi ? -EEXIST : ep_insert(ep, ev, tf, fd);
		break;
	case EPOLL_CTL_DEL:
		if (epi)
			ep_remove(ep, epi);
		else
			err = -ENOENT;
		break;
	case EPOLL_CTL_MOD:
		if (epi)
			ep_modify(ep, epi, ev);
		else
			err = -ENOENT;
		break;
	default:
		err = -EINVAL;
	}
	mutex_unlock(&ep->mtx);
	mutex_unlock(&epmutex);
	return err;
}

static long sys_epoll_ctl(long epfd, long op, long fd, long uev)
{
	const struct epoll_event_k *ev = (const void *)uev;
	struct file *f = fget((int)epfd), *tf = fget((int)fd);
	struct eventpoll *ep = ep_of(f);
	long err = -EBADF;

	if (!f || !tf)
		goto out;
	err = -EFAULT;
	if (op != EPOLL_CTL_DEL && !ev)
		goto out;
	err = -EPERM;
	if (!tf->f_op || !tf->f_op->poll)
		goto out;	/* regular files and directories */
	err = -EINVAL;
	if (!ep || f == tf)
		goto out;
	if (op == EPOLL_CTL_MOD && (ev->events & EPOLLEXCLUSIVE))
		goto out;
	err = ep_ctl(ep, (int)op, tf, (int)fd, ev);
out:
	fput(tf);
	fput(f);
	return err;
}
SYSCALL(epoll_ctl, "dddp", sys_epoll_ctl);

/* Take one item off the transfer list; NULL when it is empty. */
static struct epitem *ep_next_tx(struct eventpoll *ep, struct list_head *tx)
{
	unsigned long flags = spin_lock_irqsave(&ep->lock);
	struct epitem *epi = NULL;

	if (!list_empty(tx)) {
		epi = list_first_entry(tx, struct epitem, rdllink);
		list_del_init(&epi->rdllink);
		epi->ready = false;
	}
	spin_unlock_irqrestore(&ep->lock, flags);
	return epi;
}

/* After reporting: disarm a one-shot item, keep a level one ready. */
static void ep_after_report(struct eventpoll *ep, struct epitem *epi)
{
	unsigned long flags = spin_lock_irqsave(&ep->lock);

	if (epi->events & EPOLLONESHOT)
		epi->events &= EP_PRIVATE_BITS;
	else if (!(epi->events & EPOLLET) && !epi->ready) {
		list_add_tail(&epi->rdllink, &ep->rdllist);
		epi->ready = true;
	}
	spin_unlock_irqrestore(&ep->lock, flags);
}

static int ep_send_events(struct eventpoll *ep, struct epoll_event_k *out,
			  int max)
{
	LIST_HEAD(tx);
	struct epitem *epi;
	unsigned long flags;
	unsigned int revents;
	int n = 0;

	mutex_lock(&ep->mtx);
	flags = spin_lock_irqsave(&ep->lock);
	list_splice_init(&ep->rdllist, &tx);
	spin_unlock_irqrestore(&ep->lock, flags);
	while (n < max && (epi = ep_next_tx(ep, &tx))) {
		revents = vfs_poll(epi->file, NULL) & epi->events;
		if (!revents)
			continue;
		out[n].events = revents;
		out[n].data = epi->data;
		n++;
		ep_after_report(ep, epi);
	}
	flags = spin_lock_irqsave(&ep->lock);
	list_splice_init(&tx, &ep->rdllist);	/* the ones not looked at */
	spin_unlock_irqrestore(&ep->lock, flags);
	mutex_unlock(&ep->mtx);
	return n;
}

static bool ep_has_ready(struct eventpoll *ep)
{
	unsigned long flags = spin_lock_irqsave(&ep->lock);
	bool r = !list_empty(&ep->rdllist);

	spin_unlock_irqrestore(&ep->lock, flags);
	return r;
}

static long ep_poll(struct eventpoll *ep, struct epoll_event_k *out,
		    int max, uint64_t timeout_ns)
{
	uint64_t deadline = timeout_ns == UINT64_MAX ? UINT64_MAX :
			    ktime_get_ns() + timeout_ns;
	uint64_t now;
	int n;

	for (;;) {
		DEFINE_WAIT(w);

		n = ep_send_events(ep, out, max);
		now = ktime_get_ns();
		if (n || !timeout_ns || now >= deadline)
			return n;
		prepare_to_wait_exclusive(&ep->wq, &w, TASK_INTERRUPTIBLE);
		if (signal_pending(current)) {
			finish_wait(&ep->wq, &w);
			return -EINTR;
		}
		if (!ep_has_ready(ep))
			schedule_timeout(deadline == UINT64_MAX ? UINT64_MAX :
					 deadline - now);
		finish_wait(&ep->wq, &w);
	}
}

static long do_epoll_wait(long epfd, long events, long max, uint64_t ns)
{
	struct file *f;
	long n;

	if (max <= 0 || max > EP_MAX_EVENTS)
		return -EINVAL;
	f = fget((int)epfd);
	if (!f)
		return -EBADF;
	n = ep_of(f) ? ep_poll(ep_of(f), (struct epoll_event_k *)events,
			       (int)max, ns) : -EINVAL;
	fput(f);
	return n;
}

static long sys_epoll_wait(long epfd, long events, long max, long ms)
{
	int t = (int)ms;

	return do_epoll_wait(epfd, events, max,
			     t < 0 ? UINT64_MAX : (uint64_t)t * 1000000ull);
}
SYSCALL(epoll_wait, "dpdd", sys_epoll_wait);

/* The mask applies while it waits (lib/posix restores the old one). */
static long sys_epoll_pwait(long epfd, long events, long max, long ms,
			    long sigmask, long size)
{
	int err = signal_set_temp_mask((const void *)sigmask, size);

	return err ? err : sys_epoll_wait(epfd, events, max, ms);
}
SYSCALL(epoll_pwait, "dpddpu", sys_epoll_pwait);

static unsigned int ep_file_poll(struct file *f, poll_table *pt)
{
	struct eventpoll *ep = f->private_data;

	poll_wait(f, &ep->poll_wait, pt);
	return ep_has_ready(ep) ? EPOLLIN | EPOLLRDNORM : 0;
}

static int ep_release(struct inode *inode, struct file *f)
{
	struct eventpoll *ep = f->private_data;
	struct rb_node *n;

	mutex_lock(&epmutex);
	mutex_lock(&ep->mtx);
	while ((n = rb_first(&ep->items)))
		ep_remove(ep, rb_entry(n, struct epitem, rbn));
	mutex_unlock(&ep->mtx);
	mutex_unlock(&epmutex);
	kfree(ep);
	return 0;
}

static const struct file_operations eventpoll_fops = {
	.poll = ep_file_poll,
	.release = ep_release,
};

void eventpoll_release(struct file *f)
{
	struct epitem *epi;

	mutex_lock(&epmutex);
	while (!list_empty(&f->f_ep_links)) {
		epi = list_first_entry(&f->f_ep_links, struct epitem, fllink);
		mutex_lock(&epi->ep->mtx);
		ep_remove(epi->ep, epi);
		mutex_unlock(&epi->ep->mtx);
	}
	mutex_unlock(&epmutex);
}

static long sys_epoll_create1(long flags)
{
	struct eventpoll *ep;
	struct file *f;
	int fd;

	if (flags & ~(long)O_CLOEXEC)
		return -EINVAL;
	ep = kzalloc(sizeof(*ep), GFP_KERNEL);
	if (!ep)
		return -ENOMEM;
	spin_lock_init(&ep->lock);
	mutex_init(&ep->mtx);
	init_waitqueue_head(&ep->wq);
	init_waitqueue_head(&ep->poll_wait);
	ep->items = RB_ROOT;
	INIT_LIST_HEAD(&ep->rdllist);
	f = anon_file(&eventpoll_fops, ep, 0, O_RDWR);
	if (!f) {
		kfree(ep);
		return -ENOMEM;
	}
	fd = fd_install(f, flags & O_CLOEXEC);
	if (fd < 0)
		fput(f);
	return fd;
}
SYSCALL(epoll_create1, "x", sys_epoll_create1);

static long sys_epoll_create(long size)
{
	return size <= 0 ? -EINVAL : sys_epoll_create1(0);
}
SYSCALL(epoll_create, "d", sys_epoll_create);
