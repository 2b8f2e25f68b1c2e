// SPDX-License-Identifier: MIT
/*
 * qemuexit: end QEMU from a Linux guest through the isa-debug-exit
 * device tools/run adds (port 0xf4): QEMU exits with status
 * (value << 1) | 1. The disk bench's Linux init runs it last; this
 * kernel has no /dev/port and its reboot does not always end QEMU.
 * Usage: qemuexit [value]     (root; x86 only)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>

int main(int argc, char **argv)
{
	int v = argc > 1 ? atoi(argv[1]) : 0;

	if (ioperm(0xf4, 4, 1)) {
		perror("qemuexit: ioperm");
		return 1;
	}
	outb((unsigned char)v, 0xf4);
	return 1;	/* still here: no such device */
}
