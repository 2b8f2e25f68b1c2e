/* SPDX-License-Identifier: MIT */
/*
 * memcpy, memset, memmove, memcmp for images without libc. They sit in
 * their own archive (libkmem.a) linked after libc.a, so when the app links
 * musl, musl's versions serve the kernel too and these add no byte.
 */
#include <pith/string.h>

/* The loops below must not be turned back into calls to themselves. */
#pragma GCC optimize("no-tree-loop-distribute-patterns")

void *memcpy(void *d, const void *s, size_t n)
{
	void *ret = d;

	__asm__ __volatile__("rep movsb"
			     : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return ret;
}

void *memset(void *d, int c, size_t n)
{
	void *ret = d;

	__asm__ __volatile__("rep stosb"
			     : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return ret;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp <= sp || dp >= sp + n)
		return memcpy(d, s, n);
	while (n--)
		dp[n] = sp[n];
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}
