/* SPDX-License-Identifier: MIT */
/*
 * devfs, mounted at /dev: the console (serial input and output; fds 0-2
 * are opened on it before the app starts; input comes by the UART's
 * receive interrupt, so readers and pollers sleep on console_wq), tty
 * (the same device), null, zero, full, random and urandom. Devices are character-device inodes
 * in a dentry-cache directory whose file operations are the driver's.
 *
 * random/urandom read RDSEED/RDRAND when the CPU has them, else a
 * xorshift generator seeded from the TSC: NOT a CSPRNG yet.
 *
 * Interface: the "devfs" file system type; devfs_mount_and_open_console()
 * at the fs level (vfs_boot.c).
 */
#include <pith/cpu.h>
#include <pith/io.h>
#include <pith/mm.h>
#include <pith/plat.h>
#include <pith/sched.h>
#include <pith/wait.h>
#include <pith/string.h>
#include "vfs_internal.h"

#define TCGETS		0x5401
#define TIOCGWINSZ	0x5413
#define TIOCSWINSZ	0x5414

struct winsize_k {
	unsigned short row, col, xpixel, ypixel;
};

static int console_pending = -1;	/* a byte poll saw, not yet read */
static DECLARE_WAIT_QUEUE_HEAD(console_wq);	/* readers, pollers */
static bool console_irq;		/* input arrives by interrupt */

static int console_getc(void)
{
	int c = console_pending;

	if (c >= 0) {
		console_pending = -1;
		return c;
	}
	return plat_console_getc();
}

/* Interrupt context: serial input arrived. */
static void console_rx_notify(void)
{
	wake_up_poll(&console_wq, POLLIN_K | POLLRDNORM_K);
}

static bool console_has_input(void)
{
	if (console_pending < 0)
		console_pending = plat_console_getc();
	return console_pending >= 0;
}

/* Sleep until input (by interrupt), or yield once (polled UART). */
static void console_wait(void)
{
	if (console_irq) {
		wait_event(console_wq, console_has_input());
		return;
	}
	yield();
	cpu_relax();
}

/* Blocking read up to a newline (a cooked line); with a polled UART or
 * O_NONBLOCK, of what has arrived so far (at least one byte). */
static long console_read(struct file *f, void *buf, size_t len, loff_t *pos)
{
	char *p = buf;
	size_t n = 0;
	int c;

	while (n < len) {
		c = console_getc();
		if (c < 0) {
			if (n && (!console_irq || (f->f_flags & O_NONBLOCK)))
				break;
			if (f->f_flags & O_NONBLOCK)
				return -EAGAIN;
			console_wait();
			continue;
		}
		p[n++] = c == '\r' ? '\n' : (char)c;
		if (p[n - 1] == '\n')
			break;
	}
	return (long)n;
}

static long console_write(struct file *f, const void *buf, size_t len,
			  loff_t *pos)
{
	plat_console_write(buf, len);
	return (long)len;
}

static long console_ioctl(struct file *f, unsigned int cmd,
			  unsigned long arg)
{
	switch (cmd) {
	case TIOCGWINSZ:
		*(struct winsize_k *)arg = (struct winsize_k){ 24, 80, 0, 0 };
		return 0;
	case TIOCSWINSZ:
		return 0;
	case TCGETS:
		/* termios: report a plain terminal, all zeros but CS8/CREAD */
		memset((void *)arg, 0, 60);
		((uint32_t *)arg)[2] = 0x30 | 0x80;
		return 0;
	default:
		return -ENOTTY;
	}
}

static unsigned int console_poll(struct file *f, struct poll_table_struct *pt)
{
	poll_wait(f, &console_wq, pt);
	return POLLOUT_K | POLLWRNORM_K |
	       (console_has_input() ? POLLIN_K | POLLRDNORM_K : 0);
}

static const struct file_operations console_fops = {
	.read = console_read,
	.write = console_write,
	.ioctl = console_ioctl,
	.poll = console_poll,
};

static long null_read(struct file *f, void *buf, size_t len, loff_t *pos)
{
	return 0;
}

static long null_write(struct file *f, const void *buf, size_t len,
		       loff_t *pos)
{
	return (long)len;
}

static long zero_read(struct file *f, void *buf, size_t len, loff_t *pos)
{
	memset(buf, 0, len);
	return (long)len;
}

static long full_write(struct file *f, const void *buf, size_t len,
		       loff_t *pos)
{
	return -ENOSPC;
}

static loff_t dev_llseek(struct file *f, loff_t off, int whence)
{
	return f->f_pos = 0;
}

static unsigned int always_ready(struct file *f, struct poll_table_struct *pt)
{
	return POLLIN_K | POLLOUT_K | POLLRDNORM_K | POLLWRNORM_K;
}

static uint64_t xorshift_state;

static void weak_random(uint8_t *p, size_t n)
{
	if (!xorshift_state)
		xorshift_state = rdtsc() | 1;
	for (size_t i = 0; i < n; i++) {
		xorshift_state ^= xorshift_state << 13;
		xorshift_state ^= xorshift_state >> 7;
		xorshift_state ^= xorshift_state << 17;
		p[i] = (uint8_t)(xorshift_state >> 24);
	}
}

static long random_read(struct file *f, void *buf, size_t len, loff_t *pos)
{
	size_t done = 0;

	while (done < len) {
		unsigned int n = (unsigned int)MIN(len - done, 4096);

		if (!cpu_random_bytes((char *)buf + done, n))
			weak_random((uint8_t *)buf + done, n);
		done += n;
	}
	return (long)len;
}

#define DEV_FOPS(nm, rd, wr)						\
	static const struct file_operations nm = {			\
		.read = rd, .write = wr, .llseek = dev_llseek,		\
		.poll = always_ready,					\
	}
DEV_FOPS(null_fops, null_read, null_write);
static const struct file_operations zero_fops = {
	.read = zero_read, .write = null_write, .llseek = dev_llseek,
	.poll = always_ready, .mmap = zero_mmap,
};
DEV_FOPS(full_fops, zero_read, full_write);
DEV_FOPS(random_fops, random_read, null_write);

static const struct {
	const char *name;
	unsigned int major, minor;
	const struct file_operations *fops;
} devices[] = {
	{ "console", 5, 1, &console_fops },
	{ "tty", 5, 0, &console_fops },
	{ "null", 1, 3, &null_fops },
	{ "zero", 1, 5, &zero_fops },
	{ "full", 1, 7, &full_fops },
	{ "random", 1, 8, &random_fops },
	{ "urandom", 1, 9, &random_fops },
};

static const struct inode_operations devfs_dir_iops = {
	.lookup = simple_lookup,
};

static const struct inode_operations devfs_node_iops = {
	.setattr = simple_setattr,
};

/* The root's lock, as for any new name (nobody else sees it yet). */
static int devfs_add(struct super_block *sb, unsigned int i)
{
	struct inode *dir = sb->s_root->d_inode;
	struct inode *inode = new_inode(sb, S_IFCHR | 0666);
	struct dentry *d;

	inode_lock(dir);
	d = d_alloc(sb->s_root, devices[i].name, kstrlen(devices[i].name), 0);
	if (!d || !inode) {
		inode_unlock(dir);
		dput(d);
		iput(inode);
		return -ENOMEM;
	}
	inode->i_fop = devices[i].fops;
	inode->i_rdev = (devices[i].major << 8) | devices[i].minor;
	inode->i_op = &devfs_node_iops;
	d_instantiate(d, inode);
	inode_unlock(dir);
	dput(d);		/* the cache keeps the positive dentry */
	return 0;
}

static struct super_block *devfs_mount(struct file_system_type *fs,
				       int flags, const void *data)
{
	struct super_block *sb = sget(fs, NULL);
	struct inode *root;

	if (!sb)
		return ERR_PTR(-ENOMEM);
	root = new_inode(sb, S_IFDIR | 0755);
	if (!root || !(sb->s_root = d_alloc_root(sb, root))) {
		iput(root);
		kfree(sb);
		return ERR_PTR(-ENOMEM);
	}
	root->i_nlink = 2;
	root->i_op = &devfs_dir_iops;
	root->i_fop = &simple_dir_operations;
	for (unsigned int i = 0; i < ARRAY_SIZE(devices); i++)
		if (devfs_add(sb, i))
			return ERR_PTR(-ENOMEM);
	return sb;
}

static struct file_system_type devfs_type = {
	.name = "devfs",
	.mount = devfs_mount,
};

int devfs_mount_and_open_console(void)
{
	struct file *f;
	int err = register_filesystem(&devfs_type);

	if (!err)
		err = vfs_mkdir(AT_FDCWD, "/dev", 0755);
	if (!err || err == -EEXIST)
		err = vfs_mount("/dev", "devfs", 0, NULL);
	if (err)
		return err;
	for (int fd = 0; fd < 3; fd++) {
		err = vfs_open(AT_FDCWD, "/dev/console", O_RDWR, 0, &f);
		if (err)
			return err;
		if (fd_alloc(fd, f, false) != fd) {
			fput(f);
			return -EBUSY;
		}
	}
	console_irq = plat_console_rx_irq(console_rx_notify) == 0;
	return 0;
}
