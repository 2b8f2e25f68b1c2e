// SPDX-License-Identifier: MIT
/*
 * netecho: the echo service (RFC 862) on TCP and UDP port 7, written
 * against lwIP's netconn API (lib/net), for the network boot tests. One
 * POSIX thread per TCP connection, one for UDP; the main thread accepts.
 * Runs until the machine is powered off.
 */
#include <pthread.h>
#include <stdio.h>
#include <lwip/api.h>

#define ECHO_PORT 7

static void *udp_echo(void *arg)
{
	struct netconn *c = netconn_new(NETCONN_UDP);
	struct netbuf *b;

	if (!c || netconn_bind(c, IP_ADDR_ANY, ECHO_PORT) != ERR_OK) {
		printf("netecho: cannot bind UDP port %d\n", ECHO_PORT);
		return NULL;
	}
	for (;;) {
		if (netconn_recv(c, &b) != ERR_OK)
			continue;
		netconn_sendto(c, b, netbuf_fromaddr(b), netbuf_fromport(b));
		netbuf_delete(b);
	}
	return NULL;
}

static void *tcp_echo(void *arg)
{
	struct netconn *c = arg;
	struct netbuf *b;
	unsigned long total = 0;

	while (netconn_recv(c, &b) == ERR_OK) {
		do {
			void *data;
			u16_t len;

			netbuf_data(b, &data, &len);
			total += len;
			if (netconn_write(c, data, len, NETCONN_COPY) != ERR_OK)
				break;
		} while (netbuf_next(b) >= 0);
		netbuf_delete(b);
	}
	printf("netecho: connection closed after %lu bytes\n", total);
	netconn_close(c);
	netconn_delete(c);
	return NULL;
}

static struct netconn *tcp_listener(void)
{
	struct netconn *l = netconn_new(NETCONN_TCP);

	if (!l || netconn_bind(l, IP_ADDR_ANY, ECHO_PORT) != ERR_OK ||
	    netconn_listen(l) != ERR_OK)
		return NULL;
	return l;
}

int main(void)
{
	struct netconn *l = tcp_listener(), *c;
	pthread_t t;

	if (!l) {
		printf("netecho: cannot listen on TCP port %d\n", ECHO_PORT);
		return 1;
	}
	pthread_create(&t, NULL, udp_echo, NULL);
	printf("netecho: listening on TCP and UDP port %d\n", ECHO_PORT);
	fflush(stdout);
	for (;;) {
		if (netconn_accept(l, &c) != ERR_OK)
			continue;
		if (pthread_create(&t, NULL, tcp_echo, c)) {
			netconn_delete(c);
			continue;
		}
		pthread_detach(t);
	}
}
