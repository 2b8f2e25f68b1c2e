/* SPDX-License-Identifier: MIT */
/*
 * <string.h> for lwIP only (never on the include path of our own code):
 * declarations of the few C library functions lwIP calls. The
 * definitions are musl's, linked with lib/posix.
 */
#ifndef PITH_LWIP_COMPAT_STRING_H
#define PITH_LWIP_COMPAT_STRING_H

#include <stddef.h>

void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strncpy(char *d, const char *s, size_t n);
char *strstr(const char *h, const char *n);

#endif
