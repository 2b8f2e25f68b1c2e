/* SPDX-License-Identifier: MIT */
/*
 * ext2 on bad images: mount refusals (bad magic, impossible geometry,
 * ext4, a journal needing recovery), read-only mounts for unknown
 * RO_COMPAT features, targeted corruption (an inode's mode, a directory
 * entry, block pointers past the end) failing just that operation, and
 * seeded random corruption of the metadata: never a crash, and never a
 * write past the file system's last block (the device aborts if one
 * comes; a guard tail after the image must stay intact).
 */
#include "hosttest.h"
#include "ext2_host.h"

#define IMG	"/tmp/pith-ext2-bad.img"
#define TAIL	(64 * 1024)

static long mount_err(void)
{
	struct blkdev *dev;
	struct ext2_fs *fs = mount_img(IMG, &dev);
	long err = IS_ERR(fs) ? PTR_ERR(fs) : 0;

	umount_img(fs, dev);
	return err;
}

/* Poke len bytes at byte offset off of the image. */
static void poke(long off, const void *bytes, size_t len)
{
	FILE *f = fopen(IMG, "r+");

	fseek(f, off, SEEK_SET);
	fwrite(bytes, 1, len, f);
	fclose(f);
}

static void poke32(long off, uint32_t v)
{
	poke(off, &v, 4);
}

TEST(ext2_mount_refuses_bad_magic_and_geometry)
{
	if (!have_e2fsprogs())
		SKIP_CASE();
	ASSERT_EQ(mkimg(IMG, 1024, 128, 2048, NULL), 0);
	poke(1024 + 56, "\x12\x34", 2);
	EXPECT_EQ(mount_err(), -EINVAL);
	ASSERT_EQ(mkimg(IMG, 1024, 128, 2048, NULL), 0);
	poke32(1024 + 24, 9);			/* 512 KiB blocks */
	EXPECT_EQ(mount_err(), -EINVAL);
	ASSERT_EQ(mkimg(IMG, 1024, 128, 2048, NULL), 0);
	poke32(1024 + 4, 1u << 30);		/* more blocks than the disk */
	EXPECT_EQ(mount_err(), -EINVAL);
	ASSERT_EQ(mkimg(IMG, 1024, 128, 2048, NULL), 0);
	poke32(1024 + 32, 0);			/* blocks per group */
	EXPECT_EQ(mount_err(), -EINVAL);
	ASSERT_EQ(mkimg(IMG, 1024, 128, 2048, NULL), 0);
	poke32(2048 + 8, 999999);		/* group 0's inode table */
	EXPECT_EQ(mount_err(), -EINVAL);
}

TEST(ext2_mount_refuses_ext4_and_journal_needing_recovery)
{
	if (!have_e2fsprogs())
		SKIP_CASE();
	ASSERT_EQ(sh("rm -f " IMG " && mke2fs -q -F -t ext4 " IMG " 8M >/dev/null 2>&1"), 0);
	EXPECT_EQ(mount_err(), -EINVAL);
	ASSERT_EQ(sh("rm -f " IMG " && mke2fs -q -F -t ext3 " IMG " 8M >/dev/null 2>&1"), 0);
	EXPECT_EQ(mount_err(), 0);		/* a clean journal: fine */
	ASSERT_EQ(sh("debugfs -w -R 'feature needs_recovery' " IMG " >/dev/null 2>&1"), 0);
	EXPECT_EQ(mount_err(), -EINVAL);
}

TEST(ext2_unknown_ro_compat_mounts_read_only)
{
	struct blkdev *dev;
	struct ext2_fs *fs;
	struct ext2_inode *root;

	if (!have_e2fsprogs())
		SKIP_CASE();
	ASSERT_EQ(mkimg(IMG, 1024, 128, 2048, NULL), 0);
	ASSERT_EQ(sh("debugfs -w -R 'feature huge_file' " IMG " >/dev/null 2>&1"), 0);
	fs = mount_img(IMG, &dev);
	ASSERT_FALSE(IS_ERR(fs));
	root = ext2_iget(fs, EXT2_ROOT_INO);
	EXPECT_EQ(ext2_create(root, "x", 1, 0644), -EROFS);
	EXPECT_TRUE(ext2_lookup(root, "lost+found", 10) > 0);
	ext2_iput(root);
	umount_img(fs, dev);
}

/* An image with /f (40 KiB: indirect blocks), /d/g and a symlink. */
static void make_small(void)
{
	ASSERT_EQ(sh("rm -rf /tmp/pith-bad-tree && mkdir -p /tmp/pith-bad-tree/d && "
		     "yes pith-ext2-corruption | head -c 40960 > /tmp/pith-bad-tree/f && "
		     "echo hi > /tmp/pith-bad-tree/d/g && "
		     "ln -s %080d /tmp/pith-bad-tree/l && "
		     "rm -f " IMG " && mke2fs -q -F -t ext2 -b 1024 -I 128 -d /tmp/pith-bad-tree " IMG " 2048 >/dev/null 2>&1", 1), 0);
}

TEST(ext2_corrupt_inode_mode_gives_euclean)
{
	struct blkdev *dev;
	struct ext2_fs *fs;

	if (!have_e2fsprogs())
		SKIP_CASE();
	make_small();
	ASSERT_EQ(sh("debugfs -w -R 'sif /d/g links_count 0' " IMG " >/dev/null 2>&1"), 0);
	ASSERT_EQ(sh("debugfs -w -R 'sif /f mode 0170644' " IMG " >/dev/null 2>&1"), 0);
	fs = mount_img(IMG, &dev);
	ASSERT_FALSE(IS_ERR(fs));
	EXPECT_TRUE(path_lookup(fs, "/f") > 0);
	EXPECT_TRUE(IS_ERR(ext2_iget(fs, (uint32_t)path_lookup(fs, "/f"))));
	EXPECT_EQ(PTR_ERR(ext2_iget(fs, (uint32_t)path_lookup(fs, "/d/g"))),
		  -EUCLEAN);
	EXPECT_EQ(PTR_ERR(ext2_iget(fs, 0)), -EINVAL);
	EXPECT_EQ(PTR_ERR(ext2_iget(fs, 1u << 30)), -EINVAL);
	EXPECT_EQ(umount_img(fs, dev), 0);
}

TEST(ext2_block_pointer_past_end_gives_euclean_and_no_write)
{
	struct blkdev *dev;
	struct ext2_fs *fs;
	struct ext2_inode *ip;
	char buf[2048];

	if (!have_e2fsprogs())
		SKIP_CASE();
	make_small();
	ASSERT_EQ(sh("debugfs -w -R 'sif /f block[1] 99999999' " IMG " >/dev/null 2>&1"), 0);
	ASSERT_EQ(sh("debugfs -w -R 'sif /f block[IND] 4000000000' " IMG " >/dev/null 2>&1"), 0);
	fs = mount_img(IMG, &dev);
	ASSERT_FALSE(IS_ERR(fs));
	ip = ext2_iget(fs, (uint32_t)path_lookup(fs, "/f"));
	ASSERT_FALSE(IS_ERR(ip));
	EXPECT_EQ(ext2_read(ip, 0, buf, 1024), 1024);
	EXPECT_EQ(ext2_read(ip, 1024, buf, 1024), -EUCLEAN);
	EXPECT_EQ(ext2_read(ip, 0, buf, 2048), 1024);	/* short */
	EXPECT_EQ(ext2_write(ip, 1024, buf, 10), -EUCLEAN);
	EXPECT_EQ(ext2_write(ip, 20 * 1024, buf, 10), -EUCLEAN);
	EXPECT_EQ(ext2_truncate(ip, 0), -EUCLEAN);
	ext2_iput(ip);
	EXPECT_EQ(umount_img(fs, dev), 0);
}

TEST(ext2_corrupt_dirent_gives_euclean)
{
	struct blkdev *dev;
	struct ext2_fs *fs;
	long blk;
	FILE *p;

	if (!have_e2fsprogs())
		SKIP_CASE();
	make_small();
	p = popen("debugfs -R 'blocks /d' " IMG " 2>/dev/null", "r");
	ASSERT_TRUE(p && fscanf(p, "%ld", &blk) == 1);
	pclose(p);
	poke(blk * 1024 + 12 + 4, "\x05\x00", 2);	/* ".." rec_len 5 */
	fs = mount_img(IMG, &dev);
	ASSERT_FALSE(IS_ERR(fs));
	EXPECT_EQ(path_lookup(fs, "/d/g"), -EUCLEAN);
	EXPECT_TRUE(path_lookup(fs, "/f") > 0);
	EXPECT_EQ(umount_img(fs, dev), 0);
}

/* ---- seeded random corruption ---- */

static unsigned int walk_budget;

static void walk(struct ext2_fs *fs, uint32_t ino, int depth);

static int walk_entry(void *ctx, const char *name, size_t len, uint32_t ino,
		      unsigned int type)
{
	struct ext2_fs *fs = ctx;

	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	walk(fs, ino, 1);
	return !walk_budget;
}

/* Read everything reachable (bounded), then try to change something. */
static void walk(struct ext2_fs *fs, uint32_t ino, int depth)
{
	static char buf[64 * 1024];
	struct ext2_inode *ip = ext2_iget(fs, ino);
	uint64_t cookie = 0;

	if (IS_ERR(ip) || !walk_budget--) {
		ext2_iput(ip);
		return;
	}
	if (ext2_isdir(ip) && depth < 6) {
		ext2_readdir(ip, &cookie, walk_entry, fs);
		if (ext2_create(ip, "new", 3, 0644) > 0) {
			ext2_unlink(ip, "new", 3);
		}
	} else if (ext2_islnk(ip)) {
		ext2_readlink(ip, buf, sizeof(buf));
	} else if (ext2_isreg(ip)) {
		for (uint64_t off = 0; off < 256 * 1024; off += sizeof(buf))
			if (ext2_read(ip, off, buf, sizeof(buf)) <= 0)
				break;
		ext2_write(ip, 100, buf, 3000);
		ext2_truncate(ip, 5000);
	}
	ext2_iput(ip);
}

static bool tail_intact(void)
{
	unsigned char t[TAIL];
	FILE *f = fopen(IMG, "r");

	fseek(f, 2048 * 1024, SEEK_SET);
	if (fread(t, 1, TAIL, f) != TAIL)
		abort();
	fclose(f);
	for (int i = 0; i < TAIL; i++)
		if (t[i] != 0xa5)
			return false;
	return true;
}

/*
 * A byte where make_small()'s image keeps metadata (mke2fs 1.47 layout
 * of a 2 MiB, 1 KiB-block image): the superblock, the descriptor, the
 * bitmaps, the used part of the inode table, the directory and indirect
 * blocks.
 */
static long corrupt_offset(void)
{
	static const long start[] = { 1024, 2048, 10 * 1024, 12 * 1024,
				      44 * 1024 };
	static const long len[] = { 264, 32, 2048, 16 * 128, 21 * 1024 };
	int r = rand() % 5;

	return start[r] + rand() % len[r];
}

TEST(ext2_random_metadata_corruption_never_crashes_or_escapes)
{
	static unsigned char pristine[2048 * 1024];
	unsigned char tail[TAIL];
	int mounted = 0;

	if (!have_e2fsprogs())
		SKIP_CASE();
	make_small();
	FILE *f = fopen(IMG, "r");
	ASSERT_EQ(fread(pristine, 1, sizeof(pristine), f), sizeof(pristine));
	fclose(f);
	memset(tail, 0xa5, sizeof(tail));
	srand(20240611);
	for (int round = 0; round < 200; round++) {
		struct blkdev *dev;
		struct ext2_fs *fs;

		f = fopen(IMG, "w");
		fwrite(pristine, 1, sizeof(pristine), f);
		fwrite(tail, 1, sizeof(tail), f);
		fclose(f);
		for (int k = 0; k < 1 + rand() % 8; k++) {
			unsigned char v = (unsigned char)rand();

			poke(corrupt_offset(), &v, 1);
		}
		dev = fileblk_open(IMG, false);
		fileblk_limit(dev, sizeof(pristine));
		fs = ext2_mount(dev, 0);
		if (!IS_ERR(fs)) {
			mounted++;
			walk_budget = 200;
			walk(fs, EXT2_ROOT_INO, 0);
		}
		umount_img(fs, dev);
		ASSERT_TRUE(tail_intact());
	}
	printf("    # %d of 200 corrupted images mounted\n", mounted);
	EXPECT_TRUE(mounted > 0);
}

HOSTTEST_MAIN("ext2_corrupt")
