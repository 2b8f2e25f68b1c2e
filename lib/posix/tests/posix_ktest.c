/* SPDX-License-Identifier: MIT */
/*
 * In-image tests of the system-call layer: the SYSCALL instruction from
 * ring 0 reaches the table, preserves the registers Linux preserves and
 * the caller's red zone, and unknown numbers give -ENOSYS.
 */
#include <pith/errno.h>
#include <pith/cpu.h>
#include <pith/io.h>
#include <pith/ktest.h>
#include <pith/printk.h>
#include <pith/trap.h>
#include <pith/string.h>
#include <pith/syscall.h>

static long raw_syscall3(long nr, long a, long b, long c)
{
	long ret;
	register long r10 __asm__("r10") = 0;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			     : "rcx", "r11", "memory");
	return ret;
}

static void posix_syscall_getpid_is_1(struct ktest *t)
{
	KT_EXPECT_EQ(t, raw_syscall3(NR_getpid, 0, 0, 0), 1);
}

static void posix_syscall_unknown_is_enosys(struct ktest *t)
{
	KT_EXPECT_EQ(t, raw_syscall3(NR_SYSCALLS + 5, 0, 0, 0), -ENOSYS);
	KT_EXPECT_EQ(t, raw_syscall3(-1, 0, 0, 0), -ENOSYS);
}

/* Values below %rsp (a leaf function's red zone) survive a syscall, and
 * so do the argument registers. */
static void posix_syscall_keeps_red_zone_and_args(struct ktest *t)
{
	unsigned long below = 0, rdi = 0, r8 = 0;

	__asm__ __volatile__(
		"movq $0x1234abcd, -64(%%rsp)\n\t"
		"movq $0x77, %%r8\n\t"
		"movq %[nr], %%rax\n\t"
		"movq $0x55, %%rdi\n\t"
		"syscall\n\t"
		"movq -64(%%rsp), %[below]\n\t"
		"movq %%rdi, %[rdi]\n\t"
		"movq %%r8, %[r8]\n\t"
		: [below] "=r"(below), [rdi] "=r"(rdi), [r8] "=r"(r8)
		: [nr] "i"(NR_getpid)
		: "rax", "rcx", "rdi", "r8", "r11", "memory");
	KT_EXPECT_EQ(t, below, 0x1234abcd);
	KT_EXPECT_EQ(t, rdi, 0x55);
	KT_EXPECT_EQ(t, r8, 0x77);
}

static void posix_syscall_write_bad_fd(struct ktest *t)
{
	KT_EXPECT_EQ(t, raw_syscall3(NR_write, 7, (long)"x", 1), -EBADF);
}

/* musl's own view of the environment built by start.c (the suite runs
 * inside the app, after musl's start-up). */
char *getenv(const char *name);

static void posix_env_param_reaches_getenv(struct ktest *t)
{
	const char *v = getenv("PITH_TEST");

	if (!v)
		kt_skip(t, "boot with env.PITH_TEST=yes to run");
	KT_EXPECT_EQ(t, kstrcmp(v, "yes"), 0);
	KT_EXPECT_TRUE(t, getenv("PITH_NOT_SET") == NULL);
}

static __noinline void one_getppid_nop(void *unused)
{
	__asm__ __volatile__("" ::: "memory");
}

static void one_getppid(void *unused)
{
	raw_syscall3(NR_getppid, 0, 0, 0);
}

/* The figure issue 6 asks for where only TCG runs guests: instructions on
 * a trivial system call's round trip, counted by single-stepping (FMASK
 * keeps TF for the count). Also asserts the path stays short. */
static void posix_syscall_getppid_instruction_count(struct ktest *t)
{
	uint64_t fmask = rdmsr(MSR_FMASK);
	unsigned long n, base;

	wrmsr(MSR_FMASK, fmask & ~0x100ull);
	n = trap_count_steps(one_getppid, NULL, 100000);
	wrmsr(MSR_FMASK, fmask);
	base = trap_count_steps(one_getppid_nop, NULL, 100000);
	printk(LOGLEVEL_EMERG, "    # figure: getppid round trip %lu "
	       "instructions (%lu in the caller)\n", n - base, base);
	KT_EXPECT_TRUE(t, n > base);
	KT_EXPECT_TRUE(t, n - base < 400);
}

static struct ktest_case posix_cases[] = {
	KTEST_CASE(posix_syscall_getppid_instruction_count),
	KTEST_CASE(posix_env_param_reaches_getenv),
	KTEST_CASE(posix_syscall_getpid_is_1),
	KTEST_CASE(posix_syscall_unknown_is_enosys),
	KTEST_CASE(posix_syscall_keeps_red_zone_and_args),
	KTEST_CASE(posix_syscall_write_bad_fd),
	{}
};
KTEST_SUITE(posix, posix_cases);
