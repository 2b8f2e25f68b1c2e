/* SPDX-License-Identifier: MIT */
/*
 * Interrupt controllers: the legacy PICs masked, the local APIC (x2APIC
 * MSRs when present, else MMIO at its base), the IOAPIC for device lines,
 * and the vector table behind request_irq().
 */
#include <pith/compiler.h>
#include <pith/cpu.h>
#include <pith/errno.h>
#include <pith/io.h>
#include <pith/irq.h>
#include <pith/paging.h>
#include <pith/printk.h>
#include "x86.h"

#define LAPIC_ID	0x20
#define LAPIC_EOI	0xb0
#define LAPIC_SVR	0xf0
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_LVT_LINT0	0x350
#define LAPIC_LVT_LINT1	0x360
#define LAPIC_LVT_ERR	0x370
#define LAPIC_TIMER_ICR	0x380
#define LAPIC_TIMER_CCR	0x390
#define LAPIC_TIMER_DCR	0x3e0
#define APIC_BASE_X2	(1ull << 10)
#define APIC_BASE_EN	(1ull << 11)

#define IOAPIC_BASE	0xfec00000ul
#define IOAPIC_REGSEL	0x00
#define IOAPIC_WIN	0x10
#define IOAPIC_VER	0x01
#define IOAPIC_REDTBL	0x10

struct irq_desc {
	irq_handler_t fn;
	void *arg;
	const char *name;
	unsigned long count;
};

static struct irq_desc vectors[256];
static bool x2apic;
static uintptr_t lapic_base;
static unsigned int ioapic_lines;
static unsigned int next_dyn_vector = VEC_DYN_BASE;

uint32_t lapic_read(unsigned int reg)
{
	if (x2apic)
		return rdmsr(0x800 + (reg >> 4));
	return mmio_read32(lapic_base + reg);
}

void lapic_write(unsigned int reg, uint32_t v)
{
	if (x2apic)
		wrmsr(0x800 + (reg >> 4), v);
	else
		mmio_write32(lapic_base + reg, v);
}

uint32_t lapic_id(void)
{
	uint32_t id = lapic_read(LAPIC_ID);

	return x2apic ? id : id >> 24;
}

void apic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

static void ioapic_write(unsigned int reg, uint32_t v)
{
	mmio_write32(IOAPIC_BASE + IOAPIC_REGSEL, reg);
	mmio_write32(IOAPIC_BASE + IOAPIC_WIN, v);
}

static uint32_t ioapic_read(unsigned int reg)
{
	mmio_write32(IOAPIC_BASE + IOAPIC_REGSEL, reg);
	return mmio_read32(IOAPIC_BASE + IOAPIC_WIN);
}

static void ioapic_route(unsigned int gsi, unsigned int vector,
			 unsigned int flags, bool masked)
{
	uint32_t lo = vector;

	if (flags & IRQF_LEVEL)
		lo |= 1u << 15;
	if (flags & IRQF_LOW)
		lo |= 1u << 13;
	if (masked)
		lo |= 1u << 16;
	ioapic_write(IOAPIC_REDTBL + 2 * gsi + 1, lapic_id() << 24);
	ioapic_write(IOAPIC_REDTBL + 2 * gsi, lo);
}

static void pic_mask_all(void)
{
	/* Remap the 8259s away from the exception vectors, then mask. */
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(0x21, 0x20);
	outb(0xa1, 0x28);
	outb(0x21, 0x04);
	outb(0xa1, 0x02);
	outb(0x21, 0x01);
	outb(0xa1, 0x01);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

void apic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	pic_mask_all();
	x2apic = cpu_has(X86_FEATURE_X2APIC);
	base |= APIC_BASE_EN | (x2apic ? APIC_BASE_X2 : 0);
	wrmsr(MSR_APIC_BASE, base);
	if (!x2apic)
		lapic_base = (uintptr_t)ioremap(base & PAGE_MASK, PAGE_SIZE);
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
	lapic_write(LAPIC_LVT_LINT0, 1u << 16);
	lapic_write(LAPIC_LVT_LINT1, 1u << 16);
	lapic_write(LAPIC_LVT_ERR, 1u << 16);
	lapic_write(LAPIC_LVT_TIMER, 1u << 16);

	ioremap(IOAPIC_BASE, PAGE_SIZE);
	ioapic_lines = ((ioapic_read(IOAPIC_VER) >> 16) & 0xff) + 1;
	if (ioapic_lines > 24)
		ioapic_lines = 24;
	/* Reset leaves every line masked; mask only those firmware left
	 * unmasked (one read each, not four writes: each access is an exit
	 * to the hypervisor under KVM). request_irq writes the whole entry. */
	for (unsigned int gsi = 0; gsi < ioapic_lines; gsi++)
		if (!(ioapic_read(IOAPIC_REDTBL + 2 * gsi) & (1u << 16)))
			ioapic_route(gsi, VEC_GSI_BASE + gsi, 0, true);
	pr_debug("apic: %s, id %u, ioapic with %u lines\n",
		 x2apic ? "x2apic" : "xapic", lapic_id(), ioapic_lines);
}

int request_irq(unsigned int gsi, irq_handler_t fn, void *arg,
		const char *name, unsigned int flags)
{
	struct irq_desc *d;

	if (gsi >= ioapic_lines || !fn)
		return -EINVAL;
	d = &vectors[VEC_GSI_BASE + gsi];
	if (d->fn)
		return -EBUSY;
	*d = (struct irq_desc){ fn, arg, name, 0 };
	if (!(flags & IRQF_EDGE) && gsi >= 16)
		flags |= IRQF_LEVEL | IRQF_LOW;
	if (flags & IRQF_EDGE)
		flags &= ~(IRQF_LEVEL | IRQF_LOW);
	ioapic_route(gsi, VEC_GSI_BASE + gsi, flags, false);
	return 0;
}

void free_irq(unsigned int gsi)
{
	if (gsi >= ioapic_lines)
		return;
	ioapic_route(gsi, VEC_GSI_BASE + gsi, 0, true);
	vectors[VEC_GSI_BASE + gsi].fn = NULL;
}

int irq_alloc_vector(irq_handler_t fn, void *arg, const char *name)
{
	if (next_dyn_vector >= VEC_TIMER)
		return -ENOSPC;
	vectors[next_dyn_vector] = (struct irq_desc){ fn, arg, name, 0 };
	return next_dyn_vector++;
}

unsigned long irq_count(unsigned int vector)
{
	return vector < 256 ? vectors[vector].count : 0;
}

void irq_dispatch(unsigned int vector)
{
	struct irq_desc *d = &vectors[vector];

	d->count++;
	if (vector == VEC_SPURIOUS)
		return;		/* no EOI for spurious interrupts */
	if (vector == VEC_TIMER)
		timer_irq();
	else if (d->fn)
		d->fn(d->arg);
	else
		pr_warn("irq: unexpected vector %u\n", vector);
	apic_eoi();
}
