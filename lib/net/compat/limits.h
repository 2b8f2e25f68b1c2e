/* SPDX-License-Identifier: MIT */
/*
 * <limits.h> for lwIP only: the compiler's own limits.h cannot be used
 * without a C library behind it (-nostdinc). Values for x86-64 Linux;
 * ssize_t itself is declared in arch/cc.h.
 */
#ifndef PITH_LWIP_COMPAT_LIMITS_H
#define PITH_LWIP_COMPAT_LIMITS_H

#define CHAR_BIT	8
#define INT_MAX		__INT_MAX__
#define INT_MIN		(-INT_MAX - 1)
#define UINT_MAX	(INT_MAX * 2U + 1U)
#define LONG_MAX	__LONG_MAX__
#define SSIZE_MAX	LONG_MAX

#endif
