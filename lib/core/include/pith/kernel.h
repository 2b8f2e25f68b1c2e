/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own start-up and the application's entry.
 *
 * Interface (platform side):
 *   kernel_early(cmdline)   parse kernel parameters (before paging/irqs)
 *   kernel_main()           run the init levels, start the app, power off
 *                           with its status; never returns
 * Interface (libraries):
 *   app_set_launcher(fn)    lib/posix starts the app its own way (musl's
 *                           _start on a Linux-style stack); without one the
 *                           app's main(argc, argv, envp) is called directly
 *   app_args(&argc, &argv, &envp)   the app's arguments and environment
 *   kernel_exit(status)     power off after the app's exit, running the
 *                           shutdown hooks first (thread context only)
 *   shutdown_hook_add(&h)   h.fn(&h) runs at kernel_exit, newest first,
 *                           in thread context with interrupts on (may
 *                           sleep, do I/O): sync disks, unmount cleanly.
 *                           Not run on panic.
 *   boot_time_ns()          entry-to-main time, measured at app start
 */
#ifndef PITH_KERNEL_H
#define PITH_KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include <pith/compiler.h>
#include <pith/list.h>

/* Exit status of an image that panicked or took a fatal exception. */
#define PANIC_EXIT_STATUS	120

void kernel_early(const char *cmdline);
__noreturn void kernel_main(void);
__noreturn void kernel_exit(int status);

struct shutdown_hook {
	const char *name;
	void (*fn)(struct shutdown_hook *h);
	struct list_head node;
};
/* Register h (static storage); hooks run newest first, once. */
void shutdown_hook_add(struct shutdown_hook *h);

typedef __noreturn void (*app_launcher_t)(int argc, char **argv,
					  char **envp, uintptr_t stack_top);
void app_set_launcher(app_launcher_t fn);
/* A scheduler runs the app in a thread, on [stack, stack + size) when
 * stack is given (a native app), else on a stack of its own (musl's
 * start-up then moves to the app stack), and turns the boot context into
 * its idle thread; 'entry' never returns (it exits the image). */
typedef __noreturn void (*app_runner_t)(int (*entry)(void), void *stack,
					size_t size);
void app_set_runner(app_runner_t fn);
void app_args(int *argc, char ***argv, char ***envp);
uint64_t boot_time_ns(void);
/* Print the current context (thread) in a crash report; a scheduler
 * registers a richer one. */
void panic_set_context_hook(void (*fn)(void));
void panic_print_context(void);
/* A library's state dump, printed after the context in every crash
 * report (at most 4; -1 when full). Must not lock or allocate. */
int panic_add_dump(void (*fn)(void));
__noreturn void panic_finish(void);

/* Call fn(arg) on another stack; returns fn's result. */
long call_on_stack(long (*fn)(void *), void *arg, uintptr_t stack_top);

#endif
