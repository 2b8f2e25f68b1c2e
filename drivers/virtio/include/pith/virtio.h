/* SPDX-License-Identifier: MIT */
/*
 * virtio 1.x: devices found by a transport (virtio-mmio, modern
 * virtio-pci), drivers that bind to them by device ID, and split
 * virtqueues with indirect descriptors and event index.
 *
 * Interface (drivers):
 *   virtio_register_driver(&drv)          at the subsys level (transports
 *                                         probe at the device level)
 *   drv->probe(vdev): features are negotiated; the driver reads its
 *     config (virtio_cread), makes its queues
 *     vq = virtio_setup_vq(vdev, index, callback, name)
 *     then virtio_device_ready(vdev) sets DRIVER_OK
 *   virtqueue_add(vq, bufs, out, in, token)   device-readable bufs first,
 *                                         then device-writable ones
 *   virtqueue_kick(vq)                    notify unless event index says
 *                                         the device needs no notice
 *   token = virtqueue_get_buf(vq, &len)   next used buffer, or NULL
 *   virtqueue_disable_cb(vq) / virtqueue_enable_cb(vq)
 *
 * Buffers are handed to the device by physical address: RAM is identity
 * mapped, so any kmalloc'd or page-allocator memory will do, but never a
 * thread stack (VM window, not identity mapped).
 *
 * Locking: a virtqueue is not locked; its driver serialises add, kick and
 * get_buf. callback(vq) runs in interrupt context and should only wake
 * a bottom half.
 */
#ifndef PITH_VIRTIO_H
#define PITH_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pith/list.h>

#define VIRTIO_ID_NET		1
#define VIRTIO_ID_BLOCK		2

#define VIRTIO_STATUS_ACKNOWLEDGE	0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* Transport features (bit numbers) this code implements. */
#define VIRTIO_F_INDIRECT_DESC	28
#define VIRTIO_F_RING_EVENT_IDX	29
#define VIRTIO_F_VERSION_1	32
#define VIRTIO_BIT(b)		(1ULL << (b))

/* Interrupt causes passed to virtio_interrupt(). */
#define VIRTIO_INT_VRING	0x1
#define VIRTIO_INT_CONFIG	0x2

#define VIRTIO_MAX_VQS		4
#define VIRTQUEUE_MAX_SIZE	256	/* entries we ask for at most */
#define VIRTQUEUE_MAX_INDIRECT	8	/* buffers per indirect table */

struct virtio_device;
struct virtqueue;

/* What a transport provides. Called in thread context at probe time,
 * except notify (any context). */
struct virtio_config_ops {
	uint8_t (*get_status)(struct virtio_device *vdev);
	void (*set_status)(struct virtio_device *vdev, uint8_t status);
	void (*reset)(struct virtio_device *vdev);
	uint64_t (*get_features)(struct virtio_device *vdev);
	void (*set_features)(struct virtio_device *vdev, uint64_t features);
	void (*read_config)(struct virtio_device *vdev, unsigned int off,
			    void *buf, unsigned int len);
	/* Largest size of queue index (0: no such queue). */
	unsigned int (*queue_max)(struct virtio_device *vdev,
				  unsigned int index);
	/* Program size and ring addresses of vq and enable it. */
	int (*queue_enable)(struct virtio_device *vdev, struct virtqueue *vq);
	void (*notify)(struct virtqueue *vq);
	/* Route the device's interrupt to virtio_interrupt(). */
	int (*setup_irq)(struct virtio_device *vdev);
};

struct virtio_driver {
	const char *name;
	uint32_t device_id;
	uint64_t features;	/* device-type features the driver can use */
	int (*probe)(struct virtio_device *vdev);
	/* Interrupt context: the device's configuration changed. */
	void (*config_changed)(struct virtio_device *vdev);
	struct list_head node;
};

struct virtio_device {
	const struct virtio_config_ops *ops;
	const struct virtio_driver *driver;
	uint32_t id;			/* device type, VIRTIO_ID_* */
	uint64_t features;		/* negotiated */
	char name[24];			/* "virtio-mmio@0xfeb00000" */
	struct virtqueue *vqs[VIRTIO_MAX_VQS];
	void *transport;		/* the transport's state */
	void *priv;			/* the driver's state */
};

/* One buffer of a request. */
struct vq_buf {
	void *addr;
	uint32_t len;
};

typedef void (*vq_callback_t)(struct virtqueue *vq);

/* Split-ring layout (virtio 1.x, little-endian on x86). */
struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
#define VRING_DESC_F_NEXT	1
#define VRING_DESC_F_WRITE	2
#define VRING_DESC_F_INDIRECT	4

struct vring_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];	/* then uint16_t used_event */
};
#define VRING_AVAIL_F_NO_INTERRUPT	1

struct vring_used_elem {
	uint32_t id;
	uint32_t len;
};

struct vring_used {
	uint16_t flags;
	uint16_t idx;
	struct vring_used_elem ring[];	/* then uint16_t avail_event */
};
#define VRING_USED_F_NO_NOTIFY	1

/* Fields are the virtqueue code's; transports read the ring addresses,
 * num, index and notify_priv. */
struct virtqueue {
	struct virtio_device *vdev;
	unsigned int index;
	uint16_t num;			/* ring entries, a power of two */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	bool event_idx, indirect;
	bool broken;			/* the device misbehaved: no more I/O */
	bool cb_disabled;		/* interrupts not wanted */
	uint16_t free_head, num_free;
	uint16_t avail_idx;		/* our copy of avail->idx */
	uint16_t last_used_idx;
	uint16_t kicked_idx;		/* avail_idx at the last kick */
	void **token;			/* per head descriptor */
	uint32_t *in_len;		/* device-writable bytes per head */
	uint16_t *chain;		/* descriptors used per head */
	struct vring_desc *indir;	/* VIRTQUEUE_MAX_INDIRECT per head */
	vq_callback_t callback;
	const char *name;
	uintptr_t notify_addr;		/* transport's */
	void *priv;			/* driver's */
	unsigned long bad_used;		/* rejected used-ring entries */
	unsigned long kicks, kicks_saved;
	uintptr_t mem;			/* the ring pages */
	unsigned int mem_order;
};

int virtio_register_driver(struct virtio_driver *drv);
/* A transport found a device: negotiate features and bind a driver.
 * 0, -ENODEV when no driver wants it, or -errno. */
int virtio_device_add(struct virtio_device *vdev);
/* Interrupt context: called by the transport's interrupt handler. */
void virtio_interrupt(struct virtio_device *vdev, unsigned int causes);

static inline bool virtio_has_feature(const struct virtio_device *vdev,
				      unsigned int bit)
{
	return vdev->features & VIRTIO_BIT(bit);
}

/* Read len bytes of device config at off (retries across a change). */
void virtio_cread(struct virtio_device *vdev, unsigned int off, void *buf,
		  unsigned int len);
struct virtqueue *virtio_setup_vq(struct virtio_device *vdev,
				  unsigned int index, vq_callback_t cb,
				  const char *name);
/* Set DRIVER_OK and route the interrupt: queues go live. */
int virtio_device_ready(struct virtio_device *vdev);
/* Mark the device FAILED (after a driver error). */
void virtio_device_fail(struct virtio_device *vdev, const char *why);

/* ---- virtqueues (virtqueue.c) ---- */

/* Make a queue of num entries (a power of two, <= 32768), rings zeroed.
 * Also used by tests without a device. NULL when out of memory. */
struct virtqueue *vq_create(struct virtio_device *vdev, unsigned int index,
			    unsigned int num, bool event_idx, bool indirect);
void vq_destroy(struct virtqueue *vq);
/* 0, -ENOSPC (ring full), -EINVAL (no buffers, too many, token NULL)
 * or -EIO (queue broken). */
int virtqueue_add(struct virtqueue *vq, const struct vq_buf *bufs,
		  unsigned int out, unsigned int in, void *token);
/* The same through the caller's indirect table (out + in descriptors,
 * kept until the buffer comes back): for requests with more buffers
 * than VIRTQUEUE_MAX_INDIRECT. -EINVAL without VIRTIO_F_INDIRECT_DESC. */
int virtqueue_add_table(struct virtqueue *vq, struct vring_desc *table,
			const struct vq_buf *bufs, unsigned int out,
			unsigned int in, void *token);
/* True when the device must be notified of buffers added since the last
 * kick (event index: only if it asked for one in between). */
bool virtqueue_kick_prepare(struct virtqueue *vq);
void virtqueue_notify(struct virtqueue *vq);
bool virtqueue_kick(struct virtqueue *vq);
/* Next used buffer's token, *len the bytes the device wrote; NULL when
 * none. An entry with a bad id or length is reported, counted in
 * bad_used, and breaks the queue. */
void *virtqueue_get_buf(struct virtqueue *vq, uint32_t *len);
bool virtqueue_more_used(const struct virtqueue *vq);
/* Ask for no interrupts (a hint to the device). */
void virtqueue_disable_cb(struct virtqueue *vq);
/* Ask for an interrupt at the next used buffer. False when buffers are
 * already used: the caller should poll again instead of sleeping. */
bool virtqueue_enable_cb(struct virtqueue *vq);
unsigned int virtqueue_num_free(const struct virtqueue *vq);

/* Event index: does moving idx from old to new_idx cross event? */
static inline bool vring_need_event(uint16_t event, uint16_t new_idx,
				    uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

static inline uint16_t *vring_used_event(struct virtqueue *vq)
{
	return &vq->avail->ring[vq->num];
}

static inline uint16_t *vring_avail_event(struct virtqueue *vq)
{
	return (uint16_t *)&vq->used->ring[vq->num];
}

#endif
