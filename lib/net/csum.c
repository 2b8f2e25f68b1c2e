// SPDX-License-Identifier: MIT
/*
 * Checksum offload between lwIP and a netdev that offers it (virtio-net
 * on a tap backend: NETDEV_F_TX_CSUM, NETDEV_F_RX_CSUM).
 *
 * lwIP decides per interface (LWIP_CHECKSUM_CTRL_PER_NETIF). On an
 * offloading interface:
 *   - transmit: lwIP leaves TCP checksums out (no NETIF_CHECKSUM_GEN_TCP)
 *     and net_tx_csum() tells the driver where the device must put one,
 *     with the pseudo-header sum the field holds until then. UDP, ICMP
 *     and IPv4 header checksums stay in software: a UDP datagram may be
 *     fragmented, and the device sees one fragment at a time.
 *   - receive: the interface's resting state skips TCP and UDP checks
 *     (NETIF_CHECKSUM_CHECK_TCP/UDP off), which is right for frames the
 *     device vouches for and for packets looped back to our own address
 *     (their TCP checksum was never written). A device frame without the
 *     device's word goes in through net_input_check(), which turns the
 *     checks on for the time lwIP processes that one frame (in the tcpip
 *     thread, core lock held), reassembled datagrams included.
 *
 * Interface (net.h): net_csum_setup, net_tx_csum, net_rx_input_fn.
 */
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <lwip/prot/ethernet.h>
#include <lwip/prot/ip.h>
#include <lwip/tcpip.h>
#include <netif/ethernet.h>
#include <pith/netdev.h>
#include "net.h"

#define L4_CHECKS	(NETIF_CHECKSUM_CHECK_TCP | NETIF_CHECKSUM_CHECK_UDP)
#define ETH_HLEN	14
#define TCP_CSUM_OFF	16

void net_csum_setup(struct netif *netif, const struct netdev *nd)
{
	u16_t flags = NETIF_CHECKSUM_ENABLE_ALL;

	if (!(nd->features & (NETDEV_F_TX_CSUM | NETDEV_F_RX_CSUM)))
		return;
	if (nd->features & NETDEV_F_TX_CSUM)
		flags &= ~NETIF_CHECKSUM_GEN_TCP;
	NETIF_SET_CHECKSUM_CTRL(netif, flags & ~L4_CHECKS);
}

/* tcpip thread, core lock held: one frame with the L4 checks on. */
static err_t net_input_check(struct pbuf *p, struct netif *netif)
{
	u16_t rest = netif->chksum_flags;
	err_t err;

	NETIF_SET_CHECKSUM_CTRL(netif, rest | L4_CHECKS);
	err = ethernet_input(p, netif);
	NETIF_SET_CHECKSUM_CTRL(netif, rest);
	return err;
}

netif_input_fn net_rx_input_fn(struct netif *netif, unsigned int flags)
{
	if ((netif->chksum_flags & L4_CHECKS) == L4_CHECKS ||
	    (flags & NETDEV_RX_CSUM_OK))
		return ethernet_input;
	return net_input_check;
}

static uint32_t sum16(const uint8_t *b, unsigned int len)
{
	uint32_t s = 0;

	for (unsigned int i = 0; i + 1 < len; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	return s;
}

/* The TCP pseudo-header sum of an IPv4 or IPv6 frame at h (its first
 * bytes, n of them); start gets the TCP header's offset. false when
 * the frame is not TCP or not whole. */
static bool tcp_pseudo(const uint8_t *h, unsigned int n, uint32_t *sum,
		       uint16_t *start)
{
	uint16_t type = (uint16_t)(h[12] << 8 | h[13]);
	const uint8_t *ip = h + ETH_HLEN;
	unsigned int ihl, len;

	if (type == ETHTYPE_IP && n >= ETH_HLEN + 20) {
		ihl = (ip[0] & 0xf) * 4u;
		len = (unsigned int)(ip[2] << 8 | ip[3]);
		if (ip[9] != IP_PROTO_TCP || ihl < 20 || len < ihl ||
		    (ip[6] & 0x3f) || ip[7])	/* MF or an offset */
			return false;
		*sum = sum16(ip + 12, 8) + IP_PROTO_TCP + (len - ihl);
		*start = (uint16_t)(ETH_HLEN + ihl);
		return true;
	}
	if (type == ETHTYPE_IPV6 && n >= ETH_HLEN + 40) {
		if (ip[6] != IP_PROTO_TCP)	/* no extension headers */
			return false;
		len = (unsigned int)(ip[4] << 8 | ip[5]);
		*sum = sum16(ip + 8, 32) + IP_PROTO_TCP + len;
		*start = ETH_HLEN + 40;
		return true;
	}
	return false;
}

bool net_tx_csum(struct netif *netif, struct pbuf *p, struct netdev_csum *c)
{
	uint8_t h[ETH_HLEN + 60];
	unsigned int n;
	uint32_t sum;

	if (netif->chksum_flags & NETIF_CHECKSUM_GEN_TCP)
		return false;
	n = pbuf_copy_partial(p, h, sizeof(h), 0);
	if (n < ETH_HLEN || !tcp_pseudo(h, n, &sum, &c->start) ||
	    c->start + 20u > p->tot_len)
		return false;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	c->offset = TCP_CSUM_OFF;
	c->pseudo = lwip_htons((u16_t)sum);
	return true;
}
