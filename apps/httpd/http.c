/* SPDX-License-Identifier: MIT */
/*
 * HTTP/1.x request parsing (RFC 7230): request line, headers up to a
 * bounded size, the few headers we act on (Connection, Content-Length,
 * Transfer-Encoding), percent-decoding and a path that cannot leave the
 * document root. Everything else in a request is read and ignored.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "http.h"

static const char *find_eol(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', end - p);

	return nl;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode %XX, drop the query, refuse "..", NUL and control bytes. */
static int decode_path(const char *s, size_t n, char *out)
{
	size_t o = 0;

	if (!n || s[0] != '/')
		return 400;
	for (size_t i = 0; i < n && s[i] != '?' && s[i] != '#'; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			if (i + 2 >= n || hexval(s[i + 1]) < 0 ||
			    hexval(s[i + 2]) < 0)
				return 400;
			c = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
			i += 2;
		}
		if (c < 0x20 || c == 0x7f)
			return 400;
		if (o + 1 >= HTTP_MAX_URI)
			return 414;
		out[o++] = (char)c;
	}
	out[o] = 0;
	/* No ".." segment: the path stays under the root. */
	for (char *p = out; (p = strstr(p, "..")); p += 2)
		if ((p == out || p[-1] == '/') && (!p[2] || p[2] == '/'))
			return 404;
	return 0;
}

static int parse_request_line(const char *p, const char *eol,
			      struct http_request *req)
{
	const char *sp1 = memchr(p, ' ', eol - p), *sp2;
	size_t mlen;

	if (!sp1)
		return 400;
	sp2 = memchr(sp1 + 1, ' ', eol - sp1 - 1);
	if (!sp2)
		return 400;
	if ((size_t)(sp2 - sp1 - 1) >= HTTP_MAX_URI)
		return 414;
	if (eol - sp2 - 1 != 8 || strncmp(sp2 + 1, "HTTP/", 5) ||
	    sp2[6] < '0' || sp2[6] > '9' || sp2[7] != '.' || sp2[8] < '0' ||
	    sp2[8] > '9')
		return 400;
	if (sp2[6] != '1')
		return 505;
	req->minor = sp2[8] - '0';
	req->keep_alive = req->minor >= 1;
	mlen = sp1 - p;
	if (mlen == 3 && !memcmp(p, "GET", 3))
		req->head = false;
	else if (mlen == 4 && !memcmp(p, "HEAD", 4))
		req->head = true;
	else {
		for (size_t i = 0; i < mlen; i++)
			if (p[i] < 'A' || p[i] > 'Z')
				return 400;
		return mlen ? 405 : 400;
	}
	return decode_path(sp1 + 1, sp2 - sp1 - 1, req->path);
}

static bool header_is(const char *p, const char *eol, const char *name)
{
	size_t n = strlen(name);

	return (size_t)(eol - p) > n && !strncasecmp(p, name, n) &&
	       p[n] == ':';
}

static const char *header_value(const char *p, const char *eol)
{
	const char *v = memchr(p, ':', eol - p) + 1;

	while (v < eol && (*v == ' ' || *v == '\t'))
		v++;
	return v;
}

static int parse_header(const char *p, const char *eol,
			struct http_request *req)
{
	const char *colon = memchr(p, ':', eol - p);

	if (!colon || colon == p)
		return 400;
	for (const char *q = p; q < colon; q++)
		if (*q == ' ' || *q == '\t')
			return 400;	/* no space before the colon */
	if (header_is(p, eol, "Connection")) {
		const char *v = header_value(p, eol);

		if (!strncasecmp(v, "close", 5))
			req->keep_alive = false;
		else if (!strncasecmp(v, "keep-alive", 10))
			req->keep_alive = true;
	} else if (header_is(p, eol, "Content-Length")) {
		const char *v = header_value(p, eol);

		while (v < eol && *v == '0')
			v++;
		if (v < eol && *v >= '1' && *v <= '9')
			return 400;	/* GET and HEAD take no body */
	} else if (header_is(p, eol, "Transfer-Encoding")) {
		return 400;	/* a body: not for GET or HEAD */
	}
	return 0;
}

int http_parse(const char *buf, size_t len, struct http_request *req)
{
	const char *p = buf, *end = buf + len, *eol;
	int st;

	while (p < end && (*p == '\r' || *p == '\n'))
		p++;		/* blank lines before a request */
	if (!(eol = find_eol(p, end)))
		return len - (p - buf) > HTTP_MAX_LINE ?
		       (memchr(p, ' ', end - p) ? 414 : 400) : HTTP_AGAIN;
	if ((st = parse_request_line(p, eol > p && eol[-1] == '\r' ?
				     eol - 1 : eol, req)))
		return st;
	for (p = eol + 1;; p = eol + 1) {
		if ((size_t)(p - buf) > HTTP_MAX_HEADERS)
			return 431;
		if (!(eol = find_eol(p, end)))
			return end - p > HTTP_MAX_LINE ? 431 : HTTP_AGAIN;
		const char *e = eol > p && eol[-1] == '\r' ? eol - 1 : eol;

		if (e == p)
			break;			/* end of headers */
		if (e - p > HTTP_MAX_LINE)
			return 431;
		if ((st = parse_header(p, e, req)))
			return st;
	}
	req->consumed = eol + 1 - buf;
	return HTTP_OK;
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}

const char *http_mime_type(const char *path)
{
	static const char *const map[][2] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".htm", "text/html; charset=utf-8" },
		{ ".css", "text/css" }, { ".js", "text/javascript" },
		{ ".json", "application/json" }, { ".txt", "text/plain" },
		{ ".png", "image/png" }, { ".jpg", "image/jpeg" },
		{ ".svg", "image/svg+xml" }, { ".ico", "image/x-icon" },
	};
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcasecmp(dot, map[i][0]))
			return map[i][1];
	return "application/octet-stream";
}

void http_date(long long t, char *out)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 30, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}
