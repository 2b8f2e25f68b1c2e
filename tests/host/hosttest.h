/* SPDX-License-Identifier: MIT */
/*
 * hosttest: a tiny unit-test harness for library logic compiled for Linux
 * (under AddressSanitizer and UBSan). Output is KTAP, like ktest in the
 * image, so one parser reads both.
 *
 * Interface:
 *   #include "hosttest.h"
 *   #include "../../rbtree.c"          the code under test, built in
 *   TEST(rbtree_insert_sorted) { ... EXPECT_EQ(a, b); ASSERT_TRUE(p); }
 *   HOSTTEST_MAIN("rbtree")            at the end of the file
 *
 * EXPECT_* records a failure and continues; ASSERT_* ends the case.
 * The program exits with the number of failed cases (0 = all passed).
 */
#ifndef PITH_HOSTTEST_H
#define PITH_HOSTTEST_H

#define _GNU_SOURCE
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ht_case {
	const char *name;
	void (*fn)(void);
};

static struct ht_case ht_cases[512];
static int ht_ncases;
static int ht_failed_now;
static jmp_buf ht_abort;

static inline void ht_register(const char *name, void (*fn)(void))
{
	if (ht_ncases < (int)(sizeof(ht_cases) / sizeof(ht_cases[0])))
		ht_cases[ht_ncases++] = (struct ht_case){ name, fn };
}

#define TEST(name)							\
	static void name(void);						\
	__attribute__((constructor)) static void ht_reg_##name(void)	\
	{								\
		ht_register(#name, name);				\
	}								\
	static void name(void)

#define HT_FAIL(fatal, ...)						\
	do {								\
		printf("    # %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
		ht_failed_now = 1;					\
		if (fatal)						\
			longjmp(ht_abort, 1);				\
	} while (0)

#define HT_CHECK(fatal, cond)						\
	do {								\
		if (!(cond))						\
			HT_FAIL(fatal, "failed: %s", #cond);		\
	} while (0)

#define HT_CHECK_EQ(fatal, a, b)					\
	do {								\
		long long __a = (long long)(a), __b = (long long)(b);	\
		if (__a != __b)						\
			HT_FAIL(fatal, "%s == %s: %lld != %lld", #a, #b,\
				__a, __b);				\
	} while (0)

#define EXPECT_TRUE(c)		HT_CHECK(0, c)
#define ASSERT_TRUE(c)		HT_CHECK(1, c)
#define EXPECT_FALSE(c)		HT_CHECK(0, !(c))
#define ASSERT_FALSE(c)		HT_CHECK(1, !(c))
#define EXPECT_EQ(a, b)		HT_CHECK_EQ(0, a, b)
#define ASSERT_EQ(a, b)		HT_CHECK_EQ(1, a, b)
#define EXPECT_NE(a, b)		HT_CHECK(0, (a) != (b))
#define ASSERT_NE(a, b)		HT_CHECK(1, (a) != (b))
#define EXPECT_STREQ(a, b)						\
	do {								\
		if (strcmp((a), (b)))					\
			HT_FAIL(0, "\"%s\" != \"%s\"", (a), (b));	\
	} while (0)

static inline int ht_run(const char *suite)
{
	volatile int failed = 0;

	printf("KTAP version 1\n1..1\n");
	printf("    KTAP version 1\n    # Subtest: %s\n    1..%d\n", suite,
	       ht_ncases);
	for (volatile int i = 0; i < ht_ncases; i++) {
		ht_failed_now = 0;
		if (!setjmp(ht_abort))
			ht_cases[i].fn();
		printf("    %sok %d %s\n", ht_failed_now ? "not " : "", i + 1,
		       ht_cases[i].name);
		failed += ht_failed_now;
	}
	printf("%sok 1 %s\n", failed ? "not " : "", suite);
	fflush(stdout);
	return failed;
}

#define HOSTTEST_MAIN(suite)						\
	int main(void)							\
	{								\
		return ht_run(suite);					\
	}

#endif
