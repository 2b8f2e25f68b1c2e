/* SPDX-License-Identifier: MIT */
/* stdio formatting, floating point included, and string conversions. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	char buf[128];
	double x = 0;

	printf("[%d] [%5d] [%-5d] [%05d] [%+d] [%x] [%#o] [%lld]\n", -42, 42,
	       42, 42, 42, 0xbeef, 8, -1234567890123ll);
	printf("[%s] [%10s] [%-10s] [%.3s] [%c]\n", "abc", "abc", "abc",
	       "abcdef", 'z');
	printf("[%f] [%.2f] [%10.4f] [%e] [%g] [%g]\n", 3.14159265, 2.675,
	       -1.5, 12345.678, 0.0001, 1e20);
	printf("[%.17g] [%a]\n", 0.1, 1.0);
	for (int i = 1; i <= 1000; i++)
		x += 1.0 / i;
	printf("harmonic %.12f sqrt2 %.15f\n", x, sqrt(2.0));
	printf("strtod %.6f strtol %ld\n", strtod("  -12.5e1x", NULL),
	       strtol("0x1f", NULL, 16));
	snprintf(buf, sizeof(buf), "%08.3f|%s", 3.5, "end");
	printf("snprintf %s len %zu\n", buf, strlen(buf));
	printf("inf %f nan %f\n", INFINITY, NAN);
	return 0;
}
