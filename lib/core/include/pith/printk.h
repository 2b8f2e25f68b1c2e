/* SPDX-License-Identifier: MIT */
/*
 * Kernel log and fatal errors.
 *
 * Interface:
 *   pr_err/pr_warn/pr_notice/pr_info/pr_debug(fmt, ...)
 *                          log at a level; messages above the loglevel=
 *                          parameter are dropped (default: info). Notice
 *                          is for the few lines a quiet boot still shows
 *                          (the address, the boot time).
 *   panic(fmt, ...)        a broken invariant: message, registers, backtrace,
 *                          power off non-zero. Never returns.
 *   BUG_ON(cond)           panic when cond holds
 *   WARN_ON(cond)          log file:line and a backtrace once per site,
 *                          evaluates to cond
 *
 * printk may be called from any context, interrupts included; it writes
 * straight to the console (COM1) with interrupts disabled.
 */
#ifndef PITH_PRINTK_H
#define PITH_PRINTK_H

#include <stdarg.h>
#include <stddef.h>
#include <pith/compiler.h>

#define LOGLEVEL_EMERG	0
#define LOGLEVEL_ERR	3
#define LOGLEVEL_WARN	4
#define LOGLEVEL_NOTICE	5
#define LOGLEVEL_INFO	6
#define LOGLEVEL_DEBUG	7

/* Format into buf (at most size bytes, NUL-terminated); returns the length
 * the full output would have had, like vsnprintf. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__printf(3, 4) int ksnprintf(char *buf, size_t size, const char *fmt, ...);

#ifdef PITH_HOST_TEST
/* Host unit tests: the same macros, on the host's stdio. */
#include <stdio.h>
#include <stdlib.h>
#define printk(level, ...)	((void)(level), fprintf(stderr, __VA_ARGS__))
#define panic(...)	(fprintf(stderr, "panic: " __VA_ARGS__), abort())
#else
__printf(2, 3) void printk(int level, const char *fmt, ...);
void vprintk(int level, const char *fmt, va_list ap);
__printf(1, 2) __noreturn void panic(const char *fmt, ...);
void __warn(const char *file, int line, const char *cond);
extern int console_loglevel;
#endif

#define pr_err(...)	printk(LOGLEVEL_ERR, __VA_ARGS__)
#define pr_warn(...)	printk(LOGLEVEL_WARN, __VA_ARGS__)
#define pr_notice(...)	printk(LOGLEVEL_NOTICE, __VA_ARGS__)
#define pr_info(...)	printk(LOGLEVEL_INFO, __VA_ARGS__)
#define pr_debug(...)	printk(LOGLEVEL_DEBUG, __VA_ARGS__)

#define BUG_ON(cond)							\
	do {								\
		if (unlikely(cond))					\
			panic("BUG_ON(%s) at %s:%d\n", #cond,		\
			      __FILE__, __LINE__);			\
	} while (0)

#ifdef PITH_HOST_TEST
#define WARN_ON(cond) ({						\
	int __c = !!(cond);						\
	if (unlikely(__c))						\
		fprintf(stderr, "WARN_ON(%s) at %s:%d\n", #cond,	\
			__FILE__, __LINE__);				\
	__c; })
#else
#define WARN_ON(cond) ({						\
	int __c = !!(cond);						\
	static int __warned;						\
	if (unlikely(__c) && !__warned) {				\
		__warned = 1;						\
		__warn(__FILE__, __LINE__, #cond);			\
	}								\
	__c; })
#endif

#endif
