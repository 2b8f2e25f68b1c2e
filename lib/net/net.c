// SPDX-License-Identifier: MIT
/*
 * lib/net start-up: lwIP and its tcpip thread, then one lwIP interface
 * per registered netdev, at the net init level. The first interface is
 * the default route and takes its IPv4 configuration from kernel
 * parameters:
 *   netdev.ip=ADDR/PREFIX  netdev.gw=ADDR  netdev.dns=ADDR
 * or from DHCP when netdev.ip is absent. Every interface also gets an
 * IPv6 link-local address and SLAAC. The address is printed when known.
 *
 * Nothing here blocks: init-level code runs in the boot context, which
 * must not sleep; lwIP calls are made under the core lock.
 */
#include <lwip/dhcp.h>
#include <lwip/dns.h>
#include <lwip/init.h>
#include <lwip/netif.h>
#include <lwip/tcpip.h>
#include <pith/errno.h>
#include <pith/init.h>
#include <pith/mm.h>
#include <pith/param.h>
#include <pith/printk.h>
#include <pith/string.h>
#include "net.h"

static char cfg_ip[40], cfg_gw[40], cfg_dns[40];
param_string("netdev.ip", cfg_ip,
	     "ADDR/PREFIX of the first interface (DHCP when absent)");
param_string("netdev.gw", cfg_gw, "default gateway of the first interface");
param_string("netdev.dns", cfg_dns, "DNS server");

static void print_addr(struct netif *netif)
{
	struct netdev *nd = netif->state;
	char ip[16], gw[16];

	ip4addr_ntoa_r(netif_ip4_addr(netif), ip, sizeof(ip));
	ip4addr_ntoa_r(netif_ip4_gw(netif), gw, sizeof(gw));
	pr_notice("net: %s %s/%d gw %s mac %02x:%02x:%02x:%02x:%02x:%02x%s\n",
		nd->name, ip,
		__builtin_popcount(ip4_addr_get_u32(netif_ip4_netmask(netif))),
		gw, nd->mac[0], nd->mac[1], nd->mac[2], nd->mac[3],
		nd->mac[4], nd->mac[5], netif_is_link_up(netif) ? "" :
		" (no link)");
}

/* Core lock held (tcpip thread for DHCP): print new IPv4 settings. */
static void status_changed(struct netif *netif, netif_nsc_reason_t reason,
			   const netif_ext_callback_args_t *args)
{
	bool v4 = reason & LWIP_NSC_IPV4_SETTINGS_CHANGED;
	bool up = reason & LWIP_NSC_STATUS_CHANGED;

	if ((v4 || up) && netif_is_up(netif) &&
	    !ip4_addr_isany_val(*netif_ip4_addr(netif)))
		print_addr(netif);
}

/* "A.B.C.D/P" into addr and netmask; -EINVAL on anything else. */
static int parse_cidr(const char *s, ip4_addr_t *addr, ip4_addr_t *mask)
{
	char buf[sizeof(cfg_ip)];
	char *slash;
	unsigned long long prefix = 24;

	kstrlcpy(buf, s, sizeof(buf));
	slash = kstrchr(buf, '/');
	if (slash) {
		*slash = '\0';
		if (kstrtoull(slash + 1, 10, false, &prefix) || prefix > 32)
			return -EINVAL;
	}
	if (!ip4addr_aton(buf, addr))
		return -EINVAL;
	ip4_addr_set_u32(mask, prefix ? lwip_htonl(~0u << (32 - prefix)) : 0);
	return 0;
}

static int static_config(ip4_addr_t *ip, ip4_addr_t *mask, ip4_addr_t *gw)
{
	if (parse_cidr(cfg_ip, ip, mask)) {
		pr_err("net: netdev.ip=%s is not ADDR/PREFIX; using DHCP\n",
		       cfg_ip);
		return -EINVAL;
	}
	if (cfg_gw[0] && !ip4addr_aton(cfg_gw, gw)) {
		pr_err("net: netdev.gw=%s is not an address; no gateway\n",
		       cfg_gw);
		ip4_addr_set_zero(gw);
	}
	return 0;
}

static void set_dns(void)
{
	ip_addr_t dns;

	if (!cfg_dns[0])
		return;
	if (ipaddr_aton(cfg_dns, &dns))
		dns_setserver(0, &dns);
	else
		pr_err("net: netdev.dns=%s is not an address\n", cfg_dns);
}

static void add_netdev(struct netdev *nd, bool first)
{
	struct netif *netif = kzalloc(sizeof(*netif), GFP_KERNEL);
	ip4_addr_t ip = { 0 }, mask = { 0 }, gw = { 0 };
	bool dhcp = !first || !cfg_ip[0] || static_config(&ip, &mask, &gw);

	if (!netif)
		return;
	LOCK_TCPIP_CORE();
	if (!netif_add(netif, &ip, &mask, &gw, nd, net_netif_init,
		       tcpip_input)) {
		UNLOCK_TCPIP_CORE();
		pr_err("net: %s: lwIP refused the interface\n", nd->name);
		kfree(netif);
		return;
	}
	nd->netif = netif;
	netif_create_ip6_linklocal_address(netif, 1);
	netif_set_ip6_autoconfig_enabled(netif, 1);
	if (first)
		netif_set_default(netif);
	if (nd->link_up)
		netif_set_link_up(netif);
	netif_set_up(netif);
	if (dhcp)
		dhcp_start(netif);
	UNLOCK_TCPIP_CORE();
	if (dhcp)
		pr_info("net: %s: asking DHCP for an address\n", nd->name);
}

static int net_init(void)
{
	NETIF_DECLARE_EXT_CALLBACK(cb);	/* static inside the macro */

	tcpip_init(NULL, NULL);
	LOCK_TCPIP_CORE();
	netif_add_ext_callback(&cb, status_changed);
	set_dns();
	UNLOCK_TCPIP_CORE();
	net_for_each_netdev(add_netdev);
	if (!netdev_first())
		pr_info("net: no network device\n");
	return 0;
}
net_initcall(net_init);
