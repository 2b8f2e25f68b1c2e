// SPDX-License-Identifier: MIT
/*
 * ext2 file data: read (holes read as zeros), write (allocating blocks as
 * needed, a short count when the disk fills), truncate (down frees the
 * blocks past the end and zeroes the tail of the last one; up makes a
 * hole).
 *
 * Interface: ext2_read / ext2_write / ext2_truncate from <pith/ext2.h>.
 * Access times are not updated (as if mounted noatime).
 */
#include <pith/string.h>
#include "ext2_fs.h"

/* Largest file size: what the block map reaches, capped at 1 TiB so that
 * i_blocks (32 bits of 512-byte units) cannot overflow. */
static uint64_t ext2_max_bytes(struct ext2_fs *fs)
{
	uint64_t max = fs->max_lblk << fs->log_block_size;

	return max < (1ull << 40) ? max : (1ull << 40);
}

long ext2_read(struct ext2_inode *ip, uint64_t off, void *buf, size_t len)
{
	struct ext2_fs *fs = ip->fs;
	uint64_t size = ext2_isize(ip);
	uint32_t bs = fs->block_size, b;
	size_t done = 0;
	int err;

	if (ext2_isdir(ip))
		return -EISDIR;
	if (off >= size)
		return 0;
	if (len > size - off)
		len = (size_t)(size - off);
	while (done < len) {
		uint32_t boff = (uint32_t)((off + done) & (bs - 1));
		size_t n = MIN((size_t)(bs - boff), len - done);
		struct buffer_head *bh;

		err = ext2_bmap(ip, (off + done) >> fs->log_block_size, false,
				&b);
		if (err)
			return done ? (long)done : err;
		if (!b) {
			memset((char *)buf + done, 0, n);
		} else {
			bh = bread(fs->dev, b, bs);
			if (IS_ERR(bh))
				return done ? (long)done : PTR_ERR(bh);
			memcpy((char *)buf + done, (char *)bh->data + boff, n);
			brelse(bh);
		}
		done += n;
	}
	return (long)done;
}

/* Copy n bytes into the file's block at lblk, offset boff. */
static int ext2_write_block(struct ext2_inode *ip, uint64_t lblk,
			    uint32_t boff, const void *src, size_t n)
{
	struct ext2_fs *fs = ip->fs;
	struct buffer_head *bh;
	uint32_t b;
	int err;

	err = ext2_bmap(ip, lblk, true, &b);
	if (err)
		return err;
	if (n == fs->block_size)
		bh = bgetblk(fs->dev, b, fs->block_size);
	else
		bh = bread(fs->dev, b, fs->block_size);
	if (IS_ERR(bh))
		return PTR_ERR(bh);
	memcpy((char *)bh->data + boff, src, n);
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

/* Write without type checks: regular files and slow symlinks. */
long ext2_write_data(struct ext2_inode *ip, uint64_t off, const void *buf,
		     size_t len)
{
	struct ext2_fs *fs = ip->fs;
	uint32_t bs = fs->block_size;
	size_t done = 0;
	int err = 0;

	if (fs->read_only)
		return -EROFS;
	if (off > ext2_max_bytes(fs) || len > ext2_max_bytes(fs) - off)
		return -EFBIG;
	while (done < len) {
		uint32_t boff = (uint32_t)((off + done) & (bs - 1));
		size_t n = MIN((size_t)(bs - boff), len - done);

		err = ext2_write_block(ip, (off + done) >> fs->log_block_size,
				       boff, (const char *)buf + done, n);
		if (err)
			break;
		done += n;
	}
	if (done && off + done > ext2_isize(ip))
		ext2_set_isize(ip, off + done);
	if (done) {
		ext2_touch(ip, true);
		ext2_write_inode(ip);
	}
	return done ? (long)done : err;
}

long ext2_write(struct ext2_inode *ip, uint64_t off, const void *buf,
		size_t len)
{
	if (ext2_isdir(ip))
		return -EISDIR;
	if (!ext2_isreg(ip))
		return -EINVAL;
	return ext2_write_data(ip, off, buf, len);
}

/* Zero the bytes of the last block past a new, smaller size, so that
 * growing the file again reads zeros there. */
static int ext2_zero_tail(struct ext2_inode *ip, uint64_t size)
{
	struct ext2_fs *fs = ip->fs;
	uint32_t boff = (uint32_t)(size & (fs->block_size - 1)), b;
	struct buffer_head *bh;
	int err;

	if (!boff)
		return 0;
	err = ext2_bmap(ip, size >> fs->log_block_size, false, &b);
	if (err || !b)
		return err;
	bh = bread(fs->dev, b, fs->block_size);
	if (IS_ERR(bh))
		return PTR_ERR(bh);
	memset((char *)bh->data + boff, 0, fs->block_size - boff);
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

int ext2_truncate(struct ext2_inode *ip, uint64_t size)
{
	struct ext2_fs *fs = ip->fs;
	uint64_t keep;
	int err;

	if (fs->read_only)
		return -EROFS;
	if (ext2_isdir(ip))
		return -EISDIR;
	if (!ext2_isreg(ip))
		return -EINVAL;
	if (size > ext2_max_bytes(fs))
		return -EFBIG;
	if (size < ext2_isize(ip)) {
		keep = DIV_ROUND_UP(size, fs->block_size);
		err = ext2_zero_tail(ip, size);
		if (!err)
			err = ext2_free_blocks_from(ip, keep);
		if (err)
			return err;
	}
	ext2_set_isize(ip, size);
	ext2_touch(ip, true);
	return ext2_write_inode(ip);
}
