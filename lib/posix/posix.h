/* SPDX-License-Identifier: MIT */
/* Private to lib/posix. */
#ifndef LIB_POSIX_PRIVATE_H
#define LIB_POSIX_PRIVATE_H

#include <stdbool.h>

struct syscall_args {
	long nr;
	long a[6];
};

extern const char *const syscall_names[];
extern const unsigned long syscall_names_count;

#ifdef CONFIG_LIBPOSIX_STRACE
extern bool strace_on;
void strace_enter(const struct syscall_args *r, const char *fmt);
void strace_exit(const struct syscall_args *r, long ret);
#else
#define strace_on false
static inline void strace_enter(const struct syscall_args *r, const char *f)
{
}
static inline void strace_exit(const struct syscall_args *r, long ret)
{
}
#endif

#endif
