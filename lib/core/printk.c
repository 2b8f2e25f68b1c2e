/* SPDX-License-Identifier: MIT */
/*
 * printk, panic and WARN. Messages go straight to the platform console;
 * each line is prefixed with the time since boot, as Linux does:
 * "[    0.001234] message". panic() and fatal exceptions print the
 * context and a backtrace, then power off with PANIC_EXIT_STATUS.
 */
#include <pith/clock.h>
#include <pith/irqflags.h>
#include <pith/kernel.h>
#include <pith/param.h>
#include <pith/plat.h>
#include <pith/printk.h>

int console_loglevel = CONFIG_LIBCORE_LOGLEVEL;
param_int("loglevel", console_loglevel, 0, 7,
	  "console log level: 3 errors, 4 warnings, 5 notices, 6 info, 7 debug");

static bool line_start = true;
static void (*context_hook)(void);
static int panicking;

static void emit(const char *s, size_t n)
{
	char ts[24];

	for (size_t i = 0; i < n;) {
		size_t j = i;

		if (line_start) {
			uint64_t ns = clock_ns(), us = ns / 1000;
			int k = ksnprintf(ts, sizeof(ts), "[%5lu.%06lu] ",
					  (unsigned long)(us / 1000000),
					  (unsigned long)(us % 1000000));

			plat_console_write(ts, k);
			line_start = false;
		}
		while (j < n && s[j] != '\n')
			j++;
		if (j < n) {
			j++;
			line_start = true;
		}
		plat_console_write(s + i, j - i);
		i = j;
	}
}

void vprintk(int level, const char *fmt, va_list ap)
{
	char buf[512];
	unsigned long flags;
	int n;

	if (level > console_loglevel)
		return;
	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	flags = local_irq_save();
	emit(buf, n);
	local_irq_restore(flags);
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

void panic_set_context_hook(void (*fn)(void))
{
	context_hook = fn;
}

static void (*panic_dumps[4])(void);

int panic_add_dump(void (*fn)(void))
{
	for (unsigned i = 0; i < ARRAY_SIZE(panic_dumps); i++)
		if (!panic_dumps[i]) {
			panic_dumps[i] = fn;
			return 0;
		}
	return -1;
}

void panic_print_context(void)
{
	if (context_hook)
		context_hook();
	else
		printk(LOGLEVEL_EMERG, "context: boot (no scheduler)\n");
	for (unsigned i = 0; i < ARRAY_SIZE(panic_dumps); i++)
		if (panic_dumps[i])
			panic_dumps[i]();
}

__noreturn void panic_finish(void)
{
	printk(LOGLEVEL_EMERG, "pith: halted after a fatal error, exit status %d\n",
	       PANIC_EXIT_STATUS);
	plat_poweroff(PANIC_EXIT_STATUS);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	local_irq_disable();
	if (panicking++) {	/* a panic while panicking: just stop */
		plat_console_write("\nnested panic\n", 14);
		plat_poweroff(PANIC_EXIT_STATUS);
	}
	console_loglevel = LOGLEVEL_DEBUG;
	printk(LOGLEVEL_EMERG, "\n*** panic: ");
	va_start(ap, fmt);
	vprintk(LOGLEVEL_EMERG, fmt, ap);
	va_end(ap);
	panic_print_context();
	plat_dump_stack();
	panic_finish();
}

void __warn(const char *file, int line, const char *cond)
{
	printk(LOGLEVEL_WARN, "WARNING: %s at %s:%d\n", cond, file, line);
	plat_dump_stack();
}
