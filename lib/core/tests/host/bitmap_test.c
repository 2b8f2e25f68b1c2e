/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for bitmaps: fixed cases at word boundaries (bits 63, 64,
 * 65; sizes that are not a multiple of 64; garbage in the tail bits past
 * the size) and seeded random operations checked after every step against
 * a bool-per-bit model. Maps in the random test are heap blocks of exactly
 * BITS_TO_LONGS words, so AddressSanitizer sees any access past the end.
 *
 * Interface:
 *   gcc -std=gnu11 -Wall -Wextra -Werror -fsanitize=address,undefined
 *       -DPITH_HOST_TEST -Itests/host -Ilib/core/include
 *       lib/core/tests/host/bitmap_test.c && ./a.out     exit 0 = passed
 */
#include "hosttest.h"
#include "../../bitmap.c"

#define GUARD 0x5a5a5a5a5a5a5a5aUL

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64: deterministic across hosts, unlike rand(). */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned long rnd(unsigned long n)
{
	return n ? (unsigned long)(rng() % n) : 0;
}

TEST(bitmap_set_bit_word_boundaries)
{
	DECLARE_BITMAP(map, 130);

	bitmap_zero(map, 130);
	__set_bit(63, map);
	__set_bit(64, map);
	set_bit(65, map);
	EXPECT_EQ(map[0], 1UL << 63);
	EXPECT_EQ(map[1], 3UL);
	EXPECT_EQ(map[2], 0UL);
	EXPECT_TRUE(test_bit(63, map) && test_bit(64, map) &&
		    test_bit(65, map));
	EXPECT_FALSE(test_bit(62, map) || test_bit(66, map));
	__clear_bit(64, map);
	EXPECT_EQ(map[1], 2UL);
	clear_bit(63, map);
	EXPECT_EQ(map[0], 0UL);
	__change_bit(129, map);
	EXPECT_EQ(map[2], 2UL);
	change_bit(129, map);
	EXPECT_EQ(map[2], 0UL);
}

TEST(bitmap_test_and_set_bit_returns_old_value)
{
	DECLARE_BITMAP(map, 128) = { 0 };

	EXPECT_FALSE(__test_and_set_bit(64, map));
	EXPECT_TRUE(__test_and_set_bit(64, map));
	EXPECT_TRUE(__test_and_clear_bit(64, map));
	EXPECT_FALSE(__test_and_clear_bit(64, map));
	EXPECT_FALSE(test_and_set_bit(63, map));
	EXPECT_TRUE(test_and_set_bit(63, map));
	EXPECT_TRUE(test_and_clear_bit(63, map));
	EXPECT_FALSE(test_and_clear_bit(63, map));
	EXPECT_EQ(map[0] | map[1], 0UL);
}

TEST(bitmap_set_run_crossing_words_touches_only_run)
{
	unsigned long map[4] = { 0, 0, 0, GUARD };

	bitmap_set(map, 60, 10);
	EXPECT_EQ(map[0], 0xfUL << 60);
	EXPECT_EQ(map[1], 0x3fUL);
	bitmap_set(map, 64, 64);
	EXPECT_EQ(map[1], ~0UL);
	EXPECT_EQ(map[2], 0UL);
	bitmap_set(map, 0, 192);
	bitmap_clear(map, 1, 190);
	EXPECT_EQ(map[0], 1UL);
	EXPECT_EQ(map[1], 0UL);
	EXPECT_EQ(map[2], 1UL << 63);
	bitmap_set(map, 5, 0);
	bitmap_clear(map, 0, 0);
	EXPECT_EQ(map[0], 1UL);
	bitmap_set(map, 191, 1);
	bitmap_clear(map, 191, 1);
	EXPECT_EQ(map[2], 0UL);
	EXPECT_EQ(map[3], GUARD);
}

TEST(bitmap_fill_size_not_multiple_of_64_clears_tail)
{
	unsigned long map[3] = { 0, 0, GUARD };

	bitmap_fill(map, 65);
	EXPECT_EQ(map[0], ~0UL);
	EXPECT_EQ(map[1], 1UL);
	EXPECT_EQ(map[2], GUARD);
	bitmap_fill(map, 128);
	EXPECT_EQ(map[1], ~0UL);
	EXPECT_EQ(map[2], GUARD);
	bitmap_zero(map, 65);
	EXPECT_EQ(map[0] | map[1], 0UL);
	EXPECT_EQ(map[2], GUARD);
	bitmap_fill(map, 0);
	bitmap_zero(map, 0);
	EXPECT_EQ(map[0] | map[1], 0UL);
	EXPECT_TRUE(bitmap_empty(map, 128));
	bitmap_fill(map, 1);
	EXPECT_EQ(map[0], 1UL);
	EXPECT_TRUE(bitmap_full(map, 1));
	EXPECT_FALSE(bitmap_full(map, 2));
}

TEST(bitmap_weight_ignores_tail_bits)
{
	unsigned long map[2] = { ~0UL, ~0UL };

	EXPECT_EQ(bitmap_weight(map, 0), 0);
	EXPECT_EQ(bitmap_weight(map, 1), 1);
	EXPECT_EQ(bitmap_weight(map, 63), 63);
	EXPECT_EQ(bitmap_weight(map, 64), 64);
	EXPECT_EQ(bitmap_weight(map, 65), 65);
	EXPECT_EQ(bitmap_weight(map, 128), 128);
	map[0] = 0x8000000000000001UL;
	map[1] = 0xf0UL;
	EXPECT_EQ(bitmap_weight(map, 68), 2);
	EXPECT_EQ(bitmap_weight(map, 69), 3);
	EXPECT_EQ(bitmap_weight(map, 128), 6);
}

TEST(bitmap_find_bit_none_returns_size)
{
	unsigned long zero[3] = { 0, 0, 0 };
	unsigned long ones[3] = { ~0UL, ~0UL, ~0UL };
	static const unsigned long sizes[] = { 0, 1, 63, 64, 65, 128, 192 };

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned long size = sizes[i];

		EXPECT_EQ(find_first_bit(zero, size), size);
		EXPECT_EQ(find_first_zero_bit(ones, size), size);
		EXPECT_EQ(find_next_bit(zero, size, size / 2), size);
		EXPECT_EQ(find_next_zero_bit(ones, size, size / 2), size);
		/* Offsets at or past the end find nothing either. */
		EXPECT_EQ(find_next_bit(ones, size, size), size);
		EXPECT_EQ(find_next_zero_bit(zero, size, size + 100), size);
		EXPECT_TRUE(bitmap_empty(zero, size));
		EXPECT_TRUE(bitmap_full(ones, size));
	}
	EXPECT_FALSE(bitmap_empty(ones, 1));
	EXPECT_FALSE(bitmap_full(zero, 1));
}

TEST(bitmap_find_next_bit_tail_garbage_not_found)
{
	/* Bits 70..127 set: junk for any size up to 70. */
	unsigned long map[2] = { 0, ~0UL << 6 };

	for (unsigned long size = 65; size <= 70; size++) {
		EXPECT_EQ(find_next_bit(map, size, 0), size);
		EXPECT_EQ(find_next_bit(map, size, 64), size);
	}
	EXPECT_EQ(find_next_bit(map, 71, 0), 70);
	map[0] = ~0UL;
	map[1] = 0x3fUL;
	for (unsigned long size = 65; size <= 70; size++) {
		EXPECT_EQ(find_next_zero_bit(map, size, 0), size);
		EXPECT_EQ(find_next_zero_bit(map, size, 64), size);
	}
	EXPECT_EQ(find_next_zero_bit(map, 71, 0), 70);
}

TEST(bitmap_find_next_bit_word_boundaries)
{
	unsigned long map[3] = { 1UL << 63, 3UL, 0 };

	EXPECT_EQ(find_first_bit(map, 192), 63);
	EXPECT_EQ(find_next_bit(map, 192, 63), 63);
	EXPECT_EQ(find_next_bit(map, 192, 64), 64);
	EXPECT_EQ(find_next_bit(map, 192, 65), 65);
	EXPECT_EQ(find_next_bit(map, 192, 66), 192);
	EXPECT_EQ(find_next_bit(map, 64, 0), 63);
	EXPECT_EQ(find_next_bit(map, 63, 0), 63);
	EXPECT_EQ(find_first_zero_bit(map, 192), 0);
	EXPECT_EQ(find_next_zero_bit(map, 192, 63), 66);
	EXPECT_EQ(find_next_zero_bit(map, 65, 63), 65);
	map[0] = ~0UL;
	EXPECT_EQ(find_first_zero_bit(map, 192), 66);
}

TEST(bitmap_find_next_zero_area_alignment)
{
	DECLARE_BITMAP(map, 256);

	bitmap_zero(map, 256);
	bitmap_set(map, 0, 5);
	__set_bit(10, map);
	EXPECT_EQ(bitmap_find_next_zero_area(map, 256, 0, 4, 0), 5);
	EXPECT_EQ(bitmap_find_next_zero_area(map, 256, 0, 6, 0), 11);
	/* [8, 12) holds bit 10, so the next multiple of 8 is 16. */
	EXPECT_EQ(bitmap_find_next_zero_area(map, 256, 0, 4, 7), 16);
	EXPECT_EQ(bitmap_find_next_zero_area(map, 256, 0, 2, 1), 6);
	EXPECT_EQ(bitmap_find_next_zero_area(map, 256, 0, 64, 63), 64);
	EXPECT_EQ(bitmap_find_next_zero_area(map, 256, 65, 1, 63), 128);
	EXPECT_EQ(bitmap_find_next_zero_area(map, 256, 7, 1, 3), 8);
	EXPECT_EQ(bitmap_find_next_zero_area(map, 256, 0, 245, 0), 11);
	/* Too long, start past the end, or the last aligned slot too short. */
	EXPECT_EQ(bitmap_find_next_zero_area(map, 256, 0, 246, 0), 256);
	EXPECT_EQ(bitmap_find_next_zero_area(map, 256, 0, 257, 0), 256);
	EXPECT_EQ(bitmap_find_next_zero_area(map, 256, 256, 1, 0), 256);
	EXPECT_EQ(bitmap_find_next_zero_area(map, 256, 193, 64, 63), 256);
	bitmap_fill(map, 256);
	__clear_bit(64, map);
	EXPECT_EQ(bitmap_find_next_zero_area(map, 256, 0, 1, 0), 64);
	EXPECT_EQ(bitmap_find_next_zero_area(map, 256, 0, 2, 0), 256);
	EXPECT_EQ(bitmap_find_next_zero_area(map, 256, 65, 1, 0), 256);
	/* A size that is not a multiple of 64: the area must end by it. */
	bitmap_zero(map, 256);
	EXPECT_EQ(bitmap_find_next_zero_area(map, 70, 0, 70, 0), 0);
	EXPECT_EQ(bitmap_find_next_zero_area(map, 70, 1, 69, 0), 1);
	EXPECT_EQ(bitmap_find_next_zero_area(map, 70, 1, 70, 0), 70);
	EXPECT_EQ(bitmap_find_next_zero_area(map, 70, 1, 7, 63), 70);
}

TEST(bitmap_for_each_set_bit_visits_exactly_set_bits)
{
	static const unsigned long want[] = { 0, 63, 64, 65, 129 };
	DECLARE_BITMAP(map, 130);
	unsigned long bit, n = 0, clear = 0;

	bitmap_zero(map, 130);
	for (unsigned int i = 0; i < ARRAY_SIZE(want); i++)
		__set_bit(want[i], map);
	for_each_set_bit(bit, map, 130) {
		ASSERT_TRUE(n < ARRAY_SIZE(want));
		EXPECT_EQ(bit, want[n]);
		n++;
	}
	EXPECT_EQ(n, ARRAY_SIZE(want));
	for_each_clear_bit(bit, map, 130) {
		EXPECT_FALSE(test_bit(bit, map));
		clear++;
	}
	EXPECT_EQ(clear, 130 - ARRAY_SIZE(want));
	n = 0;
	clear = 0;	/* a variable: a literal 0 trips -Wtype-limits */
	for_each_set_bit(bit, map, clear)
		n++;
	EXPECT_EQ(n, 0);
}

/* Random test: the model and brute-force answers derived from it. */

static unsigned long model_next(const bool *model, unsigned long size,
				unsigned long offset, bool value)
{
	for (unsigned long i = offset; i < size; i++)
		if (model[i] == value)
			return i;
	return size;
}

static unsigned long model_area(const bool *model, unsigned long size,
				unsigned long start, unsigned long nr,
				unsigned long align_mask)
{
	for (unsigned long i = ALIGN_UP(start, align_mask + 1); i + nr <= size;
	     i += align_mask + 1) {
		if (model_next(model, i + nr, i, true) == i + nr)
			return i;
	}
	return size;
}

static bool map_matches_model(const unsigned long *map, const bool *model,
			      unsigned long size)
{
	for (unsigned long i = 0; i < size; i++) {
		if (test_bit(i, map) != model[i]) {
			printf("    # bit %lu is %d, model %d\n", i,
			       test_bit(i, map), model[i]);
			return false;
		}
	}
	/* No operation may touch the tail bits, and none are ever set. */
	if (size % BITS_PER_LONG &&
	    map[BIT_WORD(size)] & ~BITMAP_LAST_WORD_MASK(size)) {
		printf("    # tail bits set past %lu\n", size);
		return false;
	}
	return true;
}

/*
 * One random mutation of map and model. Runs are biased short so that the
 * map keeps a mix of small holes and long stretches for the searches.
 */
static void random_op(unsigned long *map, bool *model, unsigned long size)
{
	unsigned long nr = rnd(size), start, len;
	unsigned int op = (unsigned int)rnd(100);

	if (op < 40) {
		bool old = model[nr], set = op < 20;

		EXPECT_EQ(set ? __test_and_set_bit(nr, map) :
				__test_and_clear_bit(nr, map), old);
		model[nr] = set;
	} else if (op < 50) {
		__change_bit(nr, map);
		model[nr] = !model[nr];
	} else if (op < 98) {
		start = rnd(size + 1);
		len = rnd(2) ? 8 : 150;
		len = rnd(MIN(size - start, len) + 1);
		if (op < 74)
			bitmap_set(map, start, len);
		else
			bitmap_clear(map, start, len);
		for (unsigned long i = start; i < start + len; i++)
			model[i] = op < 74;
	} else {
		if (op == 98)
			bitmap_zero(map, size);
		else
			bitmap_fill(map, size);
		for (unsigned long i = 0; i < size; i++)
			model[i] = op != 98;
	}
}

static void check_searches(const unsigned long *map, const bool *model,
			   unsigned long size)
{
	static const unsigned long aligns[] = { 0, 1, 3, 7, 63, 127 };
	unsigned long off = rnd(size + 3), weight = 0;
	unsigned long start = rnd(size + 1), nr = rnd(2) ? 8 : 100;
	unsigned long align = aligns[rnd(ARRAY_SIZE(aligns))];

	/* Up to one past size, to see the "too long" answer too. */
	nr = rnd(MIN(size, nr) + 1) + 1;

	for (unsigned long i = 0; i < size; i++)
		weight += model[i];
	EXPECT_EQ(bitmap_weight(map, size), weight);
	EXPECT_EQ(bitmap_empty(map, size), weight == 0);
	EXPECT_EQ(bitmap_full(map, size), weight == size);
	EXPECT_EQ(find_first_bit(map, size), model_next(model, size, 0, 1));
	EXPECT_EQ(find_first_zero_bit(map, size),
		  model_next(model, size, 0, 0));
	EXPECT_EQ(find_next_bit(map, size, off),
		  model_next(model, size, off, 1));
	EXPECT_EQ(find_next_zero_bit(map, size, off),
		  model_next(model, size, off, 0));
	EXPECT_EQ(bitmap_find_next_zero_area(map, size, start, nr, align),
		  model_area(model, size, start, nr, align));
}

static bool for_each_matches_model(const unsigned long *map,
				   const bool *model, unsigned long size)
{
	unsigned long bit, expect = model_next(model, size, 0, 1);

	for_each_set_bit(bit, map, size) {
		if (bit != expect)
			return false;
		expect = model_next(model, size, bit + 1, 1);
	}
	return expect == size;
}

TEST(bitmap_random_ops_match_bool_model)
{
	static const unsigned long sizes[] = { 1,   2,   63,  64,  65, 127,
					       128, 129, 191, 200, 1000 };

	rng_state = 0x2545f4914f6cdd1dULL;
	for (unsigned int s = 0; s < ARRAY_SIZE(sizes); s++) {
		unsigned long size = sizes[s];
		unsigned long *map = malloc(BITS_TO_LONGS(size) * sizeof(long));
		bool *model = calloc(size, sizeof(bool));

		ASSERT_TRUE(map && model);
		bitmap_zero(map, size);
		for (int step = 0; step < 20000; step++) {
			random_op(map, model, size);
			ASSERT_TRUE(map_matches_model(map, model, size));
			check_searches(map, model, size);
			if (step % 64 == 0)
				ASSERT_TRUE(for_each_matches_model(map, model,
								   size));
		}
		free(map);
		free(model);
	}
}

HOSTTEST_MAIN("bitmap")
