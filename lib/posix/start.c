/* SPDX-License-Identifier: MIT */
/*
 * Starting the app the way Linux starts a static musl program: musl's
 * _start on a stack holding argc, argv[], NULL, envp[], NULL, auxv[],
 * AT_NULL (System V x86-64 ABI, figure 3.9), with the program headers of
 * the image in memory for AT_PHDR (musl finds its TLS segment there).
 */
#include <pith/cpu.h>
#include <pith/init.h>
#include <pith/io.h>
#include <pith/kernel.h>
#include <pith/plat.h>
#include <pith/printk.h>
#include <pith/string.h>
#include "posix.h"

#define AT_NULL		0
#define AT_PHDR		3
#define AT_PHENT	4
#define AT_PHNUM	5
#define AT_PAGESZ	6
#define AT_ENTRY	9
#define AT_UID		11
#define AT_EUID		12
#define AT_GID		13
#define AT_EGID		14
#define AT_PLATFORM	15
#define AT_HWCAP	16
#define AT_CLKTCK	17
#define AT_SECURE	23
#define AT_RANDOM	25
#define AT_EXECFN	31

extern char _start[];

/* The fields of the ELF header that AT_PHDR needs. */
struct elf64_head {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum;
};

static void random_bytes(uint8_t *buf, unsigned int n)
{
	if (cpu_random_bytes(buf, n))
		return;
	/* No RDRAND/RDSEED: the TSC is a weak stand-in; say so. */
	pr_warn("posix: no hardware random source, AT_RANDOM from the TSC\n");
	for (unsigned int i = 0; i < n; i++)
		buf[i] = (uint8_t)(rdtsc() * 0x9e3779b97f4a7c15ull >> 56);
}

static uint64_t *push_auxv(uint64_t *sp, uint64_t type, uint64_t val)
{
	*--sp = val;
	*--sp = type;
	return sp;
}

/* Lay out the initial stack below 'top'; returns the new stack pointer
 * (pointing at argc, 16-byte aligned as the ABI requires). */
static uint64_t *build_stack(int argc, char **argv, char **envp,
			     uintptr_t top)
{
	const struct elf64_head *eh = (const void *)__image_start;
	uint8_t *rnd = (uint8_t *)(top - 16);
	uint32_t a, b, c, d;
	int envc = 0;
	uint64_t *sp;

	random_bytes(rnd, 16);
	cpuid(1, 0, &a, &b, &c, &d);
	while (envp[envc])
		envc++;
	sp = (uint64_t *)ALIGN_DOWN((uintptr_t)rnd, 16);
	/* argc + argv + NULL + envp + NULL + 17 auxv pairs: keep it even */
	if ((1 + argc + 1 + envc + 1) & 1)
		*--sp = 0;
	sp = push_auxv(sp, AT_NULL, 0);
	sp = push_auxv(sp, AT_EXECFN, (uintptr_t)argv[0]);
	sp = push_auxv(sp, AT_RANDOM, (uintptr_t)rnd);
	sp = push_auxv(sp, AT_SECURE, 0);
	sp = push_auxv(sp, AT_CLKTCK, 100);
	sp = push_auxv(sp, AT_HWCAP, d);
	sp = push_auxv(sp, AT_PLATFORM, (uintptr_t)"x86_64");
	sp = push_auxv(sp, AT_EGID, 0);
	sp = push_auxv(sp, AT_GID, 0);
	sp = push_auxv(sp, AT_EUID, 0);
	sp = push_auxv(sp, AT_UID, 0);
	sp = push_auxv(sp, AT_ENTRY, (uintptr_t)_start);
	sp = push_auxv(sp, AT_PAGESZ, 4096);
	sp = push_auxv(sp, AT_PHNUM, eh->phnum);
	sp = push_auxv(sp, AT_PHENT, eh->phentsize);
	sp = push_auxv(sp, AT_PHDR, (uintptr_t)__image_start + eh->phoff);
	*--sp = 0;
	for (int i = envc - 1; i >= 0; i--)
		*--sp = (uintptr_t)envp[i];
	*--sp = 0;
	for (int i = argc - 1; i >= 0; i--)
		*--sp = (uintptr_t)argv[i];
	*--sp = argc;
	return sp;
}

static __noreturn void posix_launch(int argc, char **argv, char **envp,
				    uintptr_t top)
{
	uint64_t *sp = build_stack(argc, argv, envp, top);

	posix_app_start();

	/* As the kernel enters a new program: %rdx = 0 (no exit hook from
	 * a dynamic linker), no frame above _start. */
	__asm__ __volatile__("movq %0, %%rsp\n\t"
			     "xorl %%edx, %%edx\n\t"
			     "xorl %%ebp, %%ebp\n\t"
			     "jmp *%1"
			     : : "r"(sp), "r"(_start) : "memory");
	__builtin_unreachable();
}

static int posix_start_init(void)
{
	app_set_launcher(posix_launch);
	return 0;
}
early_initcall(posix_start_init);
