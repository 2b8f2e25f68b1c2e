/* SPDX-License-Identifier: MIT */
/*
 * mmap of ramfs files. MAP_SHARED maps the file's own pages (lib/mm's
 * vm_map_pages), so stores through the mapping are what read(2) sees
 * and write(2) is what the mapping sees; msync has nothing to do. Holes
 * in the range get their pages when mapped, and so do pages past EOF
 * (Linux would raise SIGBUS there; here they read as zeros and what is
 * stored in them shows only if the file grows over them).
 *
 * A mapping holds the file (so an unlinked file lives on) and counts in
 * ramfs_data.mmaps; while that is non-zero a truncation zeroes pages
 * instead of freeing them. munmap never frees the file's pages: the
 * last unmapping only gives back pages past EOF. MAP_PRIVATE is a copy
 * (generic_file_mmap).
 *
 * Interface: ramfs_mmap (the file op), ramfs_zero_from (ramfs_internal.h).
 */
#include <pith/mm.h>
#include <pith/string.h>
#include <pith/vfs.h>
#include "ramfs_internal.h"

struct ramfs_map {
	struct vm_backing b;
	struct file *file;
};

void ramfs_zero_from(struct ramfs_data *rd, unsigned long from)
{
	for (unsigned long i = from; i < rd->cap; i++)
		if (rd->pages[i])
			memset(rd->pages[i], 0, PAGE_SIZE);
}

/* The last shared mapping went: free pages past EOF, zero the tail. */
static void ramfs_unmapped(struct inode *inode)
{
	struct ramfs_data *rd = inode->i_private;
	unsigned long keep = DIV_ROUND_UP((uint64_t)inode->i_size, PAGE_SIZE);
	size_t off = (size_t)(inode->i_size % PAGE_SIZE);

	if (off && keep - 1 < rd->cap && rd->pages[keep - 1])
		memset((char *)rd->pages[keep - 1] + off, 0, PAGE_SIZE - off);
	ramfs_trim(inode, keep);
}

static void ramfs_map_release(struct vm_backing *b)
{
	struct ramfs_map *m = container_of(b, struct ramfs_map, b);
	struct inode *inode = m->file->f_inode;
	struct ramfs_data *rd = inode->i_private;

	if (!--rd->mmaps)
		ramfs_unmapped(inode);
	fput(m->file);
	kfree(m);
}

/* Give every page of [first, first + n) a page; the physical addresses
 * into pa[]. */
static int ramfs_fill_range(struct inode *inode, unsigned long first,
			    unsigned long n, uintptr_t *pa)
{
	struct ramfs_data *rd = inode->i_private;
	int err = 0;

	if (!ramfs_reserve(rd, first + n - 1))
		return -ENOMEM;
	for (unsigned long i = 0; i < n; i++) {
		void **slot = &rd->pages[first + i];

		if (!*slot) {
			*slot = ramfs_page_alloc();
			if (!*slot) {
				err = -ENOMEM;
				break;
			}
			rd->used++;
		}
		pa[i] = page_to_phys(virt_to_page(*slot));
	}
	inode->i_blocks = rd->used * (PAGE_SIZE / 512);
	return err;
}

static void *ramfs_map_shared(struct file *f, size_t len, loff_t off,
			      unsigned int vmprot)
{
	struct inode *inode = f->f_inode;
	struct ramfs_data *rd = inode->i_private;
	unsigned long n = len / PAGE_SIZE;
	struct ramfs_map *m;
	uintptr_t *pa;
	void *p;
	int err;

	if ((uint64_t)off / PAGE_SIZE + n > (1ul << 40))
		return ERR_PTR(-ENOMEM);	/* no page index that high */
	pa = kmalloc(n * sizeof(*pa), GFP_KERNEL);
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	err = pa && m ? 0 : -ENOMEM;
	rd->mmaps++;		/* pages given out now stay */
	if (!err)
		err = ramfs_fill_range(inode, (unsigned long)(off / PAGE_SIZE),
				       n, pa);
	p = err ? ERR_PTR(err) : NULL;
	if (!err) {
		m->b.release = ramfs_map_release;
		/* mprotect may not add write to a read-only file's pages. */
		m->b.maxprot = VM_READ | VM_EXEC |
			       (f->f_mode & FMODE_WRITE ? VM_WRITE : 0);
		m->file = get_file(f);
		p = vm_map_pages(len, vmprot, pa, &m->b, "mmap ramfs");
		if (IS_ERR(p))
			fput(m->file);
	}
	kfree(pa);
	if (IS_ERR(p)) {
		kfree(m);
		if (!--rd->mmaps)
			ramfs_unmapped(inode);
	}
	return p;
}

void *ramfs_mmap(struct file *f, size_t len, loff_t off, unsigned int vmprot,
		 int flags)
{
	if ((flags & MAP_TYPE_K) != MAP_SHARED_K)
		return generic_file_mmap(f, len, off, vmprot, flags);
	return ramfs_map_shared(f, len, off, vmprot);
}
