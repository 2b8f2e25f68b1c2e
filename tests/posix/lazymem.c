/* SPDX-License-Identifier: MIT */
/*
 * Anonymous memory is backed on first touch, as on Linux: mincore says an
 * untouched page of a fresh mapping is not resident and a touched one
 * is; reads of untouched pages give zeros; read() from a pipe into an
 * untouched buffer (the kernel's copy is the first touch) works;
 * MADV_DONTNEED drops pages (zeros and not resident afterwards); mremap
 * growth keeps contents and backs nothing new; mprotect to PROT_NONE and
 * back keeps contents; MAP_POPULATE and mlock back at once. Mappings stay
 * under 2 MiB so that Linux's transparent huge pages do not back more.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096
#define NPAGES 256

static unsigned char *map(size_t pages, int flags)
{
	unsigned char *p = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		return NULL;
	}
	madvise(p, pages * PG, MADV_NOHUGEPAGE);
	return p;
}

/* Which of the first n pages are resident, as a string of 0 and 1. */
static void resident(const char *what, unsigned char *p, size_t n)
{
	unsigned char vec[NPAGES];
	char s[NPAGES + 1];

	if (mincore(p, n * PG, vec)) {
		perror("mincore");
		return;
	}
	for (size_t i = 0; i < n; i++)
		s[i] = (char)('0' + (vec[i] & 1));
	s[n] = '\0';
	printf("%s: %s\n", what, s);
}

int main(void)
{
	unsigned char *p, *q;
	int fds[2], zeros = 1;
	ssize_t n;

	p = map(NPAGES, 0);
	if (!p)
		return 1;
	resident("fresh", p, 16);
	p[0] = 1;
	p[5 * PG + 100] = 2;
	for (size_t i = 0; i < NPAGES * PG; i += 1024)
		if (i / PG != 0 && i / PG != 5 && i / PG < 8 && p[i])
			zeros = 0;
	printf("untouched pages read as zeros: %d\n", zeros);
	resident("touched 0 and 5, read 1-7", p, 16);

	/* the kernel's copy into an untouched buffer is its first touch */
	if (pipe(fds))
		return 1;
	write(fds[1], "from the pipe", 13);
	n = read(fds[0], p + 10 * PG - 4, 13);	/* across pages 9 and 10 */
	printf("read %zd: %.13s\n", n, (char *)p + 10 * PG - 4);
	resident("after read()", p, 16);

	/* MADV_DONTNEED: gone, and zeros on the next read */
	memset(p + 12 * PG, 0x5a, 2 * PG);
	printf("madvise DONTNEED: %d\n",
	       madvise(p + 12 * PG, 2 * PG, MADV_DONTNEED));
	resident("after DONTNEED of 12-13", p, 16);
	printf("bytes after DONTNEED: %d %d\n", p[12 * PG], p[14 * PG - 1]);

	/* PROT_NONE and back: contents kept, untouched pages still lazy */
	printf("mprotect none: %d\n", mprotect(p, 8 * PG, PROT_NONE));
	printf("mprotect back: %d\n",
	       mprotect(p, 8 * PG, PROT_READ | PROT_WRITE));
	printf("kept: %d %d\n", p[0], p[5 * PG + 100]);

	/* mremap growth: contents move, nothing new is backed */
	q = mremap(p, NPAGES * PG, 2 * NPAGES * PG, MREMAP_MAYMOVE);
	if (q == MAP_FAILED) {
		perror("mremap");
		return 1;
	}
	printf("moved: %d %d %.13s\n", q[0], q[5 * PG + 100],
	       (char *)q + 10 * PG - 4);
	resident("after mremap", q, 16);
	resident("grown part", q + NPAGES * PG, 16);
	munmap(q, 2 * NPAGES * PG);

	/* backed at once */
	p = map(8, MAP_POPULATE);
	resident("MAP_POPULATE", p, 8);
	munmap(p, 8 * PG);
	p = map(8, 0);
	printf("mlock: %d\n", mlock(p + PG, 3 * PG));
	resident("mlock 1-3", p, 8);
	munlock(p + PG, 3 * PG);
	munmap(p, 8 * PG);
	return 0;
}
