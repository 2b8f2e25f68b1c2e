// SPDX-License-Identifier: MIT
/*
 * ext2 block and inode allocation on the groups' bitmaps, keeping the
 * free counts of the group descriptors and the superblock right.
 *
 * Interface (this folder only):
 *   ext2_new_block(fs, goal, &b)   the first free block at or after goal
 *                                  in goal's group, then the next groups
 *   ext2_free_block(fs, b)
 *   ext2_new_inode(dir, mode)      a directory goes to a group with
 *                                  above-average free inodes and the most
 *                                  free blocks; anything else near dir
 *   ext2_free_inode(fs, ino, is_dir)
 *
 * A bitmap that offers a metadata block, or a free count the bitmap
 * contradicts, is corruption: logged, and the call fails with -EUCLEAN
 * rather than hand out a block that is in use.
 */
#include <pith/string.h>
#include "ext2_fs.h"

static bool test_bit8(const uint8_t *map, uint32_t i)
{
	return (map[i >> 3] >> (i & 7)) & 1;
}

/* First clear bit in [from, n), or n. */
static uint32_t find_zero(const uint8_t *map, uint32_t from, uint32_t n)
{
	for (uint32_t i = from; i < n; i++) {
		if (!(i & 7) && map[i >> 3] == 0xff && i + 8 <= n) {
			i += 7;
			continue;
		}
		if (!test_bit8(map, i))
			return i;
	}
	return n;
}

static uint32_t group_first_block(struct ext2_fs *fs, uint32_t g)
{
	return fs->sb.s_first_data_block + g * fs->sb.s_blocks_per_group;
}

static uint32_t group_nblocks(struct ext2_fs *fs, uint32_t g)
{
	uint32_t start = group_first_block(fs, g);
	uint32_t left = fs->sb.s_blocks_count - start;

	return left < fs->sb.s_blocks_per_group ? left :
						  fs->sb.s_blocks_per_group;
}

static void count_blocks(struct ext2_fs *fs, uint32_t g, int delta)
{
	fs->gd[g].bg_free_blocks_count += delta;
	fs->sb.s_free_blocks_count += delta;
	ext2_write_gd(fs, g);
	ext2_write_super(fs);
}

/* Take a free bit of group g's block bitmap, at or after 'start'. */
static int alloc_in_group(struct ext2_fs *fs, uint32_t g, uint32_t start,
			  uint32_t *out)
{
	uint32_t n = group_nblocks(fs, g), bit, b;
	struct buffer_head *bh;
	uint8_t *map;

	bh = bread(fs->dev, fs->gd[g].bg_block_bitmap, fs->block_size);
	if (IS_ERR(bh))
		return PTR_ERR(bh);
	map = bh->data;
	bit = find_zero(map, start, n);
	if (bit == n && start) {
		bit = find_zero(map, 0, start);
		if (bit == start)
			bit = n;
	}
	if (bit >= n) {
		brelse(bh);
		ext2_err(fs, "group %u: free count %u but bitmap full", g,
			 fs->gd[g].bg_free_blocks_count);
		return -ENOSPC;
	}
	b = group_first_block(fs, g) + bit;
	if (!ext2_block_ok(fs, b)) {
		brelse(bh);
		ext2_err(fs, "group %u: bitmap offers metadata block %u", g, b);
		return -EUCLEAN;
	}
	map[bit >> 3] |= (uint8_t)(1u << (bit & 7));
	mark_buffer_dirty(bh);
	brelse(bh);
	count_blocks(fs, g, -1);
	*out = b;
	return 0;
}

int ext2_new_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out)
{
	uint32_t g0 = 0, start = 0;
	int err;

	if (fs->read_only)
		return -EROFS;
	if (goal >= fs->sb.s_first_data_block && goal < fs->sb.s_blocks_count) {
		g0 = (goal - fs->sb.s_first_data_block) /
		     fs->sb.s_blocks_per_group;
		start = goal - group_first_block(fs, g0);
	}
	for (uint32_t k = 0; k < fs->groups; k++) {
		uint32_t g = (g0 + k) % fs->groups;

		if (!fs->gd[g].bg_free_blocks_count)
			continue;
		err = alloc_in_group(fs, g, k ? 0 : start, out);
		if (err != -ENOSPC)
			return err;
	}
	return -ENOSPC;
}

void ext2_free_block(struct ext2_fs *fs, uint32_t block)
{
	uint32_t g, bit;
	struct buffer_head *bh;
	uint8_t *map;

	if (!ext2_block_ok(fs, block)) {
		ext2_err(fs, "freeing bad block %u", block);
		return;
	}
	g = (block - fs->sb.s_first_data_block) / fs->sb.s_blocks_per_group;
	bit = block - group_first_block(fs, g);
	bh = bread(fs->dev, fs->gd[g].bg_block_bitmap, fs->block_size);
	if (IS_ERR(bh))
		return;
	map = bh->data;
	if (!test_bit8(map, bit)) {
		brelse(bh);
		ext2_err(fs, "freeing free block %u", block);
		return;
	}
	map[bit >> 3] &= (uint8_t)~(1u << (bit & 7));
	mark_buffer_dirty(bh);
	brelse(bh);
	count_blocks(fs, g, 1);
}

static uint32_t pick_group_dir(struct ext2_fs *fs, uint32_t parent)
{
	uint32_t avg = fs->sb.s_free_inodes_count / fs->groups;
	uint32_t best = fs->groups, best_free = 0;

	for (uint32_t k = 0; k < fs->groups; k++) {
		uint32_t g = (parent + k) % fs->groups;
		const struct ext2_group_desc *gd = &fs->gd[g];

		if (gd->bg_free_inodes_count && gd->bg_free_inodes_count >= avg &&
		    (best == fs->groups ||
		     gd->bg_free_blocks_count > best_free)) {
			best = g;
			best_free = gd->bg_free_blocks_count;
		}
	}
	return best == fs->groups ? parent : best;
}

/* Take a free inode of group g; 0 when the bitmap has none. */
static long alloc_inode_in_group(struct ext2_fs *fs, uint32_t g)
{
	uint32_t ipg = fs->sb.s_inodes_per_group, bit = 0;
	struct buffer_head *bh;
	uint8_t *map;

	bh = bread(fs->dev, fs->gd[g].bg_inode_bitmap, fs->block_size);
	if (IS_ERR(bh))
		return PTR_ERR(bh);
	map = bh->data;
	for (;; bit++) {
		bit = find_zero(map, bit, ipg);
		if (bit == ipg || (uint64_t)g * ipg + bit + 1 >= fs->first_ino)
			break;
	}
	if (bit == ipg) {
		brelse(bh);
		ext2_err(fs, "group %u: free inode count %u but bitmap full",
			 g, fs->gd[g].bg_free_inodes_count);
		return 0;
	}
	map[bit >> 3] |= (uint8_t)(1u << (bit & 7));
	mark_buffer_dirty(bh);
	brelse(bh);
	return (long)g * ipg + bit + 1;
}

long ext2_new_inode(struct ext2_inode *dir, unsigned int mode)
{
	struct ext2_fs *fs = dir->fs;
	uint32_t parent = (dir->ino - 1) / fs->sb.s_inodes_per_group;
	bool is_dir = (mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
	uint32_t g0 = is_dir ? pick_group_dir(fs, parent) : parent;
	long ino;

	if (fs->read_only)
		return -EROFS;
	for (uint32_t k = 0; k < fs->groups; k++) {
		uint32_t g = (g0 + k) % fs->groups;

		if (!fs->gd[g].bg_free_inodes_count)
			continue;
		ino = alloc_inode_in_group(fs, g);
		if (ino < 0)
			return ino;
		if (!ino)
			continue;
		fs->gd[g].bg_free_inodes_count--;
		fs->sb.s_free_inodes_count--;
		if (is_dir)
			fs->gd[g].bg_used_dirs_count++;
		ext2_write_gd(fs, g);
		ext2_write_super(fs);
		return ino;
	}
	return -ENOSPC;
}

void ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool is_dir)
{
	uint32_t g = (ino - 1) / fs->sb.s_inodes_per_group;
	uint32_t bit = (ino - 1) % fs->sb.s_inodes_per_group;
	struct buffer_head *bh;
	uint8_t *map;

	bh = bread(fs->dev, fs->gd[g].bg_inode_bitmap, fs->block_size);
	if (IS_ERR(bh))
		return;
	map = bh->data;
	if (!test_bit8(map, bit)) {
		brelse(bh);
		ext2_err(fs, "freeing free inode %u", ino);
		return;
	}
	map[bit >> 3] &= (uint8_t)~(1u << (bit & 7));
	mark_buffer_dirty(bh);
	brelse(bh);
	fs->gd[g].bg_free_inodes_count++;
	fs->sb.s_free_inodes_count++;
	if (is_dir && fs->gd[g].bg_used_dirs_count)
		fs->gd[g].bg_used_dirs_count--;
	ext2_write_gd(fs, g);
	ext2_write_super(fs);
}
