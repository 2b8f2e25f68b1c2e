/* SPDX-License-Identifier: MIT */
/*
 * Clocks and sleeping (monotonic never goes back, nanosleep sleeps at
 * least as asked), memory mappings (mmap, munmap, mprotect), getrandom,
 * and identity calls. Ends by writing to a read-only page: the program
 * must die the way SIGSEGV kills it (exit status 139).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static long long ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

int main(void)
{
	long long a = ns(CLOCK_MONOTONIC), b;
	int mono = 1;
	unsigned char r1[16], r2[16];
	struct timespec req = { 0, 20000000 };	/* 20 ms */

	for (int i = 0; i < 1000; i++) {
		b = ns(CLOCK_MONOTONIC);
		mono &= b >= a;
		a = b;
	}
	printf("monotonic %s\n", mono ? "ok" : "WRONG");
	a = ns(CLOCK_MONOTONIC);
	nanosleep(&req, NULL);
	b = ns(CLOCK_MONOTONIC);
	printf("nanosleep 20ms slept >= 20ms: %s\n",
	       b - a >= 20000000 ? "yes" : "NO");

	char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap %s, zeroed %s\n", p == MAP_FAILED ? "failed" : "ok",
	       p != MAP_FAILED && !p[0] && !p[3 * 4096 - 1] ? "yes" : "no");
	memset(p, 0x5a, 3 * 4096);
	printf("munmap middle %d\n", munmap(p + 4096, 4096));
	printf("ends intact %s\n", p[0] == 0x5a && p[8191 + 1] == 0x5a ?
	       "yes" : "no");
	int bad = munmap(p + 1, 4096);

	printf("munmap bad alignment: %d errno %s\n", bad,
	       errno == EINVAL ? "EINVAL" : "other");
	printf("mprotect read-only %d\n", mprotect(p, 4096, PROT_READ));
	printf("read still works %d\n", p[0]);

	getrandom(r1, sizeof(r1), 0);
	getrandom(r2, sizeof(r2), 0);
	printf("getrandom differs %s\n", memcmp(r1, r2, 16) ? "yes" : "NO");
	printf("getpid>0 %d uid %d\n", getpid() > 0, getuid());
	fflush(stdout);
	p[0] = 1;	/* SIGSEGV */
	printf("still alive: WRONG\n");
	return 0;
}
