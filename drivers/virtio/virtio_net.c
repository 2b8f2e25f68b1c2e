// SPDX-License-Identifier: MIT
/*
 * virtio-net (virtio 1.x section 5.1): queue 0 receives, queue 1
 * transmits; each card becomes a <pith/netdev.h> device.
 *
 * Receive: CONFIG_LIBVIRTIO_NET_RXBUFS buffers of 2 KiB are posted; with
 * VIRTIO_NET_F_MRG_RXBUF a frame may span several (num_buffers in the
 * first one's header). The interrupt only wakes the bottom half
 * (vnet_schedule_bh), which drains at most VNET_RX_BUDGET frames per
 * round with device interrupts off, hands them to lib/net (a copy) and
 * re-posts the same buffers; it turns interrupts back on when the ring
 * is empty and polls again if a frame slipped in meanwhile.
 *
 * Transmit: each frame is copied behind a zeroed header into one kmalloc
 * block and added as two buffers (one descriptor with an indirect
 * table). Finished frames are reclaimed on the next transmit; the
 * transmit interrupt stays off unless the ring is full.
 *
 * Checksum offload, when the device offers it (QEMU does with a tap
 * backend, not with user networking): VIRTIO_NET_F_CSUM lets lib/net
 * leave TCP checksums to the device (the header's NEEDS_CSUM with
 * csum_start/csum_offset, the field holding the pseudo-header sum);
 * VIRTIO_NET_F_GUEST_CSUM makes the device mark frames DATA_VALID (it
 * checked) or NEEDS_CSUM (a host-local sender left it partial), which
 * lib/net then does not check again. Others are checked in software.
 *
 * Lock legend: [T] vn->tx_lock, [B] bottom half only, [I] set in IRQ.
 */
#include <pith/errno.h>
#include <pith/init.h>
#include <pith/mm.h>
#include <pith/netdev.h>
#include <pith/printk.h>
#include <pith/sched.h>
#include <pith/spinlock.h>
#include <pith/string.h>
#include <pith/time.h>
#include <pith/virtio.h>
#include <pith/wait.h>
#include <pith/wq.h>
#include <pith/wait.h>
#include <pith/wq.h>

#define VIRTIO_NET_F_CSUM	0
#define VIRTIO_NET_F_GUEST_CSUM	1
#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_MRG_RXBUF	15
#define VIRTIO_NET_F_STATUS	16
#define VIRTIO_NET_S_LINK_UP	1
#define VIRTIO_NET_HDR_F_NEEDS_CSUM	1
#define VIRTIO_NET_HDR_F_DATA_VALID	2

#define VNET_RX_BUF_SIZE	2048
#define VNET_RX_BUDGET		64
#define VNET_TX_DATA_OFF	16	/* frame starts here in a tx block */
#define VNET_MAX_FRAME		1518
#define VNET_TX_WAIT_NS		(20 * NSEC_PER_MSEC)

struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
} __attribute__((packed));

struct vnet {
	struct virtio_device *vdev;
	struct netdev nd;
	struct virtqueue *rxq;			/* [B] */
	struct virtqueue *txq;			/* [T] */
	spinlock_t tx_lock;
	struct wait_queue_head tx_wait;
	struct work_struct bh_work;		/* receive, link changes */
	volatile bool config_pending;		/* [I] */
	unsigned int rx_posted;			/* [B] */
	unsigned long rx_bad;			/* [B] malformed frames */
	bool mrg;
	bool rx_csum;				/* GUEST_CSUM negotiated */
};

/* The one place that defers work out of the interrupt: a work item on
 * the high-priority system queue (queued again while running, it runs
 * again after). Any context. */
static void vnet_schedule_bh(struct vnet *vn)
{
	queue_work(system_highpri_wq, &vn->bh_work);
}

static void vnet_rx_cb(struct virtqueue *vq)
{
	vnet_schedule_bh(vq->vdev->priv);
}

static void vnet_tx_cb(struct virtqueue *vq)
{
	struct vnet *vn = vq->vdev->priv;

	wake_up(&vn->tx_wait);
}

static void vnet_config_changed(struct virtio_device *vdev)
{
	struct vnet *vn = vdev->priv;

	vn->config_pending = true;
	vnet_schedule_bh(vn);
}

static int vnet_post_rx(struct vnet *vn, void *buf)
{
	struct vq_buf b = { buf, VNET_RX_BUF_SIZE };

	return virtqueue_add(vn->rxq, &b, 0, 1, buf);
}

static void vnet_drop(struct vnet *vn, const char *why, uint32_t v)
{
	vn->nd.stats.rx_dropped++;
	if (vn->rx_bad++ < 5)
		pr_warn("virtio-net: %s: %s (%u), frame dropped\n",
			vn->nd.name, why, v);
}

/* Gather the rest of a mergeable frame into frags[1..n). */
static unsigned int vnet_rx_gather(struct vnet *vn, void **bufs,
				   struct netdev_frag *frags, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		uint32_t len;

		bufs[i] = virtqueue_get_buf(vn->rxq, &len);
		if (!bufs[i]) {
			vnet_drop(vn, "frame ends early, buffers", i);
			return i;
		}
		frags[i] = (struct netdev_frag){ bufs[i], len };
	}
	return n;
}

/* One frame from the used ring to lib/net; false when none is left. */
static bool vnet_rx_one(struct vnet *vn)
{
	void *bufs[NETDEV_MAX_FRAGS];
	struct netdev_frag frags[NETDEV_MAX_FRAGS];
	const struct virtio_net_hdr *h;
	unsigned int n = 1, got = 1;
	uint32_t len;

	bufs[0] = virtqueue_get_buf(vn->rxq, &len);
	if (!bufs[0])
		return false;
	h = bufs[0];
	if (vn->mrg)
		n = h->num_buffers;
	if (len < sizeof(*h)) {
		vnet_drop(vn, "used length below the header", len);
	} else if (!n || n > NETDEV_MAX_FRAGS) {
		vnet_drop(vn, "bad num_buffers", n);
	} else {
		frags[0] = (struct netdev_frag){ h + 1, len - sizeof(*h) };
		got = vnet_rx_gather(vn, bufs, frags, n);
		if (got == n)
			netdev_rx(&vn->nd, frags, n, vn->rx_csum &&
				  (h->flags & (VIRTIO_NET_HDR_F_NEEDS_CSUM |
					       VIRTIO_NET_HDR_F_DATA_VALID)) ?
				  NETDEV_RX_CSUM_OK : 0);
	}
	for (unsigned int i = 0; i < got; i++)
		if (bufs[i])
			vnet_post_rx(vn, bufs[i]);
	return true;
}

static void vnet_update_link(struct vnet *vn)
{
	uint16_t status = VIRTIO_NET_S_LINK_UP;

	if (virtio_has_feature(vn->vdev, VIRTIO_NET_F_STATUS))
		virtio_cread(vn->vdev, 6, &status, sizeof(status));
	netdev_set_link(&vn->nd, status & VIRTIO_NET_S_LINK_UP);
}

/* The bottom half's work: drain the receive ring with a budget. */
static void vnet_rx_work(struct vnet *vn)
{
	unsigned int budget;

	if (vn->config_pending) {
		vn->config_pending = false;
		vnet_update_link(vn);
	}
	virtqueue_disable_cb(vn->rxq);
	for (;;) {
		for (budget = VNET_RX_BUDGET; budget; budget--)
			if (!vnet_rx_one(vn))
				break;
		virtqueue_kick(vn->rxq);
		if (!budget) {
			yield();	/* let the stack consume */
			continue;
		}
		if (virtqueue_enable_cb(vn->rxq))
			break;
		virtqueue_disable_cb(vn->rxq);
	}
}

static void vnet_bh(struct work_struct *w)
{
	vnet_rx_work(container_of(w, struct vnet, bh_work));
}

static void vnet_tx_reclaim(struct vnet *vn)
{
	void *buf;

	while ((buf = virtqueue_get_buf(vn->txq, NULL)))
		kfree(buf);
}

/* Add under tx_lock, waiting for room a bounded time. */
static int vnet_tx_add(struct vnet *vn, struct vq_buf *b, void *block)
{
	int err;

	for (;;) {
		spin_lock(&vn->tx_lock);
		vnet_tx_reclaim(vn);
		err = virtqueue_add(vn->txq, b, 2, 0, block);
		if (!err)
			virtqueue_kick(vn->txq);
		else if (err == -ENOSPC)
			virtqueue_enable_cb(vn->txq);
		spin_unlock(&vn->tx_lock);
		if (err != -ENOSPC)
			return err;
		if (!wait_event_timeout(vn->tx_wait,
					virtqueue_more_used(vn->txq),
					VNET_TX_WAIT_NS))
			return -ENOSPC;
		virtqueue_disable_cb(vn->txq);
	}
}

/* Ask the device to finish the checksum lib/net described. */
static void vnet_tx_csum(struct virtio_net_hdr *h, uint8_t *frame,
			 size_t total, const struct netdev_csum *c)
{
	if (!c || c->start + c->offset + 2u > total)
		return;
	memcpy(frame + c->start + c->offset, &c->pseudo, 2);
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->csum_start = c->start;
	h->csum_offset = c->offset;
}

static int vnet_xmit(struct netdev *nd, const struct netdev_frag *frags,
		     unsigned int n, size_t total,
		     const struct netdev_csum *csum)
{
	struct vnet *vn = nd->priv;
	struct vq_buf b[2];
	uint8_t *block, *p;
	int err;

	if (total > VNET_MAX_FRAME)
		return -EINVAL;
	block = kmalloc(VNET_TX_DATA_OFF + total, GFP_KERNEL);
	if (!block)
		return -ENOMEM;
	memset(block, 0, sizeof(struct virtio_net_hdr));
	p = block + VNET_TX_DATA_OFF;
	for (unsigned int i = 0; i < n; p += frags[i].len, i++)
		memcpy(p, frags[i].data, frags[i].len);
	vnet_tx_csum((struct virtio_net_hdr *)block, block + VNET_TX_DATA_OFF,
		     total, csum);
	b[0] = (struct vq_buf){ block, sizeof(struct virtio_net_hdr) };
	b[1] = (struct vq_buf){ block + VNET_TX_DATA_OFF, total };
	err = vnet_tx_add(vn, b, block);
	if (err) {
		kfree(block);
		nd->stats.tx_dropped++;
		return err;
	}
	nd->stats.tx_packets++;
	nd->stats.tx_bytes += total;
	return 0;
}

static const struct netdev_ops vnet_ops = {
	.xmit = vnet_xmit,
};

static int vnet_fill_rx(struct vnet *vn)
{
	unsigned int want = CONFIG_LIBVIRTIO_NET_RXBUFS;

	if (want > vn->rxq->num)
		want = vn->rxq->num;
	while (vn->rx_posted < want) {
		void *buf = kmalloc(VNET_RX_BUF_SIZE, GFP_KERNEL);

		if (!buf || vnet_post_rx(vn, buf)) {
			kfree(buf);
			break;
		}
		vn->rx_posted++;
	}
	return vn->rx_posted ? 0 : -ENOMEM;
}

static void vnet_read_mac(struct vnet *vn)
{
	if (virtio_has_feature(vn->vdev, VIRTIO_NET_F_MAC)) {
		virtio_cread(vn->vdev, 0, vn->nd.mac, 6);
		return;
	}
	/* Locally administered, unicast, from the clock. */
	uint64_t r = ktime_get_ns() * 0x9e3779b97f4a7c15ull;

	for (int i = 0; i < 6; i++)
		vn->nd.mac[i] = r >> (8 * i);
	vn->nd.mac[0] = (vn->nd.mac[0] & 0xfe) | 0x02;
}

static int vnet_setup(struct vnet *vn)
{
	struct virtio_device *vdev = vn->vdev;

	vn->rxq = virtio_setup_vq(vdev, 0, vnet_rx_cb, "rx");
	vn->txq = virtio_setup_vq(vdev, 1, vnet_tx_cb, "tx");
	if (!vn->rxq || !vn->txq)
		return -ENOMEM;
	virtqueue_disable_cb(vn->txq);
	if (vnet_fill_rx(vn))
		return -ENOMEM;
	return virtio_device_ready(vdev);
}

static int vnet_probe(struct virtio_device *vdev)
{
	struct vnet *vn = kzalloc(sizeof(*vn), GFP_KERNEL);
	int err;

	if (!vn)
		return -ENOMEM;
	vn->vdev = vdev;
	vdev->priv = vn;
	vn->mrg = virtio_has_feature(vdev, VIRTIO_NET_F_MRG_RXBUF);
	vn->rx_csum = virtio_has_feature(vdev, VIRTIO_NET_F_GUEST_CSUM);
	spin_lock_init(&vn->tx_lock);
	init_waitqueue_head(&vn->tx_wait);
	INIT_WORK(&vn->bh_work, vnet_bh);
	vn->nd = (struct netdev){ .mtu = 1500, .ops = &vnet_ops, .priv = vn };
	if (virtio_has_feature(vdev, VIRTIO_NET_F_CSUM))
		vn->nd.features |= NETDEV_F_TX_CSUM;
	if (vn->rx_csum)
		vn->nd.features |= NETDEV_F_RX_CSUM;
	vnet_read_mac(vn);
	err = vnet_setup(vn);
	if (err)
		return err;	/* NOTE: queues and buffers are not freed */
	err = netdev_register(&vn->nd);
	if (err)
		return err;
	pr_info("virtio-net: %s: %s, mac %02x:%02x:%02x:%02x:%02x:%02x, "
		"%u receive buffers%s%s%s\n", vn->nd.name, vdev->name,
		vn->nd.mac[0], vn->nd.mac[1], vn->nd.mac[2], vn->nd.mac[3],
		vn->nd.mac[4], vn->nd.mac[5], vn->rx_posted,
		vn->mrg ? " (mergeable)" : "",
		vn->nd.features & NETDEV_F_TX_CSUM ? ", tx checksum offload" : "",
		vn->rx_csum ? ", rx checksum offload" : "");
	virtqueue_kick(vn->rxq);
	vn->config_pending = true;	/* read the link state in the bh */
	vnet_schedule_bh(vn);
	return 0;
}

static struct virtio_driver vnet_driver = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.features = VIRTIO_BIT(VIRTIO_NET_F_CSUM) |
		    VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) |
		    VIRTIO_BIT(VIRTIO_NET_F_MAC) |
		    VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |
		    VIRTIO_BIT(VIRTIO_NET_F_STATUS),
	.probe = vnet_probe,
	.config_changed = vnet_config_changed,
};

static int vnet_register(void)
{
	return virtio_register_driver(&vnet_driver);
}
subsys_initcall(vnet_register);
