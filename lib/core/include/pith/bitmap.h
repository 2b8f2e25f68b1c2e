/* SPDX-License-Identifier: MIT */
/*
 * Bitmaps as arrays of unsigned long, with Linux's names and semantics.
 * Bit nr lives in word nr / BITS_PER_LONG at position nr % BITS_PER_LONG.
 * Functions taking a size never read or write bits at or beyond it, and
 * bits past the size in the last word are ignored on input.
 *
 * Pith runs on one CPU for now, so the plain names (set_bit, ...) are the
 * non-atomic __ versions; they become atomic when SMP arrives, so code that
 * only needs non-atomic access should say so with the __ names.
 *
 * Interface:
 *   DECLARE_BITMAP(name, nbits), BITS_TO_LONGS(nbits), BITS_PER_LONG
 *   __set_bit/__clear_bit/__change_bit(nr, map), test_bit(nr, map)
 *   __test_and_set_bit/__test_and_clear_bit(nr, map)  return the old value
 *   set_bit, clear_bit, change_bit, test_and_set_bit, test_and_clear_bit
 *   bitmap_zero/bitmap_fill(map, nbits)          fill leaves tail bits 0
 *   bitmap_set/bitmap_clear(map, start, nbits)   a run of nbits bits
 *   bitmap_weight(map, nbits)                    number of set bits
 *   bitmap_empty/bitmap_full(map, nbits)
 *   find_first_bit/find_first_zero_bit(map, size)
 *   find_next_bit/find_next_zero_bit(map, size, offset)   first at or after
 *                                   offset; all four return size if none
 *   bitmap_find_next_zero_area(map, size, start, nr, align_mask)
 *                                   lowest index >= start, a multiple of
 *                                   align_mask + 1 (a power of two), with
 *                                   nr (>= 1) clear bits; size if none
 *   for_each_set_bit(bit, map, size), for_each_clear_bit(bit, map, size)
 */
#ifndef PITH_BITMAP_H
#define PITH_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <pith/compiler.h>

#define BITS_PER_LONG		(__SIZEOF_LONG__ * 8)
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)
#define BIT_MASK(nr)		(1UL << ((nr) % BITS_PER_LONG))
#define BITS_TO_LONGS(nbits)	DIV_ROUND_UP(nbits, BITS_PER_LONG)

#define DECLARE_BITMAP(name, nbits) unsigned long name[BITS_TO_LONGS(nbits)]

/* Bits at and above start in its word; bits below end in the last word. */
#define BITMAP_FIRST_WORD_MASK(start) \
	(~0UL << ((unsigned long)(start) % BITS_PER_LONG))
#define BITMAP_LAST_WORD_MASK(nbits) \
	(~0UL >> (-(unsigned long)(nbits) % BITS_PER_LONG))

static inline void __set_bit(unsigned long nr, unsigned long *map)
{
	map[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(unsigned long nr, unsigned long *map)
{
	map[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

static inline void __change_bit(unsigned long nr, unsigned long *map)
{
	map[BIT_WORD(nr)] ^= BIT_MASK(nr);
}

static inline bool test_bit(unsigned long nr, const unsigned long *map)
{
	return (map[BIT_WORD(nr)] & BIT_MASK(nr)) != 0;
}

static inline bool __test_and_set_bit(unsigned long nr, unsigned long *map)
{
	bool old = test_bit(nr, map);

	__set_bit(nr, map);
	return old;
}

static inline bool __test_and_clear_bit(unsigned long nr, unsigned long *map)
{
	bool old = test_bit(nr, map);

	__clear_bit(nr, map);
	return old;
}

/* Single CPU: these will become the atomic versions with SMP. */
static inline void set_bit(unsigned long nr, unsigned long *map)
{
	__set_bit(nr, map);
}

static inline void clear_bit(unsigned long nr, unsigned long *map)
{
	__clear_bit(nr, map);
}

static inline void change_bit(unsigned long nr, unsigned long *map)
{
	__change_bit(nr, map);
}

static inline bool test_and_set_bit(unsigned long nr, unsigned long *map)
{
	return __test_and_set_bit(nr, map);
}

static inline bool test_and_clear_bit(unsigned long nr, unsigned long *map)
{
	return __test_and_clear_bit(nr, map);
}

void bitmap_zero(unsigned long *map, unsigned long nbits);
void bitmap_fill(unsigned long *map, unsigned long nbits);
void bitmap_set(unsigned long *map, unsigned long start, unsigned long nbits);
void bitmap_clear(unsigned long *map, unsigned long start,
		  unsigned long nbits);
unsigned long bitmap_weight(const unsigned long *map, unsigned long nbits);

unsigned long find_next_bit(const unsigned long *map, unsigned long size,
			    unsigned long offset);
unsigned long find_next_zero_bit(const unsigned long *map, unsigned long size,
				 unsigned long offset);
unsigned long bitmap_find_next_zero_area(const unsigned long *map,
					 unsigned long size,
					 unsigned long start, unsigned long nr,
					 unsigned long align_mask);

static inline unsigned long find_first_bit(const unsigned long *map,
					   unsigned long size)
{
	return find_next_bit(map, size, 0);
}

static inline unsigned long find_first_zero_bit(const unsigned long *map,
						unsigned long size)
{
	return find_next_zero_bit(map, size, 0);
}

static inline bool bitmap_empty(const unsigned long *map, unsigned long nbits)
{
	return find_first_bit(map, nbits) >= nbits;
}

static inline bool bitmap_full(const unsigned long *map, unsigned long nbits)
{
	return find_first_zero_bit(map, nbits) >= nbits;
}

#define for_each_set_bit(bit, map, size)				\
	for ((bit) = find_first_bit(map, size); (bit) < (size);		\
	     (bit) = find_next_bit(map, size, (bit) + 1))

#define for_each_clear_bit(bit, map, size)				\
	for ((bit) = find_first_zero_bit(map, size); (bit) < (size);	\
	     (bit) = find_next_zero_bit(map, size, (bit) + 1))

#endif
