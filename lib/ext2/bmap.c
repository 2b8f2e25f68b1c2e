// SPDX-License-Identifier: MIT
/*
 * The ext2 block map: logical block -> disk block through the 12 direct
 * pointers and the single-, double- and triple-indirect trees, with
 * allocation of missing blocks (zero-filled), and the freeing of every
 * block past a point for truncation.
 *
 * Interface (this folder only):
 *   ext2_bmap(ip, lblk, create, &b)   b = 0 for a hole when !create
 *   ext2_free_blocks_from(ip, lblk)   free data and index blocks that
 *                                     only cover lblk and beyond
 *
 * i_blocks counts every data and index block in 512-byte units.
 */
#include <pith/string.h>
#include "ext2_fs.h"

/* The slot indexes leading to lblk; returns the depth (0 = direct). */
static int ext2_path(struct ext2_fs *fs, uint64_t lblk, uint32_t off[4])
{
	uint64_t apb = fs->addr_per_block;

	if (lblk < EXT2_NDIR_BLOCKS) {
		off[0] = (uint32_t)lblk;
		return 0;
	}
	lblk -= EXT2_NDIR_BLOCKS;
	if (lblk < apb) {
		off[0] = EXT2_IND_BLOCK;
		off[1] = (uint32_t)lblk;
		return 1;
	}
	lblk -= apb;
	if (lblk < apb * apb) {
		off[0] = EXT2_DIND_BLOCK;
		off[1] = (uint32_t)(lblk / apb);
		off[2] = (uint32_t)(lblk % apb);
		return 2;
	}
	lblk -= apb * apb;
	off[0] = EXT2_TIND_BLOCK;
	off[1] = (uint32_t)(lblk / (apb * apb));
	off[2] = (uint32_t)(lblk / apb % apb);
	off[3] = (uint32_t)(lblk % apb);
	return 3;
}

/* Allocate a zeroed block for ip near its last one. */
static int ext2_alloc_zeroed(struct ext2_inode *ip, uint32_t *out)
{
	struct ext2_fs *fs = ip->fs;
	uint32_t goal = ip->goal;
	struct buffer_head *bh;
	int err;

	if (!goal)
		goal = fs->sb.s_first_data_block +
		       (ip->ino - 1) / fs->sb.s_inodes_per_group *
		       fs->sb.s_blocks_per_group;
	err = ext2_new_block(fs, goal, out);
	if (err)
		return err;
	bh = bgetblk(fs->dev, *out, fs->block_size);
	if (IS_ERR(bh)) {
		ext2_free_block(fs, *out);
		return PTR_ERR(bh);
	}
	memset(bh->data, 0, fs->block_size);
	mark_buffer_dirty(bh);
	brelse(bh);
	ip->goal = *out + 1;
	ip->d.i_blocks += fs->block_size / 512;
	return 0;
}

int ext2_bmap(struct ext2_inode *ip, uint64_t lblk, bool create,
	      uint32_t *out)
{
	struct ext2_fs *fs = ip->fs;
	struct buffer_head *bh = NULL, *next;
	uint32_t off[4], *slot;
	int depth, err;

	if (lblk >= fs->max_lblk)
		return -EFBIG;
	depth = ext2_path(fs, lblk, off);
	slot = &ip->d.i_block[off[0]];
	for (int level = 0;; level++) {
		uint32_t b = *slot;

		if (!b && !create) {
			*out = 0;
			break;
		}
		if (!b) {
			err = ext2_alloc_zeroed(ip, &b);
			if (err)
				goto out;
			*slot = b;
			if (bh)
				mark_buffer_dirty(bh);
			ext2_write_inode(ip);
		} else if (!ext2_block_ok(fs, b)) {
			ext2_err(fs, "inode %u: bad block pointer %u (level %d)",
				 ip->ino, b, level);
			err = -EUCLEAN;
			goto out;
		}
		if (level == depth) {
			*out = b;
			break;
		}
		next = bread(fs->dev, b, fs->block_size);
		brelse(bh);
		bh = next;
		if (IS_ERR(bh))
			return PTR_ERR(bh);
		slot = (uint32_t *)bh->data + off[level + 1];
	}
	err = 0;
out:
	brelse(bh);
	return err;
}

static void ext2_drop_block(struct ext2_inode *ip, uint32_t *slot)
{
	ext2_free_block(ip->fs, *slot);
	*slot = 0;
	ip->d.i_blocks -= ip->fs->block_size / 512;
}

/*
 * Free the part of the tree at *slot (depth levels of index above the
 * data, covering logical blocks [base, base + span)) that lies at or past
 * 'from'. Returns 1 when *slot changed, 0, or -errno.
 */
static int ext2_trunc_tree(struct ext2_inode *ip, uint32_t *slot, int depth,
			   uint64_t base, uint64_t span, uint64_t from)
{
	struct ext2_fs *fs = ip->fs;
	uint64_t child = span / fs->addr_per_block;
	struct buffer_head *bh;
	int err = 0, r;

	if (!*slot || base + span <= from)
		return 0;
	if (!ext2_block_ok(fs, *slot)) {
		ext2_err(fs, "inode %u: bad block pointer %u", ip->ino, *slot);
		return -EUCLEAN;
	}
	if (depth) {
		bh = bread(fs->dev, *slot, fs->block_size);
		if (IS_ERR(bh))
			return PTR_ERR(bh);
		for (uint32_t i = 0; i < fs->addr_per_block && !err; i++) {
			r = ext2_trunc_tree(ip, (uint32_t *)bh->data + i,
					    depth - 1, base + i * child, child,
					    from);
			if (r > 0)
				mark_buffer_dirty(bh);
			else if (r < 0)
				err = r;
		}
		brelse(bh);
		if (err || base < from)
			return err;
	} else if (base < from) {
		return 0;
	}
	ext2_drop_block(ip, slot);
	return 1;
}

int ext2_free_blocks_from(struct ext2_inode *ip, uint64_t from)
{
	uint64_t apb = ip->fs->addr_per_block, base = EXT2_NDIR_BLOCKS;
	uint64_t span = apb;
	int err = 0;

	ext2_dix_drop(ip);	/* a directory's index names these blocks */
	for (uint32_t i = 0; i < EXT2_NDIR_BLOCKS && err >= 0; i++)
		err = ext2_trunc_tree(ip, &ip->d.i_block[i], 0, i, 1, from);
	for (int depth = 1; depth <= 3 && err >= 0; depth++) {
		err = ext2_trunc_tree(ip, &ip->d.i_block[EXT2_IND_BLOCK +
							 depth - 1],
				      depth, base, span, from);
		base += span;
		span *= apb;
	}
	if (!from)
		ip->goal = 0;
	ext2_write_inode(ip);
	return err < 0 ? err : 0;
}
