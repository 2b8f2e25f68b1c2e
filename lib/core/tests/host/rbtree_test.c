/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for the red-black tree. After every step of long seeded
 * random insert/erase sequences the whole tree is checked against the
 * red-black rules, its parent pointers, and a model (a bool per key): a
 * rebalancing bug that leaves the tree valid-looking but wrong, or valid
 * but out of order, shows up within a few operations.
 *
 * Interface:
 *   gcc -std=gnu11 -Wall -Wextra -Werror -fsanitize=address,undefined
 *       -DPITH_HOST_TEST -Itests/host -Ilib/core/include
 *       lib/core/tests/host/rbtree_test.c && ./a.out     exit 0 = passed
 */
#include "hosttest.h"
#include "../../rbtree.c"

struct item {
	struct rb_node node;
	int key;
};

#define KEYS 512

static struct item items[KEYS];
static bool present[KEYS];
static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64: deterministic across hosts, unlike rand(). */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int key_of(const struct rb_node *n)
{
	return rb_entry(n, struct item, node)->key;
}

static bool item_less(struct rb_node *a, const struct rb_node *b)
{
	return key_of(a) < key_of(b);
}

static int item_cmp(const void *key, const struct rb_node *n)
{
	int k = *(const int *)key;

	return k < key_of(n) ? -1 : k > key_of(n);
}

/*
 * Black height of the subtree at n, or -1 after printing the first broken
 * rule. Keys must lie in [lo, hi]: this catches a misplaced node even when
 * the in-order walk (which itself relies on parent pointers) looks right.
 */
static int check_subtree(const struct rb_node *n, const struct rb_node *parent,
			 long lo, long hi, int *count)
{
	int lh, rh;

	if (!n)
		return 1;
	(*count)++;
	if (rb_parent(n) != parent) {
		printf("    # key %d: parent pointer wrong\n", key_of(n));
		return -1;
	}
	if (n->__rb_parent_color & 2) {
		printf("    # key %d: stray bit in parent word\n", key_of(n));
		return -1;
	}
	if (key_of(n) < lo || key_of(n) > hi) {
		printf("    # key %d: outside [%ld, %ld]\n", key_of(n), lo, hi);
		return -1;
	}
	if (rb_is_red(n) && (rb_is_red(n->rb_left) || rb_is_red(n->rb_right))) {
		printf("    # key %d: red node with red child\n", key_of(n));
		return -1;
	}
	lh = check_subtree(n->rb_left, n, lo, key_of(n), count);
	rh = check_subtree(n->rb_right, n, key_of(n), hi, count);
	if (lh < 0 || rh < 0)
		return -1;
	if (lh != rh) {
		printf("    # key %d: black heights %d != %d\n", key_of(n), lh,
		       rh);
		return -1;
	}
	return lh + rb_is_black(n);
}

/* Red-black rules, parent pointers and node count. */
static bool tree_valid(const struct rb_root *root, int expect_count)
{
	const long bound = 1L << 40;
	int count = 0;

	if (rb_is_red(root->rb_node)) {
		printf("    # root is red\n");
		return false;
	}
	if (check_subtree(root->rb_node, NULL, -bound, bound, &count) < 0)
		return false;
	if (count != expect_count) {
		printf("    # %d nodes, expected %d\n", count, expect_count);
		return false;
	}
	return true;
}

/* Forward and backward walks both list exactly the model's keys, sorted. */
static bool walks_match_model(const struct rb_root *root)
{
	struct rb_node *fwd = rb_first(root), *bwd = rb_last(root);

	for (int k = 0; k < KEYS; k++) {
		if (!present[k])
			continue;
		if (!fwd || key_of(fwd) != k) {
			printf("    # forward walk: expected key %d\n", k);
			return false;
		}
		fwd = rb_next(fwd);
	}
	for (int k = KEYS - 1; k >= 0; k--) {
		if (!present[k])
			continue;
		if (!bwd || key_of(bwd) != k) {
			printf("    # backward walk: expected key %d\n", k);
			return false;
		}
		bwd = rb_prev(bwd);
	}
	return !fwd && !bwd;
}

static void reset_items(void)
{
	for (int k = 0; k < KEYS; k++) {
		items[k].key = k;
		RB_CLEAR_NODE(&items[k].node);
		present[k] = false;
	}
}

/* Plain-root insert the long way: walk to the slot, link, rebalance. */
static void insert_plain(struct rb_root *root, struct item *it)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = it->key < key_of(parent) ? &parent->rb_left :
						  &parent->rb_right;
	}
	rb_link_node(&it->node, parent, link);
	rb_insert_color(&it->node, root);
}

/* Cached insert by hand, so rb_insert_color_cached is tested directly. */
static void insert_cached(struct rb_root_cached *root, struct item *it)
{
	struct rb_node **link = &root->rb_root.rb_node, *parent = NULL;
	bool leftmost = true;

	while (*link) {
		parent = *link;
		if (it->key < key_of(parent)) {
			link = &parent->rb_left;
		} else {
			link = &parent->rb_right;
			leftmost = false;
		}
	}
	rb_link_node(&it->node, parent, link);
	rb_insert_color_cached(&it->node, root, leftmost);
}

/*
 * Insert probability drifts between phases so the tree repeatedly grows
 * near full and shrinks near empty, covering small and deep trees.
 */
static bool pick_insert(unsigned long step)
{
	static const unsigned int pct[] = { 50, 80, 50, 20 };

	return rng() % 100 < pct[(step / 4096) % ARRAY_SIZE(pct)];
}

static int random_key(bool want_present)
{
	int k = (int)(rng() % KEYS);

	for (int i = 0; i < KEYS; i++, k = (k + 1) % KEYS)
		if (present[k] == want_present)
			return k;
	return -1;
}

/* A key to insert or to erase; when the tree is full or empty, the other. */
static int pick_key(unsigned long step)
{
	bool insert = pick_insert(step);
	int k = random_key(!insert);

	return k >= 0 ? k : random_key(insert);
}

TEST(rbtree_insert_color_random_ops_keep_invariants)
{
	struct rb_root root = RB_ROOT;
	int count = 0;

	reset_items();
	rng_state = 0x9e3779b97f4a7c15ULL;
	for (unsigned long step = 0; step < 30000; step++) {
		int k = pick_key(step);

		if (present[k]) {
			rb_erase(&items[k].node, &root);
			count--;
		} else {
			insert_plain(&root, &items[k]);
			count++;
		}
		present[k] = !present[k];
		ASSERT_TRUE(tree_valid(&root, count));
		ASSERT_TRUE(walks_match_model(&root));
	}
}

TEST(rbtree_cached_random_ops_keep_invariants)
{
	struct rb_root_cached root = RB_ROOT_CACHED;
	int count = 0;

	reset_items();
	rng_state = 0x0123456789abcdefULL;
	for (unsigned long step = 0; step < 120000; step++) {
		int k = pick_key(step);

		if (present[k]) {
			rb_erase_cached(&items[k].node, &root);
			count--;
		} else if (step & 1) {
			insert_cached(&root, &items[k]);
			count++;
		} else {
			rb_add_cached(&items[k].node, &root, item_less);
			count++;
		}
		present[k] = !present[k];
		ASSERT_TRUE(tree_valid(&root.rb_root, count));
		ASSERT_TRUE(rb_first_cached(&root) == rb_first(&root.rb_root));
		ASSERT_TRUE(walks_match_model(&root.rb_root));
	}
}

TEST(rbtree_insert_color_ascending_and_descending_keys)
{
	struct rb_root root = RB_ROOT;

	reset_items();
	for (int k = 0; k < KEYS; k++) {
		insert_plain(&root, &items[k]);
		present[k] = true;
		ASSERT_TRUE(tree_valid(&root, k + 1));
	}
	ASSERT_TRUE(walks_match_model(&root));
	for (int k = KEYS - 1; k >= 0; k--) {
		rb_erase(&items[k].node, &root);
		present[k] = false;
		ASSERT_TRUE(tree_valid(&root, k));
	}
	ASSERT_TRUE(RB_EMPTY_ROOT(&root));

	reset_items();
	for (int k = KEYS - 1; k >= 0; k--) {
		insert_plain(&root, &items[k]);
		present[k] = true;
		ASSERT_TRUE(tree_valid(&root, KEYS - k));
	}
	ASSERT_TRUE(walks_match_model(&root));
	/* Always erasing the root exercises the two-children path. */
	for (int n = KEYS; n > 0; n--) {
		present[key_of(root.rb_node)] = false;
		rb_erase(root.rb_node, &root);
		ASSERT_TRUE(tree_valid(&root, n - 1));
		ASSERT_TRUE(walks_match_model(&root));
	}
}

TEST(rbtree_first_empty_tree_returns_null)
{
	struct rb_root root = RB_ROOT;
	struct rb_root_cached croot = RB_ROOT_CACHED;

	EXPECT_TRUE(RB_EMPTY_ROOT(&root));
	EXPECT_TRUE(rb_first(&root) == NULL);
	EXPECT_TRUE(rb_last(&root) == NULL);
	EXPECT_TRUE(RB_EMPTY_ROOT(&croot.rb_root));
	EXPECT_TRUE(rb_first_cached(&croot) == NULL);
	EXPECT_TRUE(tree_valid(&root, 0));
	EXPECT_TRUE(rb_entry_safe(rb_first(&root), struct item, node) == NULL);
}

TEST(rbtree_clear_node_marks_node_empty)
{
	struct rb_root root = RB_ROOT;
	struct item a = { .key = 1 };

	RB_CLEAR_NODE(&a.node);
	EXPECT_TRUE(RB_EMPTY_NODE(&a.node));
	EXPECT_TRUE(rb_next(&a.node) == NULL);
	EXPECT_TRUE(rb_prev(&a.node) == NULL);
	rb_add(&a.node, &root, item_less);
	EXPECT_FALSE(RB_EMPTY_NODE(&a.node));
	EXPECT_FALSE(RB_EMPTY_ROOT(&root));
	EXPECT_TRUE(root.rb_node == &a.node);
	EXPECT_EQ(rb_color(&a.node), RB_BLACK);
	EXPECT_TRUE(rb_first(&root) == &a.node && rb_last(&root) == &a.node);
	EXPECT_TRUE(rb_next(&a.node) == NULL && rb_prev(&a.node) == NULL);
	rb_erase(&a.node, &root);
	EXPECT_TRUE(RB_EMPTY_ROOT(&root));
}

TEST(rbtree_next_prev_full_walk_visits_every_key)
{
	struct rb_root root = RB_ROOT;
	struct rb_node *n;
	int k = 0;

	reset_items();
	/* Odd keys only, inserted in a scrambled order (7 is prime to KEYS). */
	for (int i = 0; i < KEYS; i++) {
		int key = (i * 7) % KEYS;

		if (key & 1) {
			insert_plain(&root, &items[key]);
			present[key] = true;
		}
	}
	ASSERT_TRUE(tree_valid(&root, KEYS / 2));
	for (n = rb_first(&root); n; n = rb_next(n), k += 2)
		EXPECT_EQ(key_of(n), k + 1);
	EXPECT_EQ(k, KEYS);
	for (n = rb_last(&root); n; n = rb_prev(n), k -= 2)
		EXPECT_EQ(key_of(n), k - 1);
	EXPECT_EQ(k, 0);
	EXPECT_TRUE(rb_prev(rb_first(&root)) == NULL);
	EXPECT_TRUE(rb_next(rb_last(&root)) == NULL);
}

TEST(rbtree_replace_node_keeps_shape_and_order)
{
	static struct item spare[KEYS];
	struct rb_root_cached root = RB_ROOT_CACHED;

	reset_items();
	for (int k = 0; k < KEYS; k++) {
		rb_add_cached(&items[k].node, &root, item_less);
		present[k] = true;
	}
	/* Replace every node, root and leftmost included, in shuffled order. */
	for (int i = 0; i < KEYS; i++) {
		int k = (i * 37) % KEYS;
		struct rb_node *left = items[k].node.rb_left;
		struct rb_node *right = items[k].node.rb_right;
		struct rb_node *parent = rb_parent(&items[k].node);
		int color = rb_color(&items[k].node);

		spare[k].key = k;
		rb_replace_node_cached(&items[k].node, &spare[k].node, &root);
		ASSERT_TRUE(spare[k].node.rb_left == left);
		ASSERT_TRUE(spare[k].node.rb_right == right);
		ASSERT_TRUE(rb_parent(&spare[k].node) == parent);
		ASSERT_EQ(rb_color(&spare[k].node), color);
		ASSERT_TRUE(tree_valid(&root.rb_root, KEYS));
		ASSERT_TRUE(rb_first_cached(&root) == rb_first(&root.rb_root));
	}
	ASSERT_TRUE(walks_match_model(&root.rb_root));
	for (int k = 0; k < KEYS; k++)
		EXPECT_TRUE(rb_find(&k, &root.rb_root, item_cmp) ==
			    &spare[k].node);
}

TEST(rbtree_erase_cached_returns_new_leftmost)
{
	struct rb_root_cached root = RB_ROOT_CACHED;

	reset_items();
	for (int k = 0; k < 10; k++)
		rb_add_cached(&items[k].node, &root, item_less);
	EXPECT_TRUE(rb_erase_cached(&items[5].node, &root) == NULL);
	EXPECT_TRUE(rb_first_cached(&root) == &items[0].node);
	EXPECT_TRUE(rb_erase_cached(&items[0].node, &root) == &items[1].node);
	EXPECT_TRUE(rb_first_cached(&root) == &items[1].node);
	for (int k = 1; k < 10; k++)
		if (k != 5)
			rb_erase_cached(&items[k].node, &root);
	EXPECT_TRUE(rb_first_cached(&root) == NULL);
	EXPECT_TRUE(RB_EMPTY_ROOT(&root.rb_root));
}

TEST(rbtree_add_cached_equal_keys_keep_insertion_order)
{
	struct rb_root_cached root = RB_ROOT_CACHED;
	struct item dup[8];
	struct rb_node *n;
	int i = 0;

	for (int j = 0; j < 8; j++) {
		dup[j].key = 3;
		EXPECT_TRUE(rb_add_cached(&dup[j].node, &root, item_less) ==
			    (j == 0 ? &dup[0].node : NULL));
	}
	for (n = rb_first_cached(&root); n; n = rb_next(n), i++)
		EXPECT_TRUE(n == &dup[i].node);
	EXPECT_EQ(i, 8);
}

TEST(rbtree_find_returns_match_or_null)
{
	struct rb_root root = RB_ROOT;
	int key;

	reset_items();
	for (int k = 0; k < KEYS; k += 3)
		rb_add(&items[k].node, &root, item_less);
	for (key = -1; key <= KEYS; key++) {
		struct rb_node *n = rb_find(&key, &root, item_cmp);

		if (key >= 0 && key < KEYS && key % 3 == 0)
			EXPECT_TRUE(n == &items[key].node);
		else
			EXPECT_TRUE(n == NULL);
	}
}

HOSTTEST_MAIN("rbtree")
