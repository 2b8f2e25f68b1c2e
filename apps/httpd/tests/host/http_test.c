/* SPDX-License-Identifier: MIT */
/* Host tests of httpd's request parser. */
#define _GNU_SOURCE
#include "hosttest.h"
#include "../../http.c"

static int parse(const char *s, struct http_request *r)
{
	memset(r, 0, sizeof(*r));
	return http_parse(s, strlen(s), r);
}

TEST(http_parse_get_keepalive_and_consumed)
{
	struct http_request r;
	const char *s = "GET /a%20b.html?x=1 HTTP/1.1\r\nHost: h\r\n\r\nGET /";

	ASSERT_EQ(parse(s, &r), HTTP_OK);
	EXPECT_STREQ(r.path, "/a b.html");
	EXPECT_TRUE(r.keep_alive);
	EXPECT_FALSE(r.head);
	EXPECT_EQ(r.consumed, strlen(s) - 5);
}

TEST(http_parse_incomplete_needs_more)
{
	struct http_request r;

	EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost:", &r), HTTP_AGAIN);
	EXPECT_EQ(parse("GE", &r), HTTP_AGAIN);
}

TEST(http_parse_head_http10_and_connection)
{
	struct http_request r;

	ASSERT_EQ(parse("HEAD / HTTP/1.0\r\n\r\n", &r), HTTP_OK);
	EXPECT_TRUE(r.head);
	EXPECT_FALSE(r.keep_alive);
	ASSERT_EQ(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
			&r), HTTP_OK);
	EXPECT_TRUE(r.keep_alive);
	ASSERT_EQ(parse("GET / HTTP/1.1\r\nconnection: Close\r\n\r\n", &r),
		  HTTP_OK);
	EXPECT_FALSE(r.keep_alive);
}

TEST(http_parse_errors)
{
	struct http_request r;
	char big[HTTP_MAX_URI + 64];

	EXPECT_EQ(parse("POST / HTTP/1.1\r\n\r\n", &r), 405);
	EXPECT_EQ(parse("GET / HTTP/2.0\r\n\r\n", &r), 505);
	EXPECT_EQ(parse("GET / FTP/1.1\r\n\r\n", &r), 400);
	EXPECT_EQ(parse("\x01\x02garbage\r\n\r\n", &r), 400);
	EXPECT_EQ(parse("GET noslash HTTP/1.1\r\n\r\n", &r), 400);
	EXPECT_EQ(parse("GET /%zz HTTP/1.1\r\n\r\n", &r), 400);
	EXPECT_EQ(parse("GET /a%00b HTTP/1.1\r\n\r\n", &r), 400);
	EXPECT_EQ(parse("GET /../x HTTP/1.1\r\n\r\n", &r), 404);
	EXPECT_EQ(parse("GET /a/.. HTTP/1.1\r\n\r\n", &r), 404);
	EXPECT_EQ(parse("GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", &r),
		  400);
	EXPECT_EQ(parse("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", &r),
		  HTTP_OK);
	EXPECT_EQ(parse("GET / HTTP/1.1\r\nBad Header: x\r\n\r\n", &r), 400);
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	memcpy(big + sizeof(big) - 16, " HTTP/1.1\r\n\r\n", 14);
	big[sizeof(big) - 2] = 0;
	EXPECT_EQ(parse(big, &r), 414);
}

TEST(http_parse_oversized_headers)
{
	struct http_request r;
	static char buf[HTTP_MAX_HEADERS * 2];
	size_t n = 0;

	n += sprintf(buf, "GET / HTTP/1.1\r\n");
	while (n < sizeof(buf) - 64)
		n += sprintf(buf + n, "X-Filler: %0100d\r\n", 7);
	EXPECT_EQ(http_parse(buf, n, &r), 431);
	memset(buf, 0, sizeof(buf));
	n = sprintf(buf, "GET / HTTP/1.1\r\nX-Long: ");
	memset(buf + n, 'x', HTTP_MAX_LINE + 10);
	EXPECT_EQ(http_parse(buf, n + HTTP_MAX_LINE + 10, &r), 431);
}

TEST(http_mime_and_date)
{
	char d[32];

	EXPECT_STREQ(http_mime_type("/a/b.HTML"), "text/html; charset=utf-8");
	EXPECT_STREQ(http_mime_type("/x.css"), "text/css");
	EXPECT_STREQ(http_mime_type("/noext"), "application/octet-stream");
	http_date(0, d);
	EXPECT_STREQ(d, "Thu, 01 Jan 1970 00:00:00 GMT");
	http_date(784111777, d);
	EXPECT_STREQ(d, "Sun, 06 Nov 1994 08:49:37 GMT");
}

HOSTTEST_MAIN("http")
