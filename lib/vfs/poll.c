/* SPDX-License-Identifier: MIT */
/*
 * Readiness plumbing shared by every file kind. poll/epoll themselves are
 * not here yet; a file's poll op calls poll_wait() on its wait queues so
 * that they can be added without touching the files.
 *
 * Interface: poll_wait(file, wq, pt) (a no-op while pt is NULL).
 */
#include "vfs_internal.h"

void poll_wait(struct file *f, struct wait_queue_head *wq,
	       struct poll_table_struct *pt)
{
}
