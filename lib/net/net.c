// SPDX-License-Identifier: MIT
/*
 * lib/net start-up: lwIP and its tcpip thread, then one lwIP interface
 * per registered netdev, at the net init level. The first interface is
 * the default route and takes its IPv4 configuration from kernel
 * parameters:
 *   netdev.ip=ADDR/PREFIX  netdev.gw=ADDR  netdev.dns=ADDR
 * or from DHCP when netdev.ip is absent; netdev.ip6=ADDR/64 adds a static
 * IPv6 address. Every interface also gets an IPv6 link-local address
 * and SLAAC. The address is printed when known.
 * With the VFS, netdev.dns= also becomes /etc/resolv.conf (etc.c), which
 * is what getaddrinfo in musl reads.
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

static char cfg_ip[40], cfg_gw[40], cfg_dns[48], cfg_ip6[48];
param_string("netdev.ip", cfg_ip,
	     "ADDR/PREFIX of the first interface (DHCP when absent)");
param_string("netdev.ip6", cfg_ip6,
	     "a static IPv6 ADDR[/64] of the first interface (with SLAAC)");
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

/* An IPv6 address that became usable (after DAD): link-local, SLAAC
 * or static. */
static void print_addr6(struct netif *netif,
			const netif_ext_callback_args_t *args)
{
	s8_t i = args->ipv6_addr_state_changed.addr_index;
	char a[48];

	if (i < 0 || i >= LWIP_IPV6_NUM_ADDRESSES ||
	    !ip6_addr_isvalid(netif_ip6_addr_state(netif, i)) ||
	    ip6_addr_isvalid(args->ipv6_addr_state_changed.old_state))
		return;
	ip6addr_ntoa_r(netif_ip6_addr(netif, i), a, sizeof(a));
	for (char *c = a; *c; c++)	/* lwIP writes hex digits in capitals */
		if (*c >= 'A' && *c <= 'F')
			*c = (char)(*c - 'A' + 'a');
	pr_info("net: %s inet6 %s\n", ((struct netdev *)netif->state)->name,
		a);
}

/* Core lock held (tcpip thread for DHCP): print new IPv4 settings and
 * IPv6 addresses. */
static void status_changed(struct netif *netif, netif_nsc_reason_t reason,
			   const netif_ext_callback_args_t *args)
{
	bool v4 = reason & LWIP_NSC_IPV4_SETTINGS_CHANGED;
	bool up = reason & LWIP_NSC_STATUS_CHANGED;

	if (netif->state && (reason & LWIP_NSC_IPV6_ADDR_STATE_CHANGED))
		print_addr6(netif, args);
	if ((v4 || up) && netif_is_up(netif) &&
	    !ip4_addr_isany_val(*netif_ip4_addr(netif))) {
		print_addr(netif);
		if (!cfg_dns[0] && dhcp_supplied_address(netif))
			net_etc_dhcp_dns();
	}
}

/* netdev.ip6=ADDR[/64]: a static address, tentative until DAD passes.
 * lwIP keeps no prefix per address (on-link is the /64), so only 64
 * is accepted. Core lock held. */
static void static_ip6(struct netif *netif)
{
	char buf[sizeof(cfg_ip6)], *slash;
	ip6_addr_t a;
	s8_t idx;

	kstrlcpy(buf, cfg_ip6, sizeof(buf));
	slash = kstrchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (!ip6addr_aton(buf, &a) || (slash && kstrcmp(slash, "64")) ||
	    ip6_addr_islinklocal(&a)) {
		pr_err("net: netdev.ip6=%s is not a global ADDR/64; ignored\n",
		       cfg_ip6);
		return;
	}
	if (netif_add_ip6_address(netif, &a, &idx) != ERR_OK)
		pr_err("net: netdev.ip6=%s: no free address slot\n", cfg_ip6);
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
	if (ipaddr_aton(cfg_dns, &dns)) {
		dns_setserver(0, &dns);
	} else {
		pr_err("net: netdev.dns=%s is not an address\n", cfg_dns);
		cfg_dns[0] = '\0';
	}
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
	if (first && cfg_ip6[0])
		static_ip6(netif);
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
	net_etc_files(cfg_dns);	/* for musl's resolver */
	net_for_each_netdev(add_netdev);
	if (!netdev_first())
		pr_info("net: no network device\n");
	return 0;
}
net_initcall(net_init);
