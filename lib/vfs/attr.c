/* SPDX-License-Identifier: MIT */
/*
 * Ownership and extended stat: chown with Linux's side effects (a
 * non-directory loses set-user-ID, and set-group-ID when it is group
 * executable, even for root; ctime moves), and statx's answer built
 * from the same attributes stat reports.
 *
 * Interface: vfs_chown (<pith/vfs.h>), vfs_statx_fill (vfs_internal.h).
 */
#include <pith/string.h>
#include "vfs_internal.h"

int vfs_chown(struct dentry *d, uint32_t uid, uint32_t gid)
{
	struct iattr ia = { .ia_valid = ATTR_CTIME };
	umode_t mode = d->d_inode->i_mode, nmode = mode;

	if (uid != (uint32_t)-1) {
		ia.ia_valid |= ATTR_UID;
		ia.ia_uid = uid;
	}
	if (gid != (uint32_t)-1) {
		ia.ia_valid |= ATTR_GID;
		ia.ia_gid = gid;
	}
	if (!S_ISDIR(mode)) {
		nmode &= ~(umode_t)S_ISUID;
		if ((nmode & (S_ISGID | 0010)) == (S_ISGID | 0010))
			nmode &= ~(umode_t)S_ISGID;
	}
	if (nmode != mode) {
		ia.ia_valid |= ATTR_MODE;
		ia.ia_mode = nmode;
	}
	return vfs_setattr(d, &ia);
}

/* Linux's split of a 64-bit dev_t (glibc's makedev inverts it). */
static uint32_t dev_major(uint64_t dev)
{
	return (uint32_t)(((dev >> 8) & 0xfff) | ((dev >> 32) & 0xfffff000));
}

static uint32_t dev_minor(uint64_t dev)
{
	return (uint32_t)((dev & 0xff) | ((dev >> 12) & 0xffffff00));
}

static struct statx_timestamp_k stx_time(struct timespec_k t)
{
	return (struct statx_timestamp_k){ t.tv_sec, (uint32_t)t.tv_nsec, 0 };
}

void vfs_statx_fill(const struct kstat *st, struct statx_k *sx)
{
	memset(sx, 0, sizeof(*sx));
	sx->stx_mask = STATX_BASIC_STATS_K;
	sx->stx_blksize = (uint32_t)st->st_blksize;
	sx->stx_nlink = (uint32_t)st->st_nlink;
	sx->stx_uid = st->st_uid;
	sx->stx_gid = st->st_gid;
	sx->stx_mode = (uint16_t)st->st_mode;
	sx->stx_ino = st->st_ino;
	sx->stx_size = (uint64_t)st->st_size;
	sx->stx_blocks = (uint64_t)st->st_blocks;
	sx->stx_atime = stx_time(st->st_atim);
	sx->stx_ctime = stx_time(st->st_ctim);
	sx->stx_mtime = stx_time(st->st_mtim);
	sx->stx_rdev_major = dev_major(st->st_rdev);
	sx->stx_rdev_minor = dev_minor(st->st_rdev);
	sx->stx_dev_major = dev_major(st->st_dev);
	sx->stx_dev_minor = dev_minor(st->st_dev);
}
