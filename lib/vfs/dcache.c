/* SPDX-License-Identifier: MIT */
/*
 * The dentry cache: every name the VFS has seen, positive (with an inode)
 * or negative (known not to exist). Each directory dentry keeps its
 * children in a red-black tree by name, so a lookup is O(log n) however
 * large the directory, and its positive children in a second tree by
 * creation order, which is the readdir order and position.
 *
 * A child holds a reference on its parent. A dentry is freed when its
 * count reaches zero after it was unhashed (unlinked, evicted); positive
 * hashed dentries stay, so for ramfs and devfs the cache *is* the
 * directory. Unused negative dentries sit on an LRU, capped by
 * CONFIG_LIBVFS_NEG_DENTRIES.
 *
 * Interface: see <pith/vfs.h> (d_instantiate, dget, dput, d_delete,
 * shrink_dcache_sb) and
 * vfs_internal.h (d_alloc, d_lookup, d_move).
 */
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/string.h>
#include "vfs_internal.h"

static LIST_HEAD(neg_lru);
static unsigned long neg_on_lru;

static int name_cmp(const char *a, unsigned int alen, const char *b,
		    unsigned int blen)
{
	int c = memcmp(a, b, MIN(alen, blen));

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

struct name_key {
	const char *name;
	unsigned int len;
};

static int d_name_cmp(const void *key, const struct rb_node *n)
{
	const struct name_key *k = key;
	const struct dentry *d = rb_entry(n, struct dentry, d_node);

	return name_cmp(k->name, k->len, d->d_name, d->d_len);
}

static bool d_name_less(struct rb_node *a, const struct rb_node *b)
{
	const struct dentry *x = rb_entry(a, struct dentry, d_node);
	const struct dentry *y = rb_entry(b, struct dentry, d_node);

	return name_cmp(x->d_name, x->d_len, y->d_name, y->d_len) < 0;
}

static bool d_seq_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct dentry, d_seq_node)->d_seq <
	       rb_entry(b, struct dentry, d_seq_node)->d_seq;
}

static void neg_lru_del(struct dentry *d)
{
	if (d->d_flags & DCACHE_NEG_LRU) {
		list_del_init(&d->d_lru);
		d->d_flags &= ~DCACHE_NEG_LRU;
		neg_on_lru--;
	}
}

struct dentry *dget(struct dentry *d)
{
	if (d) {
		d->d_count++;
		neg_lru_del(d);
	}
	return d;
}

static int d_set_name(struct dentry *d, const char *name, unsigned int len)
{
	char *p = d->d_iname;

	if (len >= DNAME_INLINE_LEN) {
		p = kmalloc(len + 1, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
	}
	memcpy(p, name, len);
	p[len] = 0;
	if (d->d_name && d->d_name != d->d_iname)
		kfree(d->d_name);
	d->d_name = p;
	d->d_len = len;
	return 0;
}

static struct dentry *d_new(struct super_block *sb, const char *name,
			    unsigned int len)
{
	struct dentry *d = kzalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return NULL;
	if (d_set_name(d, name, len)) {
		kfree(d);
		return NULL;
	}
	d->d_count = 1;
	d->d_sb = sb;
	d->d_parent = d;
	d->d_children = RB_ROOT;
	d->d_order = RB_ROOT;
	d->d_next_seq = 2;	/* 0 and 1 are "." and ".." */
	d->d_flags = DCACHE_UNHASHED;
	RB_CLEAR_NODE(&d->d_node);
	RB_CLEAR_NODE(&d->d_seq_node);
	INIT_LIST_HEAD(&d->d_lru);
	vfs_stats.dentries++;
	vfs_stats.negative++;
	return d;
}

static void d_hash_in(struct dentry *parent, struct dentry *d)
{
	rb_add(&d->d_node, &parent->d_children, d_name_less);
	d->d_flags &= ~DCACHE_UNHASHED;
	if (d->d_inode) {
		d->d_seq = parent->d_next_seq++;
		rb_add(&d->d_seq_node, &parent->d_order, d_seq_less);
	}
}

static void d_unhash(struct dentry *d)
{
	if (d->d_flags & DCACHE_UNHASHED)
		return;
	rb_erase(&d->d_node, &d->d_parent->d_children);
	RB_CLEAR_NODE(&d->d_node);
	if (!RB_EMPTY_NODE(&d->d_seq_node)) {
		rb_erase(&d->d_seq_node, &d->d_parent->d_order);
		RB_CLEAR_NODE(&d->d_seq_node);
	}
	d->d_flags |= DCACHE_UNHASHED;
	neg_lru_del(d);
}

static void neg_lru_trim(void)
{
	while (neg_on_lru > CONFIG_LIBVFS_NEG_DENTRIES) {
		struct dentry *d = list_first_entry(&neg_lru, struct dentry,
						    d_lru);

		d_unhash(d);		/* off the LRU too */
		d->d_count = 1;
		dput(d);
	}
}

/* A new negative child of parent, hashed, with one reference. */
struct dentry *d_alloc(struct dentry *parent, const char *name,
		       unsigned int len)
{
	struct dentry *d = d_new(parent->d_sb, name, len);

	if (!d)
		return NULL;
	d->d_parent = dget(parent);
	d_hash_in(parent, d);
	return d;
}

struct dentry *d_lookup(struct dentry *parent, const char *name,
			unsigned int len)
{
	struct name_key k = { name, len };
	struct rb_node *n = rb_find(&k, &parent->d_children, d_name_cmp);

	return n ? dget(rb_entry(n, struct dentry, d_node)) : NULL;
}

struct dentry *d_alloc_root(struct super_block *sb, struct inode *inode)
{
	struct dentry *d = d_new(sb, "/", 1);

	if (!d)
		return NULL;
	d->d_flags &= ~DCACHE_UNHASHED;	/* a root is never freed by dput */
	d_instantiate(d, inode);
	return d;
}

void d_instantiate(struct dentry *d, struct inode *inode)
{
	d->d_inode = inode;
	vfs_stats.negative--;
	neg_lru_del(d);
	if (d->d_parent != d && !(d->d_flags & DCACHE_UNHASHED)) {
		d->d_seq = d->d_parent->d_next_seq++;
		rb_add(&d->d_seq_node, &d->d_parent->d_order, d_seq_less);
	}
}

static void d_free(struct dentry *d)
{
	struct dentry *parent = d->d_parent;

	if (d->d_inode)
		iput(d->d_inode);
	else
		vfs_stats.negative--;
	if (d->d_name != d->d_iname)
		kfree(d->d_name);
	vfs_stats.dentries--;
	kfree(d);
	if (parent != d)
		dput(parent);
}

void dput(struct dentry *d)
{
	if (!d)
		return;
	if (d->d_count <= 0) {
		pr_err("vfs: dput of unused dentry '%s'\n", d->d_name);
		return;
	}
	if (--d->d_count)
		return;
	if (d->d_flags & DCACHE_UNHASHED) {
		d_free(d);
	} else if (!d->d_inode && d->d_parent != d) {
		list_add_tail(&d->d_lru, &neg_lru);
		d->d_flags |= DCACHE_NEG_LRU;
		neg_on_lru++;
		neg_lru_trim();
	}
}

/*
 * The name is gone. The dentry leaves its parent's trees, keeping its
 * inode while open files or a cwd hold it; the last dput frees both.
 */
void d_delete(struct dentry *d)
{
	d_unhash(d);
}

bool d_empty_dir(struct dentry *dir)
{
	return RB_EMPTY_ROOT(&dir->d_order);
}

/* Move d to target's parent and name; target is unhashed (the caller
 * has dealt with its inode). 0 or -ENOMEM (nothing moved). */
int d_move(struct dentry *d, struct dentry *target)
{
	struct dentry *np = target->d_parent;
	struct dentry *op = d->d_parent;

	d_unhash(d);
	/* NOTE: renaming while unhashed: the trees never see a stale key. */
	if (d_set_name(d, target->d_name, target->d_len)) {
		d_hash_in(op, d);
		return -ENOMEM;
	}
	d_unhash(target);
	d->d_parent = dget(np);
	d_hash_in(np, d);
	dput(op);
	return 0;
}

bool d_is_ancestor(struct dentry *anc, struct dentry *d)
{
	for (;;) {
		if (d == anc)
			return true;
		if (d->d_parent == d)
			return false;
		d = d->d_parent;
	}
}

unsigned int dt_type(umode_t mode)
{
	return (mode & S_IFMT) >> 12;
}

#define SHRINK_MAX_DEPTH	256

/* Free the unused dentries below dir, deepest first. A child's count is
 * its users plus its own children, so it is free to go once its subtree
 * is gone and the count is zero. */
static void shrink_children(struct dentry *dir, int depth)
{
	struct rb_node *n = rb_first(&dir->d_children), *next;
	struct dentry *d;

	if (depth > SHRINK_MAX_DEPTH)
		return;
	for (; n; n = next) {
		next = rb_next(n);
		d = rb_entry(n, struct dentry, d_node);
		if (d->d_flags & DCACHE_MOUNTED)
			continue;
		shrink_children(d, depth + 1);
		if (d->d_count)
			continue;
		d_unhash(d);
		d_free(d);
	}
}

void shrink_dcache_sb(struct super_block *sb)
{
	struct dentry *root = sb->s_root;

	if (!root)
		return;
	shrink_children(root, 0);
	if (root->d_count == 1 && RB_EMPTY_ROOT(&root->d_children)) {
		root->d_flags |= DCACHE_UNHASHED;
		sb->s_root = NULL;
		dput(root);
	}
}
