/* SPDX-License-Identifier: MIT */
/*
 * ext2 write path: a sequence of create, write, truncate, unlink, rename,
 * mkdir, rmdir, link and symlink on fresh mke2fs images with 1, 2 and
 * 4 KiB blocks and 128- and 256-byte inodes; then e2fsck -fn must pass
 * and debugfs must dump what was written.
 */
#include "hosttest.h"
#include "ext2_host.h"

#define IMG	"/tmp/pith-ext2-write.img"
#define MIB	(1024 * 1024)

/* Operations by path, so that the sequence reads like a shell script. */
#include "ext2_paths.h"

static void expect_dump(const char *path, const void *buf, size_t len)
{
	FILE *f;
	char *got;
	long n;

	ASSERT_EQ(sh("rm -f /tmp/pith-dump && debugfs -R 'dump %s /tmp/pith-dump' " IMG " >/dev/null 2>&1", path), 0);
	f = fopen("/tmp/pith-dump", "r");
	ASSERT_TRUE(f != NULL);
	got = malloc(len + 1);
	n = (long)fread(got, 1, len + 1, f);
	fclose(f);
	EXPECT_EQ(n, (long)len);
	if (n == (long)len && memcmp(got, buf, len))
		HT_FAIL(0, "debugfs dump of %s differs", path);
	free(got);
}

static char big[3 * MIB];
static char expect_medium[200 * 1024];

static void files_sequence(struct ext2_fs *fs)
{
	ASSERT_TRUE(p_mkdir(fs, "/d1") > 0);
	ASSERT_TRUE(p_mkdir(fs, "/d1/d2") > 0);
	ASSERT_TRUE(p_mkdir(fs, "/d3") > 0);
	EXPECT_EQ(p_mkdir(fs, "/d3"), -EEXIST);
	ASSERT_TRUE(p_create(fs, "/d1/small") > 0);
	EXPECT_EQ(p_write(fs, "/d1/small", 0, "hello, ext2 world", 17), 17);
	EXPECT_EQ(p_write(fs, "/d1/small", 7, "EXT2", 4), 4);
	ASSERT_TRUE(p_create(fs, "/d1/d2/medium") > 0);
	fill_pattern(big, 300 * 1024, 11);
	EXPECT_EQ(p_write(fs, "/d1/d2/medium", 0, big, 300 * 1024), 300 * 1024);
	EXPECT_EQ(p_truncate(fs, "/d1/d2/medium", 100 * 1024 + 7), 0);
	EXPECT_EQ(p_truncate(fs, "/d1/d2/medium", 200 * 1024), 0);
	memcpy(expect_medium, big, 100 * 1024 + 7);
	ASSERT_TRUE(p_create(fs, "/sparse") > 0);
	EXPECT_EQ(p_write(fs, "/sparse", 70 * MIB, "far", 3), 3);
	EXPECT_EQ(p_write(fs, "/sparse", 5000, "near", 4), 4);
	ASSERT_TRUE(p_create(fs, "/d3/f") > 0);
	fill_pattern(big, 3 * MIB, 12);
	EXPECT_EQ(p_write(fs, "/d3/f", 0, big, 3 * MIB), 3 * MIB);
	EXPECT_TRUE(p_symlink(fs, "/fast", "d1/small") > 0);
	EXPECT_TRUE(p_symlink(fs, "/slow", "0123456789012345678901234567890123456789012345678901234567890123456789-slow") > 0);
	EXPECT_EQ(p_link(fs, "/d1/small", "/d3/hard"), 0);
	EXPECT_EQ(p_rename(fs, "/d1/d2/medium", "/d3/moved"), 0);
	EXPECT_EQ(p_rename(fs, "/d1/d2", "/d3/d2"), 0);
	EXPECT_EQ(p_rename(fs, "/d3", "/d3/d2/x"), -EINVAL);
	EXPECT_EQ(p_create(fs, "/d1/victim") > 0, 1);
	EXPECT_EQ(p_rename(fs, "/d3/hard", "/d1/victim"), 0);
	EXPECT_EQ(path_lookup(fs, "/d3/hard"), -ENOENT);
	EXPECT_EQ(p_mkdir(fs, "/gone") > 0, 1);
	EXPECT_EQ(p_create(fs, "/gone/x") > 0, 1);
	EXPECT_EQ(p_unlink(fs, "/gone", true), -ENOTEMPTY);
	EXPECT_EQ(p_unlink(fs, "/gone", false), -EISDIR);
	EXPECT_EQ(p_unlink(fs, "/gone/x", false), 0);
	EXPECT_EQ(p_unlink(fs, "/gone", true), 0);
	EXPECT_EQ(p_unlink(fs, "/d1/small", true), -ENOTDIR);
}

static void dir_sequence(struct ext2_fs *fs)
{
	char path[128];

	ASSERT_TRUE(p_mkdir(fs, "/many") > 0);
	for (int i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "/many/file-%d", i);
		ASSERT_TRUE(p_create(fs, path) > 0);
	}
	for (int i = 0; i < 300; i += 2) {
		snprintf(path, sizeof(path), "/many/file-%d", i);
		ASSERT_EQ(p_unlink(fs, path, false), 0);
	}
	for (int i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "/many/a-somewhat-longer-name-%d", i);
		ASSERT_TRUE(p_create(fs, path) > 0);
	}
	EXPECT_EQ(path_lookup(fs, "/many/file-2"), -ENOENT);
	EXPECT_TRUE(path_lookup(fs, "/many/file-299") > 0);
	EXPECT_TRUE(path_lookup(fs, "/many/a-somewhat-longer-name-99") > 0);
}

/* An unlinked inode still referenced keeps its data until the last iput. */
static void open_unlinked(struct ext2_fs *fs)
{
	struct ext2_inode *ip;
	char buf[8];

	ASSERT_TRUE(p_create(fs, "/tmpfile") > 0);
	ip = ext2_iget(fs, (uint32_t)path_lookup(fs, "/tmpfile"));
	EXPECT_EQ(ext2_write(ip, 0, "12345678", 8), 8);
	EXPECT_EQ(p_unlink(fs, "/tmpfile", false), 0);
	EXPECT_EQ(ext2_read(ip, 0, buf, 8), 8);
	EXPECT_TRUE(!memcmp(buf, "12345678", 8));
	ext2_iput(ip);
}

static void run_config(int bs, int isz)
{
	struct ext2_statfs sf;
	struct blkdev *dev;
	struct ext2_fs *fs;
	static char zeros[100 * 1024];

	ASSERT_EQ(mkimg(IMG, bs, isz, 64 * 1024, NULL), 0);
	fs = mount_img(IMG, &dev);
	ASSERT_FALSE(IS_ERR(fs));
	files_sequence(fs);
	dir_sequence(fs);
	open_unlinked(fs);
	ext2_statfs(fs, &sf);
	EXPECT_TRUE(sf.free_blocks < sf.blocks);
	EXPECT_EQ(umount_img(fs, dev), 0);
	EXPECT_TRUE(fsck_ok(IMG));
	expect_dump("/d1/victim", "hello, EXT2 world", 17);
	expect_dump("/d3/f", big, 3 * MIB);
	expect_dump("/d3/moved", expect_medium, 200 * 1024);
	EXPECT_TRUE(!memcmp(expect_medium + 100 * 1024 + 7, zeros,
			    100 * 1024 - 7));
	EXPECT_EQ(sh("debugfs -R 'stat /slow' " IMG " 2>/dev/null | grep -q 'EXTENTS\\|BLOCKS'"), 0);
	EXPECT_EQ(sh("debugfs -R 'stat /fast' " IMG " 2>/dev/null | grep -q 'Fast link dest: \"d1/small\"'"), 0);
	EXPECT_EQ(sh("debugfs -R 'ls -p /many' " IMG " 2>/dev/null | grep -v '^/0/' | grep -c 'file-\\|a-some' | grep -qx 250"), 0);
}

#define CONFIG_CASE(bs, isz)						\
	TEST(ext2_write_##bs##_##isz##_sequence_passes_e2fsck)		\
	{								\
		if (!have_e2fsprogs())					\
			SKIP_CASE();					\
		run_config(bs, isz);					\
	}

CONFIG_CASE(1024, 128)
CONFIG_CASE(1024, 256)
CONFIG_CASE(2048, 128)
CONFIG_CASE(4096, 128)
CONFIG_CASE(4096, 256)

HOSTTEST_MAIN("ext2_write")
