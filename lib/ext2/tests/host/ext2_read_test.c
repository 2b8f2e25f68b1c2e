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

/* Sequential reads in odd-sized pieces through the read-ahead: the same
 * bytes, in far fewer device requests than blocks; a backwards read
 * ends the stream and still reads right. (The image of the test above,
 * 4 KiB blocks.) */
static void read_in_pieces(struct ext2_fs *fs, const char *rel, size_t piece,
			   struct ext2_ra *ra, unsigned long *reqs)
{
	unsigned long r0, w0, r1, w1;

	struct ext2_inode *ip = ext2_iget(fs, (uint32_t)path_lookup(fs, rel));
	char hp[256], *h, *buf = malloc(piece);
	size_t hl, off = 0;
	long n;

	snprintf(hp, sizeof(hp), TREE "%s", rel);
	h = host_file(hp, &hl);
	ASSERT_FALSE(IS_ERR(ip));
	fileblk_requests(fs->dev, &r0, &w0);
	while ((n = ext2_read_ra(ip, off, buf, piece, ra)) > 0) {
		ASSERT_TRUE(off + (size_t)n <= hl);
		ASSERT_EQ(memcmp(buf, h + off, (size_t)n), 0);
		off += (size_t)n;
	}
	EXPECT_EQ(n, 0);
	EXPECT_EQ(off, hl);
	fileblk_requests(fs->dev, &r1, &w1);
	if (reqs)
		*reqs = r1 - r0;
	/* and backwards, one piece at a time */
	for (size_t at = hl > piece ? hl - piece : 0;; at -= MIN(at, piece)) {
		n = ext2_read_ra(ip, at, buf, piece, ra);
		ASSERT_TRUE(n > 0 || hl == 0);
		EXPECT_EQ(memcmp(buf, h + at, (size_t)n), 0);
		if (!at)
			break;
	}
	ext2_iput(ip);
	free(h);
	free(buf);
}

TEST(ext2_readahead_same_bytes_fewer_requests)
{
	struct ext2_ra ra = { 0 };
	unsigned long reqs = 0;
	struct bcache_stats st0, st;
	struct blkdev *dev;
	struct ext2_fs *fs;

	if (!have_e2fsprogs())
		SKIP_CASE();
	fs = mount_img(IMG, &dev);
	ASSERT_FALSE(IS_ERR(fs));
	bcache_get_stats(&st0);
	read_in_pieces(fs, "/f9", 3000, &ra, &reqs);	/* 5 MiB: 1281 blocks */
	bcache_get_stats(&st);
	printf("    # %lu read requests, %lu blocks read ahead\n", reqs,
	       st.ra_blocks - st0.ra_blocks);
	EXPECT_TRUE(st.ra_blocks - st0.ra_blocks >= 1281);
	EXPECT_TRUE(reqs < 1281 / 8);
	memset(&ra, 0, sizeof(ra));
	read_in_pieces(fs, "/sparse", 65536, &ra, NULL);	/* holes */
	memset(&ra, 0, sizeof(ra));
	read_in_pieces(fs, "/f4", 100, &ra, NULL);
	read_in_pieces(fs, "/f0", 100, &ra, NULL);
	EXPECT_EQ(umount_img(fs, dev), 0);
}

HOSTTEST_MAIN("ext2_read")
