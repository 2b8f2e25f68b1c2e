// SPDX-License-Identifier: MIT
/*
 * ext2_rename: move a name, possibly between directories, possibly over
 * an existing name (a file over a file, a directory over an empty
 * directory), keeping link counts and a moved directory's ".." right.
 *
 * Interface: ext2_rename from <pith/ext2.h>.
 */
#include "ext2_fs.h"

#define EXT2_LINK_MAX	32000
#define EXT2_MAX_DEPTH	4096	/* ".." steps before we call it a loop */

/* Is dir 'src' the directory 'dir' or one of its ancestors? */
static int ext2_is_ancestor(struct ext2_inode *src, struct ext2_inode *dir)
{
	uint32_t cur = dir->ino;

	for (int i = 0; i < EXT2_MAX_DEPTH; i++) {
		struct ext2_inode *ip;
		long up;

		if (cur == src->ino)
			return 1;
		if (cur == EXT2_ROOT_INO)
			return 0;
		ip = ext2_iget(dir->fs, cur);
		if (IS_ERR(ip))
			return PTR_ERR(ip);
		up = ext2_isdir(ip) ? ext2_dir_find(ip, "..", 2) : -EUCLEAN;
		ext2_iput(ip);
		if (up < 0)
			return (int)up;
		cur = (uint32_t)up;
	}
	ext2_err(dir->fs, "directory %u: \"..\" chain loops", dir->ino);
	return -EUCLEAN;
}

static int ext2_rename_check(struct ext2_inode *odir, struct ext2_inode *ndir,
			     struct ext2_inode *src, struct ext2_inode *tgt)
{
	int r;

	/* Linux's order: a directory moved below itself (-EINVAL), then a
	 * target directory above the source (-ENOTEMPTY), then types. */
	if (ext2_isdir(src) && odir != ndir) {
		r = ext2_is_ancestor(src, ndir);
		if (r)
			return r > 0 ? -EINVAL : r;
	}
	if (tgt && ext2_isdir(tgt)) {
		r = ext2_is_ancestor(tgt, odir);
		if (r)
			return r > 0 ? -ENOTEMPTY : r;
	}
	if (!ext2_isdir(src))
		return tgt && ext2_isdir(tgt) ? -EISDIR : 0;
	if (tgt && !ext2_isdir(tgt))
		return -ENOTDIR;
	if (tgt) {
		r = ext2_dir_empty(tgt);
		if (r <= 0)
			return r ? r : -ENOTEMPTY;
	}
	if (odir != ndir && !tgt && ndir->d.i_links_count >= EXT2_LINK_MAX)
		return -EMLINK;
	return 0;
}

static int ext2_rename_do(struct ext2_inode *odir, const char *oname,
			  size_t olen, struct ext2_inode *ndir,
			  const char *nname, size_t nlen,
			  struct ext2_inode *src, struct ext2_inode *tgt)
{
	bool dir = ext2_isdir(src);
	int err;

	if (tgt)
		err = ext2_dir_set(ndir, nname, nlen, src->ino, src->d.i_mode);
	else
		err = ext2_dir_add(ndir, nname, nlen, src->ino, src->d.i_mode);
	if (!err)
		err = ext2_dir_remove(odir, oname, olen);
	if (err)
		return err;
	if (tgt) {
		tgt->d.i_links_count = dir ? 0 : tgt->d.i_links_count - 1;
		if (dir)
			ndir->d.i_links_count--;
		ext2_touch(tgt, false);
		ext2_write_inode(tgt);
	}
	if (dir && odir != ndir) {
		err = ext2_dir_set(src, "..", 2, ndir->ino, EXT2_S_IFDIR);
		odir->d.i_links_count--;
		ndir->d.i_links_count++;
	}
	ext2_touch(src, false);
	ext2_write_inode(src);
	ext2_write_inode(odir);
	ext2_write_inode(ndir);
	return err;
}

int ext2_rename(struct ext2_inode *odir, const char *oname, size_t olen,
		struct ext2_inode *ndir, const char *nname, size_t nlen)
{
	struct ext2_inode *src, *tgt = NULL;
	long ino;
	int err;

	if (odir->fs->read_only)
		return -EROFS;
	if (!ext2_isdir(ndir))
		return -ENOTDIR;
	if ((olen && oname[0] == '.' && (olen == 1 || (olen == 2 && oname[1] == '.'))) ||
	    (nlen && nname[0] == '.' && (nlen == 1 || (nlen == 2 && nname[1] == '.'))))
		return -EINVAL;
	if (nlen > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if (!nlen || !ndir->d.i_links_count)
		return -ENOENT;
	ino = ext2_lookup(odir, oname, olen);
	if (ino < 0)
		return (int)ino;
	src = ext2_iget(odir->fs, (uint32_t)ino);
	if (IS_ERR(src))
		return PTR_ERR(src);
	ino = ext2_dir_find(ndir, nname, nlen);
	if (ino >= 0)
		tgt = ext2_iget(odir->fs, (uint32_t)ino);
	else if (ino != -ENOENT)
		tgt = ERR_PTR(ino);
	err = IS_ERR(tgt) ? PTR_ERR(tgt) : 0;
	if (!err && tgt != src)
		err = ext2_rename_check(odir, ndir, src, tgt);
	if (!err && tgt != src)
		err = ext2_rename_do(odir, oname, olen, ndir, nname, nlen, src,
				     tgt);
	if (!IS_ERR(tgt))
		ext2_iput(tgt);
	ext2_iput(src);
	return err;
}
