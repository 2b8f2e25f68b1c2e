// SPDX-License-Identifier: MIT
/*
 * ext2 file data: read (holes read as zeros), write (allocating blocks as
 * needed, a short count when the disk fills), truncate (down frees the
 * blocks past the end and zeroes the tail of the last one; up makes a
 * hole).
 *
 * Reads map the blocks they need (and the read-ahead window) first and
 * hand them to bcache_readahead in one go, so that consecutive disk
 * blocks travel in one request and the copy loop finds them in flight
 * or cached. Read-ahead on demand, per open file (struct ext2_ra, after
 * Linux's ondemand read-ahead in miniature): a read at block 0 or right
 * after the previous one starts a stream: the read's blocks and, past
 * them, two to four times as many; a later read that reaches the first
 * of those (the mark) starts the next window at the end of the last one,
 * twice its size, up to EXT2_RA_MAX_BYTES (at most an eighth of the
 * buffer cache, so read-ahead never pushes out the rest). Any other read
 * ends the stream.
 *
 * Interface: ext2_read / ext2_read_ra / ext2_write / ext2_truncate from
 * <pith/ext2.h>. Access times are not updated (as if mounted noatime).
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

#define EXT2_RA_MAX_BYTES	MIN(512ul * 1024, BCACHE_LIMIT_BYTES / 8)
#define EXT2_RA_BATCH		64	/* blocks mapped per readahead call */

/* Ask the disk for file blocks [from, to) that it has mapped: in flight
 * when this returns, not waited for. Mapping errors end it quietly (the
 * read proper reports them). */
static void ext2_ra_issue(struct ext2_inode *ip, uint64_t from, uint64_t to)
{
	struct ext2_fs *fs = ip->fs;
	uint64_t blocks[EXT2_RA_BATCH];
	uint64_t eof = DIV_ROUND_UP(ext2_isize(ip), fs->block_size);
	unsigned int n = 0;
	uint32_t b;

	if (to > eof)
		to = eof;
	for (uint64_t l = from; l < to; l++) {
		if (ext2_bmap(ip, l, false, &b))
			break;
		blocks[n++] = b;
		if (n == EXT2_RA_BATCH) {
			bcache_readahead(fs->dev, blocks, n, fs->block_size);
			n = 0;
		}
	}
	if (n)
		bcache_readahead(fs->dev, blocks, n, fs->block_size);
}

/*
 * Update ra for a read of blocks [s, e) and start the window it calls
 * for. True when [s, e) is already asked of the disk (by this or an
 * earlier window).
 */
static bool ext2_ra_ondemand(struct ext2_inode *ip, struct ext2_ra *ra,
			     uint64_t s, uint64_t e)
{
	uint64_t max = EXT2_RA_MAX_BYTES >> ip->fs->log_block_size;
	uint64_t req = e - s, ahead, from, to;
	bool seq = s == ra->next || (s && s + 1 == ra->next);

	if (!max)
		max = 1;
	ra->next = e;
	if (!seq) {			/* random: no stream */
		ra->size = 0;
		return false;
	}
	if (ra->size && e <= ra->start + ra->size - ra->async)
		return true;		/* inside the window, before its mark */
	/* A new stream: the read and two to four times it past it; at the
	 * mark: from the window's end, twice the window's size further. */
	if (!ra->size)
		ahead = MIN(MAX(req < 4 ? 4 * req : 2 * req, 4ull), max);
	else
		ahead = MIN(2ull * ra->size, max);
	from = ra->size ? MAX(ra->start + ra->size, s) : s;
	to = MAX(from, e) + ahead;
	ra->start = from;
	ra->size = (uint32_t)(to - from);
	/* The mark: the first block past both the read and the window's
	 * start; reading into it starts the next window. */
	ra->async = (uint32_t)(to - MAX(from, e));
	ext2_ra_issue(ip, from, to);
	return true;
}

long ext2_read_ra(struct ext2_inode *ip, uint64_t off, void *buf, size_t len,
		  struct ext2_ra *ra)
{
	struct ext2_fs *fs = ip->fs;
	uint64_t size = ext2_isize(ip), issued;
	uint32_t bs = fs->block_size, b;
	uint32_t chunk = (uint32_t)(EXT2_RA_MAX_BYTES >> fs->log_block_size);
	size_t done = 0;
	int err;

	if (ext2_isdir(ip))
		return -EISDIR;
	if (off >= size)
		return 0;
	if (len > size - off)
		len = (size_t)(size - off);
	if (!len)
		return 0;
	if (!chunk)
		chunk = 1;
	issued = off >> fs->log_block_size;
	if (ra && ext2_ra_ondemand(ip, ra, issued, ((off + len - 1) >>
						    fs->log_block_size) + 1))
		issued = ((off + len - 1) >> fs->log_block_size) + 1;
	while (done < len) {
		uint64_t lblk = (off + done) >> fs->log_block_size;
		uint32_t boff = (uint32_t)((off + done) & (bs - 1));
		size_t n = MIN((size_t)(bs - boff), len - done);
		struct buffer_head *bh;

		/* The read's own blocks, a batch at a time, as one request
		 * per run of consecutive disk blocks. */
		if (lblk >= issued && len - done > n) {
			issued = MIN(lblk + chunk, ((off + len - 1) >>
						    fs->log_block_size) + 1);
			ext2_ra_issue(ip, lblk, issued);
		}
		err = ext2_bmap(ip, lblk, false, &b);
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

long ext2_read(struct ext2_inode *ip, uint64_t off, void *buf, size_t len)
{
	return ext2_read_ra(ip, off, buf, len, NULL);
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
