/* SPDX-License-Identifier: MIT */
/*
 * Init levels (see <pith/init.h>): the linker script groups the
 * .initcallN sections in order and marks where each level starts.
 */
#include <pith/init.h>
#include <pith/printk.h>

extern const struct initcall __initcall_start[], __initcall1_start[],
	__initcall2_start[], __initcall3_start[], __initcall4_start[],
	__initcall5_start[], __initcall6_start[], __initcall_end[];

static const struct initcall *const levels[INITCALL_LEVELS + 1] = {
	__initcall_start, __initcall1_start, __initcall2_start,
	__initcall3_start, __initcall4_start, __initcall5_start,
	__initcall6_start, __initcall_end,
};

static const char *const level_names[INITCALL_LEVELS] = {
	"early", "core", "subsys", "device", "fs", "net", "late",
};

void do_initcalls(int level)
{
	for (const struct initcall *c = levels[level]; c < levels[level + 1];
	     c++) {
		int ret;

		pr_debug("init: %s %s\n", level_names[level], c->name);
		ret = c->fn();
		if (!ret)
			continue;
		if (level <= 1)
			panic("init: %s (%s level) failed: %d\n", c->name,
			      level_names[level], ret);
		pr_err("init: %s (%s level) failed: %d\n", c->name,
		       level_names[level], ret);
	}
}
