/* SPDX-License-Identifier: MIT */
/*
 * Without lib/sched the program is one thread: its exit is the image's,
 * its tid is the pid, and it cannot make threads (clone says ENOSYS).
 */
#include <pith/syscall.h>
#include <pith/time.h>
#include "posix.h"
#include "signal.h"

SYSCALL(exit, "d", sys_exit_group);

static long sys_gettid(void)
{
	return 1;
}
SYSCALL(gettid, "", sys_gettid);

static long sys_set_tid_address(long ptr)
{
	return 1;
}
SYSCALL(set_tid_address, "p", sys_set_tid_address);

/* The one thread's signal state. */
LIST_HEAD(posix_threads);
static struct posix_thread single_thread;

void posix_app_start(void)
{
	signal_thread_init(&single_thread, NULL);
	single_thread.sig.app = true;
	list_add_tail(&single_thread.node, &posix_threads);
}

struct posix_thread *posix_current(void)
{
	return single_thread.sig.app ? &single_thread : NULL;
}

int posix_thread_tid(const struct posix_thread *pt)
{
	return 1;
}

/* Nothing sleeps without a scheduler. */
void posix_signal_wake(struct posix_thread *pt)
{
}
