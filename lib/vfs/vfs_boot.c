/* SPDX-License-Identifier: MIT */
/*
 * Bringing the file tree up at the fs init level, in this order: mount
 * the root, unpack the initrd into it, mount devfs at /dev, open fds 0,
 * 1 and 2 on /dev/console, then the mount= file systems. Each step
 * reports its own failure; later steps still run where they can.
 *
 * Kernel parameters:
 *   root=DEV rootfstype=TYPE [rootflags=ro]
 *       the root on a device (e.g. root=vblk0 rootfstype=ext2) instead
 *       of CONFIG_LIBVFS_ROOT_FS; rootfstype defaults to ext2. An initrd
 *       is then ignored (a log line says so): the disk is the root's
 *       content. When the disk cannot be mounted, the root falls back to
 *       CONFIG_LIBVFS_ROOT_FS (with the initrd) and boot goes on.
 *   mount=DEV:/PATH:TYPE[:ro]   (repeatable, up to VFS_BOOT_MOUNTS)
 *       mounted after the root and /dev, the mount point made (with its
 *       parents) when missing; a failure is logged and boot goes on.
 *
 * Power-off: a lib/core shutdown hook unmounts (or syncs) every mount.
 *
 * Interface: none (an initcall and parameters).
 */
#include <pith/bootinfo.h>
#include <pith/init.h>
#include <pith/kernel.h>
#include <pith/param.h>
#include <pith/printk.h>
#include <pith/string.h>
#include "vfs_internal.h"

#ifndef CONFIG_LIBVFS_ROOT_FS
#define CONFIG_LIBVFS_ROOT_FS "ramfs"
#endif

#define VFS_BOOT_MOUNTS		8
#define VFS_BOOT_MOUNT_LEN	128

static char root_dev[32];
static char root_type[16] = "ext2";
static char root_flags[16];
param_string("root", root_dev, "root device, e.g. vblk0 (default: ramfs)");
param_string("rootfstype", root_type, "file system of root= (ext2)");
param_string("rootflags", root_flags, "ro: mount root= read-only");

static char boot_mounts[VFS_BOOT_MOUNTS][VFS_BOOT_MOUNT_LEN];
static int nr_boot_mounts;

/* Parameters are applied before memory is up: keep the text. */
static int param_mount(const struct kernel_param *kp, const char *val)
{
	if (!val || kstrlen(val) >= VFS_BOOT_MOUNT_LEN ||
	    nr_boot_mounts == VFS_BOOT_MOUNTS)
		return -EINVAL;
	kstrlcpy(boot_mounts[nr_boot_mounts++], val, VFS_BOOT_MOUNT_LEN);
	return 0;
}
param_custom("mount", param_mount, NULL,
	     "DEV:/PATH:TYPE[:ro], repeatable: mount a disk at boot");

/* mkdir -p path (in place: slashes are put back). */
static int make_dirs(char *path)
{
	int err = 0;

	for (char *p = path + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = 0;
		err = vfs_mkdir(AT_FDCWD, path, 0755);
		*p = c;
		if (err && err != -EEXIST)
			return err;
		if (!c)
			return 0;
	}
}

static void boot_mount(char *spec)
{
	char *dev = spec, *path, *type, *opt;
	int flags = 0, err;

	path = kstrchr(dev, ':');
	type = path ? kstrchr(path + 1, ':') : NULL;
	if (!type || path[1] != '/') {
		pr_err("vfs: mount=%s: want DEV:/PATH:TYPE[:ro]\n", spec);
		return;
	}
	*path++ = 0;
	*type++ = 0;
	opt = kstrchr(type, ':');
	if (opt) {
		*opt++ = 0;
		if (kstrcmp(opt, "ro")) {
			pr_err("vfs: mount %s: unknown option '%s'\n", dev, opt);
			return;
		}
		flags |= MS_RDONLY;
	}
	err = make_dirs(path);
	if (!err)
		err = vfs_mount_source(dev, path, type, flags, NULL);
	if (err)
		pr_err("vfs: cannot mount %s (%s) on %s: error %d\n", dev, type,
		       path, err);
	else
		pr_info("vfs: %s (%s) mounted on %s%s\n", dev, type, path,
			flags ? " read-only" : "");
}

/* 1: the root is on a disk; 0: the default root; -errno: none. */
static int mount_root(void)
{
	int flags = kstrcmp(root_flags, "ro") ? 0 : MS_RDONLY;
	int err;

	if (root_dev[0]) {
		err = vfs_mount_root_source(root_dev, root_type, flags);
		if (!err) {
			pr_info("vfs: root is %s (%s%s)\n", root_dev, root_type,
				flags ? ", read-only" : "");
			return 1;
		}
		pr_err("vfs: cannot mount the root %s (%s): error %d; falling back to %s\n",
		       root_dev, root_type, err, CONFIG_LIBVFS_ROOT_FS);
	}
	err = vfs_mount_root(CONFIG_LIBVFS_ROOT_FS);
	if (err)
		pr_err("vfs: cannot mount the root (%s): error %d\n",
		       CONFIG_LIBVFS_ROOT_FS, err);
	return err;
}

static void vfs_shutdown(struct shutdown_hook *h)
{
	vfs_shutdown_mounts();
}

static struct shutdown_hook vfs_shutdown_hook = {
	.name = "vfs",
	.fn = vfs_shutdown,
};

static int vfs_boot(void)
{
	const struct bootinfo *bi = bootinfo_get();
	int on_disk, err;

	shutdown_hook_add(&vfs_shutdown_hook);
	on_disk = mount_root();
	if (on_disk < 0)
		return on_disk;
	if (bi->initrd_size && on_disk)
		pr_warn("vfs: initrd ignored: the root is %s\n", root_dev);
	else if (bi->initrd_size)
		initrd_unpack((const void *)(uintptr_t)bi->initrd_start,
			      bi->initrd_size);
	err = devfs_mount_and_open_console();
	if (err)
		pr_err("vfs: /dev/console: error %d\n", err);
	for (int i = 0; i < nr_boot_mounts; i++)
		boot_mount(boot_mounts[i]);
	return err;
}
fs_initcall(vfs_boot);
