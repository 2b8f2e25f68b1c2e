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

#endif
