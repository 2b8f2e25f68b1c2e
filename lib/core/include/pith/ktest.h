/* SPDX-License-Identifier: MIT */
/*
 * ktest: in-image unit tests, in the manner of KUnit, reporting KTAP on the
 * console. Suites live beside each library's code in its tests/ folder,
 * are collected in a linker section, and run by the ktest app.
 *
 * Interface:
 *   static void wq_queue_twice_returns_false(struct ktest *t)
 *   {
 *           KT_EXPECT_EQ(t, queue_work(wq, &w), true);
 *           KT_ASSERT_TRUE(t, p != NULL);     ends the case on failure
 *           kt_skip(t, "needs two CPUs");     marks the case SKIP, ends it
 *   }
 *   static struct ktest_case wq_cases[] = {
 *           KTEST_CASE(wq_queue_twice_returns_false),
 *           {}
 *   };
 *   KTEST_SUITE(wq, wq_cases);     optional .init/.exit via KTEST_SUITE_FULL
 *
 *   int ktest_run_all(const char *filter);  run suites (filter: NULL, "suite"
 *                                   or "suite.case"); returns failed cases
 *
 * Cases run on the boot stack in the ktest app's context, one after another.
 */
#ifndef PITH_KTEST_H
#define PITH_KTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <pith/compiler.h>

struct ktest {
	const char *name;
	int status;		/* KT_PASS, KT_FAIL, KT_SKIP */
	const char *skip_reason;
	void *abort_ctx;	/* where ASSERT jumps back to */
	void *priv;		/* for the suite's init/exit */
};

enum { KT_PASS, KT_FAIL, KT_SKIP };

struct ktest_case {
	void (*fn)(struct ktest *t);
	const char *name;
};

struct ktest_suite {
	const char *name;
	struct ktest_case *cases;
	int (*init)(struct ktest *t);	/* before each case; optional */
	void (*exit)(struct ktest *t);	/* after each case; optional */
};

#define KTEST_CASE(fn) { fn, #fn }

#define KTEST_SUITE_FULL(sname, scases, sinit, sexit)			\
	static struct ktest_suite __ktest_suite_##sname = {		\
		.name = #sname, .cases = scases,			\
		.init = sinit, .exit = sexit,				\
	};								\
	static struct ktest_suite *__ktest_ptr_##sname __used		\
	__section(".ktest_suites") __aligned(8) = &__ktest_suite_##sname

#define KTEST_SUITE(sname, scases) KTEST_SUITE_FULL(sname, scases, NULL, NULL)

void kt_fail(struct ktest *t, bool fatal, const char *file, int line,
	     const char *fmt, ...) __printf(5, 6);
__noreturn void kt_skip(struct ktest *t, const char *reason);
int ktest_run_all(const char *filter);

#define KT_CHECK(t, fatal, cond)					\
	do {								\
		if (!(cond))						\
			kt_fail(t, fatal, __FILE__, __LINE__,		\
				"failed: %s", #cond);			\
	} while (0)

#define KT_CHECK_EQ(t, fatal, a, b)					\
	do {								\
		long long __a = (long long)(a), __b = (long long)(b);	\
		if (__a != __b)						\
			kt_fail(t, fatal, __FILE__, __LINE__,		\
				"%s == %s: %lld != %lld", #a, #b, __a, __b);\
	} while (0)

#define KT_EXPECT_TRUE(t, c)	KT_CHECK(t, false, c)
#define KT_ASSERT_TRUE(t, c)	KT_CHECK(t, true, c)
#define KT_EXPECT_FALSE(t, c)	KT_CHECK(t, false, !(c))
#define KT_ASSERT_FALSE(t, c)	KT_CHECK(t, true, !(c))
#define KT_EXPECT_EQ(t, a, b)	KT_CHECK_EQ(t, false, a, b)
#define KT_ASSERT_EQ(t, a, b)	KT_CHECK_EQ(t, true, a, b)
#define KT_EXPECT_NE(t, a, b)	KT_CHECK(t, false, (a) != (b))
#define KT_ASSERT_NE(t, a, b)	KT_CHECK(t, true, (a) != (b))

#endif
