/*
 * SYSCALL entry, from ring 0 to ring 0. The CPU leaves %rsp on the
 * caller's stack, the return address in %rcx and the flags in %r11.
 * The handler runs on the thread's kernel stack ([kstack_bottom,
 * kstack_top), see <pith/plat.h>), like Linux: the app's stack is not
 * touched (musl unmaps a detached thread's stack right before its exit
 * call). A call made from the kernel stack itself (a kernel test, or a
 * signal handler the kernel runs) stays there, below a 128-byte red
 * zone. Linux preserves every register but %rax, %rcx and %r11; so do
 * we. Return is a plain jump: there is no ring to go back to.
 */
	.text
	.globl syscall_entry
syscall_entry:
	/* FMASK cleared IF: nothing runs until the caller's stack pointer
	 * is safe on the kernel stack. */
	movq %rsp, syscall_scratch(%rip)
	cmpq kstack_bottom(%rip), %rsp
	jb 1f
	cmpq kstack_top(%rip), %rsp
	jae 1f
	subq $128, %rsp		/* already on the kernel stack */
	jmp 2f
1:	movq kstack_top(%rip), %rsp
2:	pushq syscall_scratch(%rip)	/* the caller's rsp */
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
	testl $0x200, %r11d	/* interrupts back on if the caller had them */
	jz 3f
	sti
3:	call do_syscall	/* %rax result, %rdx slow path; interrupts off */
	testq %rdx, %rdx
	jnz syscall_slow_exit
	movq %rbp, %rsp
	movq -48(%rbp), %rdi
	movq -40(%rbp), %rsi
	movq -32(%rbp), %rdx
	movq -24(%rbp), %r10
	movq -16(%rbp), %r8
	movq -8(%rbp), %r9
	popq %rbp
	popq %r11
	popq %rcx
	pushq %r11		/* into %rcx's slot: flags back, still here */
	/* Interrupts were off since do_syscall's last look at the signals;
	 * popfq turns them on one instruction before the stack switch. An
	 * interrupt there finds %rsp on the kernel stack: sigframe.c then
	 * completes this return itself before it delivers a signal, so
	 * nothing waits for some later interrupt. */
	popfq
	.globl syscall_exit_last
syscall_exit_last:
	popq %rsp		/* the caller's stack */
	jmpq *%rcx

/*
 * The slow way out (signals to deliver, rt_sigreturn, a restart): every
 * register of the caller as a struct trap_regs (<pith/trap.h>), the
 * system call number in its error slot, so that sigframe.c can save
 * them in a signal frame or load them from one; then iretq, which
 * restores the flags and the stack and jumps in one step.
 */
syscall_slow_exit:
	movq %ss, %r11
	pushq %r11		/* ss */
	pushq 24(%rbp)		/* rsp */
	pushq 8(%rbp)		/* rflags */
	movq %cs, %r11
	pushq %r11		/* cs */
	pushq 16(%rbp)		/* rip */
	pushq -56(%rbp)		/* error: the system call number */
	pushq $-1		/* vector: none */
	pushq %rax
	pushq %rbx
	pushq 16(%rbp)		/* rcx: the return address, as SYSCALL left it */
	pushq -32(%rbp)		/* rdx */
	pushq -40(%rbp)		/* rsi */
	pushq -48(%rbp)		/* rdi */
	pushq 0(%rbp)		/* rbp */
	pushq -16(%rbp)		/* r8 */
	pushq -8(%rbp)		/* r9 */
	pushq -24(%rbp)		/* r10 */
	pushq 8(%rbp)		/* r11: the flags, as SYSCALL left them */
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	call signal_syscall_exit
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
	addq $16, %rsp		/* vector, error */
	iretq

	.data
	.balign 8
syscall_scratch:
	.quad 0

/*
 * clone_return(regs): a new thread's first step into the app, as if its
 * clone call returned 0: the caller's argument registers, flags, its new
 * stack, and the return address. (struct clone_regs in thread.c.)
 */
	.text
	.globl clone_return
	.type clone_return, @function
clone_return:
	movq %rdi, %rax
	movq 24(%rax), %rdi
	movq 32(%rax), %rsi
	movq 40(%rax), %rdx
	movq 48(%rax), %r10
	movq 56(%rax), %r8
	movq 64(%rax), %r9
	movq 0(%rax), %rcx
	movq 8(%rax), %r11
	movq 16(%rax), %rsp
	xorl %ebp, %ebp
	pushq %r11
	popfq
	xorl %eax, %eax
	jmpq *%rcx
	.size clone_return, . - clone_return
