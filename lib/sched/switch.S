/* SPDX-License-Identifier: MIT */
/*
 * __switch_to(&prev->ksp, next->ksp): save the callee-saved registers on
 * prev's stack, switch stacks, restore next's. Everything else is saved
 * by the C caller's ABI (or is FPU state, handled in C).
 *
 * A new thread's stack holds six zero registers and the address of
 * thread_trampoline, which calls thread_entry() (never returns).
 */
	.text
	.globl __switch_to
	.type __switch_to, @function
__switch_to:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size __switch_to, . - __switch_to

	.globl thread_trampoline
	.type thread_trampoline, @function
thread_trampoline:
	xorl %ebp, %ebp		/* the end of every backtrace */
	call thread_entry
	ud2
	.size thread_trampoline, . - thread_trampoline
