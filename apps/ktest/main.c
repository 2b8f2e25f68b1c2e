/* SPDX-License-Identifier: MIT */
/*
 * ktest: runs the in-image test suites of every selected library, prints
 * KTAP, and exits with the number of failed cases (0: all passed).
 * Usage: -append "-- [suite|suite.case]"
 */
#include <pith/ktest.h>

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	return ktest_run_all(argc > 1 ? argv[1] : NULL);
}
