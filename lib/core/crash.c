/* SPDX-License-Identifier: MIT */
/*
 * test.crash=null|ud|stack|panic|div: a deliberate fault at the end of
 * boot, so tests can check the crash report (registers, the named
 * faulting function, the exit status). Built only with
 * CONFIG_LIBCORE_DEBUG_CRASH; never in a production image.
 */
#include <pith/param.h>
#include <pith/printk.h>
#include <pith/string.h>
#include "core.h"

static char crash_kind[16];
param_string("test.crash", crash_kind,
	     "deliberate fault: null, ud, stack, panic or div");

static volatile int *volatile null_ptr;

static __noinline void crash_null(void)
{
	*null_ptr = 1;
}

static __noinline void crash_ud(void)
{
	__asm__ __volatile__("ud2");
}

static volatile int depth_sink;
static volatile int depth_limit = 1 << 30;	/* never reached */

static __noinline int crash_stack(int depth)
{
	volatile char pad[512];

	pad[0] = (char)depth;
	depth_sink = pad[0];
	if (depth < depth_limit)
		return crash_stack(depth + 1) + pad[0];
	return 0;
}

static __noinline void crash_div(void)
{
	volatile int zero = 0;

	depth_sink = 1000 / zero;	/* (1 / x is folded to a compare) */
}

void crash_test_run(void)
{
	if (!crash_kind[0])
		return;
	pr_info("test.crash=%s: faulting on purpose\n", crash_kind);
	if (!kstrcmp(crash_kind, "null"))
		crash_null();
	else if (!kstrcmp(crash_kind, "ud"))
		crash_ud();
	else if (!kstrcmp(crash_kind, "stack"))
		crash_stack(0);
	else if (!kstrcmp(crash_kind, "div"))
		crash_div();
	else if (!kstrcmp(crash_kind, "panic"))
		panic("test.crash=panic\n");
	else
		pr_warn("test.crash: unknown kind '%s'\n", crash_kind);
	/* Also keeps the calls above from being tail calls, so that the
	 * backtrace shows this function. */
	pr_warn("test.crash=%s: still running\n", crash_kind);
}
