/* SPDX-License-Identifier: MIT */
/*
 * Platform entry points used by lib/core.
 *
 * Interface:
 *   plat_poweroff(status)  end the VM with the status (isa-debug-exit makes
 *                          QEMU exit with status*2+1; else ACPI S5, where
 *                          the status is lost; else reset). Never returns.
 *   plat_backtrace(rbp, fn, arg)  walk the frame-pointer chain
 *   plat_console_write(s, n)      raw console output (COM1), any context
 *   plat_console_getc()           a waiting input byte or -1, any context
 *   plat_console_rx_irq(notify)   input by interrupt; notify on arrival
 */
#ifndef PITH_PLAT_H
#define PITH_PLAT_H

#include <stddef.h>
#include <stdint.h>
#include <pith/compiler.h>

__noreturn void plat_poweroff(int status);
void plat_console_write(const char *s, size_t n);
/* Read one byte from the console if one is waiting; -1 otherwise. */
int plat_console_getc(void);
/* Take console input by interrupt from now on; notify (interrupt
 * context) runs when bytes arrive. 0 or a negative error. */
int plat_console_rx_irq(void (*notify)(void));
void plat_backtrace(uintptr_t rbp, void (*fn)(uintptr_t pc, void *arg),
		    void *arg);
void plat_dump_stack(void);

/* The running thread's kernel stack: system calls (lib/posix) and
 * interrupt frames of a preempted thread go there, never on an app's
 * own stack. Set at every context switch. */
extern uintptr_t kstack_bottom, kstack_top;
static inline void plat_set_kernel_stack(uintptr_t bottom, uintptr_t top)
{
	kstack_bottom = bottom;
	kstack_top = top;
}

/* The image's extent, from the linker script. */
extern char __image_start[], __image_end[], __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[], __data_start[];
extern char __bss_start[], __bss_end[];

#endif
