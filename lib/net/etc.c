// SPDX-License-Identifier: MIT
/*
 * The files musl's resolver reads, so getaddrinfo works in the app
 * (musl sends its own DNS queries over UDP sockets; lwIP's DNS client is
 * not in that path):
 *   /etc/resolv.conf   "nameserver ADDR" from netdev.dns=
 *   /etc/hosts         localhost for 127.0.0.1 and ::1
 * Written into the root file system at the net init level (after the
 * initrd is unpacked), each only when the root file system does not
 * already have it: an app's rootfs/etc/ wins. Written once; DNS servers
 * learnt later from DHCP stay lwIP's own.
 *
 * Interface (net.h): net_etc_files.
 */
#include <pith/errno.h>
#include <pith/printk.h>
#include <pith/string.h>
#include <pith/vfs.h>
#include "net.h"

static const char hosts[] = "127.0.0.1\tlocalhost\n::1\tlocalhost\n";

/* Create path with text unless it exists; 0, -EEXIST or -errno. */
static int write_new(const char *path, const char *text, size_t len)
{
	struct file *f;
	long n;
	int err = vfs_open(AT_FDCWD, path, O_CREAT | O_EXCL | O_WRONLY, 0644,
			   &f);

	if (err)
		return err;
	n = vfs_write(f, text, len);
	fput(f);
	return n == (long)len ? 0 : n < 0 ? (int)n : -ENOSPC;
}

void net_etc_files(const char *dns)
{
	char conf[64];
	int err, n;

	err = vfs_mkdir(AT_FDCWD, "/etc", 0755);
	if (err && err != -EEXIST)
		return;		/* no writable root: nothing to do */
	err = write_new("/etc/hosts", hosts, sizeof(hosts) - 1);
	if (err && err != -EEXIST)
		pr_warn("net: cannot write /etc/hosts (%d)\n", err);
	if (!dns || !dns[0])
		return;
	n = ksnprintf(conf, sizeof(conf), "nameserver %s\n", dns);
	err = write_new("/etc/resolv.conf", conf, (size_t)n);
	if (err && err != -EEXIST)
		pr_warn("net: cannot write /etc/resolv.conf (%d)\n", err);
}
