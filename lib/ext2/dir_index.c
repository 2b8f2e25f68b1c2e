// SPDX-License-Identifier: MIT
/*
 * In-memory directory index (LIBEXT2_DIR_INDEX): makes name lookup,
 * finding room for a new entry and removal in a large directory cost a
 * few steps instead of a scan of every block. The on-disk format is
 * untouched (no htree): the index is built by one linear scan the first
 * time a directory of more than EXT2_DIX_MIN_BLOCKS blocks is searched,
 * kept exact by dir.c on every add and remove, and dropped when the
 * inode goes, when its blocks are freed, on any inconsistency and on
 * low memory; the linear walk in dir.c stays the reference and the
 * fallback.
 *
 * Shape, per directory inode (struct ext2_dix):
 *   - an open-addressing hash table (linear probing, backward-shift
 *     delete) of (32-bit name hash, byte position of the entry); a
 *     candidate is confirmed by comparing the name in the block, so a
 *     hash collision costs one more probe, never a wrong answer;
 *   - per directory block its disk block number and its largest usable
 *     gap (rec_len minus the space the entry needs, or all of an unused
 *     entry), in a max-tree over the blocks, so the first block with
 *     room (the one the linear walk would pick) is found in log2(blocks)
 *     steps and the resulting layout is the linear path's, byte for byte.
 * Entries never move inside a directory (adding splits an entry or
 * reuses an unused one, removing merges into the one before), so a
 * position stays valid until its entry is removed.
 *
 * Memory: every index counts its bytes; all together stay under
 * CONFIG_LIBEXT2_DIR_INDEX_MAX_KB (a directory that would pass it is
 * searched linearly). lib/mm's low-memory hook asks for all indexes to
 * be dropped; as the hook may run inside an ext2 call (from a kmalloc),
 * it only sets a flag and the next directory operation frees them.
 *
 * Locking: none of its own. Every lib/ext2 call runs under the one
 * mutex the VFS glue holds for all mounted ext2 file systems (lib/blk's
 * cache mutex; see README.md, Context), which covers each index, the
 * byte count of all of them and the list of indexed inodes. The
 * low-memory hook touches none of these: it only sets a flag.
 *
 * Interface (ext2_fs.h): ext2_dix_prepare, ext2_dix_lookup,
 * ext2_dix_room, ext2_dix_added, ext2_dix_removed, ext2_dix_drop,
 * ext2_dix_check (tests), ext2_dix_bytes.
 */
#include <pith/mm.h>
#include <pith/string.h>
#include "ext2_fs.h"

#ifndef CONFIG_LIBEXT2_DIR_INDEX_MAX_KB
#define CONFIG_LIBEXT2_DIR_INDEX_MAX_KB 4096
#endif

struct dix_slot {
	uint32_t hash;
	uint32_t pos1;		/* byte position + 1; 0: empty slot */
};

struct ext2_dix {
	struct list_head node;		/* dix_all */
	struct ext2_inode *dir;
	struct dix_slot *slots;
	uint32_t nslots, nused;		/* nslots: a power of two */
	uint32_t nblocks, tsize;	/* blocks covered; tree leaves (2^k) */
	uint32_t *phys;			/* [tsize] disk block of each */
	uint16_t *tree;			/* [2 * tsize] max gap; leaves at tsize */
	size_t bytes;
};

size_t ext2_dix_cap = (size_t)CONFIG_LIBEXT2_DIR_INDEX_MAX_KB * 1024;
static size_t dix_bytes;		/* all indexes */
static LIST_HEAD(dix_all);
static volatile bool dix_drop_all;	/* set by the low-memory hook */
static bool dix_hooked;

size_t ext2_dix_bytes(void)
{
	return dix_bytes;
}

static uint32_t dix_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

static size_t dix_size(uint32_t nslots, uint32_t tsize)
{
	return sizeof(struct ext2_dix) + nslots * sizeof(struct dix_slot) +
	       tsize * (sizeof(uint32_t) + 2 * sizeof(uint16_t));
}

static void dix_free(struct ext2_dix *x)
{
	dix_bytes -= x->bytes;
	list_del(&x->node);
	kfree(x->slots);
	kfree(x->phys);
	kfree(x->tree);
	kfree(x);
}

void ext2_dix_drop(struct ext2_inode *dir)
{
	if (dir->dix) {
		dix_free(dir->dix);
		dir->dix = NULL;
	}
}

static unsigned long dix_reclaim(struct lowmem_hook *h, unsigned long want,
				 gfp_t gfp)
{
	dix_drop_all = true;
	return 0;		/* freed at the next directory operation */
}

static struct lowmem_hook dix_hook = {
	.name = "ext2-dir-index",
	.reclaim = dix_reclaim,
	.flags = LOWMEM_HOOK_ATOMIC,
};

static void dix_drop_requested(void)
{
	struct ext2_dix *x, *next;

	if (!dix_drop_all)
		return;
	dix_drop_all = false;
	list_for_each_entry_safe(x, next, &dix_all, node) {
		x->dir->dix = NULL;
		x->dir->dix_skip = 0;
		dix_free(x);
	}
}

/* Would x at 'new' bytes keep all indexes under the cap? */
static bool dix_fits(struct ext2_dix *x, size_t new)
{
	return dix_bytes - x->bytes + new <= ext2_dix_cap;
}

static void dix_charge(struct ext2_dix *x, size_t new)
{
	dix_bytes = dix_bytes - x->bytes + new;
	x->bytes = new;
}

static void dix_tree_fix(struct ext2_dix *x, uint32_t lblk)
{
	for (uint32_t i = (x->tsize + lblk) / 2; i; i /= 2)
		x->tree[i] = MAX(x->tree[2 * i], x->tree[2 * i + 1]);
}

/* Room for 'blocks' blocks: tree and block array to the next 2^k. */
static int dix_grow_blocks(struct ext2_dix *x, uint32_t blocks)
{
	uint32_t tsize = x->tsize ? x->tsize : 8;
	uint32_t *phys;
	uint16_t *tree;

	while (tsize < blocks)
		tsize *= 2;
	if (tsize == x->tsize)
		return 0;
	if (!dix_fits(x, dix_size(x->nslots, tsize)))
		return -ENOSPC;
	phys = kzalloc(tsize * sizeof(*phys), GFP_KERNEL);
	tree = kzalloc(2 * tsize * sizeof(*tree), GFP_KERNEL);
	if (!phys || !tree) {
		kfree(phys);
		kfree(tree);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < x->nblocks; i++) {
		phys[i] = x->phys[i];
		tree[tsize + i] = x->tree[x->tsize + i];
	}
	kfree(x->phys);
	kfree(x->tree);
	x->phys = phys;
	x->tree = tree;
	x->tsize = tsize;
	dix_charge(x, dix_size(x->nslots, tsize));
	for (uint32_t i = tsize - 1; i; i--)
		x->tree[i] = MAX(x->tree[2 * i], x->tree[2 * i + 1]);
	return 0;
}

static void dix_put(struct dix_slot *slots, uint32_t nslots, uint32_t hash,
		    uint32_t pos1)
{
	uint32_t i = hash & (nslots - 1);

	while (slots[i].pos1)
		i = (i + 1) & (nslots - 1);
	slots[i].hash = hash;
	slots[i].pos1 = pos1;
}

static int dix_insert(struct ext2_dix *x, uint32_t hash, uint32_t pos)
{
	if ((x->nused + 1) * 4 > x->nslots * 3) {
		uint32_t n = x->nslots ? x->nslots * 2 : 64;
		struct dix_slot *s;

		if (!dix_fits(x, dix_size(n, x->tsize)))
			return -ENOSPC;
		s = kzalloc(n * sizeof(*s), GFP_KERNEL);
		if (!s)
			return -ENOMEM;
		for (uint32_t i = 0; i < x->nslots; i++)
			if (x->slots[i].pos1)
				dix_put(s, n, x->slots[i].hash,
					x->slots[i].pos1);
		kfree(x->slots);
		x->slots = s;
		x->nslots = n;
		dix_charge(x, dix_size(n, x->tsize));
	}
	dix_put(x->slots, x->nslots, hash, pos + 1);
	x->nused++;
	return 0;
}

/* Remove the slot of (hash, pos); false when it is not there. */
static bool dix_delete(struct ext2_dix *x, uint32_t hash, uint32_t pos)
{
	uint32_t mask = x->nslots - 1, i = hash & mask, j;

	for (; x->slots[i].pos1; i = (i + 1) & mask)
		if (x->slots[i].pos1 == pos + 1 && x->slots[i].hash == hash)
			break;
	if (!x->slots[i].pos1)
		return false;
	/* Backward shift: pull later members of the run into the hole. */
	for (j = (i + 1) & mask; x->slots[j].pos1; j = (j + 1) & mask) {
		uint32_t home = x->slots[j].hash & mask;

		/* Movable when its home is not inside (i, j]. */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			x->slots[i] = x->slots[j];
			i = j;
		}
	}
	x->slots[i].pos1 = 0;
	x->nused--;
	return true;
}

struct dix_build {
	struct ext2_dix *x;
	int err;
};

static uint16_t dix_gap(const struct ext2_dirent *de)
{
	uint32_t used = de->inode ? EXT2_DIRENT_LEN(de->name_len) : 0;

	return (uint16_t)(de->rec_len - used);
}

static int visit_build(struct ext2_inode *dir, struct buffer_head *bh,
		       struct ext2_dirent *de, struct ext2_dirent *prev,
		       uint64_t pos, void *ctx)
{
	struct dix_build *b = ctx;
	struct ext2_dix *x = b->x;
	uint32_t lblk = (uint32_t)(pos >> dir->fs->log_block_size);
	int err;

	if (lblk >= x->nblocks) {
		err = dix_grow_blocks(x, lblk + 1);
		if (err) {
			b->err = err;
			return 1;
		}
		x->nblocks = lblk + 1;
		x->phys[lblk] = (uint32_t)bh->block;
		x->tree[x->tsize + lblk] = 0;
	}
	x->tree[x->tsize + lblk] = MAX(x->tree[x->tsize + lblk], dix_gap(de));
	if (de->inode) {
		err = dix_insert(x, dix_hash(de->name, de->name_len),
				 (uint32_t)pos);
		if (err) {
			b->err = err;
			return 1;
		}
	}
	return 0;
}

/* A fresh index of dir by one linear walk: the index, NULL when memory
 * (or the cap) says no, an error pointer on corruption. */
static struct ext2_dix *dix_build(struct ext2_inode *dir)
{
	struct ext2_dix *x = kzalloc(sizeof(*x), GFP_KERNEL);
	struct dix_build b = { x, 0 };
	uint64_t nblocks = ext2_isize(dir) >> dir->fs->log_block_size;
	int r;

	if (!x)
		return NULL;
	INIT_LIST_HEAD(&x->node);
	list_add(&x->node, &dix_all);
	x->dir = dir;
	dix_charge(x, dix_size(0, 0));
	if (dix_grow_blocks(x, (uint32_t)nblocks)) {
		dix_free(x);
		return NULL;
	}
	r = ext2_dir_walk(dir, 0, UINT64_MAX, visit_build, &b);
	if (r < 0 || b.err || x->nblocks != nblocks) {
		dix_free(x);
		return r < 0 ? ERR_PTR(r) : NULL;
	}
	for (uint32_t i = x->tsize - 1; i; i--)
		x->tree[i] = MAX(x->tree[2 * i], x->tree[2 * i + 1]);
	return x;
}

int ext2_dix_prepare(struct ext2_inode *dir)
{
	struct ext2_fs *fs = dir->fs;
	uint64_t nblocks = ext2_isize(dir) >> fs->log_block_size;
	struct ext2_dix *x;

	dix_drop_requested();
	if (dir->dix)
		return 1;
	/* Positions are 32-bit; directory sizes are too (i_size). */
	if (nblocks <= EXT2_DIX_MIN_BLOCKS || nblocks == dir->dix_skip ||
	    ext2_isize(dir) >= UINT32_MAX)
		return 0;
	if (!dix_hooked) {
		register_lowmem_hook(&dix_hook);
		dix_hooked = true;
	}
	x = dix_build(dir);
	if (IS_ERR(x))
		return PTR_ERR(x);
	if (!x) {
		dir->dix_skip = (uint32_t)nblocks;	/* not again at this size */
		return 0;
	}
	fs->dix_builds++;
	dir->dix = x;
	return 1;
}

/* Does the entry at byte 'pos' hold name? Its inode number in *ino. */
static int dix_match(struct ext2_inode *dir, uint32_t pos, const char *name,
		     size_t len, uint32_t *ino)
{
	struct ext2_fs *fs = dir->fs;
	struct ext2_dix *x = dir->dix;
	uint32_t lblk = pos >> fs->log_block_size;
	uint32_t off = pos & (fs->block_size - 1);
	struct buffer_head *bh;
	struct ext2_dirent *de;
	int r = 0;

	if (lblk >= x->nblocks || off > fs->block_size - 12)
		return -EAGAIN;
	bh = bread(fs->dev, x->phys[lblk], fs->block_size);
	if (IS_ERR(bh))
		return PTR_ERR(bh);
	fs->dix_probes++;
	de = (struct ext2_dirent *)((char *)bh->data + off);
	if (!de->inode || !ext2_dirent_ok(dir, de, off))
		r = -EAGAIN;		/* an index slot with no entry */
	else if (de->name_len == len && !memcmp(de->name, name, len)) {
		*ino = de->inode;
		r = 1;
	}
	brelse(bh);
	return r;
}

int ext2_dix_lookup(struct ext2_inode *dir, const char *name, size_t len,
		    uint32_t *ino, uint64_t *pos)
{
	struct ext2_dix *x = dir->dix;
	uint32_t hash = dix_hash(name, len), mask = x->nslots - 1;

	for (uint32_t i = hash & mask; x->slots[i].pos1; i = (i + 1) & mask) {
		int r;

		if (x->slots[i].hash != hash)
			continue;
		r = dix_match(dir, x->slots[i].pos1 - 1, name, len, ino);
		if (r) {
			if (r > 0)
				*pos = x->slots[i].pos1 - 1;
			else
				ext2_dix_drop(dir);
			return r;
		}
	}
	dir->fs->dix_hits++;
	return 0;
}

long ext2_dix_room(struct ext2_inode *dir, uint32_t need)
{
	struct ext2_dix *x = dir->dix;
	uint32_t i = 1;

	if (x->tree[1] < need)
		return -ENOSPC;
	while (i < x->tsize)
		i = x->tree[2 * i] >= need ? 2 * i : 2 * i + 1;
	return i - x->tsize;
}

struct dix_gap_ctx {
	uint16_t gap;
};

static int visit_gap(struct ext2_inode *dir, struct buffer_head *bh,
		     struct ext2_dirent *de, struct ext2_dirent *prev,
		     uint64_t pos, void *ctx)
{
	struct dix_gap_ctx *g = ctx;

	g->gap = MAX(g->gap, dix_gap(de));
	return 0;
}

/* Block lblk changed: its largest gap again (and its disk block when it
 * is new). Any failure drops the index. */
static void dix_block_changed(struct ext2_inode *dir, uint32_t lblk)
{
	struct ext2_fs *fs = dir->fs;
	struct ext2_dix *x = dir->dix;
	struct dix_gap_ctx g = { 0 };
	uint32_t b;

	if (lblk > x->nblocks)
		goto drop;
	if (lblk == x->nblocks) {
		if (dix_grow_blocks(x, lblk + 1) ||
		    ext2_bmap(dir, lblk, false, &b) || !b)
			goto drop;
		x->phys[lblk] = b;
		x->nblocks++;
	}
	if (ext2_dir_walk(dir, (uint64_t)lblk << fs->log_block_size, lblk + 1,
			  visit_gap, &g) < 0)
		goto drop;
	x->tree[x->tsize + lblk] = g.gap;
	dix_tree_fix(x, lblk);
	return;
drop:
	ext2_dix_drop(dir);
}

void ext2_dix_added(struct ext2_inode *dir, const char *name, size_t len,
		    uint64_t pos)
{
	if (!dir->dix)
		return;
	dix_block_changed(dir, (uint32_t)(pos >> dir->fs->log_block_size));
	if (dir->dix && dix_insert(dir->dix, dix_hash(name, len),
				   (uint32_t)pos))
		ext2_dix_drop(dir);
}

void ext2_dix_removed(struct ext2_inode *dir, const char *name, size_t len,
		      uint64_t pos)
{
	if (!dir->dix)
		return;
	if (!dix_delete(dir->dix, dix_hash(name, len), (uint32_t)pos)) {
		ext2_dix_drop(dir);
		return;
	}
	dix_block_changed(dir, (uint32_t)(pos >> dir->fs->log_block_size));
}

/* Tests: does the index say what a fresh linear build says? 0 yes,
 * -ENXIO no index, -EINVAL a difference. */
int ext2_dix_check(struct ext2_inode *dir)
{
	struct ext2_dix *x = dir->dix, *y;
	int bad = 0;

	if (!x)
		return -ENXIO;
	y = dix_build(dir);
	if (IS_ERR_OR_NULL(y))
		return y ? PTR_ERR(y) : -ENOMEM;
	if (x->nused != y->nused || x->nblocks != y->nblocks)
		bad = 1;
	for (uint32_t i = 0; !bad && i < y->nblocks; i++)
		if (x->phys[i] != y->phys[i] ||
		    x->tree[x->tsize + i] != y->tree[y->tsize + i])
			bad = 1;
	for (uint32_t i = 1; !bad && i < x->tsize; i++)
		if (x->tree[i] != MAX(x->tree[2 * i], x->tree[2 * i + 1]))
			bad = 1;
	/* Every entry of the fresh build sits in the index: with equal
	 * counts, the two hold the same (hash, position) pairs. */
	for (uint32_t i = 0; !bad && i < y->nslots; i++) {
		uint32_t mask = x->nslots - 1, h = y->slots[i].hash, j;

		if (!y->slots[i].pos1)
			continue;
		for (j = h & mask; x->slots[j].pos1; j = (j + 1) & mask)
			if (x->slots[j].pos1 == y->slots[i].pos1 &&
			    x->slots[j].hash == h)
				break;
		if (!x->slots[j].pos1)
			bad = 1;
	}
	dix_free(y);
	return bad ? -EINVAL : 0;
}
