/* SPDX-License-Identifier: MIT */
/*
 * Init levels (see <pith/init.h>): the linker script groups the
 * .initcallN sections in order and marks where each level starts.
 *
 * initcall_debug=1 (as in Linux) prints every init function with the
 * microseconds it took, and the platform's boot phases before the init
 * levels (boot_phase()), so a slow boot can be taken apart without a
 * rebuild. The durations are measured without the printing in them.
 */
#include <pith/clock.h>
#include <pith/init.h>
#include <pith/param.h>
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

bool initcall_debug;
param_bool("initcall_debug", initcall_debug,
	   "print each init function and boot phase with its duration");

void boot_phase(const char *name, uint64_t ns)
{
	if (initcall_debug)
		printk(LOGLEVEL_EMERG, "boot: %s %lu us\n", name,
		       (unsigned long)(ns / 1000));
}

static int initcall_run(int level, const struct initcall *c)
{
	uint64_t t0;
	int ret;

	if (!initcall_debug) {
		pr_debug("init: %s %s\n", level_names[level], c->name);
		return c->fn();
	}
	t0 = clock_ns();
	ret = c->fn();
	printk(LOGLEVEL_EMERG, "init: %s %s %lu us, returned %d\n",
	       level_names[level], c->name,
	       (unsigned long)((clock_ns() - t0) / 1000), ret);
	return ret;
}

void do_initcalls(int level)
{
	for (const struct initcall *c = levels[level]; c < levels[level + 1];
	     c++) {
		int ret = initcall_run(level, c);

		if (!ret)
			continue;
		if (level <= 1)
			panic("init: %s (%s level) failed: %d\n", c->name,
			      level_names[level], ret);
		pr_err("init: %s (%s level) failed: %d\n", c->name,
		       level_names[level], ret);
	}
}
