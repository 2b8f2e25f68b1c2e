/* SPDX-License-Identifier: MIT */
/* kjmp_set/kjmp_long: setjmp/longjmp for kernel code (see <pith/trap.h>). */
	.text
	.globl kjmp_set
kjmp_set:
	movq %rbx, 0(%rdi)
	movq %rbp, 8(%rdi)
	movq %r12, 16(%rdi)
	movq %r13, 24(%rdi)
	movq %r14, 32(%rdi)
	movq %r15, 40(%rdi)
	leaq 8(%rsp), %rax	/* the caller's rsp after our return */
	movq %rax, 48(%rdi)
	movq (%rsp), %rax
	movq %rax, 56(%rdi)
	xorl %eax, %eax
	ret

	.globl kjmp_long
kjmp_long:
	movl %esi, %eax
	testl %eax, %eax
	jnz 1f
	incl %eax
1:	movq 0(%rdi), %rbx
	movq 8(%rdi), %rbp
	movq 16(%rdi), %r12
	movq 24(%rdi), %r13
	movq 32(%rdi), %r14
	movq 40(%rdi), %r15
	movq 48(%rdi), %rsp
	jmpq *56(%rdi)

/* long call_on_stack(long (*fn)(void *), void *arg, uintptr_t stack_top):
 * run fn(arg) on another stack and come back (see <pith/kernel.h>). */
	.globl call_on_stack
call_on_stack:
	pushq %rbp
	movq %rsp, %rbp
	andq $-16, %rdx
	movq %rdx, %rsp
	movq %rdi, %rax
	movq %rsi, %rdi
	callq *%rax
	movq %rbp, %rsp
	popq %rbp
	ret
