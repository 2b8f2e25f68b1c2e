// SPDX-License-Identifier: MIT
/*
 * virtio-mmio transport, version 2 (virtio 1.x section 4.2), for QEMU's
 * microvm and Firecracker.
 *
 * Devices come from virtio_mmio.device=SIZE@ADDR:IRQ kernel parameters
 * (what QEMU microvm appends with acpi=off, and Firecracker always).
 * Without any, and without a PCI bus, we probe QEMU microvm's fixed
 * window: 8 transports of 512 bytes from 0xfeb00000 whose interrupts are
 * IOAPIC lines 16-23 (ACPI on, ioapic2=off, as tools/run boots it), top
 * slot first, as QEMU fills them in command-line order from the top. With
 * QEMU's second IOAPIC the lines would be 24-47, which the platform does
 * not route: we say so instead of waiting for interrupts that never come.
 *
 * Interrupts are routed edge-triggered; the handler acknowledges the
 * device (which drops the line) before it dispatches, so a new cause
 * makes a new edge.
 */
#include <pith/errno.h>
#include <pith/init.h>
#include <pith/io.h>
#include <pith/irq.h>
#include <pith/mm.h>
#include <pith/param.h>
#include <pith/pci.h>
#include <pith/printk.h>
#include <pith/string.h>
#include <pith/virtio.h>
#include "virtio_internal.h"

#define MMIO_MAGIC		0x000
#define MMIO_VERSION		0x004
#define MMIO_DEVICE_ID		0x008
#define MMIO_DEV_FEATURES	0x010
#define MMIO_DEV_FEATURES_SEL	0x014
#define MMIO_DRV_FEATURES	0x020
#define MMIO_DRV_FEATURES_SEL	0x024
#define MMIO_QUEUE_SEL		0x030
#define MMIO_QUEUE_NUM_MAX	0x034
#define MMIO_QUEUE_NUM		0x038
#define MMIO_QUEUE_READY	0x044
#define MMIO_QUEUE_NOTIFY	0x050
#define MMIO_INT_STATUS		0x060
#define MMIO_INT_ACK		0x064
#define MMIO_STATUS		0x070
#define MMIO_QUEUE_DESC		0x080
#define MMIO_QUEUE_DRIVER	0x090
#define MMIO_QUEUE_DEVICE	0x0a0
#define MMIO_CONFIG_GEN		0x0fc
#define MMIO_CONFIG		0x100

#define MMIO_MAGIC_VALUE	0x74726976	/* "virt" */
#define MMIO_MAX_DEVICES	8

#define MICROVM_MMIO_BASE	0xfeb00000ul
#define MICROVM_MMIO_IRQ	16
#define IOAPIC2_BASE		0xfec10000ul

struct mmio_dev {
	struct virtio_device vdev;
	uintptr_t base;
	unsigned int irq;
};

struct mmio_param {
	uint64_t base, size;
	unsigned int irq;
};

static struct mmio_param params[MMIO_MAX_DEVICES];
static int nr_params;

static uint32_t rd(struct mmio_dev *m, unsigned int off)
{
	return mmio_read32(m->base + off);
}

static void wr(struct mmio_dev *m, unsigned int off, uint32_t v)
{
	mmio_write32(m->base + off, v);
}

static struct mmio_dev *to_mmio(struct virtio_device *vdev)
{
	return vdev->transport;
}

static uint8_t mmio_get_status(struct virtio_device *vdev)
{
	return rd(to_mmio(vdev), MMIO_STATUS);
}

static void mmio_set_status(struct virtio_device *vdev, uint8_t status)
{
	wr(to_mmio(vdev), MMIO_STATUS, status);
}

static void mmio_reset(struct virtio_device *vdev)
{
	wr(to_mmio(vdev), MMIO_STATUS, 0);
	while (rd(to_mmio(vdev), MMIO_STATUS))
		cpu_relax();
}

static uint64_t mmio_get_features(struct virtio_device *vdev)
{
	struct mmio_dev *m = to_mmio(vdev);
	uint64_t f;

	wr(m, MMIO_DEV_FEATURES_SEL, 1);
	f = (uint64_t)rd(m, MMIO_DEV_FEATURES) << 32;
	wr(m, MMIO_DEV_FEATURES_SEL, 0);
	return f | rd(m, MMIO_DEV_FEATURES);
}

static void mmio_set_features(struct virtio_device *vdev, uint64_t f)
{
	struct mmio_dev *m = to_mmio(vdev);

	wr(m, MMIO_DRV_FEATURES_SEL, 1);
	wr(m, MMIO_DRV_FEATURES, f >> 32);
	wr(m, MMIO_DRV_FEATURES_SEL, 0);
	wr(m, MMIO_DRV_FEATURES, (uint32_t)f);
}

static void mmio_read_config(struct virtio_device *vdev, unsigned int off,
			     void *buf, unsigned int len)
{
	struct mmio_dev *m = to_mmio(vdev);
	uint32_t gen;

	do {
		gen = rd(m, MMIO_CONFIG_GEN);
		for (unsigned int i = 0; i < len; i++)
			((uint8_t *)buf)[i] = *(volatile uint8_t *)
				(m->base + MMIO_CONFIG + off + i);
	} while (gen != rd(m, MMIO_CONFIG_GEN));
}

static unsigned int mmio_queue_max(struct virtio_device *vdev,
				   unsigned int index)
{
	struct mmio_dev *m = to_mmio(vdev);

	wr(m, MMIO_QUEUE_SEL, index);
	if (rd(m, MMIO_QUEUE_READY))
		return 0;
	return rd(m, MMIO_QUEUE_NUM_MAX);
}

static void wr64(struct mmio_dev *m, unsigned int off, uintptr_t v)
{
	wr(m, off, (uint32_t)v);
	wr(m, off + 4, (uint64_t)v >> 32);
}

static int mmio_queue_enable(struct virtio_device *vdev, struct virtqueue *vq)
{
	struct mmio_dev *m = to_mmio(vdev);

	wr(m, MMIO_QUEUE_SEL, vq->index);
	wr(m, MMIO_QUEUE_NUM, vq->num);
	wr64(m, MMIO_QUEUE_DESC, (uintptr_t)vq->desc);
	wr64(m, MMIO_QUEUE_DRIVER, (uintptr_t)vq->avail);
	wr64(m, MMIO_QUEUE_DEVICE, (uintptr_t)vq->used);
	wr(m, MMIO_QUEUE_READY, 1);
	vq->notify_addr = m->base + MMIO_QUEUE_NOTIFY;
	return 0;
}

static void mmio_notify(struct virtqueue *vq)
{
	mmio_write32(vq->notify_addr, vq->index);
}

static void mmio_irq(void *arg)
{
	struct mmio_dev *m = arg;
	uint32_t st = rd(m, MMIO_INT_STATUS);

	if (!st)
		return;
	wr(m, MMIO_INT_ACK, st);
	virtio_interrupt(&m->vdev, (st & 1 ? VIRTIO_INT_VRING : 0) |
				   (st & 2 ? VIRTIO_INT_CONFIG : 0));
}

static int mmio_setup_irq(struct virtio_device *vdev)
{
	struct mmio_dev *m = to_mmio(vdev);
	int err = request_irq(m->irq, mmio_irq, m, vdev->name, IRQF_EDGE);

	if (err)
		pr_err("virtio: %s: cannot route IRQ %u (%d)\n", vdev->name,
		       m->irq, err);
	return err;
}

static const struct virtio_config_ops mmio_ops = {
	.get_status = mmio_get_status,
	.set_status = mmio_set_status,
	.reset = mmio_reset,
	.get_features = mmio_get_features,
	.set_features = mmio_set_features,
	.read_config = mmio_read_config,
	.queue_max = mmio_queue_max,
	.queue_enable = mmio_queue_enable,
	.notify = mmio_notify,
	.setup_irq = mmio_setup_irq,
};

/* quiet: probing QEMU microvm's window, where most slots are empty. An
 * empty slot (or no transport at all) reads device ID 0, so the ID is
 * read first: one register access per empty slot instead of three (each
 * is an exit to the hypervisor under KVM). */
static void mmio_add(uint64_t base, unsigned int irq, bool quiet)
{
	uintptr_t va = (uintptr_t)ioremap(base, 0x200);
	uint32_t version, id;
	struct mmio_dev *m;

	id = mmio_read32(va + MMIO_DEVICE_ID);
	if (!id && quiet)
		return;		/* an empty transport slot */
	if (mmio_read32(va + MMIO_MAGIC) != MMIO_MAGIC_VALUE) {
		if (!quiet)
			pr_err("virtio-mmio: no device at %#lx\n",
			       (unsigned long)base);
		return;
	}
	if (!id)
		return;		/* an empty transport slot */
	version = mmio_read32(va + MMIO_VERSION);
	if (version != 2) {
		pr_err("virtio-mmio@%#lx: version %u (legacy) not supported\n",
		       (unsigned long)base, version);
		return;
	}
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return;
	m->base = va;
	m->irq = irq;
	m->vdev.ops = &mmio_ops;
	m->vdev.id = id;
	m->vdev.transport = m;
	virtio_format_name(m->vdev.name, sizeof(m->vdev.name), "mmio", base);
	if (virtio_device_add(&m->vdev))
		kfree(m);
}

/* Is QEMU's second IOAPIC (GSI 24-47) there? Its version register reads
 * as all ones or zero when nothing answers. */
static bool have_ioapic2(void)
{
	uintptr_t va = (uintptr_t)ioremap(IOAPIC2_BASE, PAGE_SIZE);
	uint32_t ver;

	mmio_write32(va, 1);
	ver = mmio_read32(va + 0x10);
	return ver != 0 && ver != ~0u;
}

static void probe_microvm(void)
{
	if (have_ioapic2()) {
		uintptr_t va = (uintptr_t)ioremap(MICROVM_MMIO_BASE, 0x200);

		if (mmio_read32(va) == MMIO_MAGIC_VALUE)
			pr_err("virtio-mmio: devices interrupt on the second "
			       "IOAPIC, which is not supported: boot QEMU with "
			       "-M microvm,ioapic2=off\n");
		return;
	}
	/* QEMU fills the window from the top slot down: probing in that
	 * order numbers disks (vblk0, vblk1) as given on its command line. */
	for (unsigned int i = MMIO_MAX_DEVICES; i--; )
		mmio_add(MICROVM_MMIO_BASE + 512 * i, MICROVM_MMIO_IRQ + i,
			 true);
}

static int virtio_mmio_probe(void)
{
	if (nr_params) {
		for (int i = 0; i < nr_params; i++)
			mmio_add(params[i].base, params[i].irq, false);
	} else if (!pci_nr_devices()) {
		probe_microvm();
	}
	return 0;
}
device_initcall(virtio_mmio_probe);

/* virtio_mmio.device=SIZE@ADDR:IRQ[:ID] (Linux's form). */
static int parse_device(const struct kernel_param *kp, const char *val)
{
	char buf[64], *at, *colon, *colon2;
	unsigned long long size, base, irq;

	if (kstrlcpy(buf, val, sizeof(buf)) >= sizeof(buf))
		return -EINVAL;
	at = kstrchr(buf, '@');
	colon = at ? kstrchr(at, ':') : NULL;
	if (!colon || nr_params == MMIO_MAX_DEVICES)
		return -EINVAL;
	*at = *colon = '\0';
	colon2 = kstrchr(colon + 1, ':');
	if (colon2)
		*colon2 = '\0';
	if (kstrtoull(buf, 0, true, &size) || kstrtoull(at + 1, 0, false, &base) ||
	    kstrtoull(colon + 1, 0, false, &irq) || !size || irq > 255 ||
	    (base & 0xfff) + size > PAGE_SIZE)
		return -EINVAL;
	params[nr_params++] = (struct mmio_param){ base, size, irq };
	return 0;
}
param_custom("virtio_mmio.device", parse_device, NULL,
	     "SIZE@ADDR:IRQ of a virtio-mmio device");
