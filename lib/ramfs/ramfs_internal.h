/* SPDX-License-Identifier: MIT */
/* Private to lib/ramfs: do not include from other libraries. */
#ifndef LIB_RAMFS_INTERNAL_H
#define LIB_RAMFS_INTERNAL_H

#include <pith/vfs.h>

/* A regular file's pages; pages[i] holds bytes [i*PAGE_SIZE, ...). */
struct ramfs_data {
	void **pages;
	unsigned long cap;	/* slots in pages[] */
	unsigned long used;	/* pages allocated */
};

/* A zeroed page within the limits, or NULL (the write gets -ENOSPC). */
void *ramfs_page_alloc(void);
extern const struct file_operations ramfs_file_fops;

#endif
