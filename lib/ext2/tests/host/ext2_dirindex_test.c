/* SPDX-License-Identifier: MIT */
/*
 * The in-memory directory index (dir_index.c): 20,000 names in one
 * directory are found, added and removed without walking the directory
 * (counted in blocks walked and index probes); a seeded mix of creates,
 * unlinks and renames leaves the same directories (same inode numbers,
 * same on-disk order, seen by debugfs) with the index as without it, and
 * the index equal to a fresh linear scan all along; the memory cap and
 * the low-memory hook are obeyed; a corrupt entry seen while building
 * gives -EUCLEAN. e2fsck -fn after each.
 */
#include "hosttest.h"
#include "ext2_host.h"

#define IMG	"/tmp/pith-ext2-dix.img"
#define IMG2	"/tmp/pith-ext2-dix-linear.img"

static uint32_t fixed_clock(void)
{
	return 1700000000u;
}

static void name_of(char *buf, size_t size, int i)
{
	snprintf(buf, size, "file-%d-%.*s", i, i % 23,
		 "abcdefghijklmnopqrstuvwxyz");
}

static long p_mkdir(struct ext2_fs *fs, const char *path)
{
	struct ext2_inode *root = ext2_iget(fs, EXT2_ROOT_INO);
	long r;

	if (IS_ERR(root))
		return PTR_ERR(root);
	r = ext2_mkdir(root, path + 1, strlen(path + 1), 0755);
	ext2_iput(root);
	return r;
}

static struct ext2_inode *get_dir(struct ext2_fs *fs, const char *path)
{
	long ino = path_lookup(fs, path);

	if (ino < 0)
		return ERR_PTR(ino);
	return ext2_iget(fs, (uint32_t)ino);
}

static long do_create(struct ext2_inode *dir, int i)
{
	char n[64];

	name_of(n, sizeof(n), i);
	return ext2_create(dir, n, strlen(n), EXT2_S_IFREG | 0644);
}

static long do_lookup(struct ext2_inode *dir, int i)
{
	char n[64];

	name_of(n, sizeof(n), i);
	return ext2_lookup(dir, n, strlen(n));
}

static int do_unlink(struct ext2_inode *dir, int i)
{
	char n[64];

	name_of(n, sizeof(n), i);
	return ext2_unlink(dir, n, strlen(n));
}

static int do_rename(struct ext2_inode *a, int i, struct ext2_inode *b,
		     int j)
{
	char n[64], m[64];

	name_of(n, sizeof(n), i);
	name_of(m, sizeof(m), j);
	return ext2_rename(a, n, strlen(n), b, m, strlen(m));
}

/* The names debugfs lists in dir, in on-disk order, "ino name" lines. */
static void list_dir(const char *img, const char *dir, const char *out)
{
	EXPECT_EQ(sh("debugfs -R 'ls -p %s' %s 2>/dev/null | awk -F/ 'NF > 5 { print $2, $3, $6 }' > %s",
		     dir, img, out), 0);
}

/* n names, then a seeded mix of unlink, create, rename inside /big and
 * across to /big2 and back, tracked in present[] / present2[]. */
static void churn(struct ext2_fs *fs, int n, unsigned int seed,
		  char *present, char *present2, bool check)
{
	struct ext2_inode *big = get_dir(fs, "/big"), *big2 = get_dir(fs, "/big2");

	ASSERT_FALSE(IS_ERR(big));
	ASSERT_FALSE(IS_ERR(big2));
	for (int i = 0; i < n; i++) {
		ASSERT_TRUE(do_create(big, i) > 0);
		present[i] = 1;
	}
	srand(seed);
	for (int step = 0; step < 4 * n; step++) {
		int i = rand() % (2 * n), j = rand() % (2 * n), op = rand() % 5;

		switch (op) {
		case 0:
			EXPECT_EQ(do_unlink(big, i), present[i] ? 0 : -ENOENT);
			present[i] = 0;
			break;
		case 1:
			EXPECT_EQ(do_create(big, i) > 0 ? 0 : -EEXIST,
				  present[i] ? -EEXIST : 0);
			present[i] = 1;
			break;
		case 2:	/* within /big, maybe over an existing name */
			EXPECT_EQ(do_rename(big, i, big, j),
				  present[i] ? 0 : -ENOENT);
			if (present[i] && i != j) {
				present[i] = 0;
				present[j] = 1;
			}
			break;
		case 3:
			EXPECT_EQ(do_rename(big, i, big2, j),
				  present[i] ? 0 : -ENOENT);
			if (present[i]) {
				present[i] = 0;
				present2[j] = 1;
			}
			break;
		default:
			EXPECT_EQ(do_rename(big2, j, big, i),
				  present2[j] ? 0 : -ENOENT);
			if (present2[j]) {
				present2[j] = 0;
				present[i] = 1;
			}
			break;
		}
		if (check && step % 1000 == 999) {
			int r = ext2_dix_check(big2);

			EXPECT_EQ(ext2_dix_check(big), 0);
			if (r != -ENXIO)	/* /big2 may stay small */
				EXPECT_EQ(r, 0);
		}
	}
	for (int i = 0; i < 2 * n; i++)
		if ((do_lookup(big, i) > 0) != present[i])
			HT_FAIL(1, "name %d: lookup says %ld, expected %d", i,
				do_lookup(big, i), present[i]);
	ext2_iput(big2);
	ext2_iput(big);
}

static void run_layout(const char *img, bool index, int bs, int n,
		       unsigned int seed)
{
	char *present = calloc(2 * n, 1), *present2 = calloc(2 * n, 1);
	struct blkdev *dev;
	struct ext2_fs *fs;

	ASSERT_EQ(mkimg(img, bs, 128, 16 * 1024, "-N 16384"), 0);
	ext2_set_clock(fixed_clock);
	fs = mount_img(img, &dev);
	ASSERT_FALSE(IS_ERR(fs));
	ASSERT_TRUE(p_mkdir(fs, "/big") > 0);
	ASSERT_TRUE(p_mkdir(fs, "/big2") > 0);
	ext2_dix_cap = index ? (size_t)CONFIG_LIBEXT2_DIR_INDEX_MAX_KB * 1024 : 0;
	churn(fs, n, seed, present, present2, index);
	if (index)
		EXPECT_TRUE(fs->dix_builds >= 1);
	else
		EXPECT_EQ(fs->dix_builds, 0ul);
	EXPECT_EQ(umount_img(fs, dev), 0);
	ext2_dix_cap = (size_t)CONFIG_LIBEXT2_DIR_INDEX_MAX_KB * 1024;
	EXPECT_EQ(ext2_dix_bytes(), (size_t)0);
	EXPECT_TRUE(fsck_ok(img));
	free(present);
	free(present2);
}

static void layout_case(int bs, unsigned int seed)
{
	run_layout(IMG, true, bs, 1500, seed);
	run_layout(IMG2, false, bs, 1500, seed);
	list_dir(IMG, "/big", "/tmp/pith-dix-a1");
	list_dir(IMG2, "/big", "/tmp/pith-dix-b1");
	list_dir(IMG, "/big2", "/tmp/pith-dix-a2");
	list_dir(IMG2, "/big2", "/tmp/pith-dix-b2");
	EXPECT_EQ(sh("test $(wc -l < /tmp/pith-dix-a1) -gt 500"), 0);
	EXPECT_EQ(sh("cmp /tmp/pith-dix-a1 /tmp/pith-dix-b1"), 0);
	EXPECT_EQ(sh("cmp /tmp/pith-dix-a2 /tmp/pith-dix-b2"), 0);
}

TEST(ext2_dirindex_same_layout_as_linear_1k)
{
	if (!have_e2fsprogs())
		SKIP_CASE();
	layout_case(1024, 7);
}

TEST(ext2_dirindex_same_layout_as_linear_4k)
{
	if (!have_e2fsprogs())
		SKIP_CASE();
	layout_case(4096, 8);
}

#define MANY	20000

TEST(ext2_dirindex_20000_names_without_scans)
{
	struct blkdev *dev;
	struct ext2_fs *fs;
	struct ext2_inode *big;
	unsigned long walked;
	FILE *f;
	char line[256], n[64];
	int count = 0;

	if (!have_e2fsprogs())
		SKIP_CASE();
	ASSERT_EQ(mkimg(IMG, 1024, 128, 64 * 1024, "-N 32768"), 0);
	fs = mount_img(IMG, &dev);
	ASSERT_FALSE(IS_ERR(fs));
	ASSERT_TRUE(p_mkdir(fs, "/big") > 0);
	big = get_dir(fs, "/big");
	ASSERT_FALSE(IS_ERR(big));
	/* Each create: a lookup (no block) and an add (the one block with
	 * room); linear, it would be ~N * blocks / 2, millions. */
	for (int i = 0; i < MANY; i++)
		ASSERT_TRUE(do_create(big, i) > 0);
	printf("    # creates: %lu directory blocks walked, %lu builds, %zu index bytes, %llu directory bytes\n",
	       fs->dir_blocks_walked, fs->dix_builds, ext2_dix_bytes(),
	       (unsigned long long)ext2_isize(big));
	EXPECT_TRUE(ext2_isize(big) > 400 * 1024);
	EXPECT_TRUE(fs->dir_blocks_walked < 3 * MANY);
	EXPECT_EQ(fs->dix_builds, 1ul);
	EXPECT_TRUE(ext2_dix_bytes() > 0);
	EXPECT_TRUE(ext2_dix_bytes() < 48 * MANY);

	/* Lookups, present and absent: not one block walked. */
	walked = fs->dir_blocks_walked;
	fs->dix_probes = fs->dix_hits = 0;
	for (int i = 0; i < 2 * MANY; i++)
		if ((do_lookup(big, i) > 0) != (i < MANY))
			HT_FAIL(1, "lookup %d wrong", i);
	EXPECT_EQ(fs->dir_blocks_walked, walked);
	EXPECT_TRUE(fs->dix_probes >= MANY && fs->dix_probes < MANY + 100);
	EXPECT_TRUE(fs->dix_hits >= MANY);

	/* Unlink every other name (one block each), then refill the gaps. */
	walked = fs->dir_blocks_walked;
	for (int i = 0; i < MANY; i += 2)
		ASSERT_EQ(do_unlink(big, i), 0);
	EXPECT_EQ(ext2_dix_check(big), 0);
	for (int i = MANY; i < MANY + MANY / 2; i++)
		ASSERT_TRUE(do_create(big, i) > 0);
	EXPECT_TRUE(fs->dir_blocks_walked - walked < 4 * MANY);
	EXPECT_EQ(ext2_dix_check(big), 0);
	EXPECT_EQ(fs->dix_builds, 1ul);
	ext2_iput(big);
	EXPECT_EQ(ext2_dix_bytes(), (size_t)0);	/* dropped with the inode */
	EXPECT_EQ(umount_img(fs, dev), 0);
	EXPECT_TRUE(fsck_ok(IMG));

	/* debugfs sees exactly the expected names. */
	ASSERT_EQ(sh("debugfs -R 'ls -p /big' " IMG " 2>/dev/null | awk -F/ 'NF > 5 && $6 != \".\" && $6 != \"..\" { print $6 }' | sort > /tmp/pith-dix-ls"), 0);
	f = fopen("/tmp/pith-dix-ls", "r");
	ASSERT_TRUE(f != NULL);
	{
		char *seen = calloc(MANY + MANY / 2, 1);

		while (fgets(line, sizeof(line), f)) {
			int i;

			line[strcspn(line, "\n")] = '\0';
			if (sscanf(line, "file-%d-", &i) != 1 || i < 0 ||
			    i >= MANY + MANY / 2 || seen[i]) {
				HT_FAIL(0, "unexpected name %s", line);
				continue;
			}
			name_of(n, sizeof(n), i);
			EXPECT_EQ(strcmp(n, line), 0);
			seen[i] = 1;
			count++;
		}
		for (int i = 0; i < MANY; i += 2)
			EXPECT_EQ(seen[i], 0);
		free(seen);
	}
	fclose(f);
	EXPECT_EQ(count, MANY / 2 + MANY / 2);
}

TEST(ext2_dirindex_cap_and_low_memory)
{
	struct blkdev *dev;
	struct ext2_fs *fs;
	struct ext2_inode *big;
	unsigned long walked;

	if (!have_e2fsprogs())
		SKIP_CASE();
	ASSERT_EQ(mkimg(IMG, 1024, 128, 16 * 1024, NULL), 0);
	fs = mount_img(IMG, &dev);
	ASSERT_FALSE(IS_ERR(fs));
	ASSERT_TRUE(p_mkdir(fs, "/big") > 0);
	big = get_dir(fs, "/big");
	ASSERT_FALSE(IS_ERR(big));
	ext2_dix_cap = 512;	/* less than this directory's index */
	for (int i = 0; i < 1000; i++)
		ASSERT_TRUE(do_create(big, i) > 0);
	EXPECT_EQ(fs->dix_builds, 0ul);
	EXPECT_EQ(ext2_dix_bytes(), (size_t)0);
	walked = fs->dir_blocks_walked;
	EXPECT_TRUE(do_lookup(big, 999) > 0);
	EXPECT_TRUE(fs->dir_blocks_walked - walked > 10);	/* linear */

	ext2_dix_cap = (size_t)CONFIG_LIBEXT2_DIR_INDEX_MAX_KB * 1024;
	/* Not retried at the size it failed at; one block more: built. */
	for (int i = 1000; i < 1200 && !fs->dix_builds; i++)
		ASSERT_TRUE(do_create(big, i) > 0);
	EXPECT_EQ(fs->dix_builds, 1ul);
	EXPECT_TRUE(ext2_dix_bytes() > 0);
	EXPECT_EQ(ext2_dix_check(big), 0);

	/* Low memory: the hook only asks; the next operation drops the
	 * index (and this one builds it afresh). */
	ASSERT_TRUE(host_lowmem_hook != NULL);
	EXPECT_EQ(host_lowmem_hook->reclaim(host_lowmem_hook, 100, 0), 0ul);
	EXPECT_TRUE(do_lookup(big, 5) > 0);
	EXPECT_EQ(fs->dix_builds, 2ul);
	EXPECT_EQ(ext2_dix_check(big), 0);
	ext2_iput(big);
	EXPECT_EQ(umount_img(fs, dev), 0);
	EXPECT_TRUE(fsck_ok(IMG));
}

TEST(ext2_dirindex_corrupt_entry_while_building_is_euclean)
{
	struct blkdev *dev;
	struct ext2_fs *fs;
	struct ext2_inode *big;
	char n[64];
	FILE *f;
	unsigned int phys = 0;

	if (!have_e2fsprogs())
		SKIP_CASE();
	ASSERT_EQ(mkimg(IMG, 1024, 128, 16 * 1024, NULL), 0);
	fs = mount_img(IMG, &dev);
	ASSERT_FALSE(IS_ERR(fs));
	ASSERT_TRUE(p_mkdir(fs, "/big") > 0);
	big = get_dir(fs, "/big");
	ASSERT_FALSE(IS_ERR(big));
	for (int i = 0; i < 600; i++)
		ASSERT_TRUE(do_create(big, i) > 0);
	ext2_iput(big);
	EXPECT_EQ(umount_img(fs, dev), 0);
	/* The first entry of directory block 8: rec_len 6 (too short). */
	ASSERT_EQ(sh("debugfs -R 'bmap /big 8' " IMG " 2>/dev/null > /tmp/pith-dix-bmap"), 0);
	f = fopen("/tmp/pith-dix-bmap", "r");
	ASSERT_TRUE(f && fscanf(f, "%u", &phys) == 1 && phys);
	fclose(f);
	ASSERT_EQ(sh("printf '\\006\\000' | dd of=" IMG " bs=1 seek=%u conv=notrunc 2>/dev/null",
		     phys * 1024 + 4), 0);

	fs = mount_img(IMG, &dev);
	ASSERT_FALSE(IS_ERR(fs));
	big = get_dir(fs, "/big");
	ASSERT_FALSE(IS_ERR(big));
	EXPECT_EQ(do_lookup(big, 1), -EUCLEAN);	/* block 0, but the build sees it */
	EXPECT_EQ(do_create(big, 5000), -EUCLEAN);
	EXPECT_EQ(do_unlink(big, 2), -EUCLEAN);
	EXPECT_EQ(ext2_dix_bytes(), (size_t)0);
	name_of(n, sizeof(n), 3);
	EXPECT_EQ(ext2_rename(big, n, strlen(n), big, "x", 1), -EUCLEAN);
	ext2_iput(big);
	umount_img(fs, dev);
}

HOSTTEST_MAIN("ext2_dirindex")
