/* SPDX-License-Identifier: MIT */
/*
 * Power off with a status. First QEMU's isa-debug-exit at port 0xf4 (QEMU
 * then exits with status*2+1, which the runner turns back into status);
 * without that device the write does nothing and we go on to ACPI S5
 * (QEMU exits 0: the status is lost), then a reset through port 0xcf9 and
 * the keyboard controller (QEMU with -no-reboot exits), then a triple
 * fault.
 *
 * ACPI S5 needs the PM1a control port (or, on hardware-reduced ACPI like
 * microvm's, the sleep control register) from the FADT, and SLP_TYPa from
 * the \_S5 package in the DSDT. They are looked up once at boot, so that
 * a panic does not parse firmware tables.
 */
#include <pith/bootinfo.h>
#include <pith/compiler.h>
#include <pith/io.h>
#include <pith/irqflags.h>
#include <pith/paging.h>
#include <pith/plat.h>
#include <pith/printk.h>
#include <pith/string.h>
#include "x86.h"

struct acpi_header {
	char sig[4];
	uint32_t length;
	uint8_t rev, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __packed;

struct acpi_gas {
	uint8_t space, width, offset, access;
	uint64_t addr;
} __packed;

static uint16_t pm1a_cnt;		/* 0: none */
static struct acpi_gas sleep_ctl;	/* hardware-reduced ACPI */
static int slp_typ = -1;

static const void *phys(uint64_t pa, uint64_t len)
{
	/* Firmware tables sit in RAM or ROM below 4 GiB, outside our RAM
	 * map: map them (uncached is fine for a one-time read). */
	if (!pa || pa + len < pa)
		return NULL;
	return ioremap(pa, len);
}

static const struct acpi_header *table(uint64_t pa)
{
	const struct acpi_header *h = phys(pa, sizeof(*h));

	if (!h || h->length < sizeof(*h) || h->length > (1u << 24))
		return NULL;
	return phys(pa, h->length);
}

static const struct acpi_header *find_table(const char *sig)
{
	const uint8_t *rsdp = phys(bootinfo_get()->rsdp, 36);
	const struct acpi_header *root;
	bool x;

	if (!rsdp || kstrncmp((const char *)rsdp, "RSD PTR ", 8))
		return NULL;
	x = rsdp[15] >= 2;
	root = table(x ? *(const uint64_t *)(rsdp + 24)
		       : *(const uint32_t *)(rsdp + 16));
	if (!root)
		return NULL;
	int n = (root->length - sizeof(*root)) / (x ? 8 : 4);
	const uint8_t *ent = (const uint8_t *)(root + 1);

	for (int i = 0; i < n; i++) {
		uint64_t pa = x ? ((const uint64_t *)ent)[i]
				: ((const uint32_t *)ent)[i];
		const struct acpi_header *t = table(pa);

		if (t && !kstrncmp(t->sig, sig, 4))
			return t;
	}
	return NULL;
}

/* SLP_TYPa: the first element of the \_S5_ package in the DSDT's AML. */
static int find_s5(const struct acpi_header *dsdt)
{
	const uint8_t *p = (const uint8_t *)dsdt, *end = p + dsdt->length;

	for (p += sizeof(*dsdt); p + 8 < end; p++) {
		if (kstrncmp((const char *)p, "_S5_", 4) || p[4] != 0x12)
			continue;
		p += 5;				/* PackageOp */
		p += 1 + (p[0] >> 6);		/* PkgLength */
		p += 1;				/* NumElements */
		if (p + 2 > end)
			return -1;
		return p[0] == 0x0a ? p[1] : p[0]; /* BytePrefix or Zero/One */
	}
	return -1;
}

void acpi_init(void)
{
	const struct acpi_header *fadt = find_table("FACP");
	const uint8_t *f = (const uint8_t *)fadt;
	const struct acpi_header *dsdt;

	if (!fadt)
		return;
	pm1a_cnt = *(const uint32_t *)(f + 64);
	if (fadt->length >= 256)
		__builtin_memcpy(&sleep_ctl, f + 244, sizeof(sleep_ctl));
	if (fadt->length >= 148 && *(const uint64_t *)(f + 140))
		dsdt = table(*(const uint64_t *)(f + 140));
	else
		dsdt = table(*(const uint32_t *)(f + 40));
	if (dsdt)
		slp_typ = find_s5(dsdt);
	if (sleep_ctl.addr && sleep_ctl.space == 0)
		ioremap(sleep_ctl.addr, 1);
	pr_debug("acpi: pm1a_cnt %#x sleep_ctl %#lx s5 %d\n", pm1a_cnt,
		 (unsigned long)sleep_ctl.addr, slp_typ);
}

static void acpi_poweroff(void)
{
	if (slp_typ < 0)
		return;
	if (sleep_ctl.addr) {
		uint8_t v = (slp_typ & 7) << 2 | 1 << 5;

		if (sleep_ctl.space == 1)
			outb(sleep_ctl.addr, v);
		else if (sleep_ctl.space == 0)
			*(volatile uint8_t *)(uintptr_t)sleep_ctl.addr = v;
	}
	if (pm1a_cnt)
		outw(pm1a_cnt, (slp_typ & 7) << 10 | 1 << 13);
}

void plat_poweroff(int status)
{
	static int entered;

	local_irq_disable();
	/* A fault on the way out comes back here: go straight to the end. */
	if (!entered++) {
		outl(0xf4, status & 0x7f);
		acpi_poweroff();
		outb(0xcf9, 0x06);
		outb(0x64, 0xfe);
	}
	/* Triple fault: an empty IDT and an exception. */
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed none = { 0, 0 };
	__asm__ __volatile__("lidt %0; int3" : : "m"(none));
	for (;;)
		__asm__ __volatile__("hlt");
}
