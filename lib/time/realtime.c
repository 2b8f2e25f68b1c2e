/* SPDX-License-Identifier: MIT */
/*
 * The wall clock: read once at boot, then kept as an offset from the
 * monotonic clock. Sources: kvmclock's wall-clock MSR under KVM (exact to
 * the host), else the CMOS RTC (to the second; absent on microvm without
 * rtc=on), else 1970 with a warning.
 */
#include <pith/cpu.h>
#include <pith/init.h>
#include <pith/io.h>
#include <pith/irqflags.h>
#include <pith/printk.h>
#include <pith/time.h>

#define MSR_KVM_WALL_CLOCK_NEW	0x4b564d00

struct pvclock_wall_clock {
	uint32_t version, sec, nsec;
} __packed;

static uint64_t real_offset;	/* realtime = monotonic + offset */
static const char *source = "none";
static struct pvclock_wall_clock wall __aligned(16);

uint64_t ktime_get_real_ns(void)
{
	return ktime_get_ns() + real_offset;
}

void time_set_real(uint64_t ns)
{
	real_offset = ns - ktime_get_ns();
}

const char *time_real_source(void)
{
	return source;
}

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned bcd(uint8_t v, bool binary)
{
	return binary ? v : (v & 15) + (v >> 4) * 10;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

static bool read_rtc(uint64_t *ns)
{
	uint8_t status_b, sec, min, hour, day, mon, year;
	bool binary;

	if (cmos(0x0a) == 0xff)		/* no RTC answers */
		return false;
	for (int tries = 0; tries < 1000 && (cmos(0x0a) & 0x80); tries++)
		;			/* update in progress */
	sec = cmos(0x00), min = cmos(0x02), hour = cmos(0x04);
	day = cmos(0x07), mon = cmos(0x08), year = cmos(0x09);
	status_b = cmos(0x0b);
	binary = status_b & 0x04;
	unsigned h = bcd(hour & 0x7f, binary);

	if (!(status_b & 0x02) && (hour & 0x80))	/* 12-hour, PM */
		h = (h % 12) + 12;
	unsigned m = bcd(mon, binary), d = bcd(day, binary);

	if (m < 1 || m > 12 || d < 1 || d > 31 || h > 23)
		return false;
	int64_t days = days_from_civil(2000 + bcd(year, binary), m, d);

	*ns = ((uint64_t)days * 86400 + h * 3600 + bcd(min, binary) * 60 +
	       bcd(sec, binary)) * NSEC_PER_SEC;
	return true;
}

static int realtime_init(void)
{
	uint64_t ns = 0;

	if (cpu_has(X86_FEATURE_KVMCLOCK)) {
		wrmsr(MSR_KVM_WALL_CLOCK_NEW, (uintptr_t)&wall);
		/* The wall clock is the host's time at our kvmclock zero;
		 * monotonic here starts at entry, close enough at boot. */
		ns = (uint64_t)wall.sec * NSEC_PER_SEC + wall.nsec;
		source = "kvmclock";
	} else if (read_rtc(&ns)) {
		source = "rtc";
	} else {
		pr_warn("time: no wall clock (no kvmclock, no RTC): it starts at 1970\n");
	}
	time_set_real(ns);
	return 0;
}
core_initcall(realtime_init);
