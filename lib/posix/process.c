/* SPDX-License-Identifier: MIT */
/*
 * Process and identity calls for the one program an image runs: the
 * process is the image (pid 1), exit powers it off.
 */
#include <pith/cpu.h>
#include <pith/errno.h>
#include <pith/kernel.h>
#include <pith/syscall.h>

#define ARCH_SET_GS	0x1001
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define ARCH_GET_GS	0x1004

long sys_exit_group(long status)
{
	kernel_exit((int)(status & 0xff));
}
SYSCALL(exit_group, "d", sys_exit_group);

static long sys_getpid(void)
{
	return 1;
}
SYSCALL(getpid, "", sys_getpid);

static long sys_getppid(void)
{
	return 0;
}
SYSCALL(getppid, "", sys_getppid);


static long sys_arch_prctl(long code, long addr)
{
	switch (code) {
	case ARCH_SET_FS:
		if (addr < 0)	/* not canonical in the lower half */
			return -EPERM;
		cpu_set_fs_base(addr);
		return 0;
	case ARCH_GET_FS:
		*(unsigned long *)addr = cpu_get_fs_base();
		return 0;
	default:
		return -EINVAL;
	}
}
SYSCALL(arch_prctl, "xp", sys_arch_prctl);
