/* SPDX-License-Identifier: MIT */
/*
 * In-image tests of lib/core and the platform under it: the formatter,
 * command-line words, parameters, the symbol table, traps caught by
 * trap_catch, the clock, the one-shot timer interrupt, page protection.
 */
#include <pith/clock.h>
#include <pith/cmdline.h>
#include <pith/irq.h>
#include <pith/irqflags.h>
#include <pith/ksym.h>
#include <pith/ktest.h>
#include <pith/paging.h>
#include <pith/param.h>
#include <pith/plat.h>
#include <pith/printk.h>
#include <pith/string.h>
#include <pith/trap.h>

static void core_ksnprintf_formats(struct ktest *t)
{
	char b[64];

	ksnprintf(b, sizeof(b), "%d|%5u|%-4x|%08lx|%s|%c|%%", -42, 7u, 0xab,
		  0xdeadbeeful, "str", 'z');
	KT_EXPECT_EQ(t, kstrcmp(b, "-42|    7|ab  |deadbeef|str|z|%"), 0);
	ksnprintf(b, sizeof(b), "%#x %#o %.3s %5.2d", 255, 8, "abcdef", 3);
	KT_EXPECT_EQ(t, kstrcmp(b, "0xff 010 abc    03"), 0);
}

static void core_ksnprintf_truncates(struct ktest *t)
{
	char b[8];
	int n = ksnprintf(b, sizeof(b), "%s", "0123456789");

	KT_EXPECT_EQ(t, n, 10);
	KT_EXPECT_EQ(t, kstrcmp(b, "0123456"), 0);
}

static void core_cmdline_split_dashdash(struct ktest *t)
{
	char s[] = "loglevel=7  a=\"x y\" -- one \"two three\"";
	char *w[8];
	int app, n = cmdline_split(s, w, 8, &app, NULL);

	KT_ASSERT_EQ(t, n, 4);
	KT_EXPECT_EQ(t, app, 2);
	KT_EXPECT_EQ(t, kstrcmp(w[1], "a=x y"), 0);
	KT_EXPECT_EQ(t, kstrcmp(w[3], "two three"), 0);
}

static void core_param_int_range(struct ktest *t)
{
	int v = 3;
	struct kernel_param p = { "x", param_set_int, &v, 0, 7, "" };

	KT_EXPECT_EQ(t, param_set_int(&p, "5"), 0);
	KT_EXPECT_EQ(t, v, 5);
	KT_EXPECT_NE(t, param_set_int(&p, "8"), 0);
	KT_EXPECT_NE(t, param_set_int(&p, "5x"), 0);
	KT_EXPECT_NE(t, param_set_int(&p, NULL), 0);
	KT_EXPECT_EQ(t, v, 5);
}

static void core_ksym_names_this_function(struct ktest *t)
{
	uintptr_t off, size;
	uintptr_t pc = (uintptr_t)core_ksym_names_this_function;
	const char *name = ksym_lookup(pc + 1, &off, &size);

	KT_ASSERT_TRUE(t, name != NULL);
	KT_EXPECT_EQ(t, kstrcmp(name, "core_ksym_names_this_function"), 0);
	KT_EXPECT_EQ(t, off, 1);
	KT_EXPECT_EQ(t, ksym_address("kernel_main") != 0, 1);
}

/* volatile: the compiler must not see through it to a constant */
static volatile int *volatile bad_ptr = (volatile int *)16;

static void core_trap_catch_null_deref(struct ktest *t)
{
	struct kjmp_buf jb;
	int v;

	if ((v = kjmp_set(&jb)) == 0) {
		trap_catch(&jb);
		*bad_ptr = 1;	/* page 0 is unmapped */
		trap_catch(NULL);
		KT_ASSERT_TRUE(t, !"no fault on page 0");
	}
	KT_EXPECT_EQ(t, v, 14 + 1);
	KT_EXPECT_EQ(t, trap_last_fault()->addr, 16);
}

static void core_paging_text_read_only(struct ktest *t)
{
	struct kjmp_buf jb;
	volatile uint8_t *text = (volatile uint8_t *)__text_start + 64;
	int v;

	if ((v = kjmp_set(&jb)) == 0) {
		trap_catch(&jb);
		*text = *text;
		trap_catch(NULL);
	}
	KT_EXPECT_EQ(t, v, 14 + 1);
	KT_EXPECT_EQ(t, trap_last_fault()->error & 3, 3); /* write, present */
}

static void core_clock_monotonic(struct ktest *t)
{
	uint64_t a = clock_ns(), b;

	udelay(200);
	b = clock_ns();
	KT_EXPECT_TRUE(t, b > a);
	KT_EXPECT_TRUE(t, b - a >= 200000);
	KT_EXPECT_TRUE(t, tsc_khz() > 0);
}

static volatile int timer_fired;
static volatile uint64_t timer_at;

static void on_timer(void)
{
	timer_at = clock_ns();
	timer_fired++;
}

/* These cases drive the platform timer directly; with lib/time's hrtimers
 * on it (and maybe armed) they would steal it. */
static bool timer_armed_by_others(struct ktest *t)
{
#ifdef CONFIG_LIBTIME
	kt_skip(t, "lib/time owns the timer; see the time suite");
#endif
	return false;
}

static void core_timer_one_shot_fires_after_deadline(struct ktest *t)
{
	uint64_t deadline = clock_ns() + 2000000;	/* 2 ms */
	uint64_t give_up = deadline + 2000000000ull;

	timer_handler_t old;

	if (timer_armed_by_others(t))
		return;
	timer_fired = 0;
	old = timer_set_handler(on_timer);
	timer_set_deadline(deadline);
	while (!timer_fired && clock_ns() < give_up)
		safe_halt();
	timer_set_handler(old);
	KT_ASSERT_EQ(t, timer_fired, 1);
	KT_EXPECT_TRUE(t, timer_at >= deadline);
}

static void core_timer_disarm(struct ktest *t)
{
	timer_handler_t old;

	if (timer_armed_by_others(t))
		return;
	timer_fired = 0;
	old = timer_set_handler(on_timer);
	timer_set_deadline(clock_ns() + 1000000);
	timer_set_deadline(0);
	udelay(3000);
	timer_set_handler(old);
	KT_EXPECT_EQ(t, timer_fired, 0);
}

static void core_kstrtoull_suffix_and_junk(struct ktest *t)
{
	unsigned long long v;

	KT_EXPECT_EQ(t, kstrtoull("64M", 0, true, &v), 0);
	KT_EXPECT_EQ(t, v, 64ull << 20);
	KT_EXPECT_EQ(t, kstrtoull("0x10", 0, false, &v), 0);
	KT_EXPECT_EQ(t, v, 16);
	KT_EXPECT_NE(t, kstrtoull("12q", 0, true, &v), 0);
	KT_EXPECT_NE(t, kstrtoull("", 0, false, &v), 0);
	KT_EXPECT_NE(t, kstrtoull("99999999999999999999", 0, false, &v), 0);
}

static struct ktest_case core_cases[] = {
	KTEST_CASE(core_ksnprintf_formats),
	KTEST_CASE(core_ksnprintf_truncates),
	KTEST_CASE(core_cmdline_split_dashdash),
	KTEST_CASE(core_param_int_range),
	KTEST_CASE(core_kstrtoull_suffix_and_junk),
	KTEST_CASE(core_ksym_names_this_function),
	KTEST_CASE(core_trap_catch_null_deref),
	KTEST_CASE(core_paging_text_read_only),
	KTEST_CASE(core_clock_monotonic),
	KTEST_CASE(core_timer_one_shot_fires_after_deadline),
	KTEST_CASE(core_timer_disarm),
	{}
};
KTEST_SUITE(core, core_cases);
