/* SPDX-License-Identifier: MIT */
/*
 * lwIP's compiler and platform port for Pith (see lwip/arch.h): types
 * from <stdint.h>, our own diagnostics, byte order, no C library headers
 * beyond what the freestanding compiler ships.
 */
#ifndef PITH_LWIP_ARCH_CC_H
#define PITH_LWIP_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>

#define LWIP_NO_INTTYPES_H	1
#define LWIP_NO_CTYPE_H		1
#define LWIP_NO_UNISTD_H	1
#define BYTE_ORDER		LITTLE_ENDIAN

#if !__STDC_HOSTED__		/* kernel: no <unistd.h> to declare it */
typedef long ssize_t;
#endif

#define X8_F	"02x"
#define U16_F	"u"
#define S16_F	"d"
#define X16_F	"x"
#define U32_F	"u"
#define S32_F	"d"
#define X32_F	"x"
#define SZT_F	"zu"

void pith_lwip_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void pith_lwip_assert(const char *msg,
						 const char *file, int line);
uint32_t pith_lwip_rand(void);

#define LWIP_PLATFORM_DIAG(x)	do { pith_lwip_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x)	pith_lwip_assert(x, __FILE__, __LINE__)
#define LWIP_RAND()		pith_lwip_rand()

#endif
