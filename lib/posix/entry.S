/* SPDX-License-Identifier: MIT */
/*
 * SYSCALL entry, from ring 0 to ring 0. The CPU leaves %rsp on the app's
 * stack, the return address in %rcx and the flags in %r11. musl code is
 * built with a red zone, so the first thing is to step 128 bytes below
 * the caller's %rsp. Linux preserves every register but %rax (result),
 * %rcx and %r11; so do we. Return is a plain jump: there is no ring to
 * go back to.
 */
	.text
	.globl syscall_entry
syscall_entry:
	subq $128, %rsp		/* the caller's red zone */
	pushq %rcx		/* return address */
	pushq %r11		/* flags */
	pushq %rbp
	movq %rsp, %rbp
	pushq %r9		/* struct syscall_args, in reverse */
	pushq %r8
	pushq %r10
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rax		/* number */
	movq %rsp, %rdi
	andq $-16, %rsp
	cld
	call do_syscall
	movq %rbp, %rsp
	movq -48(%rbp), %rdi
	movq -40(%rbp), %rsi
	movq -32(%rbp), %rdx
	movq -24(%rbp), %r10
	movq -16(%rbp), %r8
	movq -8(%rbp), %r9
	popq %rbp
	popfq			/* the caller's flags (pushed as %r11) */
	popq %rcx
	addq $128, %rsp
	jmpq *%rcx
