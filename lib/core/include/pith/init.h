/* SPDX-License-Identifier: MIT */
/*
 * Boot-time initialisation levels. A library registers a function at a
 * level with a macro at the bottom of its main file; core code never names
 * an optional library. Levels run in this order, each in link order:
 *
 *   early   console, memory manager (no threads, interrupts off)
 *   core    scheduler, time (interrupts on after this level)
 *   subsys  workqueues, vfs, lock debugging
 *   device  PCI scan, virtio probe
 *   fs      mount root, unpack initrd
 *   net     interfaces up
 *   late    everything that wants the system complete
 *
 * An init function returns 0 or -errno. A failure is logged with the
 * function's name and boot goes on, unless the level is early or core,
 * where nothing later can work: those panic.
 *
 * Interface:
 *   static int wq_init(void) { ... }
 *   subsys_initcall(wq_init);
 */
#ifndef PITH_INIT_H
#define PITH_INIT_H

#include <stdbool.h>
#include <stdint.h>
#include <pith/compiler.h>

typedef int (*initcall_t)(void);

struct initcall {
	initcall_t fn;
	const char *name;
};

#define __define_initcall(fn, lvl)					\
	static const struct initcall __initcall_##fn			\
	__used __section(".initcall" #lvl) __aligned(8) = { fn, #fn }

#define early_initcall(fn)	__define_initcall(fn, 0)
#define core_initcall(fn)	__define_initcall(fn, 1)
#define subsys_initcall(fn)	__define_initcall(fn, 2)
#define device_initcall(fn)	__define_initcall(fn, 3)
#define fs_initcall(fn)		__define_initcall(fn, 4)
#define net_initcall(fn)	__define_initcall(fn, 5)
#define late_initcall(fn)	__define_initcall(fn, 6)

#define INITCALL_LEVELS 7

/* Run every initcall of one level (used by the boot sequence). */
void do_initcalls(int level);

/*
 * initcall_debug=1 on the command line: each init function is printed
 * with its duration, and the platform reports its boot phases (paging,
 * clock calibration, ...) through boot_phase(name, ns), which prints
 * only then. Printed at LOGLEVEL_EMERG, so loglevel= does not hide it.
 */
extern bool initcall_debug;
void boot_phase(const char *name, uint64_t ns);

#endif
