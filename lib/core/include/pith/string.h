/* SPDX-License-Identifier: MIT */
/*
 * String helpers for kernel code. Named k* because the image also links
 * musl, whose strlen & co. must stay the app's. memcpy/memset/memmove/
 * memcmp are the exception: the compiler emits calls to them, and they
 * come from libc when it is linked, else from lib/core's kmem.c.
 */
#ifndef PITH_STRING_H
#define PITH_STRING_H

#include <stddef.h>
#include <stdbool.h>

void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t kstrlen(const char *s);
size_t kstrnlen(const char *s, size_t max);
int kstrcmp(const char *a, const char *b);
int kstrncmp(const char *a, const char *b, size_t n);
char *kstrchr(const char *s, int c);
size_t kstrlcpy(char *d, const char *s, size_t size);
/* Parse an integer (base 0: 0x.. hex, 0.. octal, else decimal; an optional
 * k/m/g suffix when 'suffix' is true). 0, or -EINVAL on any junk, -ERANGE
 * on overflow. */
int kstrtoull(const char *s, unsigned int base, bool suffix,
	      unsigned long long *out);
int kstrtoll(const char *s, unsigned int base, long long *out);

#endif
