/* SPDX-License-Identifier: MIT */
/*
 * Memory calls on lib/mm's VM regions: mmap (anonymous, private or
 * shared: one process, so the same; files through lib/vfs's
 * vfs_mmap_fd), munmap (also partial), mprotect, mremap, madvise
 * (MADV_DONTNEED drops pages, the rest is advice), and brk, which always
 * refuses to move: musl's malloc then takes its memory from mmap, as it
 * does on Linux when brk fails. Regions come zeroed with an unmapped
 * guard page below.
 *
 * Anonymous memory is backed on demand (CONFIG_LIBMM_LAZY_ANON): mmap
 * and mremap growth only reserve the range, and a page is allocated when
 * first touched (by the app, or by the kernel copying into an app
 * buffer). MAP_POPULATE, MAP_LOCKED and mlock back it at once.
 */
#include <pith/clock.h>
#include <pith/errno.h>
#include <pith/mm.h>
#include <pith/paging.h>
#include <pith/string.h>
#include <pith/syscall.h>
#include <pith/vfs.h>

#define PROT_READ	0x1
#define PROT_WRITE	0x2
#define PROT_EXEC	0x4
#define MAP_SHARED	0x01
#define MAP_PRIVATE	0x02
#define MAP_FIXED	0x10
#define MAP_ANONYMOUS	0x20
#define MAP_GROWSDOWN	0x100
#define MAP_LOCKED	0x2000
#define MAP_POPULATE	0x8000
#define MAP_STACK	0x20000
#define MREMAP_MAYMOVE	1
#define MREMAP_FIXED	2
#define MADV_DONTNEED	4

#ifdef CONFIG_LIBMM_LAZY_ANON
#define ANON_LAZY	VM_LAZY
#else
#define ANON_LAZY	0
#endif

static unsigned int vmprot(long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) |
	       (prot & PROT_WRITE ? VM_WRITE | VM_READ : 0) |
	       (prot & PROT_EXEC ? VM_EXEC | VM_READ : 0);
}

/* Is [addr, addr + len) in lib/mm's VM window (mmap'ed memory)? */
static bool in_vm_window(long addr, long len)
{
	return (uintptr_t)addr >= VM_WINDOW_START &&
	       (uintptr_t)addr < VM_WINDOW_END &&
	       (uintptr_t)len <= VM_WINDOW_END - (uintptr_t)addr;
}

static long sys_mmap(long addr, long len, long prot, long flags, long fd,
		     long off)
{
	void *p;

	if (off & (PAGE_SIZE - 1))
		return -EINVAL;		/* Linux checks this first */
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return vfs_mmap_fd((int)fd, (size_t)len, (int)prot, (int)flags,
				   off);
	if (len <= 0 || !(flags & (MAP_SHARED | MAP_PRIVATE)))
		return -EINVAL;
	if (flags & MAP_FIXED)
		return -ENOMEM;		/* we choose every address */
	p = vm_map(ALIGN_UP((size_t)len, PAGE_SIZE), vmprot(prot),
		   (flags & (MAP_STACK | MAP_GROWSDOWN) ? VM_STACK : 0) |
		   (flags & (MAP_POPULATE | MAP_LOCKED) ? 0 : ANON_LAZY),
		   "mmap");
	if (IS_ERR_OR_NULL(p))
		return -ENOMEM;
	return (long)p;
}
SYSCALL(mmap, "pxxxdx", sys_mmap);

static long sys_munmap(long addr, long len)
{
	if ((addr & (PAGE_SIZE - 1)) || len <= 0)
		return -EINVAL;
	return vm_unmap((void *)addr, ALIGN_UP((size_t)len, PAGE_SIZE));
}
SYSCALL(munmap, "px", sys_munmap);

static long sys_mprotect(long addr, long len, long prot)
{
	if ((addr & (PAGE_SIZE - 1)) ||
	    (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if (!len)
		return 0;
	return vm_protect((void *)addr, ALIGN_UP((size_t)len, PAGE_SIZE),
			  vmprot(prot));
}
SYSCALL(mprotect, "pxx", sys_mprotect);

static long sys_mremap(long old, long old_len, long new_len, long flags,
		       long new_addr)
{
	size_t o = ALIGN_UP((size_t)old_len, PAGE_SIZE);
	size_t n = ALIGN_UP((size_t)new_len, PAGE_SIZE);
	void *p;

	if ((old & (PAGE_SIZE - 1)) || !n || (flags & MREMAP_FIXED))
		return -EINVAL;
	if (n <= o) {
		if (n < o && vm_unmap((void *)(old + n), o - n))
			return -EFAULT;
		return old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;		/* growing in place is not offered */
	if (vm_is_borrowed((void *)old))
		return -EINVAL;		/* a copy would stop sharing the file */
	p = vm_map(n, VM_READ | VM_WRITE, ANON_LAZY, "mmap");
	if (IS_ERR_OR_NULL(p))
		return -ENOMEM;
	/* Untouched pages are zeros on both sides: copy only backed ones,
	 * so growing a lazily backed mapping backs nothing new. */
	for (size_t off = 0; off < o; off += PAGE_SIZE)
		if (!ANON_LAZY || paging_is_mapped((uintptr_t)old + off))
			memcpy((char *)p + off, (char *)old + off, PAGE_SIZE);
	vm_unmap((void *)old, o);
	return (long)p;
}
SYSCALL(mremap, "pxxxp", sys_mremap);

static long sys_madvise(long addr, long len, long advice)
{
	if ((addr & (PAGE_SIZE - 1)) || len < 0)
		return -EINVAL;
	if (advice != MADV_DONTNEED || !len || !in_vm_window(addr, len))
		return 0;	/* the image's own memory: left alone */
	/* Linux: the pages go, and private anonymous memory reads back as
	 * zeros afterwards. */
	return vm_discard((void *)addr, ALIGN_UP((size_t)len, PAGE_SIZE));
}
SYSCALL(madvise, "pxd", sys_madvise);

static long sys_brk(long addr)
{
	return 0;	/* the break never moves: malloc falls back to mmap */
}
SYSCALL(brk, "p", sys_brk);

/* The rest of the memory calls: munlock and mlockall are no-ops (nothing
 * is ever paged out; mlockall does not back lazy regions), msync has
 * nothing to write back (shared file mappings are ramfs's own pages; ext2
 * refuses MAP_SHARED), mincore says which pages are backed (a lazily
 * backed page not touched yet is not resident). */
static long sys_zero_mem(long a, long b)
{
	return a & (PAGE_SIZE - 1) ? -EINVAL : 0;
}

/* Nothing is ever paged out, but locked memory is backed at once. */
static long sys_mlock(long addr, long len)
{
	uintptr_t a = ALIGN_DOWN((uintptr_t)addr, PAGE_SIZE);

	if (len <= 0)
		return len ? -EINVAL : 0;
	if (!in_vm_window((long)a, len))
		return 0;	/* the image's own memory is always there */
	return vm_prefault((void *)a, ALIGN_UP((uintptr_t)addr + (size_t)len,
					       PAGE_SIZE) - a);
}
SYSCALL(mlock, "px", sys_mlock);
SYSCALL(munlock, "px", sys_zero_mem);

#define MLOCK_ONFAULT	1

static long sys_mlock2(long addr, long len, long flags)
{
	if (flags & ~(long)MLOCK_ONFAULT)
		return -EINVAL;
	return sys_zero_mem(addr, len);
}
SYSCALL(mlock2, "pxx", sys_mlock2);

#define MS_ASYNC	1
#define MS_INVALIDATE	2
#define MS_SYNC		4

static long sys_msync(long addr, long len, long flags)
{
	if ((addr & (PAGE_SIZE - 1)) ||
	    (flags & ~(long)(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	return 0;
}
SYSCALL(msync, "pxx", sys_msync);

static long sys_mlockall(long flags)
{
	return 0;
}
SYSCALL(mlockall, "x", sys_mlockall);
SYSCALL(munlockall, "", sys_mlockall);

static long sys_mincore(long addr, long len, long vec)
{
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	for (size_t i = 0; i < ALIGN_UP((size_t)len, PAGE_SIZE) / PAGE_SIZE;
	     i++)
		((unsigned char *)vec)[i] =
			paging_is_mapped((uintptr_t)addr + i * PAGE_SIZE);
	return 0;
}
SYSCALL(mincore, "pxp", sys_mincore);

struct sysinfo_k {
	long uptime;
	unsigned long loads[3], totalram, freeram, sharedram, bufferram,
		totalswap, freeswap;
	unsigned short procs, pad;
	unsigned long totalhigh, freehigh;
	unsigned int mem_unit;
	char reserved[256];
};

static long sys_sysinfo(long info)
{
	struct sysinfo_k *si = (struct sysinfo_k *)info;
	struct page_alloc_stats st;

	page_alloc_get_stats(&st);
	memset(si, 0, sizeof(*si));
	si->uptime = clock_ns() / 1000000000ull;
	si->totalram = st.managed_pages;
	si->freeram = st.free_pages;
	si->procs = 1;
	si->mem_unit = PAGE_SIZE;
	return 0;
}
SYSCALL(sysinfo, "p", sys_sysinfo);
