/* SPDX-License-Identifier: MIT */
/*
 * floor.S: the "QEMU floor" kernel. A PVH ELF whose first two instructions
 * write 0 to the isa-debug-exit port (0xf4), so QEMU exits with status
 * (0 << 1) | 1 = 1 and tools/run reports guest status 0. Booting it
 * measures what QEMU itself costs (start-up, firmware, teardown), the
 * floor under every boot-time number of the benchmark.
 *
 * Build (see README.md in this folder):
 *   as --64 -o build/tools/floor.o tools/floor/floor.S
 *   ld -m elf_x86_64 -nostdlib -z noexecstack -z noseparate-code \
 *      -z max-page-size=0x1000 -Ttext-segment=0x100000 -e floor_entry \
 *      -o build/tools/floor.elf build/tools/floor.o
 * Run:
 *   tools/run build/tools/floor.elf        exits 0 when QEMU and the
 *                                          exit device work
 */

	/*
	 * PVH entry note: Xen ELF note type XEN_ELFNOTE_PHYS32_ENTRY (18),
	 * name "Xen", descriptor the 32-bit physical entry address. QEMU's
	 * -kernel loader finds it through the PT_NOTE program header.
	 */
	.section .note.pvh, "a", @note
	.balign 4
	.long 4			/* namesz: "Xen\0" */
	.long 4			/* descsz */
	.long 18		/* type: XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long floor_entry
	.balign 4

	/*
	 * PVH starts us in 32-bit protected mode, paging off, flat segments.
	 */
	.text
	.code32
	.globl floor_entry
floor_entry:
	xorl	%eax, %eax
	outb	%al, $0xf4	/* isa-debug-exit: QEMU exits with 1 */
1:	cli			/* no exit device: stop here */
	hlt
	jmp	1b

	.section .note.GNU-stack, "", @progbits
