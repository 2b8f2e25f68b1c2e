/* SPDX-License-Identifier: MIT */
/*
 * Typed kernel command-line parameters, declared next to the code that
 * uses them. The command line is "kernel params -- app args"; a kernel
 * parameter is name=value or a bare name (a bool flag). Values may be
 * quoted: name="a b". An unknown name or a bad value prints a warning and
 * boot goes on with the default. env.NAME=value adds NAME to the app's
 * environment.
 *
 * Interface:
 *   static int loglevel = 6;
 *   param_int("loglevel", loglevel, 0, 7, "console log level");
 *   param_bool("strace", strace_on, "print every system call");
 *   param_string("netdev.ip", ip_buf, "address/prefix");  (char array)
 *   param_custom("mount", parse_mount, NULL, "dev:path:fs");
 * Parameters are set before paging and interrupts are up, in the order
 * they appear; the last one wins.
 */
#ifndef PITH_PARAM_H
#define PITH_PARAM_H

#include <stddef.h>
#include <pith/compiler.h>

struct kernel_param {
	const char *name;
	/* 0, or -EINVAL with the value left as it was */
	int (*set)(const struct kernel_param *kp, const char *val);
	void *var;
	long min, max;		/* for ints; size for strings */
	const char *help;
};

int param_set_int(const struct kernel_param *kp, const char *val);
int param_set_bool(const struct kernel_param *kp, const char *val);
int param_set_string(const struct kernel_param *kp, const char *val);

#define __param(pname, setfn, pvar, pmin, pmax, phelp)			\
	static const struct kernel_param __used				\
	__section(".kernel_params") __aligned(8)			\
	__UNIQUE_PARAM(__param_) = { pname, setfn, pvar, pmin, pmax, phelp }
#define __UNIQUE_PARAM_2(p, n) p##n
#define __UNIQUE_PARAM_1(p, n) __UNIQUE_PARAM_2(p, n)
#define __UNIQUE_PARAM(p) __UNIQUE_PARAM_1(p, __COUNTER__)

#define param_int(name, var, min, max, help) \
	__param(name, param_set_int, &(var), min, max, help)
#define param_bool(name, var, help) \
	__param(name, param_set_bool, &(var), 0, 1, help)
#define param_string(name, var, help) \
	__param(name, param_set_string, var, 0, sizeof(var), help)
#define param_custom(name, fn, arg, help) \
	__param(name, fn, arg, 0, 0, help)

#endif
