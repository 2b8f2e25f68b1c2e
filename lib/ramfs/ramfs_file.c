/* SPDX-License-Identifier: MIT */
/*
 * ramfs regular files: read and write by page, holes as zeros; a page
 * is allocated on the first write that touches it.
 *
 * Interface: ramfs_file_fops (ramfs_internal.h).
 */
#include <pith/mm.h>
#include <pith/string.h>
#include <pith/vfs.h>
#include "ramfs_internal.h"

bool ramfs_reserve(struct ramfs_data *rd, unsigned long idx)
{
	unsigned long cap = rd->cap ? rd->cap : 4;
	void **p;

	if (idx < rd->cap)
		return true;
	while (cap <= idx)
		cap *= 2;
	p = krealloc(rd->pages, cap * sizeof(void *), GFP_KERNEL);
	if (!p)
		return false;
	memset(p + rd->cap, 0, (cap - rd->cap) * sizeof(void *));
	rd->pages = p;
	rd->cap = cap;
	return true;
}

static long ramfs_read(struct file *f, void *buf, size_t len, loff_t *pos)
{
	struct inode *inode = f->f_inode;
	struct ramfs_data *rd = inode->i_private;
	size_t done = 0;

	if (*pos >= inode->i_size)
		return 0;
	len = MIN(len, (size_t)(inode->i_size - *pos));
	while (done < len) {
		uint64_t at = (uint64_t)*pos + done;
		unsigned long idx = at / PAGE_SIZE;
		size_t off = at % PAGE_SIZE;
		size_t n = MIN(len - done, PAGE_SIZE - off);

		if (idx < rd->cap && rd->pages[idx])
			memcpy((char *)buf + done,
			       (char *)rd->pages[idx] + off, n);
		else
			memset((char *)buf + done, 0, n);
		done += n;
	}
	*pos += (loff_t)done;
	inode_touch(inode, true, false, false);
	return (long)done;
}

static long ramfs_write(struct file *f, const void *buf, size_t len,
			loff_t *pos)
{
	struct inode *inode = f->f_inode;
	struct ramfs_data *rd = inode->i_private;
	size_t done = 0;

	if (*pos > INT64_MAX - (loff_t)len)
		return -EFBIG;
	while (done < len) {
		uint64_t at = (uint64_t)*pos + done;
		unsigned long idx = at / PAGE_SIZE;
		size_t off = at % PAGE_SIZE;
		size_t n = MIN(len - done, PAGE_SIZE - off);

		if (!ramfs_reserve(rd, idx))
			break;
		if (!rd->pages[idx]) {
			rd->pages[idx] = ramfs_page_alloc();
			if (!rd->pages[idx])
				break;
			rd->used++;
		}
		memcpy((char *)rd->pages[idx] + off, (const char *)buf + done,
		       n);
		done += n;
	}
	inode->i_blocks = rd->used * (PAGE_SIZE / 512);
	if (!done && len)
		return -ENOSPC;
	*pos += (loff_t)done;
	if (*pos > inode->i_size)
		inode->i_size = *pos;
	inode_touch(inode, false, true, true);
	return (long)done;
}

static int ramfs_fsync(struct file *f, int datasync)
{
	return 0;	/* nothing below memory */
}

const struct file_operations ramfs_file_fops = {
	.read = ramfs_read,
	.write = ramfs_write,
	.llseek = generic_file_llseek,
	.fsync = ramfs_fsync,
	.mmap = ramfs_mmap,
	.fallocate = ramfs_fallocate,
};
