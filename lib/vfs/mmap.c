/* SPDX-License-Identifier: MIT */
/*
 * mmap(2) of files. The checks are Linux's, in its order: the fd must
 * name an open file (-EBADF, O_PATH too), the length be non-zero
 * (-EINVAL), the type be MAP_SHARED or MAP_PRIVATE (-EINVAL); a shared
 * writable mapping needs a file open for writing and every mapping one
 * open for reading (-EACCES); a file without an mmap op (pipes, sockets,
 * the console, directories) gives -ENODEV. The file system's mmap op
 * then maps it.
 *
 * generic_file_mmap is the op for file systems without shared pages
 * (ext2): MAP_PRIVATE copies the file range into fresh anonymous pages
 * (bytes past EOF read as zeros; whole pages past EOF are zeros too,
 * where Linux would raise SIGBUS), and MAP_SHARED is refused with
 * -ENODEV and a log line: a copy could not show later writes.
 *
 * /dev/zero maps fresh zeroed pages (zero_mmap), as an anonymous mmap.
 *
 * Interface: vfs_mmap_fd, generic_file_mmap (see <pith/vfs.h>),
 * zero_mmap (vfs_internal.h).
 */
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/string.h>
#include "vfs_internal.h"

static unsigned int prot_to_vm(int prot)
{
	return (prot & PROT_READ_K ? VM_READ : 0) |
	       (prot & PROT_WRITE_K ? VM_WRITE | VM_READ : 0) |
	       (prot & PROT_EXEC_K ? VM_EXEC | VM_READ : 0);
}

/* Read the file range into the new mapping; the rest stays zero. */
static int fill_copy(struct file *f, char *p, size_t len, loff_t off)
{
	size_t done = 0;
	loff_t pos = off;

	if (off >= f->f_inode->i_size)
		return 0;
	len = MIN(len, (size_t)(f->f_inode->i_size - off));
	while (done < len) {
		long n = f->f_op->read(f, p + done, len - done, &pos);

		if (n < 0)
			return (int)n;
		if (!n)
			break;
		done += (size_t)n;
	}
	return 0;
}

void *generic_file_mmap(struct file *f, size_t len, loff_t off,
			unsigned int vmprot, int flags)
{
	static bool warned;
	void *p;
	int err;

	if ((flags & MAP_TYPE_K) != MAP_PRIVATE_K) {
		if (!warned)
			pr_warn("vfs: MAP_SHARED of a %s file is not supported (ENODEV); only ramfs shares its pages\n",
				f->f_inode->i_sb && f->f_inode->i_sb->s_type ?
				f->f_inode->i_sb->s_type->name : "?");
		warned = true;
		return ERR_PTR(-ENODEV);
	}
	if (!f->f_op->read)
		return ERR_PTR(-ENODEV);
	/* Filled through the kernel's writes: writable until done. */
	p = vm_map(len, VM_READ | VM_WRITE, 0, "mmap file");
	if (IS_ERR(p))
		return p;
	err = fill_copy(f, p, len, off);
	if (!err && vmprot != (VM_READ | VM_WRITE))
		err = vm_protect(p, len, vmprot);
	if (err) {
		vm_unmap(p, len);
		return ERR_PTR(err);
	}
	return p;
}

void *zero_mmap(struct file *f, size_t len, loff_t off, unsigned int vmprot,
		int flags)
{
	return vm_map(len, vmprot, 0, "mmap /dev/zero");
}

static long mmap_file(struct file *f, size_t len, int prot, int flags,
		      loff_t off)
{
	int type = flags & MAP_TYPE_K;
	void *p;

	if (!len)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len)
		return -ENOMEM;		/* the length wrapped */
	if ((uint64_t)off + len < (uint64_t)off ||
	    (uint64_t)off + len > (uint64_t)INT64_MAX)
		return -EOVERFLOW;
	if (type == MAP_SHARED_VALIDATE_K)
		type = MAP_SHARED_K;
	if (type != MAP_SHARED_K && type != MAP_PRIVATE_K)
		return -EINVAL;
	if (type == MAP_SHARED_K && (prot & PROT_WRITE_K) &&
	    !(f->f_mode & FMODE_WRITE))
		return -EACCES;
	if (!(f->f_mode & FMODE_READ))
		return -EACCES;
	if (!f->f_op || !f->f_op->mmap)
		return -ENODEV;
	if (flags & MAP_FIXED_K)
		return -ENOMEM;		/* we choose every address */
	/* A regular file's pages and size hold still under its lock (the
	 * copy for MAP_PRIVATE reads through f_op->read directly). */
	if (S_ISREG(f->f_inode->i_mode))
		inode_lock(f->f_inode);
	p = f->f_op->mmap(f, len, off, prot_to_vm(prot), type);
	if (S_ISREG(f->f_inode->i_mode))
		inode_unlock(f->f_inode);
	if (IS_ERR(p))
		return PTR_ERR(p);
	inode_touch(f->f_inode, true, false, false);
	return (long)p;
}

long vfs_mmap_fd(int fd, size_t len, int prot, int flags, loff_t off)
{
	struct file *f = fget(fd);
	long r;

	if (!f)
		return -EBADF;
	r = (f->f_mode & FMODE_PATH) ? -EBADF :
	    mmap_file(f, len, prot, flags, off);
	fput(f);
	return r;
}
