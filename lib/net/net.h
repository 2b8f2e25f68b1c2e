/* SPDX-License-Identifier: MIT */
/*
 * Private to lib/net: what net.c and netif.c share.
 */
#ifndef NET_PRIVATE_H
#define NET_PRIVATE_H

#include <stdbool.h>
#include <lwip/netif.h>
#include <pith/netdev.h>

err_t net_netif_init(struct netif *netif);
void net_for_each_netdev(void (*fn)(struct netdev *nd, bool first));

/* csum.c: checksum offload (see there) */
void net_csum_setup(struct netif *netif, const struct netdev *nd);
netif_input_fn net_rx_input_fn(struct netif *netif, unsigned int flags);
bool net_tx_csum(struct netif *netif, struct pbuf *p, struct netdev_csum *c);

/* etc.c (with the VFS): /etc/resolv.conf from netdev.dns=, /etc/hosts */
#ifdef CONFIG_LIBVFS
void net_etc_files(const char *dns);
/* DHCP brought DNS servers (core lock held): into /etc/resolv.conf. */
void net_etc_dhcp_dns(void);
#else
static inline void net_etc_files(const char *dns) { (void)dns; }
static inline void net_etc_dhcp_dns(void) {}
#endif

#endif
