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
static char hostname[65] = "pith";
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
	kstrlcpy(u->nodename, hostname, sizeof(u->nodename));
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

/* One process, one session, one group, root: the identity calls that
 * change things accept what changes nothing. */
static long sys_setpgid(long pid, long pgid)
{
	return (pid == 0 || pid == 1) && (pgid == 0 || pgid == 1) ? 0 : -EPERM;
}
SYSCALL(setpgid, "dd", sys_setpgid);

static long sys_setsid(void)
{
	return -EPERM;	/* already a session and group leader */
}
SYSCALL(setsid, "", sys_setsid);

static long sys_getgroups(long n, long list)
{
	return 0;
}
SYSCALL(getgroups, "dp", sys_getgroups);

static long sys_set_ids(long a, long b, long c)
{
	return 0;
}
SYSCALL(setgroups, "dp", sys_set_ids);
SYSCALL(setreuid, "dd", sys_set_ids);
SYSCALL(setregid, "dd", sys_set_ids);
SYSCALL(setresuid, "ddd", sys_set_ids);
SYSCALL(setresgid, "ddd", sys_set_ids);
SYSCALL(setfsuid, "d", sys_set_ids);
SYSCALL(setfsgid, "d", sys_set_ids);

static long sys_no_children(long a, long b, long c, long d)
{
	return -ECHILD;	/* no process ever has children here */
}
SYSCALL(wait4, "dppp", sys_no_children);
SYSCALL(waitid, "ddpx", sys_no_children);

static long sys_personality(long p)
{
	return 0;	/* PER_LINUX, and it stays so */
}
SYSCALL(personality, "x", sys_personality);

static long sys_membarrier(long cmd, long flags)
{
	return 0;	/* one CPU: every barrier is already there */
}
SYSCALL(membarrier, "dx", sys_membarrier);

#define PR_SET_NAME	15
#define PR_GET_NAME	16

static char comm[16] = "main";

static long sys_prctl(long op, long a2, long a3, long a4, long a5)
{
	if (op == PR_SET_NAME) {
		kstrlcpy(comm, (const char *)a2, sizeof(comm));
		return 0;
	}
	if (op == PR_GET_NAME) {
		kstrlcpy((char *)a2, comm, sizeof(comm));
		return 0;
	}
	return -EINVAL;
}
SYSCALL(prctl, "dxxxx", sys_prctl);

static long sys_sethostname(long name, long len)
{
	if (len < 0 || len >= (long)sizeof(hostname))
		return -EINVAL;
	memcpy(hostname, (const void *)name, len);
	hostname[len] = 0;
	return 0;
}
SYSCALL(sethostname, "su", sys_sethostname);
