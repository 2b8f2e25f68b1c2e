/* SPDX-License-Identifier: MIT */
/*
 * fallocate(2) on ramfs files: mode 0 gives every page of the range a
 * page now (so later writes there cannot fail with ENOSPC) and grows
 * the size to cover it; FALLOC_FL_KEEP_SIZE leaves the size alone;
 * FALLOC_FL_PUNCH_HOLE (with KEEP_SIZE, as the VFS checks) zeroes the
 * range: it reads as a hole, though its pages stay allocated.
 *
 * Interface: ramfs_fallocate (ramfs_internal.h), the fallocate file op.
 */
#include <pith/mm.h>
#include <pith/string.h>
#include <pith/vfs.h>
#include "ramfs_internal.h"

static void ramfs_punch(struct ramfs_data *rd, uint64_t off, uint64_t end)
{
	while (off < end) {
		unsigned long idx = off / PAGE_SIZE;
		size_t in = off % PAGE_SIZE;
		size_t n = MIN(end - off, PAGE_SIZE - in);

		if (idx < rd->cap && rd->pages[idx])
			memset((char *)rd->pages[idx] + in, 0, n);
		off += n;
	}
}

static long ramfs_alloc_range(struct inode *inode, unsigned long first,
			      unsigned long last)
{
	struct ramfs_data *rd = inode->i_private;
	long err = 0;

	if (last >= (1ul << 40) || !ramfs_reserve(rd, last))
		return -ENOSPC;
	for (unsigned long i = first; i <= last; i++) {
		if (rd->pages[i])
			continue;
		rd->pages[i] = ramfs_page_alloc();
		if (!rd->pages[i]) {
			err = -ENOSPC;
			break;
		}
		rd->used++;
	}
	inode->i_blocks = rd->used * (PAGE_SIZE / 512);
	return err;
}

long ramfs_fallocate(struct file *f, int mode, loff_t off, loff_t len)
{
	struct inode *inode = f->f_inode;
	uint64_t end = (uint64_t)off + (uint64_t)len;
	long err;

	if (mode & FALLOC_FL_PUNCH_HOLE_K) {
		ramfs_punch(inode->i_private, (uint64_t)off,
			    MIN(end, (uint64_t)inode->i_size));
		inode_touch(inode, false, true, true);
		return 0;
	}
	err = ramfs_alloc_range(inode, (unsigned long)(off / PAGE_SIZE),
				(unsigned long)((end - 1) / PAGE_SIZE));
	if (err)
		return err;
	if (!(mode & FALLOC_FL_KEEP_SIZE_K) && end > (uint64_t)inode->i_size)
		inode->i_size = (loff_t)end;
	inode_touch(inode, false, true, true);
	return 0;
}
