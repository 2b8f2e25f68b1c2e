/* SPDX-License-Identifier: MIT */
/*
 * From the platform's hand-off to the application, and back out.
 *
 *   kernel_early(cmdline)  split the command line, apply kernel parameters,
 *                          keep the app's argv and environment
 *   kernel_main()          init levels in order (interrupts on after the
 *                          core level), the boot-time line, the app on its
 *                          own stack (guard page below), power off with
 *                          the app's status
 *   kernel_exit(status)    run the shutdown hooks, power off
 */
#include <pith/bootinfo.h>
#include <pith/clock.h>
#include <pith/init.h>
#include <pith/irqflags.h>
#include <pith/kernel.h>
#include <pith/paging.h>
#include <pith/plat.h>
#include <pith/preempt.h>
#include <pith/printk.h>
#include <pith/string.h>
#include <pith/trap.h>
#include <pith/cmdline.h>
#include "core.h"

#ifndef PITH_APP_NAME
#define PITH_APP_NAME "app"
#endif

#define MAX_WORDS	128
#define MAX_ENV		32
#define APP_STACK_SIZE	(CONFIG_LIBCORE_APP_STACK_KB * 1024)

static char cmdline[2048];
static char *words[MAX_WORDS];
static char *app_argv[MAX_WORDS + 2];
static int app_argc;
static char env_buf[1024];
static size_t env_used;
static char *app_envp[MAX_ENV + 1];
static int app_envc;
static app_launcher_t launcher;
static app_runner_t runner;
static uint64_t boot_ns;

static struct {
	uint8_t guard[PAGE_SIZE];
	uint8_t stack[APP_STACK_SIZE];
} app_stack __aligned(PAGE_SIZE) __section(".stacks");

int main(int argc, char **argv, char **envp);

static void cmdline_warn(const char *msg)
{
	pr_warn("cmdline: %s\n", msg);
}

void app_env_add(const char *name, const char *val)
{
	size_t need = kstrlen(name) + kstrlen(val) + 2;
	char *e = env_buf + env_used;

	if (app_envc == MAX_ENV || env_used + need > sizeof(env_buf)) {
		pr_warn("cmdline: environment full, env.%s ignored\n", name);
		return;
	}
	ksnprintf(e, need, "%s=%s", name, val);
	env_used += need;
	app_envp[app_envc++] = e;
}

void kernel_early(const char *line)
{
	int n, app_first;

	kstrlcpy(cmdline, line, sizeof(cmdline));
	n = cmdline_split(cmdline, words, MAX_WORDS, &app_first,
			  cmdline_warn);
	for (int i = 0; i < app_first; i++)
		param_apply(words[i]);
	app_argv[app_argc++] = PITH_APP_NAME;
	for (int i = app_first; i < n; i++)
		app_argv[app_argc++] = words[i];
}

void app_set_launcher(app_launcher_t fn)
{
	launcher = fn;
}

void app_set_runner(app_runner_t fn)
{
	runner = fn;
}

void app_args(int *argc, char ***argv, char ***envp)
{
	*argc = app_argc;
	*argv = app_argv;
	*envp = app_envp;
}

uint64_t boot_time_ns(void)
{
	return boot_ns;
}

static LIST_HEAD(shutdown_hooks);

void shutdown_hook_add(struct shutdown_hook *h)
{
	list_add(&h->node, &shutdown_hooks);
}

/* Once, and only where sleeping is allowed: an exit from interrupt
 * context (or a second exit from inside a hook) skips them. */
static void run_shutdown_hooks(void)
{
	static bool ran;
	struct shutdown_hook *h;

	if (ran || in_interrupt())
		return;
	ran = true;
	local_irq_enable();
	list_for_each_entry(h, &shutdown_hooks, node) {
		pr_debug("pith: shutdown: %s\n", h->name);
		h->fn(h);
	}
}

__noreturn void kernel_exit(int status)
{
	run_shutdown_hooks();
	local_irq_disable();
	if (status & ~0x7f)
		pr_info("pith: exit status %d (QEMU's exit device carries 7 "
			"bits: the host sees %d)\n", status, status & 0x7f);
	else
		pr_debug("pith: app exited with status %d\n", status);
	plat_poweroff(status);
}

static bool app_stack_describe(uintptr_t addr, char *buf, size_t len)
{
	uintptr_t g = (uintptr_t)app_stack.guard;

	if (addr < g || addr >= g + PAGE_SIZE)
		return false;
	ksnprintf(buf, len, "stack overflow in the app's main stack "
		  "(guard page %#lx)", (unsigned long)g);
	return true;
}

static long run_main(void *unused)
{
	return main(app_argc, app_argv, app_envp);
}

/* The app in a scheduler's thread: musl's start-up moves to the app
 * stack; a native main() runs on the thread's stack, which is then the
 * app stack itself (see kernel_main). */
static int app_entry(void)
{
	uintptr_t top = (uintptr_t)app_stack.stack + APP_STACK_SIZE;

	if (launcher)
		launcher(app_argc, app_argv, app_envp, top);
	kernel_exit(main(app_argc, app_argv, app_envp));
}

__noreturn void kernel_main(void)
{
	uintptr_t top = (uintptr_t)app_stack.stack + APP_STACK_SIZE;
	uint64_t t0 = clock_ns();

	arch_unmap_page((uintptr_t)app_stack.guard);
	trap_add_describe(app_stack_describe);
	boot_phase("app stack guard", clock_ns() - t0);
	for (int level = 0; level < INITCALL_LEVELS; level++) {
		do_initcalls(level);
		if (level == 1)
			local_irq_enable();
	}
	crash_test_run();
	boot_ns = clock_ns();
	pr_notice("pith: booted in %lu us (entry to main)\n",
		(unsigned long)(boot_ns / 1000));
	if (runner)
		runner(app_entry, launcher ? NULL : app_stack.stack,
		       APP_STACK_SIZE);
	if (launcher)
		launcher(app_argc, app_argv, app_envp, top);
	kernel_exit((int)call_on_stack(run_main, NULL, top));
}
