// SPDX-License-Identifier: MIT
/*
 * ext2 directories: a list of variable-length entries in whole blocks,
 * each entry's rec_len reaching the next, the last one reaching the end
 * of its block. Adding takes an unused entry or splits one with room to
 * spare, else appends a block; removing merges the entry into the one
 * before it (or, first in its block, marks it unused).
 *
 * Interface: ext2_lookup / ext2_readdir from <pith/ext2.h>; for this
 * folder ext2_dir_find, ext2_dir_add, ext2_dir_remove, ext2_dir_set,
 * ext2_dir_empty, ext2_dir_init, ext2_ftype.
 *
 * Every entry is checked before use (length, alignment, inside its
 * block, inode number in range); a bad one, or a hole in a directory,
 * fails the operation with -EUCLEAN. Modifying a hashed (htree)
 * directory clears its index flag, as its index goes stale.
 *
 * Large directories get an in-memory index (dir_index.c, with
 * LIBEXT2_DIR_INDEX): find, remove and set walk only the block that
 * holds the name, add only the first block with room; every add and
 * remove here tells the index (ext2_dix_added / ext2_dix_removed).
 */
#include <pith/string.h>
#include "ext2_fs.h"

unsigned int ext2_ftype(unsigned int mode)
{
	switch (mode & EXT2_S_IFMT) {
	case EXT2_S_IFREG: return EXT2_FT_REG_FILE;
	case EXT2_S_IFDIR: return EXT2_FT_DIR;
	case EXT2_S_IFLNK: return EXT2_FT_SYMLINK;
	case EXT2_S_IFCHR: return EXT2_FT_CHRDEV;
	case EXT2_S_IFBLK: return EXT2_FT_BLKDEV;
	case EXT2_S_IFIFO: return EXT2_FT_FIFO;
	case EXT2_S_IFSOCK: return EXT2_FT_SOCK;
	}
	return EXT2_FT_UNKNOWN;
}

bool ext2_dirent_ok(struct ext2_inode *dir, const struct ext2_dirent *de,
			   uint32_t off)
{
	struct ext2_fs *fs = dir->fs;

	if (de->rec_len < 12 || de->rec_len % 4 ||
	    de->rec_len > fs->block_size - off ||
	    de->name_len + 8u > de->rec_len ||
	    de->inode > fs->sb.s_inodes_count ||
	    (de->inode && !de->name_len)) {
		ext2_err(fs, "directory %u: bad entry at %u (inode %u, rec_len %u, name_len %u)",
			 dir->ino, off, de->inode, de->rec_len, de->name_len);
		return false;
	}
	return true;
}

/* Visit every entry from byte 'start' on, up to block end_lblk; the first
 * non-zero visit result ends the walk and is returned; 0 at the end,
 * -EUCLEAN on corruption. */
int ext2_dir_walk(struct ext2_inode *dir, uint64_t start, uint64_t end_lblk,
		  dir_visit_t visit, void *ctx)
{
	struct ext2_fs *fs = dir->fs;
	uint64_t nblocks = MIN(ext2_isize(dir) >> fs->log_block_size,
			       end_lblk);
	struct ext2_dirent *de, *prev;
	struct buffer_head *bh;
	uint32_t b, off;
	int r;

	for (uint64_t lblk = start >> fs->log_block_size; lblk < nblocks;
	     lblk++) {
		r = ext2_bmap(dir, lblk, false, &b);
		if (!r && !b) {
			ext2_err(fs, "directory %u: hole at block %llu",
				 dir->ino, (unsigned long long)lblk);
			r = -EUCLEAN;
		}
		if (r)
			return r;
		bh = bread(fs->dev, b, fs->block_size);
		if (IS_ERR(bh))
			return PTR_ERR(bh);
		fs->dir_blocks_walked++;
		prev = NULL;
		for (off = 0; off < fs->block_size; off += de->rec_len) {
			uint64_t pos = (lblk << fs->log_block_size) + off;

			de = (struct ext2_dirent *)((char *)bh->data + off);
			if (!ext2_dirent_ok(dir, de, off)) {
				brelse(bh);
				return -EUCLEAN;
			}
			r = pos >= start ? visit(dir, bh, de, prev, pos, ctx) : 0;
			if (r) {
				brelse(bh);
				return r;
			}
			prev = de;
		}
		brelse(bh);
	}
	return 0;
}

struct dir_name {
	const char *name;
	size_t len;
	uint32_t ino;
	unsigned int type;
	uint64_t pos;		/* of the entry found, added or removed */
};

static bool ext2_name_is(const struct ext2_dirent *de, const struct dir_name *n)
{
	return de->inode && de->name_len == n->len &&
	       !memcmp(de->name, n->name, n->len);
}

static int visit_find(struct ext2_inode *dir, struct buffer_head *bh,
		      struct ext2_dirent *de, struct ext2_dirent *prev,
		      uint64_t pos, void *ctx)
{
	struct dir_name *n = ctx;

	if (!ext2_name_is(de, n))
		return 0;
	n->ino = de->inode;
	n->pos = pos;
	return 1;
}

/* Run visit on the entry called n->name: 1 done, 0 no such entry,
 * -errno. With an index only the block holding the name is walked (a
 * lookup needs no walk at all); without one, or when the index proves
 * wrong (it is then dropped), every block from the first. */
static int ext2_dir_named(struct ext2_inode *dir, struct dir_name *n,
			  dir_visit_t visit)
{
	struct ext2_fs *fs = dir->fs;
	uint64_t pos;
	uint32_t ino;
	int r = ext2_dix_prepare(dir);

	if (r < 0)
		return r;
	if (r > 0) {
		r = ext2_dix_lookup(dir, n->name, n->len, &ino, &pos);
		if (r > 0 && visit == visit_find) {
			n->ino = ino;
			n->pos = pos;
			return 1;
		}
		if (r > 0) {
			r = ext2_dir_walk(dir, pos & ~(uint64_t)(fs->block_size - 1),
					  (pos >> fs->log_block_size) + 1,
					  visit, n);
			if (r)
				return r;
			ext2_dix_drop(dir);	/* the name was not there */
		} else if (r != -EAGAIN) {
			return r;
		}
	}
	return ext2_dir_walk(dir, 0, UINT64_MAX, visit, n);
}

long ext2_dir_find(struct ext2_inode *dir, const char *name, size_t len)
{
	struct dir_name n = { name, len, 0, 0, 0 };
	int r = ext2_dir_named(dir, &n, visit_find);

	if (r < 0)
		return r;
	return r ? (long)n.ino : -ENOENT;
}

static void ext2_dir_modified(struct ext2_inode *dir, struct buffer_head *bh)
{
	mark_buffer_dirty(bh);
	dir->d.i_flags &= ~EXT2_INDEX_FL;
	ext2_touch(dir, true);
}

static void ext2_fill_dirent(struct ext2_inode *dir, struct ext2_dirent *de,
			     const struct dir_name *n)
{
	de->inode = n->ino;
	de->name_len = (uint8_t)n->len;
	de->file_type = dir->fs->filetype ? (uint8_t)n->type : 0;
	memcpy(de->name, n->name, n->len);
}

static int visit_add(struct ext2_inode *dir, struct buffer_head *bh,
		     struct ext2_dirent *de, struct ext2_dirent *prev,
		     uint64_t pos, void *ctx)
{
	struct dir_name *n = ctx;
	uint32_t need = EXT2_DIRENT_LEN(n->len), used;

	used = de->inode ? EXT2_DIRENT_LEN(de->name_len) : 0;
	if (de->rec_len < used + need)
		return 0;
	if (used) {
		struct ext2_dirent *nde = (void *)((char *)de + used);

		nde->rec_len = (uint16_t)(de->rec_len - used);
		de->rec_len = (uint16_t)used;
		de = nde;
	}
	n->pos = pos + used;
	ext2_fill_dirent(dir, de, n);
	ext2_dir_modified(dir, bh);
	return 1;
}

/* No room in any block: append one holding just this entry. */
static int ext2_dir_append(struct ext2_inode *dir, struct dir_name *n)
{
	struct ext2_fs *fs = dir->fs;
	uint64_t size = ext2_isize(dir);
	struct buffer_head *bh;
	struct ext2_dirent *de;
	uint32_t b;
	int err;

	err = ext2_bmap(dir, size >> fs->log_block_size, true, &b);
	if (err)
		return err;
	bh = bread(fs->dev, b, fs->block_size);
	if (IS_ERR(bh))
		return PTR_ERR(bh);
	de = bh->data;
	de->rec_len = (uint16_t)fs->block_size;
	ext2_fill_dirent(dir, de, n);
	ext2_dir_modified(dir, bh);
	brelse(bh);
	ext2_set_isize(dir, size + fs->block_size);
	n->pos = size;
	return 0;
}

/* The first entry with room, as the linear walk finds it; with an index,
 * straight to the first block that has room (or none: append). */
static int ext2_dir_room(struct ext2_inode *dir, struct dir_name *n)
{
	struct ext2_fs *fs = dir->fs;
	int r = ext2_dix_prepare(dir);
	long lblk;

	if (r < 0)
		return r;
	if (r > 0) {
		lblk = ext2_dix_room(dir, EXT2_DIRENT_LEN(n->len));
		if (lblk < 0)
			return 0;
		r = ext2_dir_walk(dir, (uint64_t)lblk << fs->log_block_size,
				  (uint64_t)lblk + 1, visit_add, n);
		if (r)
			return r;
		ext2_dix_drop(dir);	/* that block had no room */
	}
	return ext2_dir_walk(dir, 0, UINT64_MAX, visit_add, n);
}

int ext2_dir_add(struct ext2_inode *dir, const char *name, size_t len,
		 uint32_t ino, unsigned int mode)
{
	struct dir_name n = { name, len, ino, ext2_ftype(mode), 0 };
	int r = ext2_dir_room(dir, &n);

	if (!r)
		r = ext2_dir_append(dir, &n);
	if (r < 0)
		return r;
	ext2_dix_added(dir, name, len, n.pos);
	return ext2_write_inode(dir);
}

static int visit_remove(struct ext2_inode *dir, struct buffer_head *bh,
			struct ext2_dirent *de, struct ext2_dirent *prev,
			uint64_t pos, void *ctx)
{
	struct dir_name *n = ctx;

	if (!ext2_name_is(de, n))
		return 0;
	n->pos = pos;
	if (prev)
		prev->rec_len = (uint16_t)(prev->rec_len + de->rec_len);
	else
		de->inode = 0;
	ext2_dir_modified(dir, bh);
	return 1;
}

int ext2_dir_remove(struct ext2_inode *dir, const char *name, size_t len)
{
	struct dir_name n = { name, len, 0, 0, 0 };
	int r = ext2_dir_named(dir, &n, visit_remove);

	if (r < 0)
		return r;
	if (!r)
		return -ENOENT;
	ext2_dix_removed(dir, name, len, n.pos);
	return ext2_write_inode(dir);
}

static int visit_set(struct ext2_inode *dir, struct buffer_head *bh,
		     struct ext2_dirent *de, struct ext2_dirent *prev,
		     uint64_t pos, void *ctx)
{
	struct dir_name *n = ctx;

	if (!ext2_name_is(de, n))
		return 0;
	de->inode = n->ino;
	de->file_type = dir->fs->filetype ? (uint8_t)n->type : 0;
	ext2_dir_modified(dir, bh);
	return 1;
}

int ext2_dir_set(struct ext2_inode *dir, const char *name, size_t len,
		 uint32_t ino, unsigned int mode)
{
	struct dir_name n = { name, len, ino, ext2_ftype(mode), 0 };
	int r = ext2_dir_named(dir, &n, visit_set);

	if (r < 0)
		return r;
	return r ? ext2_write_inode(dir) : -ENOENT;
}

static int visit_empty(struct ext2_inode *dir, struct buffer_head *bh,
		       struct ext2_dirent *de, struct ext2_dirent *prev,
		       uint64_t pos, void *ctx)
{
	if (!de->inode)
		return 0;
	if (de->name[0] == '.' &&
	    (de->name_len == 1 || (de->name_len == 2 && de->name[1] == '.')))
		return 0;
	return 1;
}

int ext2_dir_empty(struct ext2_inode *dir)
{
	int r = ext2_dir_walk(dir, 0, UINT64_MAX, visit_empty, NULL);

	return r < 0 ? r : !r;
}

int ext2_dir_init(struct ext2_inode *dir, uint32_t parent)
{
	struct ext2_fs *fs = dir->fs;
	struct dir_name dot = { ".", 1, dir->ino, EXT2_FT_DIR, 0 };
	struct dir_name dotdot = { "..", 2, parent, EXT2_FT_DIR, 0 };
	struct buffer_head *bh;
	struct ext2_dirent *de;
	uint32_t b;
	int err;

	err = ext2_bmap(dir, 0, true, &b);
	if (err)
		return err;
	bh = bread(fs->dev, b, fs->block_size);
	if (IS_ERR(bh))
		return PTR_ERR(bh);
	de = bh->data;
	de->rec_len = 12;
	ext2_fill_dirent(dir, de, &dot);
	de = (void *)((char *)bh->data + 12);
	de->rec_len = (uint16_t)(fs->block_size - 12);
	ext2_fill_dirent(dir, de, &dotdot);
	mark_buffer_dirty(bh);
	brelse(bh);
	ext2_set_isize(dir, fs->block_size);
	return ext2_write_inode(dir);
}

long ext2_lookup(struct ext2_inode *dir, const char *name, size_t len)
{
	if (!ext2_isdir(dir))
		return -ENOTDIR;
	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if (!len)
		return -ENOENT;
	return ext2_dir_find(dir, name, len);
}

struct readdir_ctx {
	ext2_filldir_t fill;
	void *ctx;
	uint64_t *cookie;
};

static int visit_readdir(struct ext2_inode *dir, struct buffer_head *bh,
			 struct ext2_dirent *de, struct ext2_dirent *prev,
			 uint64_t pos, void *ctx)
{
	struct readdir_ctx *rc = ctx;

	*rc->cookie = pos;
	if (de->inode && rc->fill(rc->ctx, de->name, de->name_len, de->inode,
				  dir->fs->filetype ? de->file_type : 0))
		return 1;
	*rc->cookie = pos + de->rec_len;
	return 0;
}

int ext2_readdir(struct ext2_inode *dir, uint64_t *cookie,
		 ext2_filldir_t fill, void *ctx)
{
	struct readdir_ctx rc = { fill, ctx, cookie };
	int r;

	if (!ext2_isdir(dir))
		return -ENOTDIR;
	r = ext2_dir_walk(dir, *cookie, UINT64_MAX, visit_readdir, &rc);
	if (r < 0)
		return r;
	if (!r)
		*cookie = ext2_isize(dir);
	return 0;
}
