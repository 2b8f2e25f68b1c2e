/* SPDX-License-Identifier: MIT */
/* Private to lib/posix. */
#ifndef LIB_POSIX_PRIVATE_H
#define LIB_POSIX_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pith/clock.h>

/* The frame entry.S builds, lowest address first. */
struct syscall_args {
	long nr;
	long a[6];
	long rbp, rflags, rip;	/* the caller's, for clone */
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

long sys_exit_group(long status);
void signal_raise_async(int sig);
void signal_check_pending(void);
bool signal_is_pending(void);
#ifdef CONFIG_LIBSCHED
void signal_wake_sleepers(void);
#else
static inline void signal_wake_sleepers(void)
{
}
#endif
int clock_read(long id, uint64_t *ns);
void posix_random_bytes(void *buf, size_t n);

#ifdef CONFIG_LIBSCHED
uint64_t posix_cputime_ns(bool thread_only);
int posix_tid(void);
#else
static inline uint64_t posix_cputime_ns(bool thread_only)
{
	return clock_ns();
}

static inline int posix_tid(void)
{
	return 1;
}
#endif

#endif
