/* SPDX-License-Identifier: MIT */
/*
 * Trap and interrupt entry: one stub per vector pushes a zero error code
 * where the CPU pushes none, then the vector number, then the common path
 * saves every general register as a struct trap_regs and calls
 * trap_dispatch(regs). All vectors arrive on IST stacks (cpu.c).
 */
	.text
	.globl trap_common
trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	call trap_dispatch
	testl %eax, %eax
	jnz preempt_from_irq
trap_exit:
	/* Signals for app code are delivered here (the hook rewrites the
	 * frame), after any preemption: see lib/posix/signal.c. */
	movq %rsp, %rdi
	call trap_return
restore_regs:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp		/* vector, error code */
	iretq

/*
 * Preemption on the way out of an interrupt. The frame sits on the IST
 * stack, which the next interrupt will reuse, so it moves to the
 * interrupted thread's own stack (below its red zone) first; then the
 * scheduler may switch away. When this thread runs again, the frame is
 * popped and iretq returns to exactly where it was interrupted.
 */
#define TRAP_FRAME_SIZE	(22 * 8)
#define TRAP_RSP	(20 * 8)
preempt_from_irq:
	movq TRAP_RSP(%rsp), %rdi
	/* On the thread's kernel stack already: go below the interrupted
	 * frames (and a red zone); elsewhere (an app's own stack, which may
	 * be going away): start at the top of the kernel stack. */
	cmpq kstack_bottom(%rip), %rdi
	jb 1f
	cmpq kstack_top(%rip), %rdi
	jae 1f
	subq $128, %rdi
	jmp 2f
1:	movq kstack_top(%rip), %rdi
2:	subq $TRAP_FRAME_SIZE, %rdi
	andq $-16, %rdi
	movq %rsp, %rsi
	movq %rdi, %rsp
	movl $(TRAP_FRAME_SIZE / 8), %ecx
	rep movsq
	call irq_exit_preempt
	jmp trap_exit

/* Stubs are 16 bytes apart so that the table below is arithmetic.
 * Vectors whose exceptions push an error code: 8 10-14 17 21 29 30. */
	.balign 16
trap_stub_start:
	.set i, 0
	.rept 256
	.balign 16
	.if (i == 8) || ((i >= 10) && (i <= 14)) || (i == 17) || (i == 21) || (i == 29) || (i == 30)
	.else
	pushq $0
	.endif
	pushq $i
	jmp trap_common
	.set i, i + 1
	.endr

	/* The running thread's kernel stack, [kstack_bottom, kstack_top):
	 * where system calls and preempted interrupt frames go. Set by the
	 * scheduler on every switch (plat_set_kernel_stack). */
	.data
	.balign 8
	.globl kstack_bottom, kstack_top
kstack_bottom:
	.quad 0
kstack_top:
	.quad 0

	.section .rodata
	.balign 8
	.globl trap_stubs
trap_stubs:
	.set i, 0
	.rept 256
	.quad trap_stub_start + i * 16
	.set i, i + 1
	.endr
