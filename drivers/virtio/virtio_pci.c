// SPDX-License-Identifier: MIT
/*
 * Modern virtio-pci transport (virtio 1.x section 4.1) for QEMU pc/q35:
 * vendor 0x1af4, device 0x1040+type (modern) or 0x1000-0x103f
 * (transitional, type in the subsystem ID). The common, notify, ISR and
 * device configuration structures are found through vendor capabilities
 * and must lie in memory BARs. Interrupts: one MSI-X vector for every
 * queue and configuration changes; without MSI-X, the INTx line on the
 * IOAPIC and the ISR register telling the cause.
 */
#include <pith/bootinfo.h>
#include <pith/errno.h>
#include <pith/init.h>
#include <pith/io.h>
#include <pith/irq.h>
#include <pith/mm.h>
#include <pith/pci.h>
#include <pith/printk.h>
#include <pith/virtio.h>
#include "virtio_internal.h"

#define PCI_VENDOR_REDHAT	0x1af4
#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_SUBSYSTEM_ID	0x2e
#define PCI_CAP_PTR		0x34
#define PCI_CAP_VENDOR		0x09
#define PCI_CAP_MSIX		0x11

#define CAP_COMMON	1
#define CAP_NOTIFY	2
#define CAP_ISR		3
#define CAP_DEVICE	4

/* Common configuration structure offsets. */
#define CC_DFSELECT	0x00
#define CC_DF		0x04
#define CC_GFSELECT	0x08
#define CC_GF		0x0c
#define CC_MSIX_CONFIG	0x10
#define CC_STATUS	0x14
#define CC_CFG_GEN	0x15
#define CC_Q_SELECT	0x16
#define CC_Q_SIZE	0x18
#define CC_Q_MSIX	0x1a
#define CC_Q_ENABLE	0x1c
#define CC_Q_NOFF	0x1e
#define CC_Q_DESC	0x20
#define CC_Q_DRIVER	0x28
#define CC_Q_DEVICE	0x30

#define MSIX_NO_VECTOR	0xffff

struct pci_vdev {
	struct virtio_device vdev;
	struct pci_dev *pdev;
	uintptr_t common, notify, isr, device;
	uint32_t notify_mult;
	unsigned int msix_cap;		/* 0: none */
	bool msix;			/* in use */
};

static struct pci_vdev *to_pv(struct virtio_device *vdev)
{
	return vdev->transport;
}

/*
 * The address of memory BAR n, assigned here when the firmware left it
 * at 0 (qboot does not assign BARs when it boots a kernel directly).
 * NOTE: a bump allocator in the 32-bit PCI hole of QEMU pc/q35 with less
 * than 3.5 GiB of RAM below 4 GiB; it belongs in plat/x86_64/pci.c once
 * other PCI drivers need it.
 */
#define PCI_HOLE_START	0xe0000000ull
#define PCI_HOLE_END	0xfec00000ull

static uint64_t pci_hole_next = PCI_HOLE_START;

static uint64_t pv_bar(struct pci_dev *d, unsigned int n, uint64_t *size)
{
	uint32_t lo = pci_read32(d, 0x10 + 4 * n);
	uint64_t base = pci_bar(d, n, size), at;

	if ((lo & 1) || base || !*size)
		return (lo & 1) ? 0 : base;
	at = (pci_hole_next + *size - 1) & ~(*size - 1);
	if (at + *size > PCI_HOLE_END ||
	    bootinfo_get()->ram_top > PCI_HOLE_START) {
		pr_err("virtio-pci: no room to assign BAR %u (%#lx bytes)\n",
		       n, (unsigned long)*size);
		return 0;
	}
	pci_write32(d, 0x10 + 4 * n, (uint32_t)at | (lo & 0xf));
	if (((lo >> 1) & 3) == 2)
		pci_write32(d, 0x14 + 4 * n, 0);
	pci_hole_next = at + *size;
	pr_debug("virtio-pci: BAR %u at %#lx\n", n, (unsigned long)at);
	return at;
}

static uint8_t c8(struct pci_vdev *p, unsigned int o)
{
	return *(volatile uint8_t *)(p->common + o);
}

static uint16_t c16(struct pci_vdev *p, unsigned int o)
{
	return *(volatile uint16_t *)(p->common + o);
}

static void w8(struct pci_vdev *p, unsigned int o, uint8_t v)
{
	*(volatile uint8_t *)(p->common + o) = v;
}

static void w16(struct pci_vdev *p, unsigned int o, uint16_t v)
{
	*(volatile uint16_t *)(p->common + o) = v;
}

static void w32(struct pci_vdev *p, unsigned int o, uint32_t v)
{
	mmio_write32(p->common + o, v);
}

static void w64(struct pci_vdev *p, unsigned int o, uint64_t v)
{
	w32(p, o, (uint32_t)v);
	w32(p, o + 4, v >> 32);
}

static uint8_t pv_get_status(struct virtio_device *vdev)
{
	return c8(to_pv(vdev), CC_STATUS);
}

static void pv_set_status(struct virtio_device *vdev, uint8_t s)
{
	w8(to_pv(vdev), CC_STATUS, s);
}

static void pv_reset(struct virtio_device *vdev)
{
	w8(to_pv(vdev), CC_STATUS, 0);
	while (c8(to_pv(vdev), CC_STATUS))
		cpu_relax();
}

static uint64_t pv_get_features(struct virtio_device *vdev)
{
	struct pci_vdev *p = to_pv(vdev);
	uint64_t f;

	w32(p, CC_DFSELECT, 1);
	f = (uint64_t)mmio_read32(p->common + CC_DF) << 32;
	w32(p, CC_DFSELECT, 0);
	return f | mmio_read32(p->common + CC_DF);
}

static void pv_set_features(struct virtio_device *vdev, uint64_t f)
{
	struct pci_vdev *p = to_pv(vdev);

	w32(p, CC_GFSELECT, 1);
	w32(p, CC_GF, f >> 32);
	w32(p, CC_GFSELECT, 0);
	w32(p, CC_GF, (uint32_t)f);
}

static void pv_read_config(struct virtio_device *vdev, unsigned int off,
			   void *buf, unsigned int len)
{
	struct pci_vdev *p = to_pv(vdev);
	uint8_t gen;

	do {
		gen = c8(p, CC_CFG_GEN);
		for (unsigned int i = 0; i < len; i++)
			((uint8_t *)buf)[i] =
				*(volatile uint8_t *)(p->device + off + i);
	} while (gen != c8(p, CC_CFG_GEN));
}

static unsigned int pv_queue_max(struct virtio_device *vdev,
				 unsigned int index)
{
	struct pci_vdev *p = to_pv(vdev);

	w16(p, CC_Q_SELECT, index);
	if (c16(p, CC_Q_ENABLE))
		return 0;
	return c16(p, CC_Q_SIZE);
}

static int pv_queue_enable(struct virtio_device *vdev, struct virtqueue *vq)
{
	struct pci_vdev *p = to_pv(vdev);

	w16(p, CC_Q_SELECT, vq->index);
	w16(p, CC_Q_SIZE, vq->num);
	w64(p, CC_Q_DESC, (uintptr_t)vq->desc);
	w64(p, CC_Q_DRIVER, (uintptr_t)vq->avail);
	w64(p, CC_Q_DEVICE, (uintptr_t)vq->used);
	vq->notify_addr = p->notify + c16(p, CC_Q_NOFF) * p->notify_mult;
	if (p->msix_cap) {
		w16(p, CC_Q_MSIX, 0);
		if (c16(p, CC_Q_MSIX) == MSIX_NO_VECTOR)
			p->msix_cap = 0;	/* fall back to INTx */
	}
	w16(p, CC_Q_ENABLE, 1);
	return 0;
}

static void pv_notify(struct virtqueue *vq)
{
	*(volatile uint16_t *)vq->notify_addr = vq->index;
}

static void pv_msix_irq(void *arg)
{
	struct pci_vdev *p = arg;

	virtio_interrupt(&p->vdev, VIRTIO_INT_VRING | VIRTIO_INT_CONFIG);
}

static void pv_intx_irq(void *arg)
{
	struct pci_vdev *p = arg;
	uint8_t isr = *(volatile uint8_t *)p->isr;	/* read clears */

	if (isr)
		virtio_interrupt(&p->vdev, (isr & 1 ? VIRTIO_INT_VRING : 0) |
					   (isr & 2 ? VIRTIO_INT_CONFIG : 0));
}


static void msix_enable(struct pci_vdev *p, bool on)
{
	uint16_t ctrl = pci_read16(p->pdev, p->msix_cap + 2);

	ctrl &= ~0x4000;			/* function mask off */
	ctrl = on ? ctrl | 0x8000 : ctrl & ~0x8000;
	pci_write16(p->pdev, p->msix_cap + 2, ctrl);
}

/* Table entry 0 -> a vector of our own, on this CPU. Before the device
 * is reset, so queue_enable can point the queues at entry 0. */
static int pv_setup_msix(struct pci_vdev *p)
{
	uint32_t tbl = pci_read32(p->pdev, p->msix_cap + 4);
	uint64_t size, bar = pv_bar(p->pdev, tbl & 7, &size);
	uintptr_t t;
	int vec;

	if (!bar)
		return -ENODEV;
	vec = irq_alloc_vector(pv_msix_irq, p, p->vdev.name);
	if (vec < 0)
		return vec;
	t = (uintptr_t)ioremap(bar + (tbl & ~7u), 16);
	mmio_write32(t + 0, 0xfee00000u | (lapic_id() << 12));
	mmio_write32(t + 4, 0);
	mmio_write32(t + 8, vec);
	mmio_write32(t + 12, 0);		/* unmasked */
	msix_enable(p, true);
	return 0;
}

static int pv_setup_irq(struct virtio_device *vdev)
{
	struct pci_vdev *p = to_pv(vdev);
	int err;

	if (p->msix_cap) {
		w16(p, CC_MSIX_CONFIG, 0);
		if (c16(p, CC_MSIX_CONFIG) != MSIX_NO_VECTOR) {
			p->msix = true;
			pr_debug("virtio: %s: MSI-X\n", vdev->name);
			return 0;
		}
		msix_enable(p, false);
	}
	if (p->pdev->irq_line == 0xff || !p->pdev->irq_line)
		return -ENODEV;
	pci_write16(p->pdev, PCI_COMMAND,
		    pci_read16(p->pdev, PCI_COMMAND) & ~0x400);
	err = request_irq(p->pdev->irq_line, pv_intx_irq, p, vdev->name, 0);
	if (err)
		pr_err("virtio: %s: cannot route INTx line %u (%d)\n",
		       vdev->name, p->pdev->irq_line, err);
	return err;
}

static const struct virtio_config_ops pci_ops = {
	.get_status = pv_get_status,
	.set_status = pv_set_status,
	.reset = pv_reset,
	.get_features = pv_get_features,
	.set_features = pv_set_features,
	.read_config = pv_read_config,
	.queue_max = pv_queue_max,
	.queue_enable = pv_queue_enable,
	.notify = pv_notify,
	.setup_irq = pv_setup_irq,
};

/* Map the structure a vendor capability at cap describes. */
static uintptr_t map_cap(struct pci_dev *d, unsigned int cap)
{
	uint8_t bar = pci_read8(d, cap + 4);
	uint32_t off = pci_read32(d, cap + 8), len = pci_read32(d, cap + 12);
	uint64_t base, size;

	if (bar > 5)
		return 0;
	base = pv_bar(d, bar, &size);
	if (!base || (uint64_t)off + len > size) {
		pr_err("virtio-pci: BAR %u (%#lx, %#lx bytes) unusable for "
		       "capability at %#x\n", bar, (unsigned long)base,
		       (unsigned long)size, cap);
		return 0;
	}
	return (uintptr_t)ioremap(base + off, len);
}

static void pv_read_caps(struct pci_vdev *p)
{
	struct pci_dev *d = p->pdev;
	unsigned int cap, guard = 0;

	if (!(pci_read16(d, PCI_STATUS) & 0x10))
		return;
	for (cap = pci_read8(d, PCI_CAP_PTR) & ~3u; cap && guard < 48;
	     cap = pci_read8(d, cap + 1) & ~3u, guard++) {
		uint8_t id = pci_read8(d, cap), type = pci_read8(d, cap + 3);

		if (id == PCI_CAP_MSIX)
			p->msix_cap = cap;
		if (id != PCI_CAP_VENDOR)
			continue;
		if (type == CAP_COMMON && !p->common)
			p->common = map_cap(d, cap);
		else if (type == CAP_NOTIFY && !p->notify) {
			p->notify = map_cap(d, cap);
			p->notify_mult = pci_read32(d, cap + 16);
		} else if (type == CAP_ISR && !p->isr)
			p->isr = map_cap(d, cap);
		else if (type == CAP_DEVICE && !p->device)
			p->device = map_cap(d, cap);
	}
}

static uint32_t pci_virtio_type(struct pci_dev *d)
{
	if (d->device >= 0x1040 && d->device <= 0x107f)
		return d->device - 0x1040;
	if (d->device >= 0x1000 && d->device <= 0x103f)
		return pci_read16(d, PCI_SUBSYSTEM_ID);
	return 0;
}

static void pv_add(struct pci_dev *d, void *arg)
{
	struct pci_vdev *p;
	uint32_t type;

	if (d->vendor != PCI_VENDOR_REDHAT || !(type = pci_virtio_type(d)))
		return;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return;
	p->pdev = d;
	p->vdev.ops = &pci_ops;
	p->vdev.id = type;
	p->vdev.transport = p;
	ksnprintf(p->vdev.name, sizeof(p->vdev.name),
		  "virtio-pci@%02x:%02x.%x", d->bus, d->dev, d->fn);
	pv_read_caps(p);
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | 0x6);
	if (!p->common || !p->notify || !p->isr || !p->device) {
		pr_err("virtio: %s: no modern capabilities (legacy only?)\n",
		       p->vdev.name);
		kfree(p);
		return;
	}
	if (p->msix_cap && pv_setup_msix(p))
		p->msix_cap = 0;
	if (virtio_device_add(&p->vdev) == 0)
		return;
	if (p->msix_cap)
		msix_enable(p, false);	/* the vector keeps p: not freed */
	else
		kfree(p);
}

static int virtio_pci_probe(void)
{
	pci_for_each_device(pv_add, NULL);
	return 0;
}
device_initcall(virtio_pci_probe);
