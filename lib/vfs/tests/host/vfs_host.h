/* SPDX-License-Identifier: MIT */
/*
 * Host-test environment for lib/vfs and lib/ramfs: kmalloc and pages
 * from the C library, a fixed clock, and the VFS core, ramfs and the
 * core helpers they use built in (unity build). No system calls, no
 * devfs, no pipes: those need the image.
 *
 * Interface (in a *_test.c, after #include "hosttest.h"):
 *   #include "vfs_host.h"
 *   vfs_host_setup()        a fresh ramfs root (leaks the previous one)
 *   host_pages_left         page budget; -1 is unlimited
 */
#ifndef VFS_HOST_H
#define VFS_HOST_H

#include <stdbool.h>
#include <stdlib.h>
#include <pith/errno.h>
#include <pith/mm.h>
#include <pith/mutex.h>

/* ---- lib/mm and lib/time stand-ins ---- */

static long host_pages_left = -1;
static unsigned long host_pages_live;

void *kmalloc(size_t size, gfp_t gfp)
{
	if (!size)
		return ZERO_SIZE_PTR;
	return (gfp & __GFP_ZERO) ? calloc(1, size) : malloc(size);
}

void kfree(const void *p)
{
	if (!ZERO_OR_NULL_PTR(p))
		free((void *)p);
}

void *krealloc(const void *p, size_t n, gfp_t gfp)
{
	return realloc(ZERO_OR_NULL_PTR(p) ? NULL : (void *)p, n);
}

uintptr_t __get_free_pages(gfp_t gfp, unsigned int order)
{
	void *p;

	if (host_pages_left == 0)
		return 0;
	if (host_pages_left > 0)
		host_pages_left--;
	p = aligned_alloc(PAGE_SIZE, PAGE_SIZE << order);
	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, PAGE_SIZE << order);
	host_pages_live++;
	return (uintptr_t)p;
}

void free_pages(uintptr_t addr, unsigned int order)
{
	if (addr) {
		free((void *)addr);
		host_pages_live--;
	}
}

unsigned long nr_free_pages(void)
{
	return 1ul << 20;
}

uint64_t ktime_get_real_ns(void)
{
	return 1700000000ull * 1000000000ull;
}

/* ---- lib/core and lib/lock stand-ins: one thread, nothing waits ---- */

volatile int __preempt_count;
volatile bool __need_resched;

void preempt_schedule(void)
{
}

void mutex_lock(struct mutex *m)
{
	if (m->owner)
		abort();	/* one thread: a second lock is a deadlock */
	m->owner = 1;
}

void mutex_unlock(struct mutex *m)
{
	if (!m->owner)
		abort();
	m->owner = 0;
}

#define CONFIG_LIBVFS_MAX_FDS 64
#define CONFIG_LIBVFS_NEG_DENTRIES 16

#include "../../../core/string.c"
#include "../../../core/rbtree.c"
#include "../../dcache.c"
#include "../../inode.c"
#include "../../libfs.c"
#include "../../mount.c"
#include "../../namei.c"
/* No epoll on the host: nothing ever watches a file. */
void eventpoll_release(struct file *f)
{
}

/* No flock on the host: nothing is ever locked. */
struct list_head flock_list = LIST_HEAD_INIT(flock_list);
void flock_release(struct file *f)
{
}

/* No O_TMPFILE on the host. */
int vfs_open_tmpfile(int dirfd, const char *name, int flags, umode_t mode,
		     struct file **out)
{
	return -EOPNOTSUPP;
}

#include "../../file.c"
#include "../../open.c"
#include "../../ops.c"
#include "../../rename.c"
#include "../../read_write.c"
#include "../../../ramfs/ramfs.c"
#include "../../../ramfs/ramfs_file.c"
/* No file mappings on the host: the VM window is the image's. */
void *vm_map_pages(size_t len, unsigned int prot, const uintptr_t *pa,
		   struct vm_backing *b, const char *owner)
{
	return ERR_PTR(-ENOMEM);
}

void *generic_file_mmap(struct file *f, size_t len, loff_t off,
			unsigned int vmprot, int flags)
{
	return ERR_PTR(-ENODEV);
}

struct page *virt_to_page(const void *addr)
{
	return (struct page *)(uintptr_t)addr;
}

uintptr_t page_to_phys(const struct page *page)
{
	return (uintptr_t)page;
}

#include "../../../ramfs/ramfs_mmap.c"
#include "../../../ramfs/ramfs_falloc.c"

static void vfs_host_setup(void)
{
	static bool registered;

	if (!registered) {
		ramfs_register();
		registered = true;
	}
	for (int fd = 0; fd < CONFIG_LIBVFS_MAX_FDS; fd++)
		fd_close(fd);
	vfs_root = (struct path){ NULL, NULL };
	vfs_cwd = vfs_root;
	host_pages_left = -1;
	if (vfs_mount_root("ramfs"))
		abort();
}

#endif
