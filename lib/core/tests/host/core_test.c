/* SPDX-License-Identifier: MIT */
/*
 * Host tests of lib/core's pure logic: the formatter against the C
 * library's snprintf, command-line splitting, number parsing.
 */
#include "hosttest.h"
#include "../../vsnprintf.c"
#include "../../string.c"
#include "../../cmdline.c"

/* kvsnprintf must agree with snprintf on everything it implements. */
#define SAME(fmt, ...)							\
	do {								\
		char a[128], b[128];					\
		int na = ksnprintf(a, sizeof(a), fmt, __VA_ARGS__);	\
		int nb = snprintf(b, sizeof(b), fmt, __VA_ARGS__);	\
		EXPECT_STREQ(a, b);					\
		EXPECT_EQ(na, nb);					\
	} while (0)

TEST(core_kvsnprintf_matches_libc)
{
	SAME("%d %i %u", -5, 42, 7u);
	SAME("[%5d|%-5d|%05d|%+d|% d]", 12, 12, 12, 12, 12);
	SAME("%x %X %#x %#o %o", 0xbeefu, 0xbeefu, 0x1fu, 8u, 0u);
	SAME("%lu %ld %lld %llx", 123456789012ul, -5l, -7ll, 0xffffffffffull);
	SAME("%zu %hhd %hd", (size_t)99, 300, 70000);
	SAME("%s|%10s|%-10s|%.2s|%*d|%-*d", "abc", "abc", "abc", "abc", 6, 3,
	     4, 9);
	SAME("%.5d %.0d %8.3x", 42, 0, 0x1fu);
	SAME("%c%c%% %p", 'a', 'b', (void *)0x1234);
	SAME("%ld %ld", (long)(-9223372036854775807L - 1), 9223372036854775807L);
}

TEST(core_kvsnprintf_truncates_and_counts)
{
	char b[6];

	EXPECT_EQ(ksnprintf(b, sizeof(b), "%s-%d", "hello", 1234), 10);
	EXPECT_STREQ(b, "hello");
	EXPECT_EQ(ksnprintf(NULL, 0, "%d", 12345), 5);
}

static int warnings;

static void count_warn(const char *msg)
{
	(void)msg;
	warnings++;
}

TEST(core_cmdline_split_kernel_and_app_words)
{
	char s[] = " loglevel=7\tfoo -- app \"two words\" -- x ";
	char *w[8];
	int app, n;

	warnings = 0;
	n = cmdline_split(s, w, 8, &app, count_warn);
	ASSERT_EQ(n, 6);
	EXPECT_EQ(app, 2);
	EXPECT_STREQ(w[0], "loglevel=7");
	EXPECT_STREQ(w[1], "foo");
	EXPECT_STREQ(w[2], "app");
	EXPECT_STREQ(w[3], "two words");
	EXPECT_STREQ(w[4], "--");	/* only the first -- splits */
	EXPECT_STREQ(w[5], "x");
	EXPECT_EQ(warnings, 0);
}

TEST(core_cmdline_split_malformed_input)
{
	char s1[] = "a=\"unterminated b";
	char s2[] = "a b c d e";
	char s3[] = "";
	char *w[3];
	int app, n;

	warnings = 0;
	n = cmdline_split(s1, w, 3, &app, count_warn);
	EXPECT_EQ(n, 1);
	EXPECT_STREQ(w[0], "a=unterminated b");
	EXPECT_EQ(warnings, 1);
	n = cmdline_split(s2, w, 3, &app, count_warn);
	EXPECT_EQ(n, 3);
	EXPECT_EQ(app, 3);
	EXPECT_EQ(warnings, 2);
	n = cmdline_split(s3, w, 3, &app, count_warn);
	EXPECT_EQ(n, 0);
	EXPECT_EQ(app, 0);
}

TEST(core_kstrtoull_bases_suffixes_errors)
{
	unsigned long long v;
	long long s;

	EXPECT_EQ(kstrtoull("0", 0, false, &v), 0);
	EXPECT_EQ(v, 0);
	EXPECT_EQ(kstrtoull("0755", 0, false, &v), 0);
	EXPECT_EQ(v, 0755);
	EXPECT_EQ(kstrtoull("0x7fF", 0, false, &v), 0);
	EXPECT_EQ(v, 0x7ff);
	EXPECT_EQ(kstrtoull("2g", 0, true, &v), 0);
	EXPECT_EQ(v, 2ull << 30);
	EXPECT_EQ(kstrtoull("2g", 0, false, &v), -EINVAL);
	EXPECT_EQ(kstrtoull("18446744073709551615", 10, false, &v), 0);
	EXPECT_EQ(kstrtoull("18446744073709551616", 10, false, &v), -ERANGE);
	EXPECT_EQ(kstrtoull("16777216T", 0, true, &v), -EINVAL);
	EXPECT_EQ(kstrtoull("0x", 0, false, &v), -EINVAL);
	EXPECT_EQ(kstrtoll("-9223372036854775808", 10, &s), 0);
	EXPECT_EQ(s, (-9223372036854775807LL - 1));
	EXPECT_EQ(kstrtoll("9223372036854775808", 10, &s), -ERANGE);
	EXPECT_EQ(kstrtoll("--1", 10, &s), -EINVAL);
}

TEST(core_kstrlcpy_truncates)
{
	char b[4];

	EXPECT_EQ(kstrlcpy(b, "abcdef", sizeof(b)), 6);
	EXPECT_STREQ(b, "abc");
	EXPECT_EQ(kstrncmp("abc", "abd", 2), 0);
	EXPECT_TRUE(kstrncmp("abc", "abd", 3) < 0);
	EXPECT_TRUE(kstrchr("abc", 'c') != NULL);
	EXPECT_TRUE(kstrchr("abc", 'z') == NULL);
}

HOSTTEST_MAIN("core")
