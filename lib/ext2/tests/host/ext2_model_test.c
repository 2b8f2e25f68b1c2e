/* SPDX-License-Identifier: MIT */
/*
 * Model-based random test: the same seeded sequence of file operations
 * (create, write, truncate, unlink, mkdir, rmdir, rename, link) on Pith's
 * ext2 and on a plain directory tree in /tmp; every result (errno
 * included) must agree, the trees must hold the same names, types, link
 * counts and bytes, and e2fsck -fn must pass at the end. "/big" starts
 * with 500 long names and draws from 1,000, so it passes the directory
 * index threshold (dir_index.c) and sees many adds, removes and renames;
 * it is held open all along (as the VFS would) so its index lives, and
 * the index is compared with a fresh linear scan every 250 steps.
 */
#include "hosttest.h"
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include "ext2_host.h"

#define IMG	"/tmp/pith-ext2-model.img"
#define HOST	"/tmp/pith-ext2-model"

#include "ext2_paths.h"

static const char *const dirs[] = { "", "/a", "/b", "/a/c", "/big", "/big" };
static const char *const names[] = { "f0", "f1", "f2", "a", "b", "c" };

#define BIG_NAMES	1000

static void big_name(char *buf, size_t size, int i)
{
	snprintf(buf, size, "/big/a-rather-long-directory-entry-%04d%.*s", i,
		 i % 13, "-------------");
}

static void rand_path(char *buf, size_t size)
{
	int d = rand() % 6;

	if (!strcmp(dirs[d], "/big"))
		big_name(buf, size, rand() % BIG_NAMES);
	else
		snprintf(buf, size, "%s/%s", dirs[d], names[rand() % 6]);
}

static long host_ret(int r)
{
	return r < 0 ? -errno : r;
}

static long host_write(const char *hp, off_t off, const void *buf, size_t len)
{
	int fd = open(hp, O_WRONLY);
	long r;

	if (fd < 0)
		return -errno;
	r = host_ret((int)pwrite(fd, buf, len, off));
	close(fd);
	return r;
}

/* One random operation on both sides; their results must agree. */
static void step(struct ext2_fs *fs, int i)
{
	static char buf[20000];
	char p[96], q[96], hp[160], hq[160];
	long a, b, ino;
	off_t off = rand() % (300 * 1024);
	size_t len = (size_t)(rand() % (int)sizeof(buf));
	int op = rand() % 9;

	rand_path(p, sizeof(p));
	rand_path(q, sizeof(q));
	snprintf(hp, sizeof(hp), HOST "%s", p);
	snprintf(hq, sizeof(hq), HOST "%s", q);
	fill_pattern(buf, len, (uint32_t)i);
	switch (op) {
	case 0:
		a = p_create(fs, p);
		a = a > 0 ? 0 : a;
		b = host_ret(open(hp, O_CREAT | O_EXCL | O_WRONLY, 0644));
		if (b >= 0)
			close((int)b), b = 0;
		break;
	case 1: case 2:
		ino = path_lookup(fs, p);
		a = ino < 0 ? ino : p_write(fs, p, (uint64_t)off, buf, len);
		b = host_write(hp, off, buf, len);
		break;
	case 3:
		ino = path_lookup(fs, p);
		a = ino < 0 ? ino : p_truncate(fs, p, (uint64_t)off / 2);
		b = host_ret(truncate(hp, off / 2));
		break;
	case 4:
		a = p_unlink(fs, p, false);
		b = host_ret(unlink(hp));
		break;
	case 5:
		a = p_mkdir(fs, p);
		a = a > 0 ? 0 : a;
		b = host_ret(mkdir(hp, 0755));
		break;
	case 6:
		a = p_unlink(fs, p, true);
		b = host_ret(rmdir(hp));
		break;
	case 7:
		a = p_rename(fs, p, q);
		b = host_ret(rename(hp, hq));
		break;
	default:
		a = p_link(fs, p, q);
		b = host_ret(link(hp, hq));
		break;
	}
	if (a != b)
		HT_FAIL(1, "step %d: op %d on %s %s: ext2 %ld, host %ld", i,
			op, p, q, a, b);
}

static void compare_tree(struct ext2_fs *fs, const char *rel)
{
	char hp[600], child[300];
	struct dirent *de;
	struct stat st;
	struct ext2_stat est;
	struct ext2_inode *ip;
	DIR *d;

	snprintf(hp, sizeof(hp), HOST "%s", rel);
	d = opendir(hp);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "lost+found"))
			continue;
		snprintf(child, sizeof(child), "%.100s/%.150s", rel, de->d_name);
		snprintf(hp, sizeof(hp), HOST "%s", child);
		lstat(hp, &st);
		ip = ext2_iget(fs, (uint32_t)path_lookup(fs, child));
		ASSERT_FALSE(IS_ERR(ip));
		ext2_stat(ip, &est);
		ext2_iput(ip);
		EXPECT_EQ(est.mode & EXT2_S_IFMT, st.st_mode & S_IFMT);
		EXPECT_EQ(est.nlink, st.st_nlink);
		if (S_ISDIR(st.st_mode)) {
			compare_tree(fs, child);
		} else {
			size_t len = 0;
			char *e = read_all(fs, child, &len), *h;
			FILE *f = fopen(hp, "r");

			EXPECT_EQ(len, (size_t)st.st_size);
			h = malloc(len + 1);
			EXPECT_EQ(fread(h, 1, len, f), len);
			fclose(f);
			if (e && memcmp(e, h, len))
				HT_FAIL(0, "%s differs", child);
			free(e);
			free(h);
		}
	}
	closedir(d);
}

static void run_model(int bs, int isz, unsigned int seed)
{
	struct blkdev *dev;
	struct ext2_fs *fs;
	struct ext2_inode *big;

	ASSERT_EQ(mkimg(IMG, bs, isz, 32 * 1024, NULL), 0);
	ASSERT_EQ(sh("rm -rf " HOST " && mkdir " HOST), 0);
	fs = mount_img(IMG, &dev);
	ASSERT_FALSE(IS_ERR(fs));
	ASSERT_TRUE(p_mkdir(fs, "/big") > 0);
	ASSERT_EQ(mkdir(HOST "/big", 0755), 0);
	big = ext2_iget(fs, (uint32_t)path_lookup(fs, "/big"));
	ASSERT_FALSE(IS_ERR(big));
	for (int i = 0; i < BIG_NAMES; i += 2) {
		char p[96], hp[160];

		big_name(p, sizeof(p), i);
		snprintf(hp, sizeof(hp), HOST "%s", p);
		ASSERT_TRUE(p_create(fs, p) > 0);
		ASSERT_EQ(close(open(hp, O_CREAT | O_EXCL | O_WRONLY, 0644)), 0);
	}
	srand(seed);
	for (int i = 0; i < 3000; i++) {
		step(fs, i);
		if (i % 250 == 249)
			EXPECT_EQ(ext2_dix_check(big), 0);
		if (i % 500 == 499)
			compare_tree(fs, "");
	}
	compare_tree(fs, "");
	EXPECT_EQ(ext2_dix_check(big), 0);
	EXPECT_EQ(fs->dix_builds, 1ul);	/* built once, never dropped */
	printf("    # /big: %llu bytes, index builds %lu, probes %lu, absent %lu\n", (unsigned long long)ext2_isize(big), fs->dix_builds, fs->dix_probes, fs->dix_hits);
	ext2_iput(big);
	EXPECT_EQ(umount_img(fs, dev), 0);
	EXPECT_TRUE(fsck_ok(IMG));
	fs = mount_img(IMG, &dev);
	ASSERT_FALSE(IS_ERR(fs));
	compare_tree(fs, "");
	EXPECT_EQ(umount_img(fs, dev), 0);
}

TEST(ext2_model_random_ops_1k_blocks_match_host_tree)
{
	if (!have_e2fsprogs())
		SKIP_CASE();
	run_model(1024, 128, 1);
}

TEST(ext2_model_random_ops_4k_blocks_match_host_tree)
{
	if (!have_e2fsprogs())
		SKIP_CASE();
	run_model(4096, 256, 2);
}

HOSTTEST_MAIN("ext2_model")
