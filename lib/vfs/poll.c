/* SPDX-License-Identifier: MIT */
/*
 * Readiness for poll(2) and friends. A file's poll op reports its bits
 * and calls poll_wait() on the wait queues that change them; the table
 * poll/select pass adds one entry per queue whose wake function marks
 * the caller triggered and wakes it (Linux's poll_wqueues). The caller
 * then re-asks every file (without registering again) until one is
 * ready or the deadline passes. No loop ever spins: between passes the
 * thread sleeps until an entry fires or the timeout's timer does.
 *
 * Interface:
 *   vfs_poll(file, pt)                 a file's bits (see <pith/vfs.h>)
 *   wake_up_poll(wq, mask)             a file's readiness changed
 *   do_poll_fds(fds, n, timeout_ns)    the loop; select.c shares it
 *   poll, ppoll                        system calls
 */
#include <pith/mm.h>
#include <pith/sched.h>
#include <pith/signal_k.h>
#include <pith/syscall.h>
#include <pith/time.h>
#include <pith/wait.h>
#include "vfs_internal.h"

#define DEFAULT_POLLMASK (POLLIN_K | POLLOUT_K | POLLRDNORM_K | POLLWRNORM_K)
#define POLL_INLINE	16
#define POLL_PAGE_ENTRIES 64

struct poll_wqueues;

struct poll_table_entry {
	struct file *filp;
	unsigned int key;
	struct poll_wqueues *pw;
	struct wait_queue_entry wait;
	struct wait_queue_head *wq;
};

struct poll_table_page {
	struct poll_table_page *next;
	int used;
	struct poll_table_entry e[POLL_PAGE_ENTRIES];
};

struct poll_wqueues {
	poll_table pt;
	struct thread *task;
	volatile bool triggered;
	int error;
	int inline_used;
	struct poll_table_page *pages;
	struct poll_table_entry inline_e[POLL_INLINE];
};

unsigned int vfs_poll(struct file *f, poll_table *pt)
{
	if (!f->f_op || !f->f_op->poll)
		return DEFAULT_POLLMASK;
	return f->f_op->poll(f, pt);
}

void wake_up_poll(struct wait_queue_head *wq, unsigned int mask)
{
	__wake_up(wq, 1, (void *)(uintptr_t)mask);
}

/* Called under the file's wait-queue lock, maybe in an interrupt. */
static int pollwake(struct wait_queue_entry *w, void *key)
{
	struct poll_table_entry *e =
		container_of(w, struct poll_table_entry, wait);
	unsigned int mask = (unsigned int)(uintptr_t)key;

	if (mask && !(mask & e->key))
		return 0;
	e->pw->triggered = true;
	return wake_up_process(e->pw->task);
}

static struct poll_table_entry *poll_get_entry(struct poll_wqueues *pw)
{
	struct poll_table_page *p = pw->pages;

	if (pw->inline_used < POLL_INLINE)
		return &pw->inline_e[pw->inline_used++];
	if (!p || p->used == POLL_PAGE_ENTRIES) {
		p = kzalloc(sizeof(*p), GFP_KERNEL);
		if (!p) {
			pw->error = -ENOMEM;
			return NULL;
		}
		p->next = pw->pages;
		pw->pages = p;
	}
	return &p->e[p->used++];
}

static void poll_queue(struct file *f, struct wait_queue_head *wq,
		       poll_table *pt)
{
	struct poll_wqueues *pw = container_of(pt, struct poll_wqueues, pt);
	struct poll_table_entry *e = poll_get_entry(pw);

	if (!e)
		return;
	e->filp = get_file(f);
	e->key = pt->key;
	e->pw = pw;
	e->wq = wq;
	e->wait.flags = 0;
	e->wait.thread = current;
	e->wait.func = pollwake;
	INIT_LIST_HEAD(&e->wait.entry);
	add_wait_queue(wq, &e->wait);
}

static void poll_initwait(struct poll_wqueues *pw)
{
	pw->pt.qproc = poll_queue;
	pw->pt.key = ~0u;
	pw->task = current;
	pw->triggered = false;
	pw->error = 0;
	pw->inline_used = 0;
	pw->pages = NULL;
}

static void poll_free_entry(struct poll_table_entry *e)
{
	remove_wait_queue(e->wq, &e->wait);
	fput(e->filp);
}

static void poll_freewait(struct poll_wqueues *pw)
{
	struct poll_table_page *p = pw->pages, *next;

	for (int i = 0; i < pw->inline_used; i++)
		poll_free_entry(&pw->inline_e[i]);
	for (; p; p = next) {
		next = p->next;
		for (int i = 0; i < p->used; i++)
			poll_free_entry(&p->e[i]);
		kfree(p);
	}
}

/* Sleep until an entry fires or deadline; false when the time is up. */
static bool poll_schedule(struct poll_wqueues *pw, uint64_t deadline)
{
	uint64_t now = ktime_get_ns();

	if (deadline != UINT64_MAX && now >= deadline)
		return false;
	current->state = TASK_INTERRUPTIBLE;
	if (!pw->triggered && !signal_pending(current)) {
		if (deadline == UINT64_MAX)
			schedule();
		else
			schedule_timeout(deadline - now);
	}
	current->state = TASK_RUNNING;
	pw->triggered = false;
	return true;
}

static unsigned int poll_one(struct pollfd_k *p, poll_table *pt)
{
	unsigned int want = (uint16_t)p->events | POLLERR_K | POLLHUP_K;
	unsigned int mask;
	struct file *f;

	if (p->fd < 0)
		return 0;
	f = fget(p->fd);
	if (!f)
		return POLLNVAL_K;
	if (pt)
		pt->key = want;
	mask = vfs_poll(f, pt) & want;
	fput(f);
	return mask;
}

int do_poll_fds(struct pollfd_k *fds, unsigned int n, uint64_t timeout_ns)
{
	struct poll_wqueues pw;
	uint64_t deadline = UINT64_MAX;
	poll_table *pt = timeout_ns ? &pw.pt : NULL;
	int count = 0;

	if (timeout_ns != UINT64_MAX)
		deadline = ktime_get_ns() + timeout_ns;
	poll_initwait(&pw);
	for (;;) {
		for (unsigned int i = 0; i < n; i++) {
			fds[i].revents = (short)poll_one(&fds[i], pt);
			if (fds[i].revents) {
				count++;
				pt = NULL;	/* no need to wait any more */
			}
		}
		pt = NULL;
		if (count || !timeout_ns)
			break;
		if (pw.error) {
			count = pw.error;
			break;
		}
		if (signal_pending(current)) {
			count = -ERESTARTNOHAND;	/* EINTR after a handler */
			break;
		}
		if (!poll_schedule(&pw, deadline))
			break;
	}
	poll_freewait(&pw);
	return count;
}

/* A user timespec (NULL: forever) in ns; -EINVAL when malformed. */
long timespec_to_ns(const struct timespec_k *ts, uint64_t *ns)
{
	if (!ts) {
		*ns = UINT64_MAX;
		return 0;
	}
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
		return -EINVAL;
	if ((uint64_t)ts->tv_sec >= UINT64_MAX / 1000000000ull - 1)
		*ns = UINT64_MAX;
	else
		*ns = (uint64_t)ts->tv_sec * 1000000000ull +
		      (uint64_t)ts->tv_nsec;
	return 0;
}

static long poll_user(long ufds, long nfds, uint64_t timeout_ns)
{
	struct pollfd_k *fds = (struct pollfd_k *)ufds;

	if (nfds < 0 || nfds > fd_table_size())
		return -EINVAL;
	return do_poll_fds(fds, (unsigned int)nfds, timeout_ns);
}

static long sys_poll(long ufds, long nfds, long ms)
{
	int t = (int)ms;

	return poll_user(ufds, nfds,
			 t < 0 ? UINT64_MAX : (uint64_t)t * 1000000ull);
}
SYSCALL(poll, "dpd", sys_poll);

/* The mask applies while it waits (lib/posix restores the old one). */
static long sys_ppoll(long ufds, long nfds, long uts, long sigmask,
		      long sigsetsize)
{
	uint64_t ns;
	long err = timespec_to_ns((const struct timespec_k *)uts, &ns);

	if (!err)
		err = signal_set_temp_mask((const void *)sigmask, sigsetsize);
	if (err)
		return err;
	return poll_user(ufds, nfds, ns);
}
SYSCALL(ppoll, "dpppu", sys_ppoll);
