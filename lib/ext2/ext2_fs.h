/* SPDX-License-Identifier: MIT */
/*
 * lib/ext2 private header: the on-disk format (little-endian, explicit
 * widths; x86-64 reads it in place) and the in-memory file system and
 * inode, shared by the .c files of this folder only.
 *
 * Layout: byte 1024 holds the superblock; block s_first_data_block + 1
 * starts the group descriptor table; each group has a block bitmap, an
 * inode bitmap and an inode table, and (with sparse_super) a backup of
 * the superblock and descriptors only in groups 0, 1 and powers of 3,
 * 5 and 7. An inode maps its blocks through 12 direct pointers, then one
 * single-, one double- and one triple-indirect block.
 */
#ifndef EXT2_FS_H
#define EXT2_FS_H

#include <pith/compiler.h>
#include <pith/ext2.h>
#include <pith/list.h>
#include <pith/printk.h>

#define EXT2_SUPER_OFFSET	1024
#define EXT2_SUPER_MAGIC	0xEF53
#define EXT2_VALID_FS		0x1	/* s_state: cleanly unmounted */
#define EXT2_ERROR_FS		0x2	/* s_state: errors detected */
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_FIRST_INO	11
#define EXT2_NDIR_BLOCKS	12
#define EXT2_IND_BLOCK		12
#define EXT2_DIND_BLOCK		13
#define EXT2_TIND_BLOCK		14
#define EXT2_N_BLOCKS		15
#define EXT2_FAST_LINK_MAX	60	/* bytes in i_block */
#define EXT2_INDEX_FL		0x1000	/* hashed directory (htree) */

/* Features we implement; anything else is handled in super.c. */
#define EXT2_FEATURE_COMPAT_HAS_JOURNAL		0x0004
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER	0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE	0x0002
#define EXT2_FEATURE_INCOMPAT_FILETYPE		0x0002
#define EXT2_FEATURE_INCOMPAT_RECOVER		0x0004
#define EXT2_FEATURE_INCOMPAT_JOURNAL_DEV	0x0008
#define EXT2_FEATURE_INCOMPAT_EXTENTS		0x0040
#define EXT2_SUPPORTED_INCOMPAT	EXT2_FEATURE_INCOMPAT_FILETYPE
#define EXT2_SUPPORTED_RO_COMPAT (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | \
				  EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

struct ext2_super {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size;
	uint32_t s_log_frag_size;
	uint32_t s_blocks_per_group;
	uint32_t s_frags_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* revision 1 */
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algo_bitmap;
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks;
	uint8_t s_rest[1024 - 208];
} __packed;

struct ext2_group_desc {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_pad;
	uint8_t bg_reserved[12];
} __packed;

/* The first 128 bytes of an on-disk inode (all that ext2 uses). */
struct ext2_dinode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks;		/* 512-byte units */
	uint32_t i_flags;
	uint32_t i_osd1;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl;
	uint32_t i_size_high;		/* i_dir_acl in revision 0 */
	uint32_t i_faddr;
	uint8_t i_frag;
	uint8_t i_fsize;
	uint16_t i_pad1;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint32_t i_reserved2;
};	/* naturally aligned: not packed, so i_block[] slots can be pointed at */

struct ext2_dirent {
	uint32_t inode;
	uint16_t rec_len;
	uint8_t name_len;
	uint8_t file_type;
	char name[];
} __packed;

_Static_assert(sizeof(struct ext2_super) == 1024, "superblock size");
_Static_assert(sizeof(struct ext2_group_desc) == 32, "descriptor size");
_Static_assert(sizeof(struct ext2_dinode) == 128, "inode size");

#define EXT2_DIRENT_LEN(n)	(((n) + 8 + 3) & ~3u)

#define EXT2_IHASH	512	/* buckets of in-memory inodes */

struct ext2_fs {
	struct blkdev *dev;
	struct ext2_super sb;		/* in-memory copy, written on change */
	struct ext2_group_desc *gd;	/* all descriptors */
	uint32_t block_size, log_block_size;	/* bytes, log2 */
	uint32_t groups, gdt_blocks;
	uint32_t inode_size, inodes_per_block, itable_blocks;
	uint32_t first_ino, addr_per_block;
	uint64_t max_lblk;		/* first logical block not mappable */
	bool read_only, filetype;
	struct list_head inodes;	/* in-memory inodes */
	struct list_head ihash[EXT2_IHASH];	/* the same, by number */
	/* Directory search counters (tests and debugging): blocks the
	 * linear walk visited; index builds, probes of an entry through
	 * the index, lookups the index answered "absent" without a block. */
	unsigned long dir_blocks_walked;
	unsigned long dix_builds, dix_probes, dix_hits;
};

struct ext2_dix;

struct ext2_inode {
	struct ext2_fs *fs;
	uint32_t ino;
	unsigned int refs;
	struct list_head node;		/* fs->inodes */
	struct list_head hnode;		/* fs->ihash[] */
	uint32_t goal;			/* next block to try allocating */
	struct ext2_dix *dix;		/* directory index (dir_index.c) */
	uint32_t dix_skip;		/* size in blocks it could not be built */
	struct ext2_dinode d;
};

#define ext2_err(fs, ...)	ext2_report_error(fs, __func__, __VA_ARGS__)
__printf(3, 4) void ext2_report_error(struct ext2_fs *fs, const char *fn,
				      const char *fmt, ...);
uint32_t ext2_now(void);

/* super.c */
int ext2_write_super(struct ext2_fs *fs);
int ext2_write_gd(struct ext2_fs *fs, uint32_t group);
bool ext2_group_has_super(struct ext2_fs *fs, uint32_t group);
bool ext2_is_metadata(struct ext2_fs *fs, uint32_t block);
bool ext2_block_ok(struct ext2_fs *fs, uint32_t block);

/* alloc.c */
int ext2_new_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out);
void ext2_free_block(struct ext2_fs *fs, uint32_t block);
long ext2_new_inode(struct ext2_inode *dir, unsigned int mode);
void ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool is_dir);

/* inode.c */
int ext2_write_inode(struct ext2_inode *ip);
struct ext2_inode *ext2_new_inode_mem(struct ext2_fs *fs, uint32_t ino,
				      unsigned int mode);
int ext2_bmap(struct ext2_inode *ip, uint64_t lblk, bool create,
	      uint32_t *out);
int ext2_free_blocks_from(struct ext2_inode *ip, uint64_t from);
uint64_t ext2_isize(const struct ext2_inode *ip);
void ext2_set_isize(struct ext2_inode *ip, uint64_t size);
bool ext2_fast_symlink(const struct ext2_inode *ip);
void ext2_touch(struct ext2_inode *ip, bool mtime);

/* file.c */
long ext2_write_data(struct ext2_inode *ip, uint64_t off, const void *buf,
		     size_t len);

/* dir.c */
typedef int (*dir_visit_t)(struct ext2_inode *dir, struct buffer_head *bh,
			   struct ext2_dirent *de, struct ext2_dirent *prev,
			   uint64_t pos, void *ctx);
int ext2_dir_walk(struct ext2_inode *dir, uint64_t start, uint64_t end_lblk,
		  dir_visit_t visit, void *ctx);
bool ext2_dirent_ok(struct ext2_inode *dir, const struct ext2_dirent *de,
		    uint32_t off);
long ext2_dir_find(struct ext2_inode *dir, const char *name, size_t len);
int ext2_dir_add(struct ext2_inode *dir, const char *name, size_t len,
		 uint32_t ino, unsigned int mode);
int ext2_dir_remove(struct ext2_inode *dir, const char *name, size_t len);
int ext2_dir_set(struct ext2_inode *dir, const char *name, size_t len,
		 uint32_t ino, unsigned int mode);
int ext2_dir_empty(struct ext2_inode *dir);
int ext2_dir_init(struct ext2_inode *dir, uint32_t parent);
unsigned int ext2_ftype(unsigned int mode);

/* dir_index.c: the in-memory index of a directory of more than
 * EXT2_DIX_MIN_BLOCKS blocks. prepare: 1 indexed, 0 search linearly,
 * -errno (corruption seen while building). lookup: 1 found (*ino, *pos),
 * 0 absent, -EAGAIN index dropped (search linearly), -errno. room: the
 * first block with a gap of 'need' bytes, -ENOSPC none. */
#define EXT2_DIX_MIN_BLOCKS	4
#ifdef CONFIG_LIBEXT2_DIR_INDEX
int ext2_dix_prepare(struct ext2_inode *dir);
int ext2_dix_lookup(struct ext2_inode *dir, const char *name, size_t len,
		    uint32_t *ino, uint64_t *pos);
long ext2_dix_room(struct ext2_inode *dir, uint32_t need);
void ext2_dix_added(struct ext2_inode *dir, const char *name, size_t len,
		    uint64_t pos);
void ext2_dix_removed(struct ext2_inode *dir, const char *name, size_t len,
		      uint64_t pos);
void ext2_dix_drop(struct ext2_inode *dir);
int ext2_dix_check(struct ext2_inode *dir);
size_t ext2_dix_bytes(void);
extern size_t ext2_dix_cap;
#else
static inline int ext2_dix_prepare(struct ext2_inode *dir) { return 0; }
static inline int ext2_dix_lookup(struct ext2_inode *dir, const char *name,
				  size_t len, uint32_t *ino, uint64_t *pos)
{ return -EAGAIN; }
static inline long ext2_dix_room(struct ext2_inode *dir, uint32_t need)
{ return -ENOSPC; }
static inline void ext2_dix_added(struct ext2_inode *dir, const char *name,
				  size_t len, uint64_t pos) {}
static inline void ext2_dix_removed(struct ext2_inode *dir, const char *name,
				    size_t len, uint64_t pos) {}
static inline void ext2_dix_drop(struct ext2_inode *dir) {}
#endif

static inline bool ext2_isdir(const struct ext2_inode *ip)
{
	return (ip->d.i_mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
}

static inline bool ext2_islnk(const struct ext2_inode *ip)
{
	return (ip->d.i_mode & EXT2_S_IFMT) == EXT2_S_IFLNK;
}

static inline bool ext2_isreg(const struct ext2_inode *ip)
{
	return (ip->d.i_mode & EXT2_S_IFMT) == EXT2_S_IFREG;
}

#endif
