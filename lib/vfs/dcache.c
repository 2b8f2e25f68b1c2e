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
 * Locking: dcache_lock, a spinlock (preemption off on this one CPU),
 * guards every tree, flag, count, parent pointer and name of every
 * dentry and the LRU; it is held for a few pointer moves only, never
 * across a file system call, an iput or an allocation. Freeing (iput,
 * the parent's dput) happens after it is dropped: a dentry whose count
 * reached zero while unhashed cannot be found any more. Adding a name
 * to a directory (d_alloc, d_instantiate, d_move) also needs that
 * directory's inode lock, so two threads never create one name twice.
 * A dentry the file system is still looking up (DCACHE_IN_LOOKUP) is a
 * miss for d_lookup_fast(): the slow path waits on the directory lock.
 *
 * Interface: see <pith/vfs.h> (d_instantiate, dget, dput, d_delete,
 * shrink_dcache_sb) and
 * vfs_internal.h (d_alloc, d_lookup, d_lookup_fast, d_lookup_done,
 * d_move, d_parent_get).
 */
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/string.h>
#include "vfs_internal.h"

DEFINE_SPINLOCK(dcache_lock);
static LIST_HEAD(neg_lru);
static unsigned long neg_on_lru;

#ifdef CONFIG_LIBLOCK_DEBUG
#include <pith/sched.h>

/* A name of dir changes: the caller must own dir's inode lock. Reported
 * like lib/lock's findings, so tests that look for those see it. */
static void assert_dir_locked(struct dentry *dir, const char *what)
{
	if (dir->d_inode && mutex_owner(&dir->d_inode->i_mutex) != current)
		pr_err("lock: BUG: vfs: %s in '%s' without the directory's "
		       "inode lock\n", what, dir->d_name);
}
#else
static inline void assert_dir_locked(struct dentry *dir, const char *what)
{
}
#endif

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

/* dcache_lock held. */
static struct dentry *__dget(struct dentry *d)
{
	d->d_count++;
	neg_lru_del(d);
	return d;
}

struct dentry *dget(struct dentry *d)
{
	if (d) {
		spin_lock(&dcache_lock);
		__dget(d);
		spin_unlock(&dcache_lock);
	}
	return d;
}

struct dentry *d_parent_get(struct dentry *d)
{
	struct dentry *p;

	spin_lock(&dcache_lock);
	p = __dget(d->d_parent);
	spin_unlock(&dcache_lock);
	return p;
}

/* Storage for a name of len bytes: d's inline buffer if it fits (and
 * d's current name is not there), else kmalloc'd. NULL: no memory. */
static char *d_name_buf(struct dentry *d, unsigned int len)
{
	if (len < DNAME_INLINE_LEN && d->d_name != d->d_iname)
		return d->d_iname;
	return kmalloc(len + 1, GFP_KERNEL);
}

/* Install name (copied into p from d_name_buf); returns the buffer the
 * old name used, for kfree after the lock, or NULL. */
static char *d_set_name(struct dentry *d, char *p, const char *name,
			unsigned int len)
{
	char *old = d->d_name != d->d_iname ? d->d_name : NULL;

	memcpy(p, name, len);
	p[len] = 0;
	d->d_name = p;
	d->d_len = len;
	return old;
}

static struct dentry *d_new(struct super_block *sb, const char *name,
			    unsigned int len)
{
	struct dentry *d = kzalloc(sizeof(*d), GFP_KERNEL);
	char *p;

	if (!d)
		return NULL;
	p = len < DNAME_INLINE_LEN ? d->d_iname : kmalloc(len + 1, GFP_KERNEL);
	if (!p) {
		kfree(d);
		return NULL;
	}
	d_set_name(d, p, name, len);
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
	spin_lock(&dcache_lock);
	vfs_stats.dentries++;
	vfs_stats.negative++;
	spin_unlock(&dcache_lock);
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

/* dcache_lock held: unhash the oldest unused negative dentries over the
 * cap onto *victims (linked by d_lru) for d_free after the lock. */
static void neg_lru_trim(struct list_head *victims)
{
	while (neg_on_lru > CONFIG_LIBVFS_NEG_DENTRIES) {
		struct dentry *d = list_first_entry(&neg_lru, struct dentry,
						    d_lru);

		d_unhash(d);		/* off the LRU too */
		list_add(&d->d_lru, victims);
	}
}

/* A new negative child of parent, hashed, with one reference; flags
 * are added to d_flags. The caller holds parent's inode lock and knows
 * the name is not cached. */
struct dentry *d_alloc(struct dentry *parent, const char *name,
		       unsigned int len, unsigned int flags)
{
	struct dentry *d;

	assert_dir_locked(parent, "d_alloc");
	d = d_new(parent->d_sb, name, len);
	if (!d)
		return NULL;
	spin_lock(&dcache_lock);
	d->d_parent = __dget(parent);
	d_hash_in(parent, d);
	d->d_flags |= flags;
	spin_unlock(&dcache_lock);
	return d;
}

static struct dentry *__d_lookup(struct dentry *parent, const char *name,
				 unsigned int len, bool fast)
{
	struct name_key k = { name, len };
	struct rb_node *n;
	struct dentry *d = NULL;

	spin_lock(&dcache_lock);
	n = rb_find(&k, &parent->d_children, d_name_cmp);
	if (n) {
		d = rb_entry(n, struct dentry, d_node);
		if (fast && (d->d_flags & DCACHE_IN_LOOKUP))
			d = NULL;
		else
			__dget(d);
	}
	spin_unlock(&dcache_lock);
	return d;
}

/* A cached child, with a reference; parent's inode lock held, so no
 * lookup is in progress there. */
struct dentry *d_lookup(struct dentry *parent, const char *name,
			unsigned int len)
{
	return __d_lookup(parent, name, len, false);
}

/* The same without the lock: a name still being looked up is a miss. */
struct dentry *d_lookup_fast(struct dentry *parent, const char *name,
			     unsigned int len)
{
	return __d_lookup(parent, name, len, true);
}

/* The file system's lookup of d is over (d may be positive now). */
void d_lookup_done(struct dentry *d)
{
	spin_lock(&dcache_lock);
	d->d_flags &= ~DCACHE_IN_LOOKUP;
	spin_unlock(&dcache_lock);
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
	if (d->d_parent != d)
		assert_dir_locked(d->d_parent, "d_instantiate");
	spin_lock(&dcache_lock);
	d->d_inode = inode;
	vfs_stats.negative--;
	neg_lru_del(d);
	if (d->d_parent != d && !(d->d_flags & DCACHE_UNHASHED)) {
		d->d_seq = d->d_parent->d_next_seq++;
		rb_add(&d->d_seq_node, &d->d_parent->d_order, d_seq_less);
	}
	spin_unlock(&dcache_lock);
}

/* d is unhashed with no references left: nobody else can reach it. The
 * iput may evict (and sleep); dcache_lock not held. */
static void d_free(struct dentry *d)
{
	struct dentry *parent = d->d_parent;

	spin_lock(&dcache_lock);
	if (!d->d_inode)
		vfs_stats.negative--;
	vfs_stats.dentries--;
	spin_unlock(&dcache_lock);
	if (d->d_inode)
		iput(d->d_inode);
	if (d->d_name != d->d_iname)
		kfree(d->d_name);
	kfree(d);
	if (parent != d)
		dput(parent);
}

void dput(struct dentry *d)
{
	LIST_HEAD(victims);
	struct dentry *v, *next;
	bool free = false;

	if (!d)
		return;
	spin_lock(&dcache_lock);
	if (d->d_count <= 0) {
		spin_unlock(&dcache_lock);
		pr_err("vfs: dput of unused dentry '%s'\n", d->d_name);
		return;
	}
	if (!--d->d_count) {
		if (d->d_flags & DCACHE_UNHASHED) {
			free = true;
		} else if (!d->d_inode && d->d_parent != d) {
			list_add_tail(&d->d_lru, &neg_lru);
			d->d_flags |= DCACHE_NEG_LRU;
			neg_on_lru++;
			neg_lru_trim(&victims);
		}
	}
	spin_unlock(&dcache_lock);
	if (free)
		d_free(d);
	list_for_each_entry_safe(v, next, &victims, d_lru)
		d_free(v);
}

/*
 * The name is gone. The dentry leaves its parent's trees, keeping its
 * inode while open files or a cwd hold it; the last dput frees both.
 */
void d_delete(struct dentry *d)
{
	spin_lock(&dcache_lock);
	d_unhash(d);
	spin_unlock(&dcache_lock);
}

bool d_empty_dir(struct dentry *dir)
{
	return RB_EMPTY_ROOT(&dir->d_order);
}

/* Move d to target's parent and name; target is unhashed (the caller
 * has dealt with its inode). Both parents' inode locks are held (and
 * the rename mutex when they differ). 0 or -ENOMEM (nothing moved). */
int d_move(struct dentry *d, struct dentry *target)
{
	struct dentry *np = target->d_parent;
	struct dentry *op = d->d_parent;
	char *buf, *old;

	assert_dir_locked(op, "d_move from");
	assert_dir_locked(np, "d_move to");
	buf = d_name_buf(d, target->d_len);
	if (!buf)
		return -ENOMEM;
	spin_lock(&dcache_lock);
	d_unhash(d);
	/* NOTE: renaming while unhashed: the trees never see a stale key. */
	old = d_set_name(d, buf, target->d_name, target->d_len);
	d_unhash(target);
	d->d_parent = __dget(np);
	d_hash_in(np, d);
	spin_unlock(&dcache_lock);
	if (old && old != buf)
		kfree(old);
	dput(op);
	return 0;
}

bool d_is_ancestor(struct dentry *anc, struct dentry *d)
{
	bool found = false;

	spin_lock(&dcache_lock);
	for (;;) {
		if (d == anc) {
			found = true;
			break;
		}
		if (d->d_parent == d)
			break;
		d = d->d_parent;
	}
	spin_unlock(&dcache_lock);
	return found;
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
		spin_lock(&dcache_lock);
		if (d->d_count) {
			spin_unlock(&dcache_lock);
			continue;
		}
		d_unhash(d);
		spin_unlock(&dcache_lock);
		d_free(d);
	}
}

void shrink_dcache_sb(struct super_block *sb)
{
	struct dentry *root = sb->s_root;

	if (!root)
		return;
	shrink_children(root, 0);
	spin_lock(&dcache_lock);
	if (root->d_count == 1 && RB_EMPTY_ROOT(&root->d_children)) {
		root->d_flags |= DCACHE_UNHASHED;
		sb->s_root = NULL;
	} else {
		root = NULL;
	}
	spin_unlock(&dcache_lock);
	dput(root);
}
