/* SPDX-License-Identifier: MIT */
/*
 * Pith's lwIP configuration (lwIP 2.1.3, options in lwip/opt.h). The
 * stack runs in its own thread (tcpip) with core locking, so netconn
 * calls from any thread lock the core instead of posting messages.
 * Memory comes from kmalloc (lib/mm) for both the heap and the pools.
 * Tuned for throughput: MSS 1460, a 64 KiB window with window scaling,
 * a 128 KiB send buffer.
 */
#ifndef PITH_LWIPOPTS_H
#define PITH_LWIPOPTS_H

#include <stddef.h>

/* ---- threads and locking ---- */
#define NO_SYS				0
#define SYS_LIGHTWEIGHT_PROT		1
#define LWIP_TCPIP_CORE_LOCKING		1
#define LWIP_TCPIP_CORE_LOCKING_INPUT	0
#define TCPIP_THREAD_NAME		"tcpip"
#define TCPIP_THREAD_STACKSIZE		32768
#define TCPIP_THREAD_PRIO		0
#define TCPIP_MBOX_SIZE			512
#define DEFAULT_THREAD_STACKSIZE	32768
#define DEFAULT_RAW_RECVMBOX_SIZE	128
#define DEFAULT_UDP_RECVMBOX_SIZE	128
#define DEFAULT_TCP_RECVMBOX_SIZE	256
#define DEFAULT_ACCEPTMBOX_SIZE		128
#define LWIP_NETCONN_SEM_PER_THREAD	0

/* ---- memory: kmalloc for the heap and every pool ---- */
#define MEM_LIBC_MALLOC			1
#define MEMP_MEM_MALLOC			1
#define MEM_ALIGNMENT			8
void *pith_lwip_malloc(size_t size);
void *pith_lwip_calloc(size_t n, size_t size);
void pith_lwip_free(void *p);
#define mem_clib_malloc			pith_lwip_malloc
#define mem_clib_calloc			pith_lwip_calloc
#define mem_clib_free			pith_lwip_free
#define PBUF_POOL_SIZE			512
#define PBUF_POOL_BUFSIZE		1536
#define MEMP_NUM_PBUF			256
#define MEMP_NUM_TCP_PCB		64
#define MEMP_NUM_TCP_PCB_LISTEN		16
#define MEMP_NUM_TCP_SEG		512
#define MEMP_NUM_UDP_PCB		16
#define MEMP_NUM_NETCONN		64
#define MEMP_NUM_NETBUF			64
#define MEMP_NUM_TCPIP_MSG_INPKT	256
#define MEMP_NUM_SYS_TIMEOUT		(LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)

/* ---- protocols ---- */
#define LWIP_IPV4			1
#define LWIP_IPV6			1
#define LWIP_ARP			1
#define LWIP_ETHERNET			1
#define LWIP_ICMP			1
#define LWIP_RAW			1
#define LWIP_UDP			1
#define LWIP_TCP			1
#define LWIP_DHCP			1
#define LWIP_DNS			1
#define DNS_MAX_SERVERS			2
#define LWIP_IGMP			0
#define LWIP_AUTOIP			0
#define LWIP_IPV6_DHCP6			0
#define LWIP_IPV6_MLD			1
#define LWIP_IPV6_AUTOCONFIG		1
#define IP_REASSEMBLY			1
#define IP_FRAG				1
#define IPV6_FRAG_COPYHEADER		1	/* 64-bit pointers */
#define LWIP_NETIF_STATUS_CALLBACK	1
#define LWIP_NETIF_EXT_STATUS_CALLBACK	1
#define LWIP_NETIF_LINK_CALLBACK	1
#define LWIP_NETIF_HOSTNAME		1
#define ETHARP_SUPPORT_STATIC_ENTRIES	0
/* 127.0.0.1 (lo) and packets to our own addresses loop back. */
#define LWIP_HAVE_LOOPIF		1
#define LWIP_NETIF_LOOPBACK		1
#define LWIP_LOOPBACK_MAX_PBUFS		0

/* ---- TCP throughput ---- */
#define TCP_MSS				1460
#define LWIP_WND_SCALE			1
#define TCP_RCV_SCALE			2
#define TCP_WND				(64 * 1024)
#define TCP_SND_BUF			(128 * 1024)
#define TCP_SND_QUEUELEN		(4 * TCP_SND_BUF / TCP_MSS)
#define TCP_SNDLOWAT			32768	/* < 0xffff - 4 * MSS */
#define TCP_OVERSIZE			TCP_MSS
#define TCP_QUEUE_OOSEQ			1
#define LWIP_TCP_SACK_OUT		0
#define TCP_LISTEN_BACKLOG		1
#define TCP_DEFAULT_LISTEN_BACKLOG	128
#define LWIP_TCP_KEEPALIVE		1
#define LWIP_CHKSUM_ALGORITHM		3
/* Checksum offload per interface (lib/net/csum.c). */
#define LWIP_CHECKSUM_CTRL_PER_NETIF	1

/* ---- APIs: netconn and sockets (lwip_* names only) ---- */
#define LWIP_NETCONN			1
#define LWIP_SOCKET			1
#define LWIP_COMPAT_SOCKETS		0
#define LWIP_POSIX_SOCKETS_IO_NAMES	0
#define LWIP_SOCKET_SELECT		0
#define LWIP_SOCKET_POLL		0
#define LWIP_SO_RCVTIMEO		1
#define LWIP_SO_SNDTIMEO		1
#define LWIP_SO_RCVBUF			1
#define SO_REUSE			1
#define LWIP_NETCONN_FULLDUPLEX		0
#define LWIP_NETIF_API			1
#define LWIP_PROVIDE_ERRNO		1
/* lwip_* socket calls keep their last error here (not per thread: the
 * socket layer on top reads errors from netconns, not from this). Only
 * in the kernel (freestanding): an app on musl keeps musl's errno. */
#if !__STDC_HOSTED__
extern int pith_lwip_errno;
#define errno				pith_lwip_errno
/* sockets.c defines this musl name: renamed, the link checks. */
#define in6addr_any			pith_lwip_in6addr_any
#endif

/* ---- statistics and debugging ---- */
#define LWIP_STATS			1
#define LWIP_STATS_DISPLAY		0
#define LWIP_DEBUG			0

#endif
