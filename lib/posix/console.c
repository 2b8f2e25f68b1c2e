/* SPDX-License-Identifier: MIT */
/*
 * Standard input, output and error on the console, until lib/vfs gives
 * every descriptor a file: read, write, writev and the terminal ioctls
 * musl asks (TIOCGWINSZ decides whether stdout is line-buffered).
 */
#include <stdint.h>
#include <pith/errno.h>
#include <pith/plat.h>
#include <pith/syscall.h>

#define TIOCGWINSZ	0x5413

struct iovec_k {
	void *base;
	unsigned long len;
};

struct winsize_k {
	unsigned short row, col, xpixel, ypixel;
};

static long sys_write(long fd, long buf, long len)
{
	if (fd != 1 && fd != 2)
		return -EBADF;
	if (len < 0)
		return -EINVAL;
	plat_console_write((const char *)buf, len);
	return len;
}
SYSCALL(write, "dbu", sys_write);

static long sys_writev(long fd, long iov, long cnt)
{
	const struct iovec_k *v = (const struct iovec_k *)iov;
	long total = 0;

	if (cnt < 0 || cnt > 1024)
		return -EINVAL;
	for (long i = 0; i < cnt; i++) {
		long n = sys_write(fd, (long)v[i].base, v[i].len);

		if (n < 0)
			return total ? total : n;
		total += n;
	}
	return total;
}
SYSCALL(writev, "dpd", sys_writev);

static long sys_read(long fd, long buf, long len)
{
	char *p = (char *)buf;
	long n = 0;
	int c;

	if (fd != 0)
		return -EBADF;
	/* Blocking read of at least one byte, up to a newline. */
	while (n < len) {
		c = plat_console_getc();
		if (c < 0) {
			if (n)
				break;
			__asm__ __volatile__("pause");
			continue;
		}
		p[n++] = c == '\r' ? '\n' : (char)c;
		if (p[n - 1] == '\n')
			break;
	}
	return n;
}
SYSCALL(read, "dpu", sys_read);

static long sys_ioctl(long fd, long req, long arg)
{
	if (fd < 0 || fd > 2)
		return -EBADF;
	if (req != TIOCGWINSZ)
		return -ENOTTY;
	*(struct winsize_k *)arg = (struct winsize_k){ 24, 80, 0, 0 };
	return 0;
}
SYSCALL(ioctl, "dxp", sys_ioctl);
