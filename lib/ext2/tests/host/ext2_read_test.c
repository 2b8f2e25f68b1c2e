/* SPDX-License-Identifier: MIT */
/*
 * ext2 read path against images made by mke2fs -d from a host tree:
 * files of every size class (direct, single-, double-indirect, and with
 * 1 KiB blocks past the triple-indirect boundary), sparse files, fast and
 * slow symlinks, nested and big directories, all read back byte-exact.
 */
#include "hosttest.h"
#include "ext2_host.h"

#define TREE	"/tmp/pith-ext2-tree"
#define IMG	"/tmp/pith-ext2-read.img"

static const size_t sizes[] = {
	0, 1, 1023, 1024, 1025, 4096, 12 * 1024, 12 * 1024 + 1,
	300 * 1024, 5 * 1024 * 1024 + 123,
};

static void write_host(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "w");

	fwrite(buf, 1, len, f);
	fclose(f);
}

/* One host tree for all cases: files f<N>, a sparse file, symlinks,
 * a 600-entry directory and a nested one. */
static void make_tree(void)
{
	static char buf[5 * 1024 * 1024 + 123];
	char path[256];

	sh("rm -rf " TREE " && mkdir -p " TREE "/big " TREE "/a/b/c");
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		fill_pattern(buf, sizes[i], (uint32_t)i + 1);
		snprintf(path, sizeof(path), TREE "/f%zu", i);
		write_host(path, buf, sizes[i]);
	}
	/* Data at 70 MiB: past 12 + 256 + 65536 blocks of 1 KiB. */
	sh("printf 'head' > " TREE "/sparse && "
	   "printf 'middle' | dd of=" TREE "/sparse bs=1 seek=3000000 conv=notrunc status=none && "
	   "printf 'tail-of-sparse' | dd of=" TREE "/sparse bs=1 seek=73400320 conv=notrunc status=none");
	sh("ln -s f1 " TREE "/fast && ln -s %0100d " TREE "/slow", 7);
	for (int i = 0; i < 600; i++) {
		snprintf(path, sizeof(path), TREE "/big/entry-with-a-longish-name-%d", i);
		write_host(path, path, strlen(path));
	}
	write_host(TREE "/a/b/c/deep", "deep", 4);
}

static char *host_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;

	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	buf = malloc(*len + 1);
	if (fread(buf, 1, *len, f) != *len)
		abort();
	fclose(f);
	return buf;
}

static void expect_same(struct ext2_fs *fs, const char *rel)
{
	char hp[256];
	size_t hl, el = 0;
	char *h, *e;

	snprintf(hp, sizeof(hp), TREE "%s", rel);
	h = host_file(hp, &hl);
	e = read_all(fs, rel, &el);
	EXPECT_TRUE(e != NULL);
	if (e) {
		EXPECT_EQ(el, hl);
		if (el == hl && memcmp(e, h, hl))
			HT_FAIL(0, "%s differs", rel);
	}
	free(h);
	free(e);
}

static int count_entry(void *ctx, const char *name, size_t len, uint32_t ino,
		       unsigned int type)
{
	(*(int *)ctx)++;
	return 0;
}

static void check_image(int bs)
{
	struct blkdev *dev;
	struct ext2_fs *fs;
	char rel[64], link[200];
	struct ext2_inode *ip;
	uint64_t cookie = 0;
	int n = 0;
	long len;

	ASSERT_EQ(sh("rm -f " IMG " && mke2fs -q -F -t ext2 -b %d -d " TREE " " IMG " 32M >/dev/null 2>&1", bs), 0);
	fs = mount_img(IMG, &dev);
	ASSERT_FALSE(IS_ERR(fs));
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(rel, sizeof(rel), "/f%zu", i);
		expect_same(fs, rel);
	}
	expect_same(fs, "/sparse");
	expect_same(fs, "/a/b/c/deep");
	expect_same(fs, "/big/entry-with-a-longish-name-599");
	ip = ext2_iget(fs, (uint32_t)path_lookup(fs, "/slow"));
	ASSERT_FALSE(IS_ERR(ip));
	EXPECT_FALSE(ext2_fast_symlink(ip));
	len = ext2_readlink(ip, link, sizeof(link));
	EXPECT_EQ(len, 100);
	EXPECT_TRUE(len == 100 && link[0] == '0' && link[99] == '7');
	ext2_iput(ip);
	ip = ext2_iget(fs, (uint32_t)path_lookup(fs, "/fast"));
	EXPECT_TRUE(ext2_fast_symlink(ip));
	EXPECT_EQ(ext2_readlink(ip, link, sizeof(link)), 2);
	EXPECT_TRUE(!memcmp(link, "f1", 2));
	ext2_iput(ip);
	ip = ext2_iget(fs, (uint32_t)path_lookup(fs, "/big"));
	EXPECT_EQ(ext2_readdir(ip, &cookie, count_entry, &n), 0);
	EXPECT_EQ(n, 602);
	ext2_iput(ip);
	EXPECT_EQ(path_lookup(fs, "/nope"), -ENOENT);
	EXPECT_EQ(path_lookup(fs, "/f1/x"), -ENOTDIR);
	EXPECT_EQ(umount_img(fs, dev), 0);
	EXPECT_TRUE(fsck_ok(IMG));
}

TEST(ext2_read_1k_blocks_byte_exact_through_triple_indirect)
{
	if (!have_e2fsprogs())
		SKIP_CASE();
	make_tree();
	check_image(1024);
}

TEST(ext2_read_2k_blocks_byte_exact)
{
	if (!have_e2fsprogs())
		SKIP_CASE();
	check_image(2048);
}

TEST(ext2_read_4k_blocks_byte_exact)
{
	if (!have_e2fsprogs())
		SKIP_CASE();
	check_image(4096);
}

static int stop_after_two(void *ctx, const char *name, size_t len,
			  uint32_t ino, unsigned int type)
{
	return ++*(int *)ctx > 2;
}

TEST(ext2_readdir_cookie_resumes_where_fill_stopped)
{
	struct blkdev *dev;
	struct ext2_fs *fs;
	struct ext2_inode *ip;
	uint64_t cookie = 0;
	int n = 0, total = 0;

	if (!have_e2fsprogs())
		SKIP_CASE();
	fs = mount_img(IMG, &dev);
	ASSERT_FALSE(IS_ERR(fs));
	ip = ext2_iget(fs, (uint32_t)path_lookup(fs, "/big"));
	for (int rounds = 0; rounds < 1000; rounds++) {
		uint64_t before = cookie;

		n = 0;
		EXPECT_EQ(ext2_readdir(ip, &cookie, stop_after_two, &n), 0);
		total += n > 2 ? 2 : n;
		if (cookie == before || n <= 2)
			break;
	}
	EXPECT_EQ(total, 602);
	ext2_iput(ip);
	EXPECT_EQ(umount_img(fs, dev), 0);
}

HOSTTEST_MAIN("ext2_read")
