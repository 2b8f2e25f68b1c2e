/* SPDX-License-Identifier: MIT */
/*
 * In-image tests for the red-black tree, built by the kernel's own
 * compiler flags: catches what the host tests cannot, such as code
 * generation under -mno-red-zone or a different struct layout. The
 * exhaustive randomised checks live in tests/host/rbtree_test.c.
 *
 * Interface:
 *   KTEST_SUITE(rbtree): run with the ktest app, filter "rbtree"
 */
#include <pith/ktest.h>
#include <pith/rbtree.h>

#define POOL 1000

struct kt_item {
	struct rb_node node;
	unsigned int key;
};

/* Static: 1000 nodes are too big for the boot stack. */
static struct kt_item pool[POOL];
static unsigned int order[POOL];

static unsigned int kt_key(const struct rb_node *n)
{
	return rb_entry(n, struct kt_item, node)->key;
}

static bool kt_less(struct rb_node *a, const struct rb_node *b)
{
	return kt_key(a) < kt_key(b);
}

/* Keys 0..POOL-1 in an order shuffled by a fixed LCG (no RNG in core). */
static void kt_shuffle(uint32_t seed)
{
	for (unsigned int i = 0; i < POOL; i++)
		order[i] = i;
	for (unsigned int i = POOL - 1; i > 0; i--) {
		unsigned int j, tmp;

		seed = seed * 1664525u + 1013904223u;
		j = (seed >> 8) % (i + 1);
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
}

/*
 * Black height of the subtree, or -1 if a red-black rule or a parent
 * pointer is wrong. Recursion depth is the tree height, at most ~20 here.
 */
static int kt_black_height(const struct rb_node *n,
			   const struct rb_node *parent, int *count)
{
	int lh, rh;

	if (!n)
		return 1;
	(*count)++;
	if (rb_parent(n) != parent)
		return -1;
	if (rb_color(n) == RB_RED &&
	    ((n->rb_left && rb_color(n->rb_left) == RB_RED) ||
	     (n->rb_right && rb_color(n->rb_right) == RB_RED)))
		return -1;
	lh = kt_black_height(n->rb_left, n, count);
	rh = kt_black_height(n->rb_right, n, count);
	if (lh < 0 || lh != rh)
		return -1;
	return lh + (rb_color(n) == RB_BLACK);
}

/* Number of nodes if the tree is a valid red-black tree, else -1. */
static int kt_check_tree(const struct rb_root *root)
{
	int count = 0;

	if (root->rb_node && rb_color(root->rb_node) != RB_BLACK)
		return -1;
	if (kt_black_height(root->rb_node, NULL, &count) < 0)
		return -1;
	return count;
}

/* Number of in-order steps that went backwards (0 when sorted). */
static int kt_unsorted_steps(const struct rb_root *root)
{
	struct rb_node *n, *prev = NULL;
	int bad = 0;

	for (n = rb_first(root); n; prev = n, n = rb_next(n))
		if (prev && kt_key(prev) >= kt_key(n))
			bad++;
	return bad;
}

static void kt_build(struct rb_root_cached *root, uint32_t seed)
{
	*root = RB_ROOT_CACHED;
	kt_shuffle(seed);
	for (unsigned int i = 0; i < POOL; i++) {
		pool[order[i]].key = order[i];
		rb_add_cached(&pool[order[i]].node, root, kt_less);
	}
}

static void rbtree_insert_random_order_walks_sorted(struct ktest *t)
{
	struct rb_root_cached root;
	struct rb_node *n;
	unsigned int expect = 0;

	kt_build(&root, 1);
	KT_ASSERT_EQ(t, kt_check_tree(&root.rb_root), POOL);
	KT_EXPECT_EQ(t, kt_unsorted_steps(&root.rb_root), 0);
	for (n = rb_first(&root.rb_root); n && kt_key(n) == expect;
	     n = rb_next(n))
		expect++;
	KT_EXPECT_EQ(t, expect, POOL);
	KT_EXPECT_TRUE(t, rb_first_cached(&root) == &pool[0].node);
	KT_EXPECT_TRUE(t, rb_last(&root.rb_root) == &pool[POOL - 1].node);
}

static void rbtree_erase_half_keeps_invariants(struct ktest *t)
{
	struct rb_root_cached root;
	int left = POOL;

	kt_build(&root, 2);
	/* Erase the even keys, in another shuffled order. */
	kt_shuffle(3);
	for (unsigned int i = 0; i < POOL; i++) {
		if (order[i] % 2)
			continue;
		rb_erase_cached(&pool[order[i]].node, &root);
		left--;
		KT_ASSERT_EQ(t, kt_check_tree(&root.rb_root), left);
		KT_ASSERT_TRUE(t, rb_first_cached(&root) ==
				  rb_first(&root.rb_root));
	}
	KT_EXPECT_EQ(t, left, POOL / 2);
	KT_EXPECT_EQ(t, kt_unsorted_steps(&root.rb_root), 0);
	KT_EXPECT_EQ(t, kt_key(rb_first_cached(&root)), 1);
	KT_EXPECT_EQ(t, kt_key(rb_last(&root.rb_root)), POOL - 1);
}

static void rbtree_prev_walk_visits_all_descending(struct ktest *t)
{
	struct rb_root_cached root;
	struct rb_node *n;
	int expect = POOL - 1;

	kt_build(&root, 4);
	KT_ASSERT_EQ(t, kt_check_tree(&root.rb_root), POOL);
	for (n = rb_last(&root.rb_root); n && (int)kt_key(n) == expect;
	     n = rb_prev(n))
		expect--;
	KT_EXPECT_EQ(t, expect, -1);
	KT_EXPECT_TRUE(t, n == NULL);
}

static void rbtree_erase_all_leaves_empty_root(struct ktest *t)
{
	struct rb_root_cached root;

	kt_build(&root, 5);
	KT_ASSERT_EQ(t, kt_check_tree(&root.rb_root), POOL);
	kt_shuffle(6);
	for (unsigned int i = 0; i < POOL; i++)
		rb_erase_cached(&pool[order[i]].node, &root);
	KT_EXPECT_TRUE(t, RB_EMPTY_ROOT(&root.rb_root));
	KT_EXPECT_TRUE(t, rb_first_cached(&root) == NULL);
	KT_EXPECT_EQ(t, kt_check_tree(&root.rb_root), 0);
}

static struct ktest_case rbtree_cases[] = {
	KTEST_CASE(rbtree_insert_random_order_walks_sorted),
	KTEST_CASE(rbtree_erase_half_keeps_invariants),
	KTEST_CASE(rbtree_prev_walk_visits_all_descending),
	KTEST_CASE(rbtree_erase_all_leaves_empty_root),
	{}
};

KTEST_SUITE(rbtree, rbtree_cases);
