/* SPDX-License-Identifier: MIT */
/* Kernel string helpers (see <pith/string.h>). Host-testable. */
#include <pith/errno.h>
#include <pith/string.h>

size_t kstrlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t kstrnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int kstrcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int kstrncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *kstrchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

size_t kstrlcpy(char *d, const char *s, size_t size)
{
	size_t n = kstrlen(s);

	if (size) {
		size_t k = n < size - 1 ? n : size - 1;

		for (size_t i = 0; i < k; i++)
			d[i] = s[i];
		d[k] = 0;
	}
	return n;
}

static int digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

int kstrtoull(const char *s, unsigned int base, bool suffix,
	      unsigned long long *out)
{
	unsigned long long v = 0;
	int d, any = 0;

	if (!base) {
		base = 10;
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			base = 16, s += 2;
		else if (s[0] == '0' && s[1])
			base = 8, s++;
	}
	for (; (d = digit(*s)) < (int)base; s++, any = 1) {
		if (v > (~0ull - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (suffix && any && *s) {
		int shift = *s == 'k' || *s == 'K' ? 10 :
			    *s == 'm' || *s == 'M' ? 20 :
			    *s == 'g' || *s == 'G' ? 30 : -1;

		if (shift < 0)
			return -EINVAL;
		if (v > (~0ull >> shift))
			return -ERANGE;
		v <<= shift;
		s++;
	}
	if (!any || *s)
		return -EINVAL;
	*out = v;
	return 0;
}

int kstrtoll(const char *s, unsigned int base, long long *out)
{
	unsigned long long v;
	bool neg = *s == '-';
	int ret = kstrtoull(s + (neg || *s == '+'), base, false, &v);

	if (ret)
		return ret;
	if (v > (neg ? (1ull << 63) : (1ull << 63) - 1))
		return -ERANGE;
	*out = neg ? (long long)(0 - v) : (long long)v;
	return 0;
}
