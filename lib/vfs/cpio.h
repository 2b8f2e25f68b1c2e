/* SPDX-License-Identifier: MIT */
/* Private to lib/vfs: the cpio newc parser (cpio.c). */
#ifndef LIB_VFS_CPIO_H
#define LIB_VFS_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PATH_MAX_CPIO	4096

struct cpio_entry {
	size_t offset;		/* of the header in the archive */
	const char *name;	/* NUL-terminated, inside the archive */
	uint32_t namesize, mode, mtime;
	uint64_t size;
	const void *data;
	const char *why;	/* what was wrong, on -EINVAL */
};

int cpio_next(const uint8_t *buf, size_t size, size_t *off,
	      struct cpio_entry *e);
int cpio_clean_path(const char *name, char *out, size_t len);

#endif
