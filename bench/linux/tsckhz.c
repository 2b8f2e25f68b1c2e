// SPDX-License-Identifier: MIT
/*
 * tsckhz: print the host's TSC rate in kHz, measured against
 * CLOCK_MONOTONIC_RAW over 200 ms (median of three). Under TCG and KVM
 * alike a QEMU guest's TSC runs at the host's rate; bench/linux/build.sh
 * passes it to the Linux microVM as tsc_early_khz=, because under TCG
 * its calibration against the PIT fails now and then and, with no HPET
 * or ACPI PM timer on microvm, the boot then hangs.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

static double ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC_RAW, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(void)
{
	double k[3], t;

	for (int i = 0; i < 3; i++) {
		double t0 = ns();
		uint64_t c0 = __rdtsc();
		struct timespec d = { 0, 200000000 };

		nanosleep(&d, NULL);
		k[i] = (__rdtsc() - c0) / ((ns() - t0) / 1e6);
	}
	for (int i = 0; i < 3; i++)	/* median of three */
		for (int j = i + 1; j < 3; j++)
			if (k[j] < k[i])
				t = k[i], k[i] = k[j], k[j] = t;
	printf("%.0f\n", k[1]);
	return 0;
}
