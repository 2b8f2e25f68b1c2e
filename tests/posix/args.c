/* SPDX-License-Identifier: MIT */
/* argv, envp, getenv and the auxiliary vector, as a program sees them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	int n = 0;

	printf("argc %d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d] %s\n", i, argv[i]);
	printf("PITH_A=%s\n", getenv("PITH_A") ? getenv("PITH_A") : "(unset)");
	printf("PITH_B=%s\n", getenv("PITH_B") ? getenv("PITH_B") : "(unset)");
	for (char **e = environ; *e; e++)
		n += !strncmp(*e, "PITH_", 5);
	printf("PITH_ variables %d\n", n);
	printf("pagesz %lu\n", getauxval(AT_PAGESZ));
	printf("random %s\n", getauxval(AT_RANDOM) ? "present" : "missing");
	printf("secure %lu\n", getauxval(AT_SECURE));
	printf("sysconf pagesize %ld\n", sysconf(_SC_PAGESIZE));
	return 0;
}
