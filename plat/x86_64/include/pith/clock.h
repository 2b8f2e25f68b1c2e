/* SPDX-License-Identifier: MIT */
/*
 * The platform clock and the one-shot timer: monotonic nanoseconds since
 * boot from the TSC (its rate from kvmclock, CPUID or a calibration of at
 * most 1 ms) and a single programmable deadline. No periodic tick.
 *
 * Interface:
 *   clock_ns()                     monotonic ns since entry; any context
 *   tsc_khz()                      the TSC rate used
 *   timer_set_handler(fn)          called (interrupt context) at deadline
 *   timer_set_deadline(ns)         arm for absolute clock_ns() time; a time
 *                                  in the past fires at once; 0 disarms
 */
#ifndef PITH_CLOCK_H
#define PITH_CLOCK_H

#include <stdint.h>

uint64_t clock_ns(void);
uint64_t tsc_to_ns(uint64_t tsc);
uint64_t tsc_khz(void);
const char *clock_source_name(void);
typedef void (*timer_handler_t)(void);
/* Returns the previous handler (lib/time owns the timer; tests borrow it). */
timer_handler_t timer_set_handler(timer_handler_t fn);
void timer_set_deadline(uint64_t ns);
/* Busy-wait; for drivers that need a short delay before the scheduler. */
void udelay(unsigned int us);

#endif
