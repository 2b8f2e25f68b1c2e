/* SPDX-License-Identifier: MIT */
/*
 * strace=1: every system call printed as strace(1) prints it,
 * "write(1, "hi\n", 3) = 3", with errors as "= -1 ENOENT (2)".
 */
#include <stdbool.h>
#include <pith/param.h>
#include <pith/printk.h>
#include <pith/syscall.h>
#include "posix.h"

bool strace_on;
param_bool("strace", strace_on, "print every system call (1 or 0)");

static const char *const errnames[] = {
	[1] = "EPERM", [2] = "ENOENT", [4] = "EINTR", [5] = "EIO",
	[9] = "EBADF", [11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES",
	[14] = "EFAULT", [16] = "EBUSY", [17] = "EEXIST", [20] = "ENOTDIR",
	[21] = "EISDIR", [22] = "EINVAL", [24] = "EMFILE", [25] = "ENOTTY",
	[28] = "ENOSPC", [29] = "ESPIPE", [32] = "EPIPE", [38] = "ENOSYS",
	[110] = "ETIMEDOUT",
};

static void print_buf(const char *p, long len)
{
	char out[48];
	int n = 0;

	for (long i = 0; i < len && i < 32 && n < 40; i++) {
		char c = p[i];

		if (c == '\n' || c == '\t' || c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = c == '\n' ? 'n' : c == '\t' ? 't' : c;
		} else {
			out[n++] = c >= 32 && c < 127 ? c : '.';
		}
	}
	out[n] = 0;
	printk(LOGLEVEL_EMERG, "\"%s\"%s", out, len > 32 ? "..." : "");
}

void strace_enter(const struct syscall_args *r, const char *fmt)
{
	const char *name = syscall_name(r->nr);

	if (name)
		printk(LOGLEVEL_EMERG, "%s(", name);
	else
		printk(LOGLEVEL_EMERG, "syscall_%ld(", r->nr);
	for (int i = 0; fmt[i] && i < 6; i++) {
		long a = r->a[i];

		if (i)
			printk(LOGLEVEL_EMERG, ", ");
		if (fmt[i] == 'd')
			printk(LOGLEVEL_EMERG, "%d", (int)a);
		else if (fmt[i] == 'u')
			printk(LOGLEVEL_EMERG, "%lu", (unsigned long)a);
		else if (fmt[i] == 's')
			printk(LOGLEVEL_EMERG, "\"%.64s\"", a ? (char *)a : "");
		else if (fmt[i] == 'b')
			print_buf((const char *)a, i < 5 ? r->a[i + 1] : 0);
		else
			printk(LOGLEVEL_EMERG, "%#lx", (unsigned long)a);
	}
	printk(LOGLEVEL_EMERG, ")");
}

void strace_exit(const struct syscall_args *r, long ret)
{
	if (ret < 0 && ret >= -4095) {
		long e = -ret;
		const char *n = e < (long)ARRAY_SIZE(errnames) ? errnames[e] : 0;

		printk(LOGLEVEL_EMERG, " = -1 %s (%ld)\n", n ? n : "E?", e);
	} else {
		printk(LOGLEVEL_EMERG, " = %ld\n", ret);
	}
}
