/* SPDX-License-Identifier: MIT */
/*
 * The clock and the one-shot timer.
 *
 * Time is the TSC since the entry code's first rdtsc. Its rate comes from,
 * in order: kvmclock's scale (KVM), CPUID leaf 0x15 (crystal ratio), the
 * hypervisor timing leaf 0x40000010, or a 250 µs window against PIT
 * channel 0 whose end points are read sharply (retried when a host stall
 * blurs them), which also measures the LAPIC timer's rate (Unikraft
 * spends 100 ms calibrating).
 *
 * The timer is the LAPIC's: TSC-deadline mode when the CPU has it, else
 * one-shot mode with the measured rate. There is no periodic tick; one
 * deadline is armed at a time, and a deadline beyond the one-shot range
 * is reached in steps.
 */
#include <pith/bootinfo.h>
#include <pith/clock.h>
#include <pith/cpu.h>
#include <pith/io.h>
#include <pith/irqflags.h>
#include <pith/printk.h>
#include "x86.h"

#define LAPIC_LVT_TIMER	0x320
#define LAPIC_TIMER_ICR	0x380
#define LAPIC_TIMER_CCR	0x390
#define LAPIC_TIMER_DCR	0x3e0
#define LVT_MASKED	(1u << 16)
#define LVT_TSC_DEADLINE (2u << 17)
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01
#define PIT_HZ		1193182u
#define CALIBRATE_US	250u
#define CALIBRATE_TRIES	6

uint32_t lapic_read(unsigned int reg);
void lapic_write(unsigned int reg, uint32_t v);

struct pvclock_time_info {
	uint32_t version, pad0;
	uint64_t tsc_timestamp, system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags, pad[2];
} __packed;

static uint64_t khz;		/* TSC rate */
static uint64_t ns_mult;	/* ns = ticks * ns_mult >> 32 */
static uint64_t lapic_khz;
static const char *source = "none";
static bool use_deadline;
static uint64_t deadline_ns;
static void (*handler)(void);
static struct pvclock_time_info pvti __aligned(64);

uint64_t tsc_khz(void)
{
	return khz;
}

const char *clock_source_name(void)
{
	return source;
}

uint64_t tsc_to_ns(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * ns_mult) >> 32);
}

uint64_t clock_ns(void)
{
	return tsc_to_ns(rdtsc() - boot_tsc);
}

static uint64_t ns_to_tsc(uint64_t ns)
{
	return (uint64_t)((unsigned __int128)ns * khz / 1000000);
}

void udelay(unsigned int us)
{
	uint64_t end = rdtsc() + ns_to_tsc((uint64_t)us * 1000);

	while ((int64_t)(rdtsc() - end) < 0)
		cpu_relax();
}

static uint64_t khz_from_kvmclock(void)
{
	uint64_t k;

	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, (uintptr_t)&pvti | 1);
	while (READ_ONCE(pvti.version) & 1 || !READ_ONCE(pvti.tsc_to_system_mul))
		cpu_relax();
	/* ns per tick = mul / 2^32 * 2^shift */
	k = (1000000ull << 32) / pvti.tsc_to_system_mul;
	k = pvti.tsc_shift >= 0 ? k >> pvti.tsc_shift : k << -pvti.tsc_shift;
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0);
	return k;
}

static uint64_t khz_from_cpuid(void)
{
	uint32_t a, b, c, d, max;

	cpuid(0, 0, &max, &b, &c, &d);
	if (max >= 0x15) {
		cpuid(0x15, 0, &a, &b, &c, &d);
		if (a && b && c)
			return (uint64_t)c * b / a / 1000;
	}
	if (cpu_has(X86_FEATURE_HYPERVISOR)) {
		cpuid(0x40000000, 0, &max, &b, &c, &d);
		if (max >= 0x40000010) {
			cpuid(0x40000010, 0, &a, &b, &c, &d);
			if (a)
				return a;
		}
	}
	return 0;
}

static uint16_t pit_read(void)
{
	uint8_t lo, hi;

	outb(0x43, 0x00);	/* latch channel 0 */
	lo = inb(0x40);
	hi = inb(0x40);
	return (uint16_t)(hi << 8 | lo);
}

/*
 * One reading of the three clocks: the PIT count and the LAPIC timer
 * between two TSC reads. tsc is their midpoint and width their distance:
 * a host stall (TCG on a loaded host, an SMI) while reading makes the
 * point wide, a stall at any other time does no harm, as all three
 * clocks keep running through it.
 */
struct cal_point {
	uint64_t tsc, width;
	uint32_t lapic;
	uint16_t pit;
};

static void cal_read(struct cal_point *p)
{
	uint64_t a = rdtsc(), b;

	p->pit = pit_read();
	p->lapic = lapic_read(LAPIC_TIMER_CCR);
	b = rdtsc();
	p->tsc = a + (b - a) / 2;
	p->width = b - a;
}

/*
 * Count TSC and LAPIC timer ticks across CALIBRATE_US of PIT channel 0,
 * read back by latching (no speaker port needed: microvm has none; the
 * PIT's interrupt stays masked). The rates divide by the PIT ticks that
 * really passed, not the ones asked for. Returns 1 for a sharp window, 0
 * for one whose end points are blurred by more than 0.5% (its rates are
 * rough), -1 when no PIT counts.
 */
static int calibrate_pit(uint64_t *tsc_khz_out, uint64_t *lapic_khz_out)
{
	const uint16_t want = PIT_HZ / (1000000 / CALIBRATE_US);
	struct cal_point s, e;
	uint64_t pit_ticks, tsc_ticks;
	long spins = 0;

	outb(0x43, 0x34);	/* channel 0, lo/hi byte, rate generator */
	outb(0x40, 0xff);
	outb(0x40, 0xff);
	lapic_write(LAPIC_TIMER_DCR, 0xb);	/* divide by 1 */
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_ICR, 0xffffffff);
	cal_read(&s);		/* once before: code that runs the first */
	cal_read(&s);		/* time (TCG translates it) blurs nothing */
	do {
		if (++spins > 200000)
			return -1;	/* a counter that never moves */
		cal_read(&e);
	} while ((uint16_t)(s.pit - e.pit) < want);
	lapic_write(LAPIC_TIMER_ICR, 0);
	outb(0x43, 0x30);	/* back to one-shot mode: no periodic IRQ 0 */
	outb(0x40, 0x01);
	outb(0x40, 0x00);
	pit_ticks = (uint16_t)(s.pit - e.pit);
	tsc_ticks = e.tsc - s.tsc;
	*tsc_khz_out = tsc_ticks * PIT_HZ / (pit_ticks * 1000);
	*lapic_khz_out = (uint64_t)(s.lapic - e.lapic) * PIT_HZ /
			 (pit_ticks * 1000);
	return (s.width + e.width) * 200 <= tsc_ticks;
}

/*
 * One window with sharp end points is enough (usually 250 us: two
 * windows that had to agree within 1% took 500 us, and three to five on
 * a loaded TCG host, whose stalls blurred their ends). Blurred windows
 * are retried; after CALIBRATE_TRIES their median is used, with a
 * warning.
 */
static bool calibrate(uint64_t *tsc_out, uint64_t *lapic_out)
{
	uint64_t t[CALIBRATE_TRIES], l[CALIBRATE_TRIES];
	int n;

	for (n = 0; n < CALIBRATE_TRIES; n++) {
		int r = calibrate_pit(&t[n], &l[n]);

		if (r < 0)
			return false;
		if (r > 0) {
			*tsc_out = t[n];
			*lapic_out = l[n];
			return *tsc_out > 0;
		}
	}
	for (int i = 1; i < n; i++)		/* median, by insertion */
		for (int j = i; j > 0 && t[j] < t[j - 1]; j--) {
			uint64_t x = t[j], y = l[j];

			t[j] = t[j - 1], l[j] = l[j - 1];
			t[j - 1] = x, l[j - 1] = y;
		}
	*tsc_out = t[n / 2];
	*lapic_out = l[n / 2];
	pr_warn("clock: every calibration window was blurred by host stalls; "
		"using the median\n");
	return *tsc_out > 0;
}

void clock_init(void)
{
	uint64_t pit_khz = 0;

	if (cpu_has(X86_FEATURE_KVMCLOCK)) {
		khz = khz_from_kvmclock();
		source = "tsc (rate from kvmclock)";
	}
	if (!khz && (khz = khz_from_cpuid()))
		source = "tsc (rate from cpuid)";
	use_deadline = cpu_has(X86_FEATURE_TSC_DEADLINE);
	/* One-shot mode needs the LAPIC rate; the PIT gives both. */
	if (!khz || !use_deadline) {
		if (calibrate(&pit_khz, &lapic_khz)) {
			if (!khz) {
				khz = pit_khz;
				source = "tsc (rate measured against the PIT)";
			}
		} else if (!khz) {
			khz = 1000000;
			source = "tsc (rate unknown, assumed 1 GHz)";
			pr_warn("clock: no rate source and no PIT; times are wrong\n");
		}
	}
	if (!use_deadline && !lapic_khz) {
		lapic_khz = 1000000;
		pr_warn("clock: LAPIC timer rate unknown, assuming 1 GHz\n");
	}
	ns_mult = (1000000ull << 32) / khz;
	lapic_write(LAPIC_LVT_TIMER, VEC_TIMER | LVT_MASKED);
	pr_info("clock: %s, %lu kHz; timer: %s\n", source, (unsigned long)khz,
		use_deadline ? "tsc-deadline" : "lapic one-shot");
}

static void arm(uint64_t ns)
{
	uint64_t now = clock_ns();

	if (use_deadline) {
		lapic_write(LAPIC_LVT_TIMER, VEC_TIMER | LVT_TSC_DEADLINE);
		wrmsr(MSR_TSC_DEADLINE, boot_tsc + ns_to_tsc(ns));
		return;
	}
	uint64_t delta = ns > now ? ns - now : 0;
	uint64_t ticks = (uint64_t)((unsigned __int128)delta * lapic_khz /
				    1000000);

	if (ticks > 0xffffffffull)
		ticks = 0xffffffffull;	/* reached in steps: timer_irq */
	lapic_write(LAPIC_TIMER_DCR, 0xb);
	lapic_write(LAPIC_LVT_TIMER, VEC_TIMER);
	lapic_write(LAPIC_TIMER_ICR, ticks ? (uint32_t)ticks : 1);
}

timer_handler_t timer_set_handler(timer_handler_t fn)
{
	timer_handler_t old = handler;

	handler = fn;
	return old;
}

void timer_set_deadline(uint64_t ns)
{
	unsigned long flags = local_irq_save();

	deadline_ns = ns;
	if (!ns) {
		lapic_write(LAPIC_LVT_TIMER, VEC_TIMER | LVT_MASKED);
		if (use_deadline)
			wrmsr(MSR_TSC_DEADLINE, 0);
	} else {
		arm(ns);
	}
	local_irq_restore(flags);
}

void timer_irq(void)
{
	if (!deadline_ns)
		return;
	if (clock_ns() < deadline_ns) {
		arm(deadline_ns);	/* an intermediate step */
		return;
	}
	deadline_ns = 0;
	if (handler)
		handler();
}
