/* SPDX-License-Identifier: MIT */
/*
 * httpd's request parser and response builder: plain C, no I/O, so the
 * same code is tested on the host and runs on Pith.
 *
 * Interface:
 *   http_parse(buf, len, &req)   HTTP_AGAIN (need more bytes), HTTP_OK
 *                                (req filled; req.consumed bytes used), or
 *                                an error status (400, 405, 413, 414, 431,
 *                                505) to answer with
 */
#ifndef HTTPD_HTTP_H
#define HTTPD_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_AGAIN		0
#define HTTP_OK			1
#define HTTP_MAX_URI		4096
#define HTTP_MAX_LINE		8192
#define HTTP_MAX_HEADERS	16384

struct http_request {
	bool head;		/* HEAD rather than GET */
	int minor;		/* HTTP/1.minor */
	bool keep_alive;
	char path[HTTP_MAX_URI];	/* decoded, starts with '/' */
	size_t consumed;	/* bytes of the request in the buffer */
};

int http_parse(const char *buf, size_t len, struct http_request *req);
const char *http_reason(int status);
const char *http_mime_type(const char *path);
/* RFC 7231 IMF-fixdate of t into out (at least 30 bytes). */
void http_date(long long t, char *out);

#endif
