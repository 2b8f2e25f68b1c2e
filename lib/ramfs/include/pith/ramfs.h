/* SPDX-License-Identifier: MIT */
/*
 * ramfs: the in-memory file system (the default root). It registers the
 * file system type "ramfs" at the subsys init level; everything else
 * goes through <pith/vfs.h>.
 *
 * Interface (tests):
 *   ramfs_get_stats(&st)          pages and inodes in use, all mounts
 *   ramfs_set_limit_pages(n)      change the size limit (0: none)
 */
#ifndef PITH_RAMFS_H
#define PITH_RAMFS_H

struct ramfs_stats {
	unsigned long pages;	/* file data pages, all ramfs mounts */
	unsigned long inodes;
};

void ramfs_get_stats(struct ramfs_stats *st);
void ramfs_set_limit_pages(unsigned long pages);
int ramfs_register(void);

#endif
