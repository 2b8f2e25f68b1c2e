/* SPDX-License-Identifier: MIT */
/*
 * Unpacking the initrd (a cpio newc archive) into the root at boot:
 * directories, regular files (mode and mtime kept) and symlinks. The
 * first damaged entry stops the unpacking with a message naming the
 * entry and its offset; what came before stays.
 *
 * Interface: initrd_unpack(buf, size) -> entries unpacked, or -errno.
 */
#include <pith/clock.h>
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/string.h>
#include "cpio.h"
#include "vfs_internal.h"

static int unpack_file(const char *path, const struct cpio_entry *e)
{
	struct file *f;
	struct iattr ia = { .ia_valid = ATTR_MODE | ATTR_MTIME };
	long n;
	int err = vfs_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC,
			   e->mode & 07777, &f);

	if (err)
		return err;
	n = e->size ? vfs_write(f, e->data, e->size) : 0;
	ia.ia_mode = e->mode;
	ia.ia_mtime = (struct timespec_k){ e->mtime, 0 };
	vfs_setattr(f->f_path.dentry, &ia);
	fput(f);
	if (n < 0)
		return (int)n;
	return (uint64_t)n == e->size ? 0 : -ENOSPC;
}

static int unpack_symlink(const char *path, const struct cpio_entry *e)
{
	char *tgt;
	int err;

	if (!e->size || e->size >= PATH_MAX_K)
		return -EINVAL;
	tgt = kmalloc(e->size + 1, GFP_KERNEL);
	if (!tgt)
		return -ENOMEM;
	memcpy(tgt, e->data, e->size);
	tgt[e->size] = 0;
	err = vfs_symlink(tgt, AT_FDCWD, path);
	kfree(tgt);
	return err;
}

static int unpack_one(const struct cpio_entry *e, char *path)
{
	int err;

	path[0] = '/';
	if (!path[1])
		return 0;		/* "." : the root itself */
	switch (e->mode & S_IFMT) {
	case S_IFDIR:
		err = vfs_mkdir(AT_FDCWD, path, e->mode & 07777);
		return err == -EEXIST ? 0 : err;
	case S_IFLNK:
		return unpack_symlink(path, e);
	default:
		return unpack_file(path, e);
	}
}

int initrd_unpack(const void *buf, size_t size)
{
	struct cpio_entry e;
	size_t off = 0;
	uint64_t t0 = clock_ns();
	char *path = kmalloc(PATH_MAX_K, GFP_KERNEL);
	int n = 0, r;

	if (!path)
		return -ENOMEM;
	while ((r = cpio_next(buf, size, &off, &e)) == 1) {
		r = cpio_clean_path(e.name, path + 1, PATH_MAX_K - 1);
		if (r) {
			e.why = r == -EINVAL ? "path escapes the root" :
					       "path too long";
			break;
		}
		r = unpack_one(&e, path);
		if (r) {
			pr_err("initrd: entry '%s' at offset %zu: cannot unpack (error %d); stopping\n",
			       e.name, e.offset, r);
			break;
		}
		n++;
	}
	if (r < 0 && e.why)
		pr_err("initrd: entry '%s' at offset %zu: %s; stopping after %d entries\n",
		       e.name ? e.name : "?", e.offset, e.why, n);
	else if (!r)
		pr_info("initrd: %d entries unpacked (%zu bytes) in %lu us\n",
			n, size, (unsigned long)((clock_ns() - t0) / 1000));
	kfree(path);
	return r < 0 ? r : n;
}
