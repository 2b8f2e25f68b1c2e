/* SPDX-License-Identifier: MIT */
/*
 * lib/mm host benchmark (not a test): the allocators built for Linux,
 * measured against glibc in the same run. Prints "name value unit" lines.
 *
 * Build and run (no sanitizers):
 *   gcc -std=gnu11 -O2 -DPITH_HOST_TEST -Itests/host -Ilib/core/include \
 *       -Ilib/mm/include -DCONFIG_LIBMM_MAX_ORDER=10 \
 *       lib/mm/tests/host/mm_bench.c -o /tmp/mm_bench && /tmp/mm_bench
 *
 * Each figure is the median over batches. Interrupt masking is the host
 * stub (two stores), so in-kernel figures add the cost of pushf/cli/popf.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "mm_host.h"

#define BATCH	10000
#define ROUNDS	201
#define MB	(1UL << 20)

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

#define keep(p) __asm__ volatile("" : : "r"(p) : "memory")

/* ns per iteration of body, run BATCH times */
#define TIME_BATCH(body)						\
	({								\
		double t0_ = now_ns();					\
		for (int i_ = 0; i_ < BATCH; i_++) {			\
			body;						\
		}							\
		(now_ns() - t0_) / BATCH;				\
	})

static void *live[1000];
static void *many[100];
static double t_km[ROUNDS], t_gl[ROUNDS], t_ratio[ROUNDS];

static inline void km_pair(void)
{
	void *p = kmalloc(64, GFP_KERNEL);

	keep(p);
	kfree(p);
}

static inline void gl_pair(void)
{
	void *p = malloc(64);

	keep(p);
	free(p);
}

static inline void km_burst(void)
{
	for (int k = 0; k < 100; k++)
		many[k] = kmalloc(64, GFP_KERNEL);
	keep(many[0]);
	for (int k = 0; k < 100; k++)
		kfree(many[k]);
}

static inline void gl_burst(void)
{
	for (int k = 0; k < 100; k++)
		many[k] = malloc(64);
	keep(many[0]);
	for (int k = 0; k < 100; k++)
		free(many[k]);
}

/*
 * Rounds of ours and glibc's alternate, so that both see the same noise
 * from the rest of the machine; the ratio is the median of the per-round
 * ratios. A burst is 100 allocations then 100 frees: BATCH iterations
 * hold BATCH pairs, so every figure is per allocation/free pair.
 */
static void compare(const char *what, bool burst)
{
	for (int r = 0; r < ROUNDS; r++) {
		if (burst) {
			t_km[r] = TIME_BATCH(if (i_ % 100 == 0) km_burst());
			t_gl[r] = TIME_BATCH(if (i_ % 100 == 0) gl_burst());
		} else {
			t_km[r] = TIME_BATCH(km_pair());
			t_gl[r] = TIME_BATCH(gl_pair());
		}
		t_ratio[r] = t_km[r] / t_gl[r];
	}
	printf("kmalloc64_kfree_%s %.2f ns\n", what, median(t_km, ROUNDS));
	printf("glibc_malloc64_free_%s %.2f ns\n", what,
	       median(t_gl, ROUNDS));
	printf("kmalloc_to_glibc_ratio_%s %.3f x\n", what,
	       median(t_ratio, ROUNDS));
}

static void bench_kmalloc(void)
{
	mm_host_setup(256 * MB, 0, 0);
	kmalloc_init();
	for (int i = 0; i < 1000; i++) {	/* steady state: slabs in use */
		live[i] = kmalloc(64, GFP_KERNEL);
		keep(live[i]);
		live[i] = malloc(64);
		keep(live[i]);
	}
	compare("pair", false);
	compare("burst100", true);
	for (int r = 0; r < ROUNDS; r++)
		t_km[r] = TIME_BATCH({
			struct page *p = alloc_pages(GFP_KERNEL, 0);
			keep(p);
			__free_pages(p, 0);
		});
	printf("alloc_pages0_free_pair %.2f ns\n", median(t_km, ROUNDS));
}

/*
 * Time page_alloc_init + add_range (+ kmalloc_init) over len bytes. The
 * first run also pays the host's page faults on the descriptors it
 * writes (*first); RAM in a guest is present, so the median is the
 * figure to compare.
 */
static double bench_init(size_t len, double *first)
{
	static double t[101];
	uintptr_t base = mm_host_ram(len);

	for (int r = 0; r < 101; r++) {
		mm_host_reset();
		double t0 = now_ns();

		page_alloc_init(base, base + len);
		page_alloc_add_range(base, base + len);
		kmalloc_init();
		t[r] = now_ns() - t0;
	}
	*first = t[0];
	return median(t, 101);
}

static void bench_overhead(void)
{
	static void *objs[100000];
	struct kmem_cache_stats st;
	double pages_bytes;

	mm_host_setup(64 * MB, 0, 0);
	kmalloc_init();
	for (int i = 0; i < 100000; i++) {
		objs[i] = kmalloc(64, GFP_KERNEL);
		keep(objs[i]);
	}
	kmem_cache_get_stats(&km.caches[3], &st);
	pages_bytes = (double)st.slabs * (PAGE_SIZE << st.order);
	pages_bytes += (double)st.slabs * (1u << st.order) *
		       sizeof(struct page);
	printf("kmalloc64_overhead_per_object %.2f bytes\n",
	       pages_bytes / 100000 - 64);
	printf("struct_page_size %zu bytes\n", sizeof(struct page));
}

int main(void)
{
	double first;

	bench_kmalloc();
	printf("page_alloc_init_64MiB %.2f us\n",
	       bench_init(64 * MB, &first) / 1000);
	printf("page_alloc_init_64MiB_first_run %.2f us\n", first / 1000);
	printf("page_alloc_init_2GiB %.2f us\n",
	       bench_init(2048 * MB, &first) / 1000);
	printf("page_alloc_init_2GiB_first_run %.2f us\n", first / 1000);
	bench_overhead();
	return 0;
}
