// hosttest-cflags: -Ilib/ramfs -Ilib/vfs
/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the VFS path walk, the dentry cache and ramfs: names,
 * symlinks, trailing slashes, renames, links, unlink while open, holes,
 * truncation, ENOSPC and a 100k-entry directory.
 */
#include "hosttest.h"
#include "vfs_host.h"

static int mkfile(const char *name, const char *data)
{
	struct file *f;
	int err = vfs_open(AT_FDCWD, name, O_CREAT | O_WRONLY | O_TRUNC, 0644,
			   &f);

	if (err)
		return err;
	if (data)
		vfs_write(f, data, strlen(data));
	fput(f);
	return 0;
}

static long readall(const char *name, char *buf, size_t len)
{
	struct file *f;
	long n;
	int err = vfs_open(AT_FDCWD, name, O_RDONLY, 0, &f);

	if (err)
		return err;
	n = vfs_read(f, buf, len - 1);
	if (n >= 0)
		buf[n] = 0;
	fput(f);
	return n;
}

static int stat_mode(const char *name, bool follow)
{
	struct kstat st;
	int err = vfs_stat(AT_FDCWD, name, follow ? 0 : AT_SYMLINK_NOFOLLOW,
			   &st);

	return err ? err : (int)st.st_mode;
}

TEST(vfs_walk_dot_dotdot_and_root)
{
	char buf[64];

	vfs_host_setup();
	ASSERT_EQ(vfs_mkdir(AT_FDCWD, "/a", 0755), 0);
	ASSERT_EQ(vfs_mkdir(AT_FDCWD, "/a/b", 0755), 0);
	ASSERT_EQ(mkfile("/a/b/f", "hello"), 0);
	EXPECT_EQ(readall("/a/./b/../b//f", buf, sizeof(buf)), 5);
	EXPECT_STREQ(buf, "hello");
	EXPECT_EQ(readall("/../../a/b/f", buf, sizeof(buf)), 5);
	EXPECT_EQ(vfs_chdir(AT_FDCWD, "/a/b"), 0);
	EXPECT_EQ(readall("f", buf, sizeof(buf)), 5);
	EXPECT_EQ(readall("../b/f", buf, sizeof(buf)), 5);
	EXPECT_EQ(vfs_getcwd(buf, sizeof(buf)), 5);
	EXPECT_STREQ(buf, "/a/b");
	EXPECT_EQ(vfs_getcwd(buf, 3), -ERANGE);
	EXPECT_EQ(readall("", buf, sizeof(buf)), -ENOENT);
	EXPECT_EQ(readall("/a/b/f/x", buf, sizeof(buf)), -ENOTDIR);
	EXPECT_EQ(readall("/a/b/f/", buf, sizeof(buf)), -ENOTDIR);
	EXPECT_EQ(readall("/a/nope/f", buf, sizeof(buf)), -ENOENT);
}

TEST(vfs_walk_long_names)
{
	char name[PATH_MAX_K + 8];

	vfs_host_setup();
	memset(name, 'x', 300);
	name[0] = '/';
	name[300] = 0;
	EXPECT_EQ(mkfile(name, NULL), -ENAMETOOLONG);
	name[256] = 0;		/* 255-byte component: fine */
	EXPECT_EQ(mkfile(name, NULL), 0);
	for (int i = 0; i < PATH_MAX_K + 4; i++)
		name[i] = i % 2 ? '/' : 'a';
	name[PATH_MAX_K + 4] = 0;
	EXPECT_EQ(stat_mode(name, true), -ENAMETOOLONG);
}

TEST(vfs_symlinks_follow_and_loop)
{
	char buf[64];
	struct file *f;

	vfs_host_setup();
	ASSERT_EQ(vfs_mkdir(AT_FDCWD, "/d", 0755), 0);
	ASSERT_EQ(mkfile("/d/t", "data"), 0);
	ASSERT_EQ(vfs_symlink("d/t", AT_FDCWD, "/rel"), 0);
	ASSERT_EQ(vfs_symlink("/d", AT_FDCWD, "/abs"), 0);
	EXPECT_EQ(readall("/rel", buf, sizeof(buf)), 4);
	EXPECT_EQ(readall("/abs/t", buf, sizeof(buf)), 4);
	EXPECT_EQ(S_ISLNK(stat_mode("/abs", false)), 1);
	EXPECT_EQ(S_ISDIR(stat_mode("/abs/", false)), 1);
	EXPECT_EQ(vfs_readlink(AT_FDCWD, "/abs", buf, sizeof(buf)), 2);
	EXPECT_EQ(vfs_readlink(AT_FDCWD, "/d/t", buf, sizeof(buf)), -EINVAL);
	ASSERT_EQ(vfs_symlink("/l2", AT_FDCWD, "/l1"), 0);
	ASSERT_EQ(vfs_symlink("/l1", AT_FDCWD, "/l2"), 0);
	EXPECT_EQ(readall("/l1", buf, sizeof(buf)), -ELOOP);
	EXPECT_EQ(vfs_open(AT_FDCWD, "/rel", O_RDONLY | O_NOFOLLOW, 0, &f),
		  -ELOOP);
	ASSERT_EQ(vfs_symlink("nowhere", AT_FDCWD, "/dangling"), 0);
	EXPECT_EQ(readall("/dangling", buf, sizeof(buf)), -ENOENT);
	EXPECT_EQ(vfs_symlink("", AT_FDCWD, "/empty"), -ENOENT);
}

TEST(vfs_symlink_chain_of_40_ok_41_eloop)
{
	char name[32], tgt[32];
	struct kstat st;

	vfs_host_setup();
	ASSERT_EQ(mkfile("/end", "x"), 0);
	ASSERT_EQ(vfs_symlink("/end", AT_FDCWD, "/s0"), 0);
	for (int i = 1; i <= 40; i++) {
		snprintf(name, sizeof(name), "/s%d", i);
		snprintf(tgt, sizeof(tgt), "s%d", i - 1);
		ASSERT_EQ(vfs_symlink(tgt, AT_FDCWD, name), 0);
	}
	EXPECT_EQ(vfs_stat(AT_FDCWD, "/s39", 0, &st), 0);
	EXPECT_EQ(vfs_stat(AT_FDCWD, "/s40", 0, &st), -ELOOP);
}

TEST(vfs_create_rules)
{
	struct file *f;

	vfs_host_setup();
	ASSERT_EQ(mkfile("/f", "abc"), 0);
	EXPECT_EQ(vfs_open(AT_FDCWD, "/f", O_CREAT | O_EXCL | O_WRONLY, 0644,
			   &f), -EEXIST);
	EXPECT_EQ(vfs_open(AT_FDCWD, "/g/", O_CREAT | O_WRONLY, 0644, &f),
		  -EISDIR);
	EXPECT_EQ(vfs_open(AT_FDCWD, "/", O_WRONLY, 0, &f), -EISDIR);
	EXPECT_EQ(vfs_open(AT_FDCWD, "/f", O_RDONLY | O_DIRECTORY, 0, &f),
		  -ENOTDIR);
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/f", 0755), -EEXIST);
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/nd/", 0755), 0);
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/", 0755), -EEXIST);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/f/"), -ENOTDIR);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/nd"), -EISDIR);
	EXPECT_EQ(vfs_rmdir(AT_FDCWD, "/f"), -ENOTDIR);
	EXPECT_EQ(vfs_rmdir(AT_FDCWD, "/nd/."), -EINVAL);
	EXPECT_EQ(vfs_rmdir(AT_FDCWD, "/nd/.."), -ENOTEMPTY);
	EXPECT_EQ(vfs_rmdir(AT_FDCWD, "/"), -EBUSY);
	EXPECT_EQ(vfs_rmdir(AT_FDCWD, "/nd/"), 0);
	EXPECT_EQ(vfs_rmdir(AT_FDCWD, "/nd"), -ENOENT);
}

TEST(vfs_rename_matrix)
{
	char buf[16];

	vfs_host_setup();
	ASSERT_EQ(mkfile("/a", "A"), 0);
	ASSERT_EQ(mkfile("/b", "B"), 0);
	ASSERT_EQ(vfs_mkdir(AT_FDCWD, "/d", 0755), 0);
	ASSERT_EQ(vfs_mkdir(AT_FDCWD, "/e", 0755), 0);
	ASSERT_EQ(vfs_mkdir(AT_FDCWD, "/full", 0755), 0);
	ASSERT_EQ(mkfile("/full/x", "X"), 0);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/a", AT_FDCWD, "/b", 0), 0);
	EXPECT_EQ(readall("/b", buf, sizeof(buf)), 1);
	EXPECT_STREQ(buf, "A");
	EXPECT_EQ(stat_mode("/a", true), -ENOENT);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/b", AT_FDCWD, "/d", 0), -EISDIR);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/d", AT_FDCWD, "/b", 0), -ENOTDIR);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/d", AT_FDCWD, "/full", 0),
		  -ENOTEMPTY);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/d", AT_FDCWD, "/d/sub", 0), -EINVAL);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/d", AT_FDCWD, "/e", 0), 0);
	EXPECT_EQ(stat_mode("/d", true), -ENOENT);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/b", AT_FDCWD, "/b", 0), 0);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/b", AT_FDCWD, "/full/x",
			     RENAME_NOREPLACE), -EEXIST);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/b", AT_FDCWD, "/e/b", 0), 0);
	EXPECT_EQ(readall("/e/b", buf, sizeof(buf)), 1);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/nope", AT_FDCWD, "/x", 0), -ENOENT);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/e/b/", AT_FDCWD, "/x", 0), -ENOTDIR);
}

TEST(vfs_nlink_counts_like_linux)
{
	struct kstat st;

	vfs_host_setup();
	ASSERT_EQ(vfs_mkdir(AT_FDCWD, "/p", 0755), 0);
	ASSERT_EQ(vfs_mkdir(AT_FDCWD, "/p/c1", 0755), 0);
	ASSERT_EQ(vfs_mkdir(AT_FDCWD, "/p/c2", 0755), 0);
	ASSERT_EQ(vfs_stat(AT_FDCWD, "/p", 0, &st), 0);
	EXPECT_EQ(st.st_nlink, 4);
	ASSERT_EQ(vfs_rename(AT_FDCWD, "/p/c1", AT_FDCWD, "/p/c2", 0), 0);
	ASSERT_EQ(vfs_stat(AT_FDCWD, "/p", 0, &st), 0);
	EXPECT_EQ(st.st_nlink, 3);
	ASSERT_EQ(vfs_rename(AT_FDCWD, "/p/c2", AT_FDCWD, "/c", 0), 0);
	ASSERT_EQ(vfs_stat(AT_FDCWD, "/p", 0, &st), 0);
	EXPECT_EQ(st.st_nlink, 2);
	ASSERT_EQ(mkfile("/p/f", "1"), 0);
	ASSERT_EQ(vfs_link(AT_FDCWD, "/p/f", AT_FDCWD, "/p/g", 0), 0);
	ASSERT_EQ(vfs_stat(AT_FDCWD, "/p/g", 0, &st), 0);
	EXPECT_EQ(st.st_nlink, 2);
	EXPECT_EQ(vfs_link(AT_FDCWD, "/p", AT_FDCWD, "/q", 0), -EPERM);
	EXPECT_EQ(vfs_link(AT_FDCWD, "/p/f", AT_FDCWD, "/p/g", 0), -EEXIST);
}

TEST(vfs_unlink_while_open_keeps_data)
{
	struct file *f;
	char buf[8] = { 0 };
	struct ramfs_stats rs, rs0;

	vfs_host_setup();
	ramfs_get_stats(&rs0);
	ASSERT_EQ(mkfile("/u", "keep"), 0);
	ASSERT_EQ(vfs_open(AT_FDCWD, "/u", O_RDWR, 0, &f), 0);
	ASSERT_EQ(vfs_unlink(AT_FDCWD, "/u"), 0);
	EXPECT_EQ(stat_mode("/u", true), -ENOENT);
	EXPECT_EQ(vfs_read(f, buf, 4), 4);
	EXPECT_STREQ(buf, "keep");
	ramfs_get_stats(&rs);
	EXPECT_EQ(rs.pages - rs0.pages, 1);
	ASSERT_EQ(mkfile("/u", "new"), 0);
	fput(f);
	ramfs_get_stats(&rs);
	EXPECT_EQ(rs.pages - rs0.pages, 1);	/* only the new /u */
}

TEST(vfs_holes_truncate_append)
{
	struct file *f;
	char buf[9000];
	struct kstat st;

	vfs_host_setup();
	ASSERT_EQ(vfs_open(AT_FDCWD, "/h", O_CREAT | O_RDWR, 0644, &f), 0);
	EXPECT_EQ(vfs_llseek(f, 8192, SEEK_SET_K), 8192);
	EXPECT_EQ(vfs_write(f, "Z", 1), 1);
	EXPECT_EQ(vfs_fstat(f, &st), 0);
	EXPECT_EQ(st.st_size, 8193);
	EXPECT_EQ(st.st_blocks, 8);
	EXPECT_EQ(vfs_pread(f, buf, sizeof(buf), 0), 8193);
	EXPECT_EQ(buf[0] | buf[4096] | buf[8191], 0);
	EXPECT_EQ(buf[8192], 'Z');
	EXPECT_EQ(vfs_truncate(f->f_path.dentry, 3), 0);
	EXPECT_EQ(vfs_truncate(f->f_path.dentry, 5000), 0);
	EXPECT_EQ(vfs_pread(f, buf, sizeof(buf), 0), 5000);
	EXPECT_EQ(buf[2] | buf[4999], 0);
	fput(f);
	ASSERT_EQ(vfs_open(AT_FDCWD, "/h", O_WRONLY | O_APPEND, 0, &f), 0);
	EXPECT_EQ(vfs_write(f, "ab", 2), 2);
	EXPECT_EQ(f->f_inode->i_size, 5002);
	EXPECT_EQ(vfs_llseek(f, -1, SEEK_SET_K), -EINVAL);
	fput(f);
}

TEST(vfs_enospc_when_pages_run_out)
{
	struct file *f;
	static char big[4096 * 4];

	vfs_host_setup();
	ASSERT_EQ(vfs_open(AT_FDCWD, "/big", O_CREAT | O_RDWR, 0644, &f), 0);
	host_pages_left = 2;
	EXPECT_EQ(vfs_write(f, big, sizeof(big)), 8192);
	EXPECT_EQ(vfs_write(f, big, sizeof(big)), -ENOSPC);
	host_pages_left = -1;
	ramfs_set_limit_pages(1);
	EXPECT_EQ(vfs_write(f, big, 1), -ENOSPC);
	ramfs_set_limit_pages(0);
	fput(f);
}

TEST(vfs_negative_dentries_are_cached)
{
	struct vfs_stats a, b;

	vfs_host_setup();
	EXPECT_EQ(stat_mode("/missing", true), -ENOENT);
	vfs_get_stats(&a);
	EXPECT_EQ(stat_mode("/missing", true), -ENOENT);
	vfs_get_stats(&b);
	EXPECT_EQ(b.lookups, a.lookups);
	EXPECT_EQ(b.neg_hits, a.neg_hits + 1);
	ASSERT_EQ(mkfile("/missing", "x"), 0);
	EXPECT_EQ(S_ISREG(stat_mode("/missing", true)), 1);
	for (int i = 0; i < 100; i++) {
		char n[16];

		snprintf(n, sizeof(n), "/no%d", i);
		stat_mode(n, true);
	}
	vfs_get_stats(&b);
	EXPECT_TRUE(b.negative <= CONFIG_LIBVFS_NEG_DENTRIES);
}

struct count_ctx {
	struct dir_context ctx;
	int n, budget;
};

static bool count_actor(struct dir_context *ctx, const char *name, int len,
			loff_t next, uint64_t ino, unsigned int type)
{
	struct count_ctx *c = (struct count_ctx *)ctx;

	if (!c->budget)
		return false;	/* the caller's buffer is full */
	c->budget--;
	c->n++;
	return true;
}

TEST(vfs_100k_entries_lookup_and_readdir)
{
	char n[32];
	struct file *f;
	struct count_ctx c = { { count_actor, 0 }, 0, 0 };
	int prev = -1;

	vfs_host_setup();
	ASSERT_EQ(vfs_mkdir(AT_FDCWD, "/big", 0755), 0);
	for (int i = 0; i < 100000; i++) {
		snprintf(n, sizeof(n), "/big/file%06d", i);
		ASSERT_EQ(mkfile(n, NULL), 0);
	}
	EXPECT_EQ(S_ISREG(stat_mode("/big/file054321", true)), 1);
	ASSERT_EQ(vfs_open(AT_FDCWD, "/big", O_RDONLY | O_DIRECTORY, 0, &f),
		  0);
	while (c.n != prev) {
		prev = c.n;
		c.budget = 1000;
		vfs_iterate(f, &c.ctx);
	}
	EXPECT_EQ(c.n, 100002);
	fput(f);
	for (int i = 0; i < 100000; i += 2) {
		snprintf(n, sizeof(n), "/big/file%06d", i);
		ASSERT_EQ(vfs_unlink(AT_FDCWD, n), 0);
	}
	EXPECT_EQ(vfs_rmdir(AT_FDCWD, "/big"), -ENOTEMPTY);
}

HOSTTEST_MAIN("vfs")
