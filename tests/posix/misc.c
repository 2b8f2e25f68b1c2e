/* SPDX-License-Identifier: MIT */
/* An unimplemented system call fails with ENOSYS; getrandom bytes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned char r[16];

	if (argc > 1 && !strcmp(argv[1], "random")) {
		getrandom(r, sizeof(r), 0);
		for (int i = 0; i < 16; i++)
			printf("%02x", r[i]);
		printf("\n");
		return 0;
	}
	long ret = syscall(SYS_io_uring_setup, 1, NULL);

	printf("io_uring_setup: %ld %s\n", ret,
	       errno == ENOSYS ? "ENOSYS" : errno == EFAULT ? "EFAULT" : "?");
	return 0;
}
