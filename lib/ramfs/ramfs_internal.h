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
	unsigned long mmaps;	/* live MAP_SHARED mappings: keep pages */
};

/* Free every page from index 'from' on (zero them while mapped). */
void ramfs_trim(struct inode *inode, unsigned long from);
/* Make room for page index idx in pages[]; false when out of memory. */
bool ramfs_reserve(struct ramfs_data *rd, unsigned long idx);
/* A zeroed page within the limits, or NULL (the write gets -ENOSPC). */
void *ramfs_page_alloc(void);
extern const struct file_operations ramfs_file_fops;

/* ramfs_falloc.c */
long ramfs_fallocate(struct file *f, int mode, loff_t off, loff_t len);

/* ramfs_mmap.c */
void *ramfs_mmap(struct file *f, size_t len, loff_t off, unsigned int vmprot,
		 int flags);
/* Truncation while mapped: zero the pages from index 'from' on instead
 * of freeing them (a mapping still points at them). */
void ramfs_zero_from(struct ramfs_data *rd, unsigned long from);

#endif
