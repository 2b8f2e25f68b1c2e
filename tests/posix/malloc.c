/* SPDX-License-Identifier: MIT */
/* malloc, realloc and free under a random load, contents checked. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512
#define OPS 100000

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned char *p[SLOTS];
static size_t len[SLOTS];

static int check(int i)
{
	for (size_t k = 0; k < len[i]; k++)
		if (p[i][k] != (unsigned char)(i + k))
			return 0;
	return 1;
}

static void fill(int i)
{
	for (size_t k = 0; k < len[i]; k++)
		p[i][k] = (unsigned char)(i + k);
}

int main(void)
{
	long bad = 0, allocs = 0;

	for (long op = 0; op < OPS; op++) {
		int i = (int)(next() % SLOTS);
		size_t n = next() % 16 ? next() % 256 : next() % 20000;

		if (p[i] && !check(i))
			bad++;
		if (next() % 3 == 0 && p[i]) {
			unsigned char *q = realloc(p[i], n + 1);

			if (!q)
				return 2;
			p[i] = q;
			if (len[i] > n + 1)
				len[i] = n + 1;
			if (!check(i))
				bad++;
			len[i] = n + 1;
			fill(i);
			continue;
		}
		free(p[i]);
		p[i] = malloc(n + 1);
		if (!p[i])
			return 3;
		allocs++;
		len[i] = n + 1;
		fill(i);
	}
	for (int i = 0; i < SLOTS; i++) {
		bad += p[i] && !check(i);
		free(p[i]);
	}
	printf("malloc ops %d allocs>0 %d corrupted %ld\n", OPS, allocs > 0, bad);
	return bad != 0;
}
