/* SPDX-License-Identifier: MIT */
/*
 * CPU set-up: feature probe (CPUID), SSE/XSAVE and NX on, the GDT with a
 * TSS whose IST stacks every trap and interrupt uses, and the IDT.
 *
 * Why IST everywhere: apps are musl code compiled with a red zone (128
 * bytes below %rsp that leaf functions use without moving %rsp). An
 * interrupt taken in ring 0 without a stack switch would push its frame
 * right over it. IST makes the CPU switch stacks on every vector.
 *   IST1  external interrupts      IST2  double fault
 *   IST3  NMI, machine check       IST4  all other exceptions
 */
#include <pith/compiler.h>
#include <pith/cpu.h>
#include <pith/io.h>
#include <pith/printk.h>
#include "x86.h"

#define CR4_OSFXSR	(1u << 9)
#define CR4_OSXMMEXCPT	(1u << 10)
#define CR4_FSGSBASE	(1u << 16)
#define CR4_OSXSAVE	(1u << 18)
#define EFER_SCE	(1u << 0)
#define EFER_NXE	(1u << 11)

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

struct idt_entry {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, reserved;
} __packed;

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

#define IST_STACK_SIZE	16384
static uint8_t ist_stacks[4][IST_STACK_SIZE] __aligned(16) __section(".stacks");
static struct tss tss __aligned(16);
static struct idt_entry idt[256] __aligned(16);
static uint8_t features[X86_NR_FEATURES];
static uint64_t xcr0;

extern uint64_t boot_gdt[];
extern const uintptr_t trap_stubs[256];

bool cpu_has(enum x86_feature f)
{
	return features[f];
}

static void probe_features(void)
{
	uint32_t a, b, c, d, max, maxext;

	cpuid(0, 0, &max, &b, &c, &d);
	cpuid(1, 0, &a, &b, &c, &d);
	features[X86_FEATURE_X2APIC] = !!(c & (1u << 21));
	features[X86_FEATURE_TSC_DEADLINE] = !!(c & (1u << 24));
	features[X86_FEATURE_XSAVE] = !!(c & (1u << 26));
	features[X86_FEATURE_AVX] = !!(c & (1u << 28));
	features[X86_FEATURE_RDRAND] = !!(c & (1u << 30));
	features[X86_FEATURE_HYPERVISOR] = !!(c & (1u << 31));
	if (max >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		features[X86_FEATURE_RDSEED] = !!(b & (1u << 18));
		features[X86_FEATURE_FSGSBASE] = !!(b & (1u << 0));
	}
	cpuid(0x80000000, 0, &maxext, &b, &c, &d);
	if (maxext >= 0x80000001) {
		cpuid(0x80000001, 0, &a, &b, &c, &d);
		features[X86_FEATURE_NX] = !!(d & (1u << 20));
		features[X86_FEATURE_PDPE1GB] = !!(d & (1u << 26));
	}
	if (maxext >= 0x80000007) {
		cpuid(0x80000007, 0, &a, &b, &c, &d);
		features[X86_FEATURE_INVTSC] = !!(d & (1u << 8));
	}
	if (features[X86_FEATURE_HYPERVISOR]) {
		cpuid(0x40000000, 0, &a, &b, &c, &d);
		/* "KVMKVMKVM\0\0\0" */
		if (b == 0x4b4d564b && c == 0x564b4d56 && d == 0x4d) {
			features[X86_FEATURE_KVM] = 1;
			cpuid(0x40000001, 0, &a, &b, &c, &d);
			features[X86_FEATURE_KVMCLOCK] = !!(a & (1u << 3));
		}
	}
}

static void enable_fpu(void)
{
	uint64_t cr0, cr4;

	__asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
	cr0 &= ~(1ull << 2);	/* EM off */
	cr0 |= (1ull << 1) | (1ull << 5); /* MP, NE */
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(cr0));
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (cpu_has(X86_FEATURE_XSAVE))
		cr4 |= CR4_OSXSAVE;
	if (cpu_has(X86_FEATURE_FSGSBASE))
		cr4 |= CR4_FSGSBASE;
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4));
	__asm__ __volatile__("fninit");
	if (cpu_has(X86_FEATURE_XSAVE)) {
		uint32_t a, b, c, d;

		/* x87 and SSE always; AVX when the CPU offers it. */
		cpuid(0xd, 0, &a, &b, &c, &d);
		xcr0 = 0x3 | (cpu_has(X86_FEATURE_AVX) ? (a & 0x4) : 0);
		__asm__ __volatile__("xsetbv"
				     : : "c"(0), "a"((uint32_t)xcr0),
				       "d"((uint32_t)(xcr0 >> 32)));
	}
}

static void load_gdt_tss(void)
{
	uint64_t base = (uintptr_t)&tss, limit = sizeof(tss) - 1;
	struct desc_ptr gdtr = { 5 * 8 - 1, (uintptr_t)boot_gdt };

	for (int i = 0; i < 4; i++)
		tss.ist[i] = (uintptr_t)ist_stacks[i] + IST_STACK_SIZE;
	tss.iomap_base = sizeof(tss);
	boot_gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		      (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
		      (((base >> 24) & 0xff) << 56);
	boot_gdt[4] = base >> 32;
	__asm__ __volatile__("lgdt %0" : : "m"(gdtr));
	__asm__ __volatile__("ltr %w0" : : "r"(0x18));
}

static unsigned int ist_for_vector(unsigned int v)
{
	if (v == 8)
		return 2;
	if (v == 2 || v == 18)
		return 3;
	return v < 32 ? 4 : 1;
}

static void fpu_setup_template(void);

static void load_idt(void)
{
	struct desc_ptr idtr = { sizeof(idt) - 1, (uintptr_t)idt };

	for (unsigned int v = 0; v < 256; v++) {
		uintptr_t h = trap_stubs[v];

		idt[v] = (struct idt_entry){
			.off_lo = h & 0xffff, .sel = 0x08,
			.ist = ist_for_vector(v), .type = 0x8e,
			.off_mid = (h >> 16) & 0xffff, .off_hi = h >> 32,
		};
	}
	__asm__ __volatile__("lidt %0" : : "m"(idtr));
}

void cpu_init(void)
{
	probe_features();
	enable_fpu();
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE |
			(cpu_has(X86_FEATURE_NX) ? EFER_NXE : 0));
	load_gdt_tss();
	load_idt();
	fpu_setup_template();
}

bool cpu_ist_stack_contains(uintptr_t addr)
{
	return addr >= (uintptr_t)ist_stacks &&
	       addr < (uintptr_t)ist_stacks + sizeof(ist_stacks);
}

/*
 * FPU/SSE/AVX state of a thread: XSAVE when the CPU has it, else FXSAVE
 * (512 bytes). Areas are 64-byte aligned. A new thread starts from the
 * state captured right after boot's fninit (clean x87, SSE defaults).
 */
static uint8_t fpu_initial[4096] __aligned(64);
static uint32_t fpu_size = 512;

static void fpu_setup_template(void)
{
	if (cpu_has(X86_FEATURE_XSAVE)) {
		uint32_t a, b, c, d;

		cpuid(0xd, 0, &a, &b, &c, &d);
		fpu_size = b;	/* for the features enabled in XCR0 */
		if (fpu_size > sizeof(fpu_initial))
			panic("cpu: XSAVE area of %u bytes\n", fpu_size);
	}
	fpu_save(fpu_initial);
}

size_t fpu_area_size(void)
{
	return fpu_size;
}

void fpu_save(void *area)
{
	if (cpu_has(X86_FEATURE_XSAVE))
		__asm__ __volatile__("xsave64 (%0)"
				     : : "r"(area), "a"((uint32_t)xcr0),
				       "d"((uint32_t)(xcr0 >> 32)) : "memory");
	else
		__asm__ __volatile__("fxsave64 (%0)" : : "r"(area) : "memory");
}

void fpu_restore(const void *area)
{
	if (cpu_has(X86_FEATURE_XSAVE))
		__asm__ __volatile__("xrstor64 (%0)"
				     : : "r"(area), "a"((uint32_t)xcr0),
				       "d"((uint32_t)(xcr0 >> 32)) : "memory");
	else
		__asm__ __volatile__("fxrstor64 (%0)" : : "r"(area) : "memory");
}

void fpu_init_area(void *area)
{
	__builtin_memcpy(area, fpu_initial, fpu_size);
}

void cpu_set_fs_base(uint64_t v)
{
	wrmsr(MSR_FS_BASE, v);
}

uint64_t cpu_get_fs_base(void)
{
	return rdmsr(MSR_FS_BASE);
}

static bool rd64(bool seed, uint64_t *v)
{
	unsigned char ok;

	for (int tries = 0; tries < 16; tries++) {
		if (seed)
			__asm__ __volatile__("rdseed %0; setc %1"
					     : "=r"(*v), "=qm"(ok));
		else
			__asm__ __volatile__("rdrand %0; setc %1"
					     : "=r"(*v), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}

bool cpu_random_bytes(void *buf, unsigned int n)
{
	bool seed = cpu_has(X86_FEATURE_RDSEED);
	uint8_t *p = buf;

	if (!seed && !cpu_has(X86_FEATURE_RDRAND))
		return false;
	while (n) {
		uint64_t v;
		unsigned int k = n < 8 ? n : 8;

		if (!rd64(seed, &v))
			return false;
		__builtin_memcpy(p, &v, k);
		p += k;
		n -= k;
	}
	return true;
}
