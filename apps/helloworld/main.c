/* SPDX-License-Identifier: MIT */
/*
 * helloworld: the smallest Pith app, and plain POSIX C: the same file
 * builds and runs on Linux. Prints a greeting and its arguments, one per
 * line.
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("Hello from Pith\n");
	for (int i = 1; i < argc; i++)
		printf("%s\n", argv[i]);
	return 0;
}
