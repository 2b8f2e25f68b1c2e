/* SPDX-License-Identifier: MIT */
/*
 * Who and what we are: the one process (pid 1, root), uname, resource
 * limits (remembered, mostly infinite), and the calls that cannot exist
 * in a single-program image (fork, vfork, execve), which say why.
 */
#include <pith/errno.h>
#include <pith/printk.h>
#include <pith/string.h>
#include <pith/syscall.h>

struct utsname_k {
	char sysname[65], nodename[65], release[65], version[65],
		machine[65], domainname[65];
};

struct rlimit_k {
	unsigned long cur, max;
};

#define RLIM_INFINITY	(~0ul)
#define RLIMIT_STACK	3
#define RLIMIT_NOFILE	7
#define RLIM_NLIMITS	16

static struct rlimit_k limits[RLIM_NLIMITS];
static int limits_ready;

static long sys_zero(void)
{
	return 0;
}
SYSCALL(getuid, "", sys_zero);
SYSCALL(geteuid, "", sys_zero);
SYSCALL(getgid, "", sys_zero);
SYSCALL(getegid, "", sys_zero);
SYSCALL(setuid, "d", sys_zero);
SYSCALL(setgid, "d", sys_zero);
SYSCALL(getpgrp, "", sys_zero);

static long sys_getpgid(long pid)
{
	return pid == 0 || pid == 1 ? 1 : -ESRCH;
}
SYSCALL(getpgid, "d", sys_getpgid);
SYSCALL(getsid, "d", sys_getpgid);

static long sys_getresid(long r, long e, long s)
{
	*(unsigned *)r = *(unsigned *)e = *(unsigned *)s = 0;
	return 0;
}
SYSCALL(getresuid, "ppp", sys_getresid);
SYSCALL(getresgid, "ppp", sys_getresid);

static long sys_uname(long buf)
{
	struct utsname_k *u = (struct utsname_k *)buf;

	memset(u, 0, sizeof(*u));
	kstrlcpy(u->sysname, "Pith", sizeof(u->sysname));
	kstrlcpy(u->nodename, "pith", sizeof(u->nodename));
	/* The Linux ABI level musl is answered at. */
	kstrlcpy(u->release, "6.1.0-pith", sizeof(u->release));
	kstrlcpy(u->version, "#1 Pith unikernel", sizeof(u->version));
	kstrlcpy(u->machine, "x86_64", sizeof(u->machine));
	kstrlcpy(u->domainname, "(none)", sizeof(u->domainname));
	return 0;
}
SYSCALL(uname, "p", sys_uname);

static void limits_init(void)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		limits[i] = (struct rlimit_k){ RLIM_INFINITY, RLIM_INFINITY };
	limits[RLIMIT_STACK].cur = CONFIG_LIBCORE_APP_STACK_KB * 1024ul;
	limits[RLIMIT_NOFILE] = (struct rlimit_k){ 1024, 4096 };
	limits_ready = 1;
}

static long sys_prlimit64(long pid, long res, long newp, long oldp)
{
	const struct rlimit_k *nl = (const struct rlimit_k *)newp;

	if (pid != 0 && pid != 1)
		return -ESRCH;
	if (res < 0 || res >= RLIM_NLIMITS)
		return -EINVAL;
	if (!limits_ready)
		limits_init();
	if (nl && nl->cur > nl->max)
		return -EINVAL;
	if (oldp)
		*(struct rlimit_k *)oldp = limits[res];
	if (nl)
		limits[res] = *nl;
	return 0;
}
SYSCALL(prlimit64, "ddpp", sys_prlimit64);

static long sys_getrlimit(long res, long oldp)
{
	return sys_prlimit64(0, res, 0, oldp);
}
SYSCALL(getrlimit, "dp", sys_getrlimit);

static long sys_setrlimit(long res, long newp)
{
	return sys_prlimit64(0, res, newp, 0);
}
SYSCALL(setrlimit, "dp", sys_setrlimit);

static long no_processes(const char *what)
{
	pr_warn("posix: %s: one image runs one program; there are no "
		"other processes to make\n", what);
	return -ENOSYS;
}

static long sys_fork(void)
{
	return no_processes("fork");
}
SYSCALL(fork, "", sys_fork);

static long sys_vfork(void)
{
	return no_processes("vfork");
}
SYSCALL(vfork, "", sys_vfork);

static long sys_execve(long path)
{
	return no_processes("execve");
}
SYSCALL(execve, "s", sys_execve);
