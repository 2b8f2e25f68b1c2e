/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the cpio newc parser: entries and the trailer, each kind
 * of damage reported (never a read past the buffer: ASan watches), and
 * paths that try to leave the root.
 */
#include "hosttest.h"
#include <pith/errno.h>
#include "../../../core/string.c"
#include "../../cpio.c"

static size_t put_entry(uint8_t *buf, const char *name, uint32_t mode,
			const char *data)
{
	size_t n = (size_t)sprintf((char *)buf,
		"070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		1, mode, 0, 0, 1, 0, (unsigned int)strlen(data), 0, 0, 0, 0,
		(unsigned int)strlen(name) + 1, 0);

	memcpy(buf + n, name, strlen(name) + 1);
	n += strlen(name) + 1;
	while (n % 4)
		buf[n++] = 0;
	memcpy(buf + n, data, strlen(data));
	n += strlen(data);
	while (n % 4)
		buf[n++] = 0;
	return n;
}

TEST(cpio_next_reads_entries_then_trailer)
{
	uint8_t buf[512];
	size_t n = put_entry(buf, "a/b", 0100644, "hello"), off = 0;
	struct cpio_entry e;

	n += put_entry(buf + n, "TRAILER!!!", 0, "");
	ASSERT_EQ(cpio_next(buf, n, &off, &e), 1);
	EXPECT_STREQ(e.name, "a/b");
	EXPECT_EQ(e.size, 5);
	EXPECT_EQ(memcmp(e.data, "hello", 5), 0);
	EXPECT_EQ(cpio_next(buf, n, &off, &e), 0);
}

TEST(cpio_next_reports_damage)
{
	uint8_t buf[512];
	size_t n = put_entry(buf, "x", 0100644, "data"), off;
	struct cpio_entry e;

	for (size_t cut = 1; cut < n; cut++) {
		uint8_t *copy = malloc(cut);

		memcpy(copy, buf, cut);
		off = 0;
		EXPECT_EQ(cpio_next(copy, cut, &off, &e), -EINVAL);
		EXPECT_TRUE(e.why != NULL);
		free(copy);
	}
	buf[0] = 'X';
	off = 0;
	EXPECT_EQ(cpio_next(buf, n, &off, &e), -EINVAL);
	EXPECT_STREQ(e.why, "bad magic");
	buf[0] = '0';
	buf[110 + 1] = 'Z';		/* the NUL after "x" */
	off = 0;
	EXPECT_EQ(cpio_next(buf, n, &off, &e), -EINVAL);
	EXPECT_STREQ(e.why, "name without its NUL");
	n = put_entry(buf, "m", 0xffffffff, "");
	off = 0;
	EXPECT_EQ(cpio_next(buf, n, &off, &e), -EINVAL);
	EXPECT_STREQ(e.why, "absurd mode");
}

TEST(cpio_clean_path_stays_in_root)
{
	char out[64];

	EXPECT_EQ(cpio_clean_path("./a//b/./c", out, sizeof(out)), 0);
	EXPECT_STREQ(out, "a/b/c");
	EXPECT_EQ(cpio_clean_path("a/x/../b", out, sizeof(out)), 0);
	EXPECT_STREQ(out, "a/b");
	EXPECT_EQ(cpio_clean_path("/.", out, sizeof(out)), 0);
	EXPECT_STREQ(out, "");
	EXPECT_EQ(cpio_clean_path("a/../../etc", out, sizeof(out)), -EINVAL);
	EXPECT_EQ(cpio_clean_path("..", out, sizeof(out)), -EINVAL);
	EXPECT_EQ(cpio_clean_path("abcdefgh", out, 4), -ENAMETOOLONG);
}

HOSTTEST_MAIN("cpio")
