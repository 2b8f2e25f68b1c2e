// SPDX-License-Identifier: MIT
/*
 * virtio core: the driver registry and device initialisation (virtio 1.x
 * section 3.1): reset, ACKNOWLEDGE, DRIVER, feature negotiation,
 * FEATURES_OK, the driver's probe (queues), DRIVER_OK.
 *
 * We offer the device only features we implement: VERSION_1 (required:
 * legacy devices are refused), INDIRECT_DESC, RING_EVENT_IDX and what the
 * driver lists. A device that does not accept our subset is FAILED.
 */
#include <pith/errno.h>
#include <pith/printk.h>
#include <pith/string.h>
#include <pith/virtio.h>
#include "virtio_internal.h"

#define VIRTIO_TRANSPORT_FEATURES (VIRTIO_BIT(VIRTIO_F_VERSION_1) |	\
				   VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |	\
				   VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX))

static LIST_HEAD(drivers);

int virtio_register_driver(struct virtio_driver *drv)
{
	if (!drv->probe || !drv->name)
		return -EINVAL;
	list_add_tail(&drv->node, &drivers);
	return 0;
}

static struct virtio_driver *find_driver(uint32_t id)
{
	struct virtio_driver *drv;

	list_for_each_entry(drv, &drivers, node)
		if (drv->device_id == id)
			return drv;
	return NULL;
}

static void add_status(struct virtio_device *vdev, uint8_t bits)
{
	vdev->ops->set_status(vdev, vdev->ops->get_status(vdev) | bits);
}

void virtio_device_fail(struct virtio_device *vdev, const char *why)
{
	pr_err("virtio: %s: %s\n", vdev->name, why);
	add_status(vdev, VIRTIO_STATUS_FAILED);
}

static int negotiate(struct virtio_device *vdev,
		     const struct virtio_driver *drv)
{
	uint64_t offered = vdev->ops->get_features(vdev);
	uint64_t wanted = VIRTIO_TRANSPORT_FEATURES | drv->features;

	if (!(offered & VIRTIO_BIT(VIRTIO_F_VERSION_1))) {
		virtio_device_fail(vdev, "legacy device (no VERSION_1)");
		return -ENODEV;
	}
	vdev->features = offered & wanted;
	vdev->ops->set_features(vdev, vdev->features);
	add_status(vdev, VIRTIO_STATUS_FEATURES_OK);
	if (!(vdev->ops->get_status(vdev) & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_device_fail(vdev, "device refused our features");
		return -EIO;
	}
	pr_debug("virtio: %s: features offered %#lx, using %#lx\n",
		 vdev->name, (unsigned long)offered,
		 (unsigned long)vdev->features);
	return 0;
}

int virtio_device_add(struct virtio_device *vdev)
{
	struct virtio_driver *drv = find_driver(vdev->id);
	int err;

	vdev->ops->reset(vdev);
	add_status(vdev, VIRTIO_STATUS_ACKNOWLEDGE);
	if (!drv) {
		pr_debug("virtio: %s: no driver for device type %u\n",
			 vdev->name, vdev->id);
		return -ENODEV;
	}
	add_status(vdev, VIRTIO_STATUS_DRIVER);
	err = negotiate(vdev, drv);
	if (err)
		return err;
	vdev->driver = drv;
	err = drv->probe(vdev);
	if (err) {
		vdev->driver = NULL;
		virtio_device_fail(vdev, "driver probe failed");
		return err;
	}
	return 0;
}

void virtio_cread(struct virtio_device *vdev, unsigned int off, void *buf,
		  unsigned int len)
{
	vdev->ops->read_config(vdev, off, buf, len);
}

struct virtqueue *virtio_setup_vq(struct virtio_device *vdev,
				  unsigned int index, vq_callback_t cb,
				  const char *name)
{
	unsigned int max, num = VIRTQUEUE_MAX_SIZE;
	struct virtqueue *vq;

	if (index >= VIRTIO_MAX_VQS)
		return NULL;
	max = vdev->ops->queue_max(vdev, index);
	if (!max)
		return NULL;
	while (num > max)
		num >>= 1;
	vq = vq_create(vdev, index, num,
		       virtio_has_feature(vdev, VIRTIO_F_RING_EVENT_IDX),
		       virtio_has_feature(vdev, VIRTIO_F_INDIRECT_DESC));
	if (!vq)
		return NULL;
	vq->callback = cb;
	vq->name = name;
	if (vdev->ops->queue_enable(vdev, vq)) {
		vq_destroy(vq);
		return NULL;
	}
	vdev->vqs[index] = vq;
	return vq;
}

int virtio_device_ready(struct virtio_device *vdev)
{
	int err = vdev->ops->setup_irq(vdev);

	if (err) {
		virtio_device_fail(vdev, "no interrupt");
		return err;
	}
	add_status(vdev, VIRTIO_STATUS_DRIVER_OK);
	return 0;
}

void virtio_interrupt(struct virtio_device *vdev, unsigned int causes)
{
	if (causes & VIRTIO_INT_VRING) {
		for (int i = 0; i < VIRTIO_MAX_VQS; i++) {
			struct virtqueue *vq = vdev->vqs[i];

			if (vq && vq->callback)
				vq->callback(vq);
		}
	}
	if ((causes & VIRTIO_INT_CONFIG) && vdev->driver &&
	    vdev->driver->config_changed)
		vdev->driver->config_changed(vdev);
}

void virtio_format_name(char *buf, size_t size, const char *kind,
			uint64_t addr)
{
	ksnprintf(buf, size, "virtio-%s@%#lx", kind, (unsigned long)addr);
}
