/* SPDX-License-Identifier: MIT */
/*
 * Network devices: what a driver (virtio-net) gives lib/net, and how
 * frames travel between them. lib/net makes an lwIP interface of each.
 *
 * Interface (drivers):
 *   nd->ops, nd->mac, nd->mtu, nd->priv filled in, then
 *   netdev_register(nd)            at the device init level
 *   netdev_rx(nd, frags, n, flags) a received Ethernet frame in n pieces
 *                                  (copied; thread context: the driver's
 *                                  bottom half, never an interrupt);
 *                                  NETDEV_RX_CSUM_OK when the device
 *                                  vouches for its TCP/UDP checksum
 *   netdev_set_link(nd, up)        link status changed (thread context)
 * The stack calls nd->ops->xmit(nd, frags, n, total, csum) to send one
 * frame; it may sleep briefly for ring space and returns 0 or -errno.
 * csum is NULL for a complete frame; with NETDEV_F_TX_CSUM it may ask
 * the device to finish a TCP checksum: the driver stores csum->pseudo
 * (the pseudo-header sum, network order, not complemented) at
 * csum->start + csum->offset of its copy, and the device replaces it by
 * the checksum of everything from csum->start on.
 *
 * Offloads (nd->features, set by the driver before netdev_register):
 *   NETDEV_F_TX_CSUM   the device completes TCP checksums (see above)
 *   NETDEV_F_RX_CSUM   the device checks TCP/UDP checksums and says so
 *                      per frame (NETDEV_RX_CSUM_OK)
 *
 * Interface (everyone): netdev_first(), netdev_ipv4(nd, &addr, &prefix).
 */
#ifndef PITH_NETDEV_H
#define PITH_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pith/list.h>

#define NETDEV_NAME_LEN	8
#define NETDEV_MAX_FRAGS	20

struct netdev;

struct netdev_frag {
	const void *data;
	size_t len;
};

#define NETDEV_F_TX_CSUM	(1u << 0)
#define NETDEV_F_RX_CSUM	(1u << 1)
#define NETDEV_RX_CSUM_OK	(1u << 0)

/* What the device must finish in a frame (see above). */
struct netdev_csum {
	uint16_t start;		/* first byte summed (the L4 header) */
	uint16_t offset;	/* of the checksum field from start */
	uint16_t pseudo;	/* the field's value until then */
};

struct netdev_ops {
	int (*xmit)(struct netdev *nd, const struct netdev_frag *frags,
		    unsigned int n, size_t total,
		    const struct netdev_csum *csum);
};

struct netdev_stats {
	unsigned long rx_packets, rx_bytes, rx_dropped;
	unsigned long tx_packets, tx_bytes, tx_dropped;
};

struct netdev {
	char name[NETDEV_NAME_LEN];	/* set by netdev_register: en0.. */
	uint8_t mac[6];
	uint16_t mtu;
	bool link_up;
	unsigned int features;		/* NETDEV_F_* */
	const struct netdev_ops *ops;
	void *priv;			/* the driver's */
	void *netif;			/* lib/net's (struct netif) */
	struct netdev_stats stats;
	struct list_head node;
};

int netdev_register(struct netdev *nd);
void netdev_rx(struct netdev *nd, const struct netdev_frag *frags,
	       unsigned int n, unsigned int flags);
void netdev_set_link(struct netdev *nd, bool up);
struct netdev *netdev_first(void);
/* The interface's IPv4 address (host order) and prefix; -ENOENT when it
 * has none yet. */
int netdev_ipv4(struct netdev *nd, uint32_t *addr, unsigned int *prefix);

#endif
