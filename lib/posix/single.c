/* SPDX-License-Identifier: MIT */
/*
 * Without lib/sched the program is one thread: its exit is the image's,
 * its tid is the pid, and it cannot make threads (clone says ENOSYS).
 */
#include <pith/syscall.h>
#include <pith/time.h>
#include "posix.h"

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
