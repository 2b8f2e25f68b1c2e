/* SPDX-License-Identifier: MIT */
/*
 * Entry points and the climb to long mode.
 *
 * Two ways in, both in 32-bit protected mode with paging off:
 *   pvh_entry  the PVH ELF note's entry (QEMU -kernel on pc, q35, microvm;
 *              Firecracker; cloud-hypervisor): %ebx = hvm_start_info
 *   mb2_entry  the ELF entry, for Multiboot2 loaders (GRUB):
 *              %eax = 0x36d76289, %ebx = multiboot2 info
 * A Multiboot2 header rather than a Multiboot1 one: QEMU prefers a
 * Multiboot1 header over the PVH note when both exist, and Multiboot1
 * loaders cannot take an ELF64 image.
 *
 * Both read the TSC first (the boot-time figure starts here), zero .bss,
 * identity-map the first 4 GiB with 2 MiB pages, enter long mode and call
 * plat_main(protocol, info) on the boot stack.
 */
#include <pith/bootinfo.h>

#define MB2_MAGIC	0xe85250d6
#define MB2_ARCH_I386	0

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	.short 0, 0		/* end tag */
	.long 8
mb2_header_end:

	.section .note.pvh, "a"
	.balign 4
	.long 4			/* name size: "Xen\0" */
	.long 4			/* descriptor size */
	.long 18		/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long pvh_entry

	.section .boot.text, "ax"
	.code32
	.globl pvh_entry
pvh_entry:
	movl $BOOT_PROTO_PVH, %esi
	jmp common32

	.globl mb2_entry
mb2_entry:
	movl $BOOT_PROTO_MB2, %esi
	cmpl $0x36d76289, %eax
	je common32
	movl $BOOT_PROTO_UNKNOWN, %esi

common32:
	cli
	cld
	rdtsc
	movl %eax, boot_tsc
	movl %edx, boot_tsc + 4

	/* .bss: zero it, the loader need not have */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	shrl $2, %ecx		/* __bss_end is 8-aligned, __bss_start 4 KiB */
	xorl %eax, %eax
	rep stosl

	/* PML4[0] -> PDPT, PDPT[0..3] -> PD0..3, 2048 PDEs of 2 MiB */
	movl $boot_pdpt, %eax
	orl $0x3, %eax
	movl %eax, boot_pml4
	movl $boot_pd, %eax
	orl $0x3, %eax
	movl $boot_pdpt, %edi
	movl $4, %ecx
1:	movl %eax, (%edi)
	addl $4096, %eax
	addl $8, %edi
	loop 1b
	movl $boot_pd, %edi
	movl $0x83, %eax	/* present, writable, 2 MiB page */
	xorl %edx, %edx		/* high half of the address */
	movl $2048, %ecx
2:	movl %eax, (%edi)
	movl %edx, 4(%edi)
	addl $0x200000, %eax
	adcl $0, %edx
	addl $8, %edi
	loop 2b

	movl %cr4, %eax
	orl $0x20, %eax		/* PAE */
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx	/* EFER */
	rdmsr
	orl $0x100, %eax	/* LME */
	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax	/* PG, WP, PE */
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $long_entry

	.code64
	.type long_entry, @function
long_entry:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	leaq boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp		/* ends the backtrace */
	movl %esi, %edi		/* protocol */
	movl %ebx, %esi		/* boot info */
	call plat_main
3:	hlt
	jmp 3b
	.size long_entry, . - long_entry

	.data
	.balign 8
	.globl boot_tsc
boot_tsc:
	.quad 0
	.balign 8
	.globl boot_gdt
boot_gdt:
	.quad 0				/* null */
	.quad 0x00af9b000000ffff	/* 0x08: kernel code, 64-bit */
	.quad 0x00cf93000000ffff	/* 0x10: kernel data */
	.quad 0, 0			/* 0x18: TSS, filled in by cpu_init */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.section .bss.pagealigned, "aw", @nobits
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4 * 4096

	.section .stacks, "aw", @nobits
	.balign 4096
	.globl boot_stack_guard
boot_stack_guard:		/* unmapped by paging_init */
	.skip 4096
	.globl boot_stack_bottom
boot_stack_bottom:
	.skip 16384
	.globl boot_stack_top
boot_stack_top:
