/* SPDX-License-Identifier: MIT */
/*
 * Bringing the file tree up at the fs init level, in this order: mount
 * the root (CONFIG_LIBVFS_ROOT_FS, "ramfs" by default), unpack the
 * initrd into it, mount devfs at /dev, open fds 0, 1 and 2 on
 * /dev/console. Each step reports its own failure; later steps still run
 * where they can.
 *
 * Interface: none (an initcall).
 */
#include <pith/bootinfo.h>
#include <pith/init.h>
#include <pith/printk.h>
#include "vfs_internal.h"

#ifndef CONFIG_LIBVFS_ROOT_FS
#define CONFIG_LIBVFS_ROOT_FS "ramfs"
#endif

static int vfs_boot(void)
{
	const struct bootinfo *bi = bootinfo_get();
	int err = vfs_mount_root(CONFIG_LIBVFS_ROOT_FS);

	if (err) {
		pr_err("vfs: cannot mount the root (%s): error %d\n",
		       CONFIG_LIBVFS_ROOT_FS, err);
		return err;
	}
	if (bi->initrd_size)
		initrd_unpack((const void *)(uintptr_t)bi->initrd_start,
			      bi->initrd_size);
	err = devfs_mount_and_open_console();
	if (err)
		pr_err("vfs: /dev/console: error %d\n", err);
	return err;
}
fs_initcall(vfs_boot);
