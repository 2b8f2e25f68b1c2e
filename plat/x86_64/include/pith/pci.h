/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration space (mechanism #1, ports 0xcf8/0xcfc; pc and q35).
 * The bus is scanned at the device init level; drivers then look up their
 * devices. microvm has no PCI bus: the scan finds nothing.
 *
 * Interface:
 *   pci_for_each_device(fn, arg)   fn(dev, arg) for each found function
 *   pci_read32/16/8(dev, off), pci_write32/16(dev, off, v)
 *   pci_bar(dev, n, &size)          physical address of BAR n
 */
#ifndef PITH_PCI_H
#define PITH_PCI_H

#include <stdint.h>

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t class, subclass, progif;
	uint8_t irq_line;
};

void pci_for_each_device(void (*fn)(struct pci_dev *d, void *arg), void *arg);
int pci_nr_devices(void);
uint32_t pci_read32(const struct pci_dev *d, unsigned int off);
uint16_t pci_read16(const struct pci_dev *d, unsigned int off);
uint8_t pci_read8(const struct pci_dev *d, unsigned int off);
void pci_write32(const struct pci_dev *d, unsigned int off, uint32_t v);
void pci_write16(const struct pci_dev *d, unsigned int off, uint16_t v);
uint64_t pci_bar(const struct pci_dev *d, int n, uint64_t *size);

#endif
