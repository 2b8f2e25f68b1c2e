// SPDX-License-Identifier: MIT
/*
 * ext2 on the VFS: inode and file operations. Each one takes the lock,
 * makes one lib/ext2 call (or a few), refreshes the VFS inodes it changed
 * from the ext2 inodes, drops the lock and only then touches the dentry
 * cache. The VFS holds the directory's inode lock around each directory
 * op and the file's around read, write and setattr. A read-only mount (or an image with unknown read-only features)
 * refuses opening for write and every change with -EROFS.
 *
 * Interface: ext2v_{dir,file,symlink,special}_iops, ext2v_file_fops,
 * ext2v_dir_fops (ext2_vfs.h).
 */
#include <pith/mm.h>
#include <pith/string.h>
#include "ext2_vfs.h"

static bool ext2v_ro(struct inode *inode)
{
	struct ext2v_sb *s = EXT2V_SB(inode->i_sb);

	return s->ro || !s->fs;
}

/* A new name made by a lib/ext2 call: give d its inode. */
static int ext2v_instantiate(struct inode *dir, struct dentry *d, long ino)
{
	struct inode *inode;

	if (ino < 0)
		return (int)ino;
	inode = ext2v_iget(dir->i_sb, (uint32_t)ino);
	if (IS_ERR(inode))
		return (int)PTR_ERR(inode);
	d_instantiate(d, inode);
	return 0;
}

static struct dentry *ext2v_lookup(struct inode *dir, struct dentry *d)
{
	struct inode *inode;
	long ino;

	if (!EXT2V_I(dir))
		return ERR_PTR(-EIO);
	ext2v_lock();
	ino = ext2_lookup(EXT2V_I(dir), d->d_name, d->d_len);
	ext2v_unlock();
	if (ino == -ENOENT)
		return NULL;		/* a negative dentry */
	if (ino < 0)
		return ERR_PTR(ino);
	inode = ext2v_iget(dir->i_sb, (uint32_t)ino);
	if (IS_ERR(inode))
		return (struct dentry *)inode;
	d_instantiate(d, inode);
	return NULL;
}

static int ext2v_create(struct inode *dir, struct dentry *d, umode_t mode)
{
	long ino = -EROFS;

	ext2v_lock();
	if (!ext2v_ro(dir)) {
		ino = ext2_create(EXT2V_I(dir), d->d_name, d->d_len, mode);
		ext2v_refresh(dir);
	}
	ext2v_unlock();
	return ext2v_instantiate(dir, d, ino);
}

static int ext2v_mkdir(struct inode *dir, struct dentry *d, umode_t mode)
{
	long ino = -EROFS;

	ext2v_lock();
	if (!ext2v_ro(dir)) {
		ino = ext2_mkdir(EXT2V_I(dir), d->d_name, d->d_len, mode);
		ext2v_refresh(dir);
	}
	ext2v_unlock();
	return ext2v_instantiate(dir, d, ino);
}

static int ext2v_symlink(struct inode *dir, struct dentry *d,
			 const char *tgt)
{
	long ino = -EROFS;

	ext2v_lock();
	if (!ext2v_ro(dir)) {
		ino = ext2_symlink(EXT2V_I(dir), d->d_name, d->d_len, tgt,
				   kstrlen(tgt));
		ext2v_refresh(dir);
	}
	ext2v_unlock();
	return ext2v_instantiate(dir, d, ino);
}

static int ext2v_link(struct dentry *old, struct inode *dir, struct dentry *d)
{
	struct inode *inode = old->d_inode;
	int err = -EROFS;

	ext2v_lock();
	if (!ext2v_ro(dir)) {
		err = ext2_link(EXT2V_I(dir), d->d_name, d->d_len,
				EXT2V_I(inode));
		ext2v_refresh(dir);
		ext2v_refresh(inode);
	}
	ext2v_unlock();
	if (!err)
		d_instantiate(d, igrab(inode));
	return err;
}

static int ext2v_remove(struct inode *dir, struct dentry *d, bool is_dir)
{
	int err = -EROFS;

	ext2v_lock();
	if (!ext2v_ro(dir)) {
		err = is_dir ? ext2_rmdir(EXT2V_I(dir), d->d_name, d->d_len) :
			       ext2_unlink(EXT2V_I(dir), d->d_name, d->d_len);
		ext2v_refresh(dir);
		ext2v_refresh(d->d_inode);
	}
	ext2v_unlock();
	return err;
}

static int ext2v_unlink(struct inode *dir, struct dentry *d)
{
	return ext2v_remove(dir, d, false);
}

static int ext2v_rmdir(struct inode *dir, struct dentry *d)
{
	return ext2v_remove(dir, d, true);
}

static int ext2v_rename(struct inode *odir, struct dentry *od,
			struct inode *ndir, struct dentry *nd,
			unsigned int flags)
{
	int err = -EROFS;

	ext2v_lock();
	if (!ext2v_ro(odir)) {
		err = ext2_rename(EXT2V_I(odir), od->d_name, od->d_len,
				  EXT2V_I(ndir), nd->d_name, nd->d_len);
		ext2v_refresh(odir);
		ext2v_refresh(ndir);
		ext2v_refresh(od->d_inode);
		if (nd->d_inode)
			ext2v_refresh(nd->d_inode);
	}
	ext2v_unlock();
	return err;
}

static const char *ext2v_get_link(struct dentry *d)
{
	struct inode *inode = d->d_inode;
	size_t size = (size_t)inode->i_size + 1;
	char *buf;
	long n = -EIO;

	if (inode->i_link)
		return inode->i_link;
	if (size > PATH_MAX_K || !EXT2V_I(inode))
		return NULL;
	buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return NULL;
	ext2v_lock();
	if (inode->i_link) {		/* another walk cached it meanwhile */
		n = 0;
	} else if (EXT2V_I(inode)) {
		n = ext2_readlink(EXT2V_I(inode), buf, size - 1);
		if (n > 0) {
			buf[n] = 0;
			inode->i_link = buf;
		}
	}
	ext2v_unlock();
	if (n <= 0)
		kfree(buf);
	return inode->i_link;
}

static int ext2v_setattr(struct dentry *d, struct iattr *ia)
{
	struct inode *inode = d->d_inode;
	struct ext2_inode *ip = EXT2V_I(inode);
	unsigned int valid = 0;
	int err = -EROFS;

	if (ia->ia_valid & ATTR_MODE)
		valid |= EXT2_ATTR_MODE;
	if (ia->ia_valid & ATTR_ATIME)
		valid |= EXT2_ATTR_ATIME;
	if (ia->ia_valid & ATTR_MTIME)
		valid |= EXT2_ATTR_MTIME;
	ext2v_lock();
	if (!ext2v_ro(inode)) {
		err = 0;
		if (ia->ia_valid & ATTR_SIZE)
			err = ext2_truncate(ip, (uint64_t)ia->ia_size);
		if (!err && valid)
			err = ext2_setattr(ip, valid, (uint16_t)ia->ia_mode,
					   (uint32_t)ia->ia_atime.tv_sec,
					   (uint32_t)ia->ia_mtime.tv_sec);
		if (!err && (ia->ia_valid & (ATTR_UID | ATTR_GID)))
			err = ext2_chown(ip, ia->ia_valid & ATTR_UID ?
					 ia->ia_uid : (uint32_t)-1,
					 ia->ia_valid & ATTR_GID ?
					 ia->ia_gid : (uint32_t)-1);
		ext2v_refresh(inode);
	}
	ext2v_unlock();
	return err;
}

const struct inode_operations ext2v_dir_iops = {
	.lookup = ext2v_lookup,
	.create = ext2v_create,
	.link = ext2v_link,
	.unlink = ext2v_unlink,
	.symlink = ext2v_symlink,
	.mkdir = ext2v_mkdir,
	.rmdir = ext2v_rmdir,
	.rename = ext2v_rename,
	.setattr = ext2v_setattr,
};

const struct inode_operations ext2v_file_iops = {
	.setattr = ext2v_setattr,
};

const struct inode_operations ext2v_symlink_iops = {
	.get_link = ext2v_get_link,
	.setattr = ext2v_setattr,
};

const struct inode_operations ext2v_special_iops = {
	.setattr = ext2v_setattr,
};

/* f->private_data: the file's read-ahead state (made at the first read;
 * without memory, reads go without read-ahead). */
static long ext2v_read(struct file *f, void *buf, size_t len, loff_t *pos)
{
	long n = -EIO;

	ext2v_lock();
	if (!f->private_data)
		f->private_data = kzalloc(sizeof(struct ext2_ra), GFP_KERNEL);
	if (EXT2V_I(f->f_inode))
		n = ext2_read_ra(EXT2V_I(f->f_inode), (uint64_t)*pos, buf, len,
				 f->private_data);
	ext2v_unlock();
	if (n > 0)
		*pos += n;
	return n;
}

static long ext2v_write(struct file *f, const void *buf, size_t len,
			loff_t *pos)
{
	struct inode *inode = f->f_inode;
	long n = -EROFS;

	ext2v_lock();
	if (!ext2v_ro(inode)) {
		n = ext2_write(EXT2V_I(inode), (uint64_t)*pos, buf, len);
		ext2v_refresh(inode);
	}
	ext2v_unlock();
	if (n > 0)
		*pos += n;
	return n;
}

/* fsync and fdatasync: the whole file system, then the device cache. */
static int ext2v_fsync(struct file *f, int datasync)
{
	return vfs_syncfs(f->f_inode->i_sb);
}

static int ext2v_open(struct inode *inode, struct file *f)
{
	if ((f->f_mode & FMODE_WRITE) && ext2v_ro(inode))
		return -EROFS;
	return 0;
}

static int ext2v_release(struct inode *inode, struct file *f)
{
	kfree(f->private_data);
	f->private_data = NULL;
	return 0;
}

const struct file_operations ext2v_file_fops = {
	.read = ext2v_read,
	.release = ext2v_release,
	.write = ext2v_write,
	.llseek = generic_file_llseek,
	.fsync = ext2v_fsync,
	.open = ext2v_open,
	.mmap = generic_file_mmap,
};

struct ext2v_dirctx {
	struct dir_context *ctx;
	uint64_t *cookie;
};

static const unsigned char ext2v_dt[] = {
	[EXT2_FT_UNKNOWN] = DT_UNKNOWN, [EXT2_FT_REG_FILE] = DT_REG,
	[EXT2_FT_DIR] = DT_DIR, [EXT2_FT_CHRDEV] = DT_CHR,
	[EXT2_FT_BLKDEV] = DT_BLK, [EXT2_FT_FIFO] = DT_FIFO,
	[EXT2_FT_SOCK] = DT_SOCK, [EXT2_FT_SYMLINK] = DT_LNK,
};

/* d_off of an entry is its own offset + 1: seeking there resumes right
 * after it (lib/ext2 walks to the next entry boundary). */
static int ext2v_filldir(void *arg, const char *name, size_t len,
			 uint32_t ino, unsigned int type)
{
	struct ext2v_dirctx *c = arg;
	unsigned int dt = type < sizeof(ext2v_dt) ? ext2v_dt[type] :
						    DT_UNKNOWN;

	return !c->ctx->actor(c->ctx, name, (int)len,
			      (loff_t)*c->cookie + 1, ino, dt);
}

static int ext2v_iterate(struct file *f, struct dir_context *ctx)
{
	uint64_t cookie = (uint64_t)ctx->pos;
	struct ext2v_dirctx c = { ctx, &cookie };
	int err = -EIO;

	ext2v_lock();
	if (EXT2V_I(f->f_inode))
		err = ext2_readdir(EXT2V_I(f->f_inode), &cookie,
				   ext2v_filldir, &c);
	ext2v_unlock();
	ctx->pos = (loff_t)cookie;
	return err;
}

const struct file_operations ext2v_dir_fops = {
	.llseek = generic_dir_llseek,
	.iterate = ext2v_iterate,
	.fsync = ext2v_fsync,
};
