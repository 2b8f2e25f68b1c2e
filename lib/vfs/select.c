/* SPDX-License-Identifier: MIT */
/*
 * select(2) and pselect6(2) on top of poll.c's loop: the three fd sets
 * become a pollfd array (only the descriptors named in some set), the
 * answers go back into the sets. As in Linux, "readable" is POLLIN,
 * POLLHUP or POLLERR, "writable" POLLOUT or POLLERR, "exceptional"
 * POLLPRI; a closed descriptor in any set is EBADF; select writes the
 * time left back into its timeval.
 *
 * Interface: SYSCALL() registrations only.
 */
#include <pith/mm.h>
#include <pith/signal_k.h>
#include <pith/string.h>
#include <pith/syscall.h>
#include <pith/time.h>
#include "vfs_internal.h"

#define IN_SET	(POLLIN_K | POLLRDNORM_K | POLLHUP_K | POLLERR_K)
#define OUT_SET	(POLLOUT_K | POLLWRNORM_K | POLLERR_K)
#define EX_SET	(POLLPRI_K)
#define BITS	64

struct timeval_k {
	int64_t tv_sec;
	int64_t tv_usec;
};

static bool fd_isset(const uint64_t *set, int fd)
{
	return set && (set[fd / BITS] >> (fd % BITS)) & 1;
}

static void fd_setbit(uint64_t *set, int fd)
{
	set[fd / BITS] |= 1ull << (fd % BITS);
}

/* The pollfd array of every fd named in a set; n set to its length. */
static long sets_to_fds(int nfds, uint64_t *r, uint64_t *w, uint64_t *x,
			struct pollfd_k **out, unsigned int *n)
{
	struct pollfd_k *fds = kmalloc(sizeof(*fds) * (size_t)(nfds ? nfds : 1),
				       GFP_KERNEL);
	unsigned int k = 0;

	if (!fds)
		return -ENOMEM;
	for (int fd = 0; fd < nfds; fd++) {
		short ev = (short)((fd_isset(r, fd) ? IN_SET : 0) |
				   (fd_isset(w, fd) ? OUT_SET : 0) |
				   (fd_isset(x, fd) ? EX_SET : 0));
		struct file *f;

		if (!ev)
			continue;
		f = fget(fd);
		if (!f) {
			kfree(fds);
			return -EBADF;
		}
		fput(f);
		fds[k++] = (struct pollfd_k){ fd, ev, 0 };
	}
	*out = fds;
	*n = k;
	return 0;
}

static int fds_to_sets(struct pollfd_k *fds, unsigned int n, int nfds,
		       uint64_t *r, uint64_t *w, uint64_t *x)
{
	size_t bytes = (size_t)(nfds + BITS - 1) / BITS * 8;
	bool want_r, want_w, want_x;
	int count = 0;

	for (unsigned int i = 0; i < n; i++) {
		fds[i].events = (short)((fd_isset(r, fds[i].fd) ? 1 : 0) |
					(fd_isset(w, fds[i].fd) ? 2 : 0) |
					(fd_isset(x, fds[i].fd) ? 4 : 0));
	}
	if (r)
		memset(r, 0, bytes);
	if (w)
		memset(w, 0, bytes);
	if (x)
		memset(x, 0, bytes);
	for (unsigned int i = 0; i < n; i++) {
		unsigned int rev = (uint16_t)fds[i].revents;

		want_r = fds[i].events & 1;
		want_w = fds[i].events & 2;
		want_x = fds[i].events & 4;
		if (want_r && (rev & IN_SET) && ++count)
			fd_setbit(r, fds[i].fd);
		if (want_w && (rev & OUT_SET) && ++count)
			fd_setbit(w, fds[i].fd);
		if (want_x && (rev & EX_SET) && ++count)
			fd_setbit(x, fds[i].fd);
	}
	return count;
}

static long do_select(long nfds, long rp, long wp, long xp, uint64_t ns)
{
	uint64_t *r = (uint64_t *)rp, *w = (uint64_t *)wp, *x = (uint64_t *)xp;
	struct pollfd_k *fds;
	unsigned int n;
	long ret;

	if (nfds < 0 || nfds > fd_table_size())
		return -EINVAL;
	ret = sets_to_fds((int)nfds, r, w, x, &fds, &n);
	if (ret)
		return ret;
	ret = do_poll_fds(fds, n, ns);
	if (ret >= 0)
		ret = fds_to_sets(fds, n, (int)nfds, r, w, x);
	kfree(fds);
	return ret;
}

static long sys_select(long nfds, long r, long w, long x, long utv)
{
	struct timeval_k *tv = (struct timeval_k *)utv;
	uint64_t ns = UINT64_MAX, start = ktime_get_ns(), spent;
	long ret;

	if (tv) {
		if (tv->tv_sec < 0 || tv->tv_usec < 0 ||
		    tv->tv_usec >= 1000000)
			return -EINVAL;
		ns = (uint64_t)tv->tv_sec * 1000000000ull +
		     (uint64_t)tv->tv_usec * 1000ull;
	}
	ret = do_select(nfds, r, w, x, ns);
	if (tv && ret >= 0) {
		spent = ktime_get_ns() - start;
		ns = spent < ns ? ns - spent : 0;
		tv->tv_sec = (int64_t)(ns / 1000000000ull);
		tv->tv_usec = (int64_t)(ns % 1000000000ull / 1000ull);
	}
	return ret;
}
SYSCALL(select, "dpppp", sys_select);

/* The sixth argument is {sigmask, size}: the mask while it waits. */
static long sys_pselect6(long nfds, long r, long w, long x, long uts,
			 long sig)
{
	const unsigned long *ss = (const unsigned long *)sig;
	uint64_t ns;
	long err = timespec_to_ns((const struct timespec_k *)uts, &ns);

	if (!err && ss)
		err = signal_set_temp_mask((const void *)ss[0], ss[1]);
	if (err)
		return err;
	return do_select(nfds, r, w, x, ns);
}
SYSCALL(pselect6, "dppppp", sys_pselect6);
