/* SPDX-License-Identifier: MIT */
/*
 * Bitmap operations that work a word at a time: runs of bits, counting
 * and searching. The single-bit operations are inline in the header.
 *
 * Interface: see <pith/bitmap.h>.
 *   bitmap_zero, bitmap_fill, bitmap_set, bitmap_clear, bitmap_weight,
 *   find_next_bit, find_next_zero_bit, bitmap_find_next_zero_area
 */
#include <pith/bitmap.h>

_Static_assert(BITS_PER_LONG == 64, "hweight_long assumes 64-bit longs");

/* Not __builtin_popcountl: without -mpopcnt it becomes a libgcc call. */
static unsigned long hweight_long(unsigned long w)
{
	w -= (w >> 1) & 0x5555555555555555UL;
	w = (w & 0x3333333333333333UL) + ((w >> 2) & 0x3333333333333333UL);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fUL;
	return (w * 0x0101010101010101UL) >> 56;
}

void bitmap_zero(unsigned long *map, unsigned long nbits)
{
	for (unsigned long i = 0; i < BITS_TO_LONGS(nbits); i++)
		map[i] = 0;
}

/* Tail bits stay clear so whole-word readers see only real bits. */
void bitmap_fill(unsigned long *map, unsigned long nbits)
{
	unsigned long n = BITS_TO_LONGS(nbits);

	for (unsigned long i = 0; i < n; i++)
		map[i] = ~0UL;
	if (n)
		map[n - 1] = BITMAP_LAST_WORD_MASK(nbits);
}

/* Set or clear bits [start, start + nbits), touching only those bits. */
static void bitmap_assign_run(unsigned long *map, unsigned long start,
			      unsigned long nbits, bool value)
{
	unsigned long end = start + nbits;
	unsigned long mask = BITMAP_FIRST_WORD_MASK(start);
	unsigned long last;

	if (!nbits)
		return;
	last = BIT_WORD(end - 1);
	for (unsigned long w = BIT_WORD(start); w <= last; w++) {
		if (w == last)
			mask &= BITMAP_LAST_WORD_MASK(end);
		if (value)
			map[w] |= mask;
		else
			map[w] &= ~mask;
		mask = ~0UL;
	}
}

void bitmap_set(unsigned long *map, unsigned long start, unsigned long nbits)
{
	bitmap_assign_run(map, start, nbits, true);
}

void bitmap_clear(unsigned long *map, unsigned long start,
		  unsigned long nbits)
{
	bitmap_assign_run(map, start, nbits, false);
}

unsigned long bitmap_weight(const unsigned long *map, unsigned long nbits)
{
	unsigned long full = nbits / BITS_PER_LONG;
	unsigned long tail = BITMAP_LAST_WORD_MASK(nbits);
	unsigned long weight = 0;

	for (unsigned long i = 0; i < full; i++)
		weight += hweight_long(map[i]);
	if (nbits % BITS_PER_LONG)
		weight += hweight_long(map[full] & tail);
	return weight;
}

/*
 * One search for both polarities: XOR with invert (0 or ~0) turns the
 * bits sought into ones, so the lowest set bit of a word is the answer.
 */
static unsigned long find_next(const unsigned long *map, unsigned long size,
			       unsigned long offset, unsigned long invert)
{
	unsigned long word;

	if (offset >= size)
		return size;
	word = map[BIT_WORD(offset)] ^ invert;
	word &= BITMAP_FIRST_WORD_MASK(offset);
	offset = ALIGN_DOWN(offset, BITS_PER_LONG);
	while (!word) {
		offset += BITS_PER_LONG;
		if (offset >= size)
			return size;
		word = map[BIT_WORD(offset)] ^ invert;
	}
	/* A hit in the tail bits past size does not count. */
	return MIN(offset + (unsigned long)__builtin_ctzl(word), size);
}

unsigned long find_next_bit(const unsigned long *map, unsigned long size,
			    unsigned long offset)
{
	return find_next(map, size, offset, 0);
}

unsigned long find_next_zero_bit(const unsigned long *map, unsigned long size,
				 unsigned long offset)
{
	return find_next(map, size, offset, ~0UL);
}

/*
 * Candidates are aligned indexes from the first clear bit on. When a
 * candidate's run holds a set bit, no aligned index at or before that bit
 * can work either (its run would hold the bit too), so resume after it.
 */
unsigned long bitmap_find_next_zero_area(const unsigned long *map,
					 unsigned long size,
					 unsigned long start, unsigned long nr,
					 unsigned long align_mask)
{
	unsigned long index, busy;

	for (;;) {
		index = find_next_zero_bit(map, size, start);
		index = (index + align_mask) & ~align_mask;
		if (nr > size || index > size - nr)
			return size;
		busy = find_next_bit(map, index + nr, index);
		if (busy >= index + nr)
			return index;
		start = busy + 1;
	}
}
