/* SPDX-License-Identifier: MIT */
/*
 * Intrusive red-black tree with Linux's names and semantics. The tree
 * knows nothing about keys: the caller walks down to find the link where a
 * new node belongs, links it, then asks the tree to rebalance. Lookup,
 * insertion and removal are O(log n); no allocation, no locking.
 *
 * Interface:
 *   struct rb_root root = RB_ROOT;
 *   struct rb_root_cached croot = RB_ROOT_CACHED;  also tracks the leftmost
 *   rb_entry(node, type, member), rb_entry_safe(...)  NULL stays NULL
 *   rb_link_node(n, parent, link)   put n at *link (a child slot of parent,
 *                                   or &root->rb_node with parent NULL)
 *   rb_insert_color(n, &root)       rebalance after rb_link_node
 *   rb_erase(n, &root)              unlink n; n is left stale, not cleared
 *   rb_replace_node(old, new, &root) new takes old's place; same key only
 *   rb_first/rb_last(&root), rb_next/rb_prev(n)   NULL at the ends
 *   rb_insert_color_cached(n, &croot, leftmost)   leftmost: n went left at
 *                                                 every step of the descent
 *   rb_erase_cached(n, &croot)      returns the new leftmost if n was it
 *   rb_replace_node_cached(old, new, &croot)
 *   rb_first_cached(&croot)         O(1)
 *   rb_add(n, &root, less), rb_add_cached(n, &croot, less)
 *                                   insert by less(a, b); equal keys go after
 *                                   the ones already there
 *   rb_find(key, &root, cmp)        cmp(key, node) < 0 means key is smaller
 *   RB_EMPTY_ROOT(&root)
 *   RB_CLEAR_NODE(n), RB_EMPTY_NODE(n)   mark/test "not in any tree"
 */
#ifndef PITH_RBTREE_H
#define PITH_RBTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pith/compiler.h>

/*
 * The parent pointer and the colour share a word: nodes are at least
 * word-aligned, so bit 0 of the parent address is free to hold the colour.
 */
struct rb_node {
	uintptr_t __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __aligned(sizeof(long));

struct rb_root {
	struct rb_node *rb_node;
};

struct rb_root_cached {
	struct rb_root rb_root;
	struct rb_node *rb_leftmost;
};

#define RB_RED		0
#define RB_BLACK	1

#define RB_ROOT		((struct rb_root){ NULL })
#define RB_ROOT_CACHED	((struct rb_root_cached){ { NULL }, NULL })

static inline struct rb_node *rb_parent(const struct rb_node *node)
{
	return (struct rb_node *)(node->__rb_parent_color & ~(uintptr_t)3);
}

static inline int rb_color(const struct rb_node *node)
{
	return (int)(node->__rb_parent_color & 1);
}

#define rb_entry(ptr, type, member) container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member) ({				\
	__typeof__(ptr) __p = (ptr);					\
	__p ? rb_entry(__p, type, member) : NULL; })

#define RB_EMPTY_ROOT(root)	(READ_ONCE((root)->rb_node) == NULL)

/* A node that is its own parent cannot be in a tree: use that as "none". */
#define RB_EMPTY_NODE(node)	\
	((node)->__rb_parent_color == (uintptr_t)(node))
#define RB_CLEAR_NODE(node)	\
	((node)->__rb_parent_color = (uintptr_t)(node))

void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_erase(struct rb_node *node, struct rb_root *root);
void rb_replace_node(struct rb_node *victim, struct rb_node *new,
		     struct rb_root *root);

struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

/* A new node is red: inserting it cannot change any path's black count. */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **rb_link)
{
	node->__rb_parent_color = (uintptr_t)parent | RB_RED;
	node->rb_left = NULL;
	node->rb_right = NULL;
	*rb_link = node;
}

#define rb_first_cached(root)	((root)->rb_leftmost)

static inline void rb_insert_color_cached(struct rb_node *node,
					  struct rb_root_cached *root,
					  bool leftmost)
{
	if (leftmost)
		root->rb_leftmost = node;
	rb_insert_color(node, &root->rb_root);
}

static inline struct rb_node *rb_erase_cached(struct rb_node *node,
					      struct rb_root_cached *root)
{
	struct rb_node *leftmost = NULL;

	if (root->rb_leftmost == node)
		leftmost = root->rb_leftmost = rb_next(node);
	rb_erase(node, &root->rb_root);
	return leftmost;
}

static inline void rb_replace_node_cached(struct rb_node *victim,
					  struct rb_node *new,
					  struct rb_root_cached *root)
{
	if (root->rb_leftmost == victim)
		root->rb_leftmost = new;
	rb_replace_node(victim, new, &root->rb_root);
}

/* Returns node if it became the leftmost, else NULL. */
static __always_inline struct rb_node *
rb_add_cached(struct rb_node *node, struct rb_root_cached *tree,
	      bool (*less)(struct rb_node *, const struct rb_node *))
{
	struct rb_node **link = &tree->rb_root.rb_node;
	struct rb_node *parent = NULL;
	bool leftmost = true;

	while (*link) {
		parent = *link;
		if (less(node, parent)) {
			link = &parent->rb_left;
		} else {
			link = &parent->rb_right;
			leftmost = false;
		}
	}
	rb_link_node(node, parent, link);
	rb_insert_color_cached(node, tree, leftmost);
	return leftmost ? node : NULL;
}

static __always_inline void
rb_add(struct rb_node *node, struct rb_root *tree,
       bool (*less)(struct rb_node *, const struct rb_node *))
{
	struct rb_node **link = &tree->rb_node;
	struct rb_node *parent = NULL;

	while (*link) {
		parent = *link;
		if (less(node, parent))
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(node, parent, link);
	rb_insert_color(node, tree);
}

/* With duplicate keys, returns one of them, not necessarily the first. */
static __always_inline struct rb_node *
rb_find(const void *key, const struct rb_root *tree,
	int (*cmp)(const void *key, const struct rb_node *))
{
	struct rb_node *node = tree->rb_node;

	while (node) {
		int c = cmp(key, node);

		if (c < 0)
			node = node->rb_left;
		else if (c > 0)
			node = node->rb_right;
		else
			return node;
	}
	return NULL;
}

#endif
