/* SPDX-License-Identifier: MIT */
/* exitcode: exit(argv[1]). Plain POSIX C; builds for Linux too. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int status = argc > 1 ? atoi(argv[1]) : 0;

	printf("exiting with %d\n", status);
	exit(status);
}
