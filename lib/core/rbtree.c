/* SPDX-License-Identifier: MIT */
/*
 * Red-black tree rebalancing and traversal (CLRS, chapter 13). Missing
 * children are NULL and count as black leaves. Left/right mirror cases
 * share one body: a direction index picks the child, and !dir is the
 * other side.
 *
 * Rules kept after every insert and erase:
 *   1. the root is black;
 *   2. a red node has no red child;
 *   3. every path from a node down to a NULL leaf has as many black nodes.
 * Together they bound the height by 2 log2(n + 1).
 *
 * Interface: see <pith/rbtree.h>.
 *   rb_insert_color, rb_erase, rb_replace_node,
 *   rb_first, rb_last, rb_next, rb_prev
 */
#include <pith/rbtree.h>

enum { RB_LEFT, RB_RIGHT };

static inline struct rb_node **rb_child(struct rb_node *node, int dir)
{
	return dir == RB_LEFT ? &node->rb_left : &node->rb_right;
}

static inline bool rb_is_red(const struct rb_node *node)
{
	return node && rb_color(node) == RB_RED;
}

static inline bool rb_is_black(const struct rb_node *node)
{
	return !rb_is_red(node);
}

static inline void rb_set_parent(struct rb_node *node, struct rb_node *parent)
{
	node->__rb_parent_color = (uintptr_t)parent | (uintptr_t)rb_color(node);
}

static inline void rb_set_color(struct rb_node *node, int color)
{
	node->__rb_parent_color = (uintptr_t)rb_parent(node) | (uintptr_t)color;
}

/* Point whatever referred to old (parent's child slot or root) at new. */
static void rb_change_child(struct rb_node *old, struct rb_node *new,
			    struct rb_node *parent, struct rb_root *root)
{
	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
}

/*
 * Lower node to its dir side; its child on the other side takes its place.
 * In-order sequence and colours are unchanged.
 */
static void rb_rotate(struct rb_node *node, int dir, struct rb_root *root)
{
	struct rb_node *up = *rb_child(node, !dir);
	struct rb_node *parent = rb_parent(node);
	struct rb_node *moved = *rb_child(up, dir);

	*rb_child(node, !dir) = moved;
	if (moved)
		rb_set_parent(moved, node);
	*rb_child(up, dir) = node;
	rb_set_parent(node, up);
	rb_set_parent(up, parent);
	rb_change_child(node, up, parent, root);
}

/*
 * The only rule a new red node can break is 2, with a red parent. A red
 * uncle lets us push the grandparent's black down one level and retry two
 * levels up; a black uncle is fixed for good by at most two rotations.
 */
void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *parent, *gparent, *uncle;
	int dir;

	while ((parent = rb_parent(node)) && rb_is_red(parent)) {
		/* A red parent is never the root, so gparent exists. */
		gparent = rb_parent(parent);
		dir = parent == gparent->rb_left ? RB_LEFT : RB_RIGHT;
		uncle = *rb_child(gparent, !dir);
		if (rb_is_red(uncle)) {
			rb_set_color(parent, RB_BLACK);
			rb_set_color(uncle, RB_BLACK);
			rb_set_color(gparent, RB_RED);
			node = gparent;
			continue;
		}
		/* Straighten a zig-zag so one rotation at gparent suffices. */
		if (node == *rb_child(parent, !dir)) {
			rb_rotate(parent, dir, root);
			parent = node;
		}
		rb_set_color(parent, RB_BLACK);
		rb_set_color(gparent, RB_RED);
		rb_rotate(gparent, !dir, root);
		break;
	}
	rb_set_color(root->rb_node, RB_BLACK);
}

/*
 * A black node was removed from the path through node (possibly NULL,
 * hence the explicit parent): that path is one black short. Borrow from
 * the sibling's side, or, when the sibling has nothing to give, make the
 * sibling red so both sides are short and move the deficit up a level.
 */
static void rb_erase_fixup(struct rb_node *node, struct rb_node *parent,
			   struct rb_root *root)
{
	struct rb_node *sib;
	int dir;

	while (node != root->rb_node && rb_is_black(node)) {
		/* sib cannot be NULL: its side has at least one black. */
		dir = node == parent->rb_left ? RB_LEFT : RB_RIGHT;
		sib = *rb_child(parent, !dir);
		if (rb_is_red(sib)) {
			rb_set_color(sib, RB_BLACK);
			rb_set_color(parent, RB_RED);
			rb_rotate(parent, dir, root);
			sib = *rb_child(parent, !dir);
		}
		if (rb_is_black(sib->rb_left) && rb_is_black(sib->rb_right)) {
			rb_set_color(sib, RB_RED);
			node = parent;
			parent = rb_parent(node);
			continue;
		}
		/* The rotation below needs sib's far child red. */
		if (rb_is_black(*rb_child(sib, !dir))) {
			rb_set_color(*rb_child(sib, dir), RB_BLACK);
			rb_set_color(sib, RB_RED);
			rb_rotate(sib, !dir, root);
			sib = *rb_child(parent, !dir);
		}
		rb_set_color(sib, rb_color(parent));
		rb_set_color(parent, RB_BLACK);
		rb_set_color(*rb_child(sib, !dir), RB_BLACK);
		rb_rotate(parent, dir, root);
		return;
	}
	if (node)
		rb_set_color(node, RB_BLACK);
}

/*
 * Move succ (node's in-order successor, leftmost of its right subtree) into
 * node's place, taking node's colour too. Returns the parent of the slot
 * succ left, which is where the tree may now be one black short.
 */
static struct rb_node *rb_transplant_successor(struct rb_node *node,
					       struct rb_node *succ,
					       struct rb_root *root)
{
	struct rb_node *parent = rb_parent(succ);
	struct rb_node *child = succ->rb_right;

	if (parent == node) {
		parent = succ;
	} else {
		parent->rb_left = child;
		if (child)
			rb_set_parent(child, parent);
		succ->rb_right = node->rb_right;
		rb_set_parent(succ->rb_right, succ);
	}
	succ->rb_left = node->rb_left;
	rb_set_parent(succ->rb_left, succ);
	succ->__rb_parent_color = node->__rb_parent_color;
	rb_change_child(node, succ, rb_parent(node), root);
	return parent;
}

void rb_erase(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *child, *parent, *succ;
	bool black_removed;

	if (!node->rb_left || !node->rb_right) {
		child = node->rb_left ? node->rb_left : node->rb_right;
		parent = rb_parent(node);
		black_removed = rb_is_black(node);
		rb_change_child(node, child, parent, root);
		if (child)
			rb_set_parent(child, parent);
	} else {
		/* The node physically removed is succ, from succ's old slot. */
		succ = node->rb_right;
		while (succ->rb_left)
			succ = succ->rb_left;
		child = succ->rb_right;
		black_removed = rb_is_black(succ);
		parent = rb_transplant_successor(node, succ, root);
	}
	if (black_removed)
		rb_erase_fixup(child, parent, root);
}

void rb_replace_node(struct rb_node *victim, struct rb_node *new,
		     struct rb_root *root)
{
	struct rb_node *parent = rb_parent(victim);

	*new = *victim;
	if (victim->rb_left)
		rb_set_parent(victim->rb_left, new);
	if (victim->rb_right)
		rb_set_parent(victim->rb_right, new);
	rb_change_child(victim, new, parent, root);
}

static struct rb_node *rb_extreme(struct rb_node *node, int dir)
{
	if (!node)
		return NULL;
	while (*rb_child(node, dir))
		node = *rb_child(node, dir);
	return node;
}

struct rb_node *rb_first(const struct rb_root *root)
{
	return rb_extreme(root->rb_node, RB_LEFT);
}

struct rb_node *rb_last(const struct rb_root *root)
{
	return rb_extreme(root->rb_node, RB_RIGHT);
}

/*
 * The neighbour on the dir side is the nearest node in the dir subtree if
 * there is one, else the first ancestor reached from its !dir side.
 */
static struct rb_node *rb_step(const struct rb_node *node, int dir)
{
	struct rb_node *n = (struct rb_node *)node;
	struct rb_node *parent;

	if (RB_EMPTY_NODE(node))
		return NULL;
	if (*rb_child(n, dir))
		return rb_extreme(*rb_child(n, dir), !dir);
	while ((parent = rb_parent(n)) && n == *rb_child(parent, dir))
		n = parent;
	return parent;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	return rb_step(node, RB_RIGHT);
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	return rb_step(node, RB_LEFT);
}
