/* SPDX-License-Identifier: MIT */
/*
 * CPU features found at boot (CPUID) and the per-CPU tables.
 *
 * Interface:
 *   cpu_has(X86_FEATURE_...)   true when the CPU (and the kernel) use it
 *   cpu_set_fs_base(v)         set the FS base (TLS) of the running code
 */
#ifndef PITH_CPU_H
#define PITH_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum x86_feature {
	X86_FEATURE_X2APIC,
	X86_FEATURE_TSC_DEADLINE,
	X86_FEATURE_XSAVE,
	X86_FEATURE_AVX,
	X86_FEATURE_RDRAND,
	X86_FEATURE_RDSEED,
	X86_FEATURE_NX,
	X86_FEATURE_PDPE1GB,
	X86_FEATURE_INVTSC,
	X86_FEATURE_KVM,	/* KVM paravirt leaves present */
	X86_FEATURE_KVMCLOCK,
	X86_FEATURE_HYPERVISOR,
	X86_FEATURE_FSGSBASE,
	X86_NR_FEATURES
};

bool cpu_has(enum x86_feature f);
void cpu_set_fs_base(uint64_t v);
uint64_t cpu_get_fs_base(void);
/* Fill buf with 'n' random bytes from RDSEED or RDRAND; false when the CPU
 * has neither (the caller then mixes in the TSC). */
bool cpu_random_bytes(void *buf, unsigned int n);

/* A thread's FPU/SSE/AVX registers: areas of fpu_area_size() bytes,
 * 64-byte aligned; fpu_init_area() gives the clean start-up state. */
size_t fpu_area_size(void);
void fpu_save(void *area);
void fpu_restore(const void *area);
void fpu_init_area(void *area);

#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_FMASK		0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_APIC_BASE		0x1b
#define MSR_TSC_DEADLINE	0x6e0

#endif
