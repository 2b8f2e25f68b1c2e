/* SPDX-License-Identifier: MIT */
/*
 * Clocks. Monotonic time is the platform clock (TSC since boot);
 * realtime is monotonic plus the wall-clock time read once at boot
 * (kvmclock's wall clock under KVM, else the CMOS RTC) and moved by
 * time_set_real().
 *
 * Interface:
 *   ktime_get_ns()        monotonic ns since boot; any context
 *   ktime_get_real_ns()   ns since 1970-01-01 UTC; any context
 *   time_set_real(ns)     set the wall clock (settimeofday)
 */
#ifndef PITH_TIME_H
#define PITH_TIME_H

#include <stdint.h>
#include <pith/clock.h>

#define NSEC_PER_USEC	1000ull
#define NSEC_PER_MSEC	1000000ull
#define NSEC_PER_SEC	1000000000ull

static inline uint64_t ktime_get_ns(void)
{
	return clock_ns();
}

uint64_t ktime_get_real_ns(void);
void time_set_real(uint64_t ns);
/* Where the boot wall clock came from: "kvmclock", "rtc" or "none". */
const char *time_real_source(void);

#endif
