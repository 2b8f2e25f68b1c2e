/* SPDX-License-Identifier: MIT */
/*
 * PCI bus scan through configuration mechanism #1, when the machine has
 * it. Bridges are followed to their secondary bus. Found functions are kept in a small table and
 * listed at the debug log level (loglevel=7).
 */
#include <stdbool.h>
#include <pith/init.h>
#include <pith/io.h>
#include <pith/pci.h>
#include <pith/printk.h>

#define PCI_MAX_DEVICES	64

static struct pci_dev devices[PCI_MAX_DEVICES];
static int nr_devices;

static uint32_t cfg_addr(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off)
{
	return 0x80000000u | (bus << 16) | (dev << 11) | (fn << 8) |
	       (off & 0xfc);
}

static uint32_t cfg_read(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off)
{
	outl(0xcf8, cfg_addr(bus, dev, fn, off));
	return inl(0xcfc);
}

uint32_t pci_read32(const struct pci_dev *d, unsigned int off)
{
	return cfg_read(d->bus, d->dev, d->fn, off);
}

uint16_t pci_read16(const struct pci_dev *d, unsigned int off)
{
	return pci_read32(d, off) >> ((off & 2) * 8);
}

uint8_t pci_read8(const struct pci_dev *d, unsigned int off)
{
	return pci_read32(d, off) >> ((off & 3) * 8);
}

void pci_write32(const struct pci_dev *d, unsigned int off, uint32_t v)
{
	outl(0xcf8, cfg_addr(d->bus, d->dev, d->fn, off));
	outl(0xcfc, v);
}

void pci_write16(const struct pci_dev *d, unsigned int off, uint16_t v)
{
	outl(0xcf8, cfg_addr(d->bus, d->dev, d->fn, off));
	outw(0xcfc + (off & 2), v);
}

uint64_t pci_bar(const struct pci_dev *d, int n, uint64_t *size)
{
	unsigned int off = 0x10 + 4 * n;
	uint32_t lo = pci_read32(d, off), hi = 0, mask_lo, mask_hi = ~0u;
	bool is64 = !(lo & 1) && ((lo >> 1) & 3) == 2;

	pci_write32(d, off, ~0u);
	mask_lo = pci_read32(d, off);
	pci_write32(d, off, lo);
	if (is64) {
		hi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, ~0u);
		mask_hi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, hi);
	}
	if (lo & 1) {	/* I/O space */
		if (size)
			*size = (~(mask_lo & ~3u) + 1) & 0xffff;
		return lo & ~3u;
	}
	uint64_t mask = ((uint64_t)mask_hi << 32) | (mask_lo & ~0xfu);

	if (size)
		*size = mask_lo ? ~mask + 1 : 0;
	return ((uint64_t)hi << 32) | (lo & ~0xfu);
}

void pci_for_each_device(void (*fn)(struct pci_dev *d, void *arg), void *arg)
{
	for (int i = 0; i < nr_devices; i++)
		fn(&devices[i], arg);
}

int pci_nr_devices(void)
{
	return nr_devices;
}

static void scan_bus(uint8_t bus, int depth);

static void add_function(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t id,
			 int depth)
{
	uint32_t cls = cfg_read(bus, dev, fn, 0x08);
	struct pci_dev *d;

	if (nr_devices == PCI_MAX_DEVICES) {
		pr_warn("pci: more than %d functions, ignoring %02x:%02x.%x\n",
			PCI_MAX_DEVICES, bus, dev, fn);
		return;
	}
	d = &devices[nr_devices++];
	*d = (struct pci_dev){
		.bus = bus, .dev = dev, .fn = fn,
		.vendor = id & 0xffff, .device = id >> 16,
		.class = cls >> 24, .subclass = cls >> 16, .progif = cls >> 8,
		.irq_line = cfg_read(bus, dev, fn, 0x3c) & 0xff,
	};
	pr_debug("pci: %02x:%02x.%x %04x:%04x class %02x%02x\n", bus, dev,
		 fn, d->vendor, d->device, d->class, d->subclass);
	/* A PCI-to-PCI bridge: its secondary bus is behind it. */
	if (d->class == 0x06 && d->subclass == 0x04 && depth < 8) {
		uint8_t sec = cfg_read(bus, dev, fn, 0x18) >> 8;

		if (sec > bus)
			scan_bus(sec, depth + 1);
	}
}

static void scan_bus(uint8_t bus, int depth)
{
	for (uint8_t dev = 0; dev < 32; dev++) {
		uint32_t id = cfg_read(bus, dev, 0, 0);
		int nfn;

		if ((id & 0xffff) == 0xffff)
			continue;
		nfn = (cfg_read(bus, dev, 0, 0x0c) >> 16) & 0x80 ? 8 : 1;
		for (uint8_t fn = 0; fn < nfn; fn++) {
			if (fn)
				id = cfg_read(bus, dev, fn, 0);
			if ((id & 0xffff) != 0xffff)
				add_function(bus, dev, fn, id, depth);
		}
	}
}

/* Mechanism #1 is there when its address register reads back what was
 * written (Linux checks the same way). Machines without PCI (QEMU
 * microvm, Firecracker) read all ones: the scan of bus 0, 64 port
 * accesses and under KVM as many exits to the hypervisor, is skipped. */
static bool conf1_present(void)
{
	uint32_t old = inl(0xcf8);
	bool ok;

	outl(0xcf8, 0x80000000u);
	ok = inl(0xcf8) == 0x80000000u;
	outl(0xcf8, old);
	return ok;
}

static int pci_scan(void)
{
	if (!conf1_present()) {
		pr_debug("pci: no configuration mechanism #1: no PCI bus\n");
		return 0;
	}
	scan_bus(0, 0);
	pr_debug("pci: %d functions\n", nr_devices);
	return 0;
}
device_initcall(pci_scan);
