// SPDX-License-Identifier: MIT
/*
 * ext2 superblock and group descriptors: mount (with the validation that
 * decides whether an image is ours to touch), unmount, sync, and the
 * write-back of the in-memory superblock and descriptors.
 *
 * Interface: ext2_mount / ext2_umount / ext2_sync / ext2_statfs from
 * <pith/ext2.h>; ext2_write_super, ext2_write_gd, ext2_is_metadata,
 * ext2_block_ok, ext2_report_error for the rest of the folder.
 *
 * A mount refuses (ERR_PTR(-EINVAL), with one log line saying why) a bad
 * magic, geometry that does not add up or does not fit the device, and
 * INCOMPAT features we do not implement. Unknown RO_COMPAT features mount
 * read-only. A read-write mount clears EXT2_VALID_FS until ext2_umount.
 */
#include <stdarg.h>
#include <pith/mm.h>
#include <pith/string.h>
#include "ext2_fs.h"

static uint32_t (*ext2_clock)(void);

void ext2_set_clock(uint32_t (*now)(void))
{
	ext2_clock = now;
}

uint32_t ext2_now(void)
{
	return ext2_clock ? ext2_clock() : 0;
}

void ext2_report_error(struct ext2_fs *fs, const char *fn, const char *fmt,
		       ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("ext2 (%s): %s: %s\n", fs->dev->name, fn, msg);
	if (!fs->read_only && !(fs->sb.s_state & EXT2_ERROR_FS)) {
		fs->sb.s_state |= EXT2_ERROR_FS;
		ext2_write_super(fs);
	}
}

int ext2_write_super(struct ext2_fs *fs)
{
	uint32_t bs = fs->block_size;
	struct buffer_head *bh;

	if (fs->read_only)
		return 0;
	bh = bread(fs->dev, EXT2_SUPER_OFFSET / bs, bs);
	if (IS_ERR(bh))
		return PTR_ERR(bh);
	memcpy((char *)bh->data + EXT2_SUPER_OFFSET % bs, &fs->sb,
	       sizeof(fs->sb));
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

int ext2_write_gd(struct ext2_fs *fs, uint32_t group)
{
	uint32_t per = fs->block_size / sizeof(struct ext2_group_desc);
	uint32_t blk = fs->sb.s_first_data_block + 1 + group / per;
	struct buffer_head *bh;

	bh = bread(fs->dev, blk, fs->block_size);
	if (IS_ERR(bh))
		return PTR_ERR(bh);
	memcpy((struct ext2_group_desc *)bh->data + group % per,
	       &fs->gd[group], sizeof(fs->gd[group]));
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

static bool ext2_is_power_of(uint32_t n, uint32_t base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

bool ext2_group_has_super(struct ext2_fs *fs, uint32_t group)
{
	if (!(fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER))
		return true;
	return group <= 1 || ext2_is_power_of(group, 3) ||
	       ext2_is_power_of(group, 5) || ext2_is_power_of(group, 7);
}

bool ext2_is_metadata(struct ext2_fs *fs, uint32_t block)
{
	uint32_t g = (block - fs->sb.s_first_data_block) /
		     fs->sb.s_blocks_per_group;
	uint32_t start = fs->sb.s_first_data_block +
			 g * fs->sb.s_blocks_per_group;
	const struct ext2_group_desc *gd = &fs->gd[g];

	if (ext2_group_has_super(fs, g) &&
	    block < start + 1 + fs->gdt_blocks + fs->sb.s_reserved_gdt_blocks)
		return true;
	return block == gd->bg_block_bitmap || block == gd->bg_inode_bitmap ||
	       (block >= gd->bg_inode_table &&
		block - gd->bg_inode_table < fs->itable_blocks);
}

bool ext2_block_ok(struct ext2_fs *fs, uint32_t block)
{
	return block >= fs->sb.s_first_data_block &&
	       block < fs->sb.s_blocks_count && !ext2_is_metadata(fs, block);
}

/* Read the 1024-byte superblock without the cache: the block size is
 * not known yet. */
static int ext2_read_sb(struct blkdev *dev, struct ext2_super *sb)
{
	uint32_t n = dev->block_size >> BLK_SECTOR_SHIFT;
	uint32_t lba = 0;
	char *buf;
	int err;

	if (n < 4)
		n = 4;
	if (n == 4)
		lba = 2, n = 2;
	if (dev->capacity < lba + n)
		return -EINVAL;
	buf = kmalloc((size_t)n << BLK_SECTOR_SHIFT, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	err = blk_rw(dev, BLK_OP_READ, lba, n, buf);
	if (!err)
		memcpy(sb, buf + EXT2_SUPER_OFFSET - (lba << BLK_SECTOR_SHIFT),
		       sizeof(*sb));
	kfree(buf);
	return err;
}

static const char *ext2_incompat_name(uint32_t bit)
{
	switch (bit) {
	case 0x0001: return "compression";
	case 0x0004: return "needs_recovery (a journal must be replayed first)";
	case 0x0008: return "journal_dev";
	case 0x0010: return "meta_bg";
	case 0x0040: return "extents: this is ext4; ext2 without extents is supported";
	case 0x0080: return "64bit (ext4)";
	case 0x0100: return "mmp";
	case 0x0200: return "flex_bg (ext4)";
	default: return "unknown";
	}
}

static int ext2_check_features(struct ext2_fs *fs, unsigned int flags)
{
	const struct ext2_super *sb = &fs->sb;
	uint32_t bad, ro;

	fs->read_only = flags & EXT2_MOUNT_RDONLY;
	if (sb->s_rev_level == 0)
		return 0;
	bad = sb->s_feature_incompat & ~EXT2_SUPPORTED_INCOMPAT;
	if (bad) {
		uint32_t bit = bad & -bad;

		pr_err("ext2 (%s): unsupported feature 0x%x: %s; not mounting\n",
		       fs->dev->name, bit, ext2_incompat_name(bit));
		return -EINVAL;
	}
	ro = sb->s_feature_ro_compat & ~EXT2_SUPPORTED_RO_COMPAT;
	if (ro && !fs->read_only) {
		pr_warn("ext2 (%s): unknown read-only-compatible features 0x%x: mounting read-only\n",
			fs->dev->name, ro);
		fs->read_only = true;
	}
	fs->filetype = sb->s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE;
	return 0;
}

#define GEOM_BAD(cond, what)						\
	do {								\
		if (cond) {						\
			pr_err("ext2 (%s): impossible geometry: %s; not mounting\n", \
			       fs->dev->name, what);			\
			return -EINVAL;					\
		}							\
	} while (0)

static int ext2_check_geometry(struct ext2_fs *fs)
{
	const struct ext2_super *sb = &fs->sb;
	uint32_t bs, isz = EXT2_GOOD_OLD_INODE_SIZE;
	uint64_t groups;

	if (sb->s_magic != EXT2_SUPER_MAGIC) {
		pr_err("ext2 (%s): bad magic 0x%x (not ext2); not mounting\n",
		       fs->dev->name, sb->s_magic);
		return -EINVAL;
	}
	GEOM_BAD(sb->s_rev_level > 1, "revision above 1");
	GEOM_BAD(sb->s_log_block_size > 2, "block size above 4 KiB");
	bs = 1024u << sb->s_log_block_size;
	GEOM_BAD(bs < fs->dev->block_size, "block smaller than the device's");
	GEOM_BAD(sb->s_first_data_block != (bs == 1024),
		 "first data block");
	GEOM_BAD(!sb->s_blocks_per_group || sb->s_blocks_per_group > 8 * bs ||
		 sb->s_blocks_per_group % 8, "blocks per group");
	GEOM_BAD(!sb->s_inodes_per_group || sb->s_inodes_per_group > 8 * bs,
		 "inodes per group");
	if (sb->s_rev_level)
		isz = sb->s_inode_size;
	GEOM_BAD(isz < 128 || isz > bs || (isz & (isz - 1)), "inode size");
	GEOM_BAD(sb->s_blocks_count <= sb->s_first_data_block + 1,
		 "block count");
	GEOM_BAD((uint64_t)sb->s_blocks_count * bs >
		 fs->dev->capacity << BLK_SECTOR_SHIFT,
		 "larger than the device");
	groups = DIV_ROUND_UP((uint64_t)sb->s_blocks_count -
			      sb->s_first_data_block, sb->s_blocks_per_group);
	GEOM_BAD(groups * sb->s_inodes_per_group != sb->s_inodes_count,
		 "inode count");
	fs->block_size = bs;
	fs->log_block_size = 10 + sb->s_log_block_size;
	fs->groups = (uint32_t)groups;
	fs->gdt_blocks = (uint32_t)DIV_ROUND_UP(groups * 32, bs);
	fs->inode_size = isz;
	fs->inodes_per_block = bs / isz;
	fs->itable_blocks = DIV_ROUND_UP(sb->s_inodes_per_group, bs / isz);
	fs->first_ino = sb->s_rev_level ? sb->s_first_ino :
					  EXT2_GOOD_OLD_FIRST_INO;
	GEOM_BAD(fs->first_ino <= EXT2_ROOT_INO ||
		 fs->first_ino > sb->s_inodes_count, "first inode");
	fs->addr_per_block = bs / 4;
	return 0;
}

static bool ext2_in_group(struct ext2_fs *fs, uint32_t g, uint32_t b,
			  uint32_t n)
{
	uint64_t start = fs->sb.s_first_data_block +
			 (uint64_t)g * fs->sb.s_blocks_per_group;
	uint64_t end = start + fs->sb.s_blocks_per_group;

	if (end > fs->sb.s_blocks_count)
		end = fs->sb.s_blocks_count;
	return b >= start && (uint64_t)b + n <= end;
}

/* Load the descriptor table and check that each group's bitmaps and
 * inode table lie inside the group; re-sum the free counts. */
static int ext2_load_groups(struct ext2_fs *fs)
{
	uint32_t per = fs->block_size / sizeof(struct ext2_group_desc);
	uint32_t g, free_b = 0, free_i = 0;

	fs->gd = kmalloc((size_t)fs->gdt_blocks * fs->block_size, GFP_KERNEL);
	if (!fs->gd)
		return -ENOMEM;
	for (uint32_t i = 0; i < fs->gdt_blocks; i++) {
		struct buffer_head *bh = bread(fs->dev,
				fs->sb.s_first_data_block + 1 + i,
				fs->block_size);

		if (IS_ERR(bh))
			return PTR_ERR(bh);
		memcpy(fs->gd + i * per, bh->data, fs->block_size);
		brelse(bh);
	}
	for (g = 0; g < fs->groups; g++) {
		const struct ext2_group_desc *gd = &fs->gd[g];

		if (!ext2_in_group(fs, g, gd->bg_block_bitmap, 1) ||
		    !ext2_in_group(fs, g, gd->bg_inode_bitmap, 1) ||
		    !ext2_in_group(fs, g, gd->bg_inode_table,
				   fs->itable_blocks) ||
		    gd->bg_free_inodes_count > fs->sb.s_inodes_per_group ||
		    gd->bg_free_blocks_count > fs->sb.s_blocks_per_group) {
			pr_err("ext2 (%s): group %u descriptor is corrupt; not mounting\n",
			       fs->dev->name, g);
			return -EINVAL;
		}
		free_b += gd->bg_free_blocks_count;
		free_i += gd->bg_free_inodes_count;
	}
	fs->sb.s_free_blocks_count = free_b;
	fs->sb.s_free_inodes_count = free_i;
	return 0;
}

static int ext2_start_rw(struct ext2_fs *fs)
{
	struct ext2_super *sb = &fs->sb;

	if (sb->s_state & EXT2_ERROR_FS)
		pr_warn("ext2 (%s): file system has errors: run e2fsck\n",
			fs->dev->name);
	else if (!(sb->s_state & EXT2_VALID_FS))
		pr_warn("ext2 (%s): not cleanly unmounted: run e2fsck\n",
			fs->dev->name);
	sb->s_state &= ~EXT2_VALID_FS;
	sb->s_mnt_count++;
	sb->s_mtime = ext2_now();
	return ext2_write_super(fs) ?: sync_dev(fs->dev);
}

struct ext2_fs *ext2_mount(struct blkdev *dev, unsigned int flags)
{
	struct ext2_fs *fs = kzalloc(sizeof(*fs), GFP_KERNEL);
	int err;

	if (!fs)
		return ERR_PTR(-ENOMEM);
	fs->dev = dev;
	INIT_LIST_HEAD(&fs->inodes);
	for (int i = 0; i < EXT2_IHASH; i++)
		INIT_LIST_HEAD(&fs->ihash[i]);
	err = ext2_read_sb(dev, &fs->sb);
	if (!err)
		err = ext2_check_geometry(fs) ?: ext2_check_features(fs, flags);
	if (err)
		goto err_free;
	if (dev->read_only)
		fs->read_only = true;
	fs->max_lblk = EXT2_NDIR_BLOCKS + fs->addr_per_block +
		       (uint64_t)fs->addr_per_block * fs->addr_per_block +
		       (uint64_t)fs->addr_per_block * fs->addr_per_block *
		       fs->addr_per_block;
	err = ext2_load_groups(fs);
	if (!err && !fs->read_only)
		err = ext2_start_rw(fs);
	if (err)
		goto err_cache;
	return fs;
err_cache:
	bcache_invalidate_dev(dev);
	kfree(fs->gd);
err_free:
	kfree(fs);
	return ERR_PTR(err);
}

int ext2_sync(struct ext2_fs *fs)
{
	int err;

	if (fs->read_only)
		return 0;
	fs->sb.s_wtime = ext2_now();
	err = ext2_write_super(fs);
	return err ?: sync_dev(fs->dev);
}

int ext2_umount(struct ext2_fs *fs)
{
	int err;

	if (!list_empty(&fs->inodes)) {
		pr_err("ext2 (%s): unmount with inodes in use\n",
		       fs->dev->name);
		return -EBUSY;
	}
	if (!fs->read_only && !(fs->sb.s_state & EXT2_ERROR_FS))
		fs->sb.s_state |= EXT2_VALID_FS;
	err = ext2_sync(fs);
	bcache_invalidate_dev(fs->dev);
	kfree(fs->gd);
	kfree(fs);
	return err;
}

void ext2_statfs(struct ext2_fs *fs, struct ext2_statfs *sf)
{
	sf->block_size = fs->block_size;
	sf->blocks = fs->sb.s_blocks_count;
	sf->free_blocks = fs->sb.s_free_blocks_count;
	sf->inodes = fs->sb.s_inodes_count;
	sf->free_inodes = fs->sb.s_free_inodes_count;
	sf->read_only = fs->read_only;
}
