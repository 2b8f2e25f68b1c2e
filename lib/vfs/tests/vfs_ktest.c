/* SPDX-License-Identifier: MIT */
/*
 * In-image tests of lib/vfs on the real root: the fd table (lowest free
 * fd, EMFILE, dup sharing the offset, O_CLOEXEC), the console fds, devfs
 * devices, mounts (EXDEV, EBUSY), and the system calls reached through
 * the SYSCALL instruction.
 */
#include <pith/errno.h>
#include <pith/ktest.h>
#include <pith/string.h>
#include <pith/syscall.h>
#include <pith/vfs.h>

static long sc(long nr, long a, long b, long c)
{
	long ret;
	register long r10 __asm__("r10") = 0;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			     : "rcx", "r11", "memory");
	return ret;
}

static void vfs_console_fds_are_open(struct ktest *t)
{
	struct kstat st;

	for (int fd = 0; fd < 3; fd++) {
		KT_ASSERT_EQ(t, sc(NR_fstat, fd, (long)&st, 0), 0);
		KT_EXPECT_TRUE(t, S_ISCHR(st.st_mode));
		KT_EXPECT_EQ(t, st.st_rdev, (5 << 8) | 1);
	}
	KT_EXPECT_EQ(t, sc(NR_write, 1, (long)"# console ok\n", 13), 13);
}

static void vfs_open_lowest_free_fd(struct ktest *t)
{
	long a = sc(NR_open, (long)"/dev/null", O_RDONLY, 0);
	long b = sc(NR_open, (long)"/dev/null", O_RDONLY, 0);

	KT_ASSERT_TRUE(t, a >= 3 && b == a + 1);
	KT_EXPECT_EQ(t, sc(NR_close, a, 0, 0), 0);
	KT_EXPECT_EQ(t, sc(NR_open, (long)"/nonexistent", O_RDONLY, 0),
		     -ENOENT);
	KT_EXPECT_EQ(t, sc(NR_open, (long)"/dev/zero", O_RDONLY, 0), a);
	sc(NR_close, a, 0, 0);
	sc(NR_close, b, 0, 0);
	KT_EXPECT_EQ(t, sc(NR_close, b, 0, 0), -EBADF);
}

static void vfs_emfile_at_table_size(struct ktest *t)
{
	long fd, first = -1, last = -1;

	while ((fd = sc(NR_open, (long)"/dev/null", O_RDONLY, 0)) >= 0) {
		if (first < 0)
			first = fd;
		last = fd;
	}
	KT_EXPECT_EQ(t, fd, -EMFILE);
	KT_EXPECT_EQ(t, last, fd_table_size() - 1);
	for (fd = first; fd <= last; fd++)
		sc(NR_close, fd, 0, 0);
}

static void vfs_dup_shares_offset_cloexec_kept(struct ktest *t)
{
	long fd = sc(NR_open, (long)"/dupfile", O_CREAT | O_RDWR |
		     O_CLOEXEC, 0644);
	long fd2;
	char c = 0;

	KT_ASSERT_TRUE(t, fd >= 0);
	KT_EXPECT_EQ(t, sc(NR_fcntl, fd, 1 /* F_GETFD */, 0), 1);
	fd2 = sc(NR_dup, fd, 0, 0);
	KT_EXPECT_EQ(t, sc(NR_fcntl, fd2, 1, 0), 0);
	KT_EXPECT_EQ(t, sc(NR_write, fd, (long)"xy", 2), 2);
	KT_EXPECT_EQ(t, sc(NR_lseek, fd2, 0, SEEK_CUR_K), 2);
	KT_EXPECT_EQ(t, sc(NR_lseek, fd2, 1, SEEK_SET_K), 1);
	KT_EXPECT_EQ(t, sc(NR_read, fd, (long)&c, 1), 1);
	KT_EXPECT_EQ(t, c, 'y');
	KT_EXPECT_EQ(t, sc(NR_dup2, fd, 40, 0), 40);
	KT_EXPECT_EQ(t, sc(NR_lseek, 40, 0, SEEK_CUR_K), 2);
	sc(NR_close, 40, 0, 0);
	sc(NR_close, fd2, 0, 0);
	sc(NR_close, fd, 0, 0);
	KT_EXPECT_EQ(t, sc(NR_unlink, (long)"/dupfile", 0, 0), 0);
}

static void vfs_devfs_devices(struct ktest *t)
{
	char buf[16];
	long fd = sc(NR_open, (long)"/dev/zero", O_RDONLY, 0);

	memset(buf, 1, sizeof(buf));
	KT_EXPECT_EQ(t, sc(NR_read, fd, (long)buf, sizeof(buf)), 16);
	KT_EXPECT_EQ(t, buf[0] | buf[15], 0);
	sc(NR_close, fd, 0, 0);
	fd = sc(NR_open, (long)"/dev/full", O_WRONLY, 0);
	KT_EXPECT_EQ(t, sc(NR_write, fd, (long)buf, 1), -ENOSPC);
	sc(NR_close, fd, 0, 0);
	fd = sc(NR_open, (long)"/dev/urandom", O_RDONLY, 0);
	KT_EXPECT_EQ(t, sc(NR_read, fd, (long)buf, sizeof(buf)), 16);
	sc(NR_close, fd, 0, 0);
	fd = sc(NR_open, (long)"/dev/null", O_RDWR, 0);
	KT_EXPECT_EQ(t, sc(NR_read, fd, (long)buf, sizeof(buf)), 0);
	KT_EXPECT_EQ(t, sc(NR_write, fd, (long)buf, 5), 5);
	sc(NR_close, fd, 0, 0);
}

static void vfs_mount_exdev_and_busy(struct ktest *t)
{
	long fd;

	KT_ASSERT_EQ(t, vfs_mkdir(AT_FDCWD, "/mnt", 0755), 0);
	KT_ASSERT_EQ(t, vfs_mount("/mnt", "ramfs", 0, NULL), 0);
	fd = sc(NR_open, (long)"/mnt/a", O_CREAT | O_WRONLY, 0644);
	KT_ASSERT_TRUE(t, fd >= 0);
	KT_EXPECT_EQ(t, sc(NR_rename, (long)"/mnt/a", (long)"/a", 0),
		     -EXDEV);
	KT_EXPECT_EQ(t, sc(NR_link, (long)"/mnt/a", (long)"/a", 0), -EXDEV);
	KT_EXPECT_EQ(t, vfs_umount("/mnt"), -EBUSY);
	KT_EXPECT_EQ(t, sc(NR_rmdir, (long)"/mnt", 0, 0), -EBUSY);
	sc(NR_close, fd, 0, 0);
	KT_EXPECT_EQ(t, sc(NR_chdir, (long)"/mnt/..", 0, 0), 0);
	KT_EXPECT_EQ(t, vfs_umount("/mnt"), 0);
	KT_EXPECT_EQ(t, sc(NR_open, (long)"/mnt/a", O_RDONLY, 0), -ENOENT);
	KT_EXPECT_EQ(t, sc(NR_rmdir, (long)"/mnt", 0, 0), 0);
}

static void vfs_getdents_lists_dot_entries(struct ktest *t)
{
	char buf[256];
	long fd = sc(NR_open, (long)"/dev", O_RDONLY | O_DIRECTORY, 0);
	long n = sc(NR_getdents64, fd, (long)buf, sizeof(buf));

	KT_ASSERT_TRUE(t, n > 0);
	KT_EXPECT_EQ(t, kstrcmp(buf + 19, "."), 0);
	KT_EXPECT_EQ(t, sc(NR_getdents64, fd, (long)buf, sizeof(buf)), 0);
	KT_EXPECT_EQ(t, sc(NR_lseek, fd, 0, SEEK_SET_K), 0);
	KT_EXPECT_EQ(t, sc(NR_getdents64, fd, (long)buf, 8), -EINVAL);
	sc(NR_close, fd, 0, 0);
}

static struct ktest_case vfs_cases[] = {
	KTEST_CASE(vfs_console_fds_are_open),
	KTEST_CASE(vfs_open_lowest_free_fd),
	KTEST_CASE(vfs_emfile_at_table_size),
	KTEST_CASE(vfs_dup_shares_offset_cloexec_kept),
	KTEST_CASE(vfs_devfs_devices),
	KTEST_CASE(vfs_mount_exdev_and_busy),
	KTEST_CASE(vfs_getdents_lists_dot_entries),
	{}
};
KTEST_SUITE(vfs, vfs_cases);
