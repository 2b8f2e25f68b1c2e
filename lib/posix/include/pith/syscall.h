/* SPDX-License-Identifier: MIT */
/*
 * The system-call table. musl's `syscall` instructions land, in ring 0,
 * on one table indexed by Linux x86-64 numbers (NR_* from the generated
 * <generated/syscall_nr.h>, made from musl's own list at build time).
 * Libraries add their calls where they implement them; lib/posix never
 * names them:
 *
 *   static long sys_getpid(void) { return 1; }
 *   SYSCALL(getpid, "", sys_getpid);
 *
 * A handler takes up to six longs and returns a value or -errno. The
 * format string tells strace=1 how to print each argument:
 *   d int   u unsigned   x hex   p pointer   s C string
 *   b buffer whose length is the next argument   o open flags (as hex)
 * A number without a handler returns -ENOSYS and is logged once.
 */
#ifndef PITH_SYSCALL_H
#define PITH_SYSCALL_H

#include <stdbool.h>
#include <pith/compiler.h>
#include <generated/syscall_nr.h>

typedef long (*syscall_fn_t)(long, long, long, long, long, long);

struct syscall_def {
	int nr;
	const char *name;
	const char *fmt;
	syscall_fn_t fn;
	bool frame;		/* fn takes the whole frame (clone) */
};

#define SYSCALL(sname, sfmt, sfn)					\
	static const struct syscall_def __syscall_##sname __used	\
	__section(".syscalls") __aligned(8) = {				\
		NR_##sname, #sname, sfmt, (syscall_fn_t)(void *)(sfn), false \
	}

/* For handlers that need the caller's registers (clone): fn receives a
 * pointer to the saved frame as its only argument. */
#define SYSCALL_FRAME(sname, sfmt, sfn)					\
	static const struct syscall_def __syscall_##sname __used	\
	__section(".syscalls") __aligned(8) = {				\
		NR_##sname, #sname, sfmt, (syscall_fn_t)(void *)(sfn), true \
	}

/* The name of a system call number, or NULL. */
const char *syscall_name(unsigned long nr);

#endif
