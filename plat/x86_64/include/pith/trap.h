/* SPDX-License-Identifier: MIT */
/*
 * CPU exceptions seen by other libraries.
 *
 * Interface:
 *   trap_add_describe(fn)   fn(addr, buf, len) returns true and names what
 *                           a faulting address is ("stack overflow in
 *                           main"); guard pages of lib/core and lib/mm.
 *                           At most TRAP_MAX_DESCRIBE hooks. Fault context.
 *   trap_catch(jb)          arm a one-shot recovery: the next exception
 *                           resumes at kjmp_set(jb) returning the vector+1
 *                           instead of being fatal (tests that expect a
 *                           fault). trap_catch(NULL) disarms.
 *   trap_last_fault()       what the caught exception was
 *   trap_set_signal_hooks(fault, ret)   lib/posix's signal delivery
 */
#ifndef PITH_TRAP_H
#define PITH_TRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pith/compiler.h>

/* Saved by vectors.S on every trap and interrupt, lowest address first:
 * the general registers, the vector and error code, the CPU's frame.
 * lib/posix builds the same frame for a system call's slow exit. */
struct trap_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

struct fault_info {
	unsigned int vector;
	uint64_t error;
	uint64_t addr;		/* CR2 for page faults */
	uint64_t rip;
	uint64_t rsp;		/* at the fault */
	char what[96];		/* from the describe hook, may be empty */
};

/* A kernel-private setjmp/longjmp (callee-saved registers, rsp, rip). */
struct kjmp_buf {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};
int kjmp_set(struct kjmp_buf *jb) __attribute__((returns_twice));
__noreturn void kjmp_long(struct kjmp_buf *jb, int val);

typedef bool (*fault_describe_t)(uintptr_t addr, char *buf, size_t len);
#define TRAP_MAX_DESCRIBE 4
int trap_add_describe(fault_describe_t fn);
void trap_catch(struct kjmp_buf *jb);
const struct fault_info *trap_last_fault(void);
/* lib/posix turns a fatal exception in a thread into a signal's default
 * action: fn returns the exit status to power off with (128 + signal),
 * or 0 to keep the kernel's panic status. It must not return to the
 * faulting code. */
void trap_set_fatal_hook(int (*fn)(const struct fault_info *fi));
/* Signals (lib/posix). fault(r, fi) runs for an exception outside
 * interrupt context before it is reported: it returns true when it has
 * redirected r into the app's handler (the exception then returns
 * there), false to keep the exception fatal. ret(r) runs on every return
 * from a trap or interrupt, interrupts off, just before the registers
 * are restored, and may redirect r the same way (asynchronous signals).
 * Either may be NULL. */
void trap_set_signal_hooks(bool (*fault)(struct trap_regs *r,
					 const struct fault_info *fi),
			   void (*ret)(struct trap_regs *r));

/* Demand paging (lib/mm's lazy regions): on a page fault on a
 * not-present page, fn(cr2, access) runs first, in any context with
 * interrupts off (access: VM_READ, VM_WRITE or VM_EXEC of
 * <pith/paging.h>). When it returns true the page is there now and the
 * instruction is re-executed; false leaves the fault to the usual path.
 * It must not block. */
void trap_set_fault_fixup(bool (*fn)(uintptr_t addr, unsigned int access));
/* Count the instructions fn(arg) executes (single-stepping with the trap
 * flag; at most 'budget'). Code entered through SYSCALL is only counted
 * if FMASK does not clear TF. For benchmarks: exact on any accelerator. */
unsigned long trap_count_steps(void (*fn)(void *), void *arg,
			       unsigned long budget);

#endif
