/* SPDX-License-Identifier: MIT */
/*
 * shutdown(2) for images without lib/net, whose only sockets are
 * socketpair's AF_UNIX pairs. With lib/net selected its socket layer
 * answers shutdown and calls unix_shutdown() for these files itself.
 *
 * Interface: SYSCALL() registration only.
 */
#include <pith/syscall.h>
#include "vfs_internal.h"

static long sys_shutdown(long fd, long how)
{
	struct file *f = fget((int)fd);
	long err;

	if (!f)
		return -EBADF;
	err = unix_shutdown(f, (int)how);
	fput(f);
	return err;
}
SYSCALL(shutdown, "dd", sys_shutdown);
