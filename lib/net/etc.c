// SPDX-License-Identifier: MIT
/*
 * The files musl's resolver reads, so getaddrinfo works in the app
 * (musl sends its own DNS queries over UDP sockets; lwIP's DNS client is
 * not in that path):
 *   /etc/resolv.conf   "nameserver ADDR" from netdev.dns=, else the DNS
 *                      servers DHCP gave (rewritten when they change)
 *   /etc/hosts         localhost for 127.0.0.1 and ::1
 * Written into the root file system at the net init level (after the
 * initrd is unpacked), each only when the root file system does not
 * already have it: an app's rootfs/etc/ wins, and then DHCP does not
 * touch it either.
 *
 * Interface (net.h): net_etc_files, net_etc_dhcp_dns.
 */
#include <lwip/dns.h>
#include <pith/errno.h>
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/sched.h>
#include <pith/string.h>
#include <pith/vfs.h>
#include "net.h"

#define RESOLV_CONF	"/etc/resolv.conf"
#define CONF_MAX	(DNS_MAX_SERVERS * 60)

static const char hosts[] = "127.0.0.1\tlocalhost\n::1\tlocalhost\n";
/* Ours to rewrite (the root file system had none); the core lock. */
static bool conf_ours;
static char conf_last[CONF_MAX];

/* Write path with text; flags O_EXCL (only if new) or O_TRUNC. */
static int write_file(const char *path, const char *text, size_t len,
		      int flags)
{
	struct file *f;
	long n;
	int err = vfs_open(AT_FDCWD, path, O_CREAT | O_WRONLY | flags, 0644,
			   &f);

	if (err)
		return err;
	n = vfs_write(f, text, len);
	fput(f);
	return n == (long)len ? 0 : n < 0 ? (int)n : -ENOSPC;
}

void net_etc_files(const char *dns)
{
	struct kstat st;
	int err, n;

	err = vfs_mkdir(AT_FDCWD, "/etc", 0755);
	if (err && err != -EEXIST)
		return;		/* no writable root: nothing to do */
	err = write_file("/etc/hosts", hosts, sizeof(hosts) - 1, O_EXCL);
	if (err && err != -EEXIST)
		pr_warn("net: cannot write /etc/hosts (%d)\n", err);
	if (!dns || !dns[0]) {
		conf_ours = vfs_stat(AT_FDCWD, RESOLV_CONF, 0, &st) == -ENOENT;
		return;
	}
	n = ksnprintf(conf_last, sizeof(conf_last), "nameserver %s\n", dns);
	err = write_file(RESOLV_CONF, conf_last, (size_t)n, O_EXCL);
	if (err && err != -EEXIST)
		pr_warn("net: cannot write %s (%d)\n", RESOLV_CONF, err);
}

/* A thread of its own: the caller holds lwIP's core lock, and file
 * system calls must not be made under it. */
static int write_conf(void *text)
{
	int err = write_file(RESOLV_CONF, text, kstrlen(text), O_TRUNC);

	if (err)
		pr_warn("net: cannot write %s (%d)\n", RESOLV_CONF, err);
	kfree(text);
	return 0;
}

void net_etc_dhcp_dns(void)
{
	char conf[CONF_MAX], a[48], *copy;
	size_t n = 0;

	if (!conf_ours)
		return;
	for (u8_t i = 0; i < DNS_MAX_SERVERS; i++) {
		const ip_addr_t *s = dns_getserver(i);

		if (ip_addr_isany(s) || !ipaddr_ntoa_r(s, a, sizeof(a)))
			continue;
		n += (size_t)ksnprintf(conf + n, sizeof(conf) - n,
				       "nameserver %s\n", a);
	}
	if (!n || !kstrcmp(conf, conf_last))
		return;
	kstrlcpy(conf_last, conf, sizeof(conf_last));
	copy = kmalloc(n + 1, GFP_KERNEL);
	if (!copy)
		return;
	kstrlcpy(copy, conf, n + 1);
	if (!kthread_run(write_conf, copy, "resolv.conf"))
		kfree(copy);
}
