// SPDX-License-Identifier: MIT
/*
 * ext2 inodes: the in-memory handle (reference counted, one per inode
 * number, found through a hash of EXT2_IHASH buckets), its copy of the
 * on-disk inode, the block map (direct, single-, double- and
 * triple-indirect), truncation, and stat.
 *
 * Interface: ext2_iget / ext2_iput / ext2_ino / ext2_stat from
 * <pith/ext2.h>; for this folder ext2_write_inode, ext2_new_inode_mem,
 * ext2_bmap (lookup, or allocate with create), ext2_free_blocks_from,
 * ext2_isize / ext2_set_isize, ext2_fast_symlink, ext2_touch.
 *
 * Every block pointer read from disk is checked (inside the file system,
 * not a group's metadata) before it is followed or freed: a bad one fails
 * the operation with -EUCLEAN.
 */
#include <pith/mm.h>
#include <pith/string.h>
#include "ext2_fs.h"

uint32_t ext2_ino(const struct ext2_inode *ip)
{
	return ip->ino;
}

/* Where inode ino lives: table block and byte offset inside it. */
static void ext2_inode_loc(struct ext2_fs *fs, uint32_t ino, uint32_t *blk,
			   uint32_t *off)
{
	uint32_t g = (ino - 1) / fs->sb.s_inodes_per_group;
	uint32_t idx = (ino - 1) % fs->sb.s_inodes_per_group;

	*blk = fs->gd[g].bg_inode_table + idx / fs->inodes_per_block;
	*off = (idx % fs->inodes_per_block) * fs->inode_size;
}

int ext2_write_inode(struct ext2_inode *ip)
{
	struct ext2_fs *fs = ip->fs;
	struct buffer_head *bh;
	uint32_t blk, off;

	if (fs->read_only)
		return -EROFS;
	ext2_inode_loc(fs, ip->ino, &blk, &off);
	bh = bread(fs->dev, blk, fs->block_size);
	if (IS_ERR(bh))
		return PTR_ERR(bh);
	memcpy((char *)bh->data + off, &ip->d, sizeof(ip->d));
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

static struct list_head *ext2_ibucket(struct ext2_fs *fs, uint32_t ino)
{
	return &fs->ihash[ino % EXT2_IHASH];
}

static struct ext2_inode *ext2_icache_find(struct ext2_fs *fs, uint32_t ino)
{
	struct ext2_inode *ip;

	list_for_each_entry(ip, ext2_ibucket(fs, ino), hnode)
		if (ip->ino == ino)
			return ip;
	return NULL;
}

static bool ext2_mode_ok(uint16_t mode)
{
	switch (mode & EXT2_S_IFMT) {
	case EXT2_S_IFREG: case EXT2_S_IFDIR: case EXT2_S_IFLNK:
	case EXT2_S_IFCHR: case EXT2_S_IFBLK: case EXT2_S_IFIFO:
	case EXT2_S_IFSOCK:
		return true;
	}
	return false;
}

struct ext2_inode *ext2_iget(struct ext2_fs *fs, uint32_t ino)
{
	struct ext2_inode *ip = ext2_icache_find(fs, ino);
	struct buffer_head *bh;
	uint32_t blk, off;

	if (ip) {
		ip->refs++;
		return ip;
	}
	if (!ino || ino > fs->sb.s_inodes_count)
		return ERR_PTR(-EINVAL);
	ext2_inode_loc(fs, ino, &blk, &off);
	bh = bread(fs->dev, blk, fs->block_size);
	if (IS_ERR(bh))
		return ERR_PTR(PTR_ERR(bh));
	ip = kzalloc(sizeof(*ip), GFP_KERNEL);
	if (!ip) {
		brelse(bh);
		return ERR_PTR(-ENOMEM);
	}
	memcpy(&ip->d, (char *)bh->data + off, sizeof(ip->d));
	brelse(bh);
	if (!ip->d.i_links_count || !ext2_mode_ok(ip->d.i_mode)) {
		ext2_err(fs, "inode %u: deleted or bad mode 0%o", ino,
			 ip->d.i_mode);
		kfree(ip);
		return ERR_PTR(-EUCLEAN);
	}
	ip->fs = fs;
	ip->ino = ino;
	ip->refs = 1;
	list_add(&ip->node, &fs->inodes);
	list_add(&ip->hnode, ext2_ibucket(fs, ino));
	return ip;
}

/* A fresh inode: zero on disk (all inode_size bytes) and in memory. */
struct ext2_inode *ext2_new_inode_mem(struct ext2_fs *fs, uint32_t ino,
				      unsigned int mode)
{
	struct ext2_inode *ip = kzalloc(sizeof(*ip), GFP_KERNEL);
	struct buffer_head *bh;
	uint32_t blk, off, now = ext2_now();

	if (!ip)
		return ERR_PTR(-ENOMEM);
	ext2_inode_loc(fs, ino, &blk, &off);
	bh = bread(fs->dev, blk, fs->block_size);
	if (IS_ERR(bh)) {
		kfree(ip);
		return ERR_PTR(PTR_ERR(bh));
	}
	memset((char *)bh->data + off, 0, fs->inode_size);
	mark_buffer_dirty(bh);
	brelse(bh);
	ip->fs = fs;
	ip->ino = ino;
	ip->refs = 1;
	ip->d.i_mode = (uint16_t)mode;
	ip->d.i_atime = ip->d.i_ctime = ip->d.i_mtime = now;
	ip->d.i_generation = now ^ (ino * 2654435761u);
	list_add(&ip->node, &fs->inodes);
	list_add(&ip->hnode, ext2_ibucket(fs, ino));
	return ip;
}

bool ext2_fast_symlink(const struct ext2_inode *ip)
{
	uint32_t acl = ip->d.i_file_acl ? ip->fs->block_size / 512 : 0;

	return ext2_islnk(ip) && ip->d.i_blocks == acl;
}

uint64_t ext2_isize(const struct ext2_inode *ip)
{
	uint64_t size = ip->d.i_size;

	if (ext2_isreg(ip))
		size |= (uint64_t)ip->d.i_size_high << 32;
	return size;
}

void ext2_set_isize(struct ext2_inode *ip, uint64_t size)
{
	struct ext2_fs *fs = ip->fs;

	ip->d.i_size = (uint32_t)size;
	if (ext2_isreg(ip))
		ip->d.i_size_high = (uint32_t)(size >> 32);
	if (size >= (1ull << 31) && fs->sb.s_rev_level &&
	    !(fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE)) {
		fs->sb.s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
		ext2_write_super(fs);
	}
}

void ext2_touch(struct ext2_inode *ip, bool mtime)
{
	ip->d.i_ctime = ext2_now();
	if (mtime)
		ip->d.i_mtime = ip->d.i_ctime;
}

/* The last reference to an inode with no links frees it and its blocks. */
static void ext2_evict(struct ext2_inode *ip)
{
	struct ext2_fs *fs = ip->fs;
	bool dir = ext2_isdir(ip);

	if (ext2_fast_symlink(ip))
		memset(ip->d.i_block, 0, sizeof(ip->d.i_block));
	else if (ext2_free_blocks_from(ip, 0))
		return;		/* corrupt: leave the inode allocated */
	/* A zero dtime means "in use" to e2fsck, and one below the inode
	 * count looks like an orphan-list link: a guest without a wall
	 * clock (1970) uses the last write time of the file system. */
	ip->d.i_dtime = ext2_now();
	if (ip->d.i_dtime < fs->sb.s_inodes_count)
		ip->d.i_dtime = MAX(fs->sb.s_wtime, fs->sb.s_inodes_count);
	ip->d.i_size = ip->d.i_size_high = 0;
	if (ext2_write_inode(ip))
		return;
	ext2_free_inode(fs, ip->ino, dir);
}

void ext2_iput(struct ext2_inode *ip)
{
	if (IS_ERR_OR_NULL(ip))
		return;
	BUG_ON(!ip->refs);
	if (--ip->refs)
		return;
	if (!ip->d.i_links_count && !ip->fs->read_only)
		ext2_evict(ip);
	ext2_dix_drop(ip);
	list_del(&ip->node);
	list_del(&ip->hnode);
	kfree(ip);
}

int ext2_stat(struct ext2_inode *ip, struct ext2_stat *st)
{
	const struct ext2_dinode *d = &ip->d;

	st->ino = ip->ino;
	st->mode = d->i_mode;
	st->nlink = d->i_links_count;
	st->uid = d->i_uid | (uint32_t)d->i_uid_high << 16;
	st->gid = d->i_gid | (uint32_t)d->i_gid_high << 16;
	st->size = ext2_isize(ip);
	st->blocks = d->i_blocks;
	st->atime = d->i_atime;
	st->mtime = d->i_mtime;
	st->ctime = d->i_ctime;
	st->blksize = ip->fs->block_size;
	return 0;
}

int ext2_setattr(struct ext2_inode *ip, unsigned int valid, uint16_t mode,
		 uint32_t atime, uint32_t mtime)
{
	if (ip->fs->read_only)
		return -EROFS;
	if (valid & EXT2_ATTR_MODE)
		ip->d.i_mode = (ip->d.i_mode & EXT2_S_IFMT) | (mode & 07777);
	if (valid & EXT2_ATTR_ATIME)
		ip->d.i_atime = atime;
	if (valid & EXT2_ATTR_MTIME)
		ip->d.i_mtime = mtime;
	ext2_touch(ip, false);
	return ext2_write_inode(ip);
}

/* chown: (uint32_t)-1 keeps a field; both halves of the 32-bit ids. */
int ext2_chown(struct ext2_inode *ip, uint32_t uid, uint32_t gid)
{
	if (ip->fs->read_only)
		return -EROFS;
	if (uid != (uint32_t)-1) {
		ip->d.i_uid = (uint16_t)uid;
		ip->d.i_uid_high = (uint16_t)(uid >> 16);
	}
	if (gid != (uint32_t)-1) {
		ip->d.i_gid = (uint16_t)gid;
		ip->d.i_gid_high = (uint16_t)(gid >> 16);
	}
	ext2_touch(ip, false);
	return ext2_write_inode(ip);
}
