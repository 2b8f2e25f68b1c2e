// SPDX-License-Identifier: MIT
/*
 * Network devices as lwIP interfaces: the netdev registry, frames in
 * (netdev_rx -> pbuf -> the tcpip thread) and out (linkoutput -> the
 * driver's xmit), link changes.
 *
 * Receive copies the driver's buffers into a pool pbuf chain, so the
 * driver can re-post its buffers at once; lwIP then runs the frame in
 * the tcpip thread. Transmit hands the pbuf chain's pieces to the driver,
 * which copies them behind its header.
 */
#include <lwip/etharp.h>
#include <lwip/ethip6.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <lwip/tcpip.h>
#include <pith/errno.h>
#include <pith/mm.h>
#include <pith/netdev.h>
#include <pith/printk.h>
#include <pith/string.h>
#include "net.h"

static LIST_HEAD(netdevs);
static unsigned int nr_netdevs;

int netdev_register(struct netdev *nd)
{
	if (!nd->ops || !nd->ops->xmit)
		return -EINVAL;
	ksnprintf(nd->name, sizeof(nd->name), "en%u", nr_netdevs++);
	list_add_tail(&nd->node, &netdevs);
	return 0;
}

struct netdev *netdev_first(void)
{
	return list_first_entry_or_null(&netdevs, struct netdev, node);
}

void net_for_each_netdev(void (*fn)(struct netdev *nd, bool first))
{
	struct netdev *nd;
	bool first = true;

	list_for_each_entry(nd, &netdevs, node) {
		fn(nd, first);
		first = false;
	}
}

void netdev_rx(struct netdev *nd, const struct netdev_frag *frags,
	       unsigned int n, unsigned int flags)
{
	struct netif *netif = nd->netif;
	size_t total = 0, off = 0;
	struct pbuf *p;

	for (unsigned int i = 0; i < n; i++)
		total += frags[i].len;
	if (!netif || !total || total > 0xffff)
		goto drop;
	p = pbuf_alloc(PBUF_RAW, total, PBUF_POOL);
	if (!p)
		goto drop;
	for (unsigned int i = 0; i < n; off += frags[i].len, i++)
		pbuf_take_at(p, frags[i].data, frags[i].len, off);
	if (tcpip_inpkt(p, netif, net_rx_input_fn(netif, flags)) != ERR_OK) {
		pbuf_free(p);
		goto drop;
	}
	nd->stats.rx_packets++;
	nd->stats.rx_bytes += total;
	return;
drop:
	nd->stats.rx_dropped++;
}

void netdev_set_link(struct netdev *nd, bool up)
{
	struct netif *netif = nd->netif;

	if (nd->link_up != up)
		pr_info("net: %s: link %s\n", nd->name, up ? "up" : "down");
	nd->link_up = up;
	if (!netif)
		return;
	LOCK_TCPIP_CORE();
	if (up)
		netif_set_link_up(netif);
	else
		netif_set_link_down(netif);
	UNLOCK_TCPIP_CORE();
}

int netdev_ipv4(struct netdev *nd, uint32_t *addr, unsigned int *prefix)
{
	struct netif *netif = nd->netif;
	uint32_t mask;

	if (!netif || ip4_addr_isany_val(*netif_ip4_addr(netif)))
		return -ENOENT;
	*addr = lwip_ntohl(ip4_addr_get_u32(netif_ip4_addr(netif)));
	mask = lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(netif)));
	*prefix = mask ? 32 - __builtin_ctz(mask) : 0;
	return 0;
}

/* A chain longer than the driver takes is flattened first. */
static err_t xmit_flat(struct netdev *nd, struct pbuf *p,
		       const struct netdev_csum *csum)
{
	void *buf = kmalloc(p->tot_len, GFP_KERNEL);
	struct netdev_frag f = { buf, p->tot_len };
	int err;

	if (!buf)
		return ERR_MEM;
	pbuf_copy_partial(p, buf, p->tot_len, 0);
	err = nd->ops->xmit(nd, &f, 1, p->tot_len, csum);
	kfree(buf);
	return err ? ERR_IF : ERR_OK;
}

static err_t net_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct netdev *nd = netif->state;
	struct netdev_frag frags[NETDEV_MAX_FRAGS];
	struct netdev_csum c, *csum = net_tx_csum(netif, p, &c) ? &c : NULL;
	unsigned int n = 0;

	for (struct pbuf *q = p; q; q = q->next) {
		if (n == NETDEV_MAX_FRAGS)
			return xmit_flat(nd, p, csum);
		frags[n++] = (struct netdev_frag){ q->payload, q->len };
	}
	return nd->ops->xmit(nd, frags, n, p->tot_len, csum) ? ERR_IF : ERR_OK;
}

err_t net_netif_init(struct netif *netif)
{
	struct netdev *nd = netif->state;

	netif->name[0] = 'e';
	netif->name[1] = 'n';
	netif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(netif->hwaddr, nd->mac, ETH_HWADDR_LEN);
	netif->mtu = nd->mtu;
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
		       NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
	netif->output = etharp_output;
	netif->output_ip6 = ethip6_output;
	netif->linkoutput = net_linkoutput;
	net_csum_setup(netif, nd);
	return ERR_OK;
}
