/* SPDX-License-Identifier: MIT */
/*
 * The image's own function symbol table (made at build time by
 * tools/symtab from the first link pass) for backtraces.
 *
 * The table holds each function's start as a 32-bit offset from the
 * lowest one and its name (8 bytes an entry, plus the names). A function
 * runs up to the next entry, so its size includes the alignment padding
 * after it (under 16 bytes); longer stretches that no function symbol
 * covers, and the bytes after the last function, are gaps that resolve to
 * no name.
 *
 * Interface:
 *   ksym_lookup(addr, &offset, &size)  name of the function holding addr,
 *                                      or NULL (outside all functions, or
 *                                      in a gap); offset and size may be
 *                                      NULL
 *   ksym_format(addr, buf, len)        "name+0xoff/0xsize" or "0xaddr"
 *   ksym_address(name)                 address of a function, 0 if none
 *
 * All of them only read the table: callable from any context, interrupts
 * included.
 */
#ifndef PITH_KSYM_H
#define PITH_KSYM_H

#include <stddef.h>
#include <stdint.h>

const char *ksym_lookup(uintptr_t addr, uintptr_t *offset, uintptr_t *size);
void ksym_format(uintptr_t addr, char *buf, size_t len);
uintptr_t ksym_address(const char *name);
/* As ksym_format, for a return address: the call may be the function's
 * last instruction (a noreturn callee), so look up addr - 1. */
void ksym_format_ret(uintptr_t addr, char *buf, size_t len);

#endif
