/* SPDX-License-Identifier: MIT */
/*
 * <stdlib.h> for lwIP only: declarations; musl defines them. lwIP's
 * memory comes from kmalloc (lwipopts.h), never from malloc.
 */
#ifndef PITH_LWIP_COMPAT_STDLIB_H
#define PITH_LWIP_COMPAT_STDLIB_H

#include <stddef.h>

int atoi(const char *s);

#endif
