/* SPDX-License-Identifier: MIT */
/*
 * getrandom: a ChaCha20 keystream generator, keyed at first use from
 * RDSEED (or RDRAND) where CPUID offers it and re-keyed from its own
 * output after every request (so earlier output cannot be recomputed from
 * the state). Without a hardware source it is keyed from the TSC and says
 * so: that is not cryptographic.
 */
#include <pith/cpu.h>
#include <pith/errno.h>
#include <pith/io.h>
#include <pith/irqflags.h>
#include <pith/printk.h>
#include <pith/string.h>
#include <pith/syscall.h>

#define GRND_NONBLOCK	0x1
#define GRND_RANDOM	0x2
#define GRND_INSECURE	0x4

static uint32_t key[8];
static uint64_t counter;
static bool keyed;

#define ROTL(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define QR(a, b, c, d)						\
	(a += b, d ^= a, d = ROTL(d, 16), c += d, b ^= c, b = ROTL(b, 12), \
	 a += b, d ^= a, d = ROTL(d, 8), c += d, b ^= c, b = ROTL(b, 7))

/* One 64-byte ChaCha20 block of key at position n (nonce 0). */
static void chacha_block(uint32_t out[16], uint64_t n)
{
	uint32_t x[16] = {
		0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
		key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
		(uint32_t)n, (uint32_t)(n >> 32), 0, 0,
	};
	uint32_t in[16];

	memcpy(in, x, sizeof(in));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		out[i] = x[i] + in[i];
}

static void seed(void)
{
	if (!cpu_random_bytes(key, sizeof(key))) {
		pr_warn("getrandom: no RDSEED/RDRAND; keyed from the TSC, "
			"not cryptographic\n");
		for (int i = 0; i < 8; i++)
			key[i] = (uint32_t)(rdtsc() * 0x9e3779b97f4a7c15ull >> 17);
	}
	keyed = true;
}

/* Fill buf with n random bytes; any context. */
void posix_random_bytes(void *buf, size_t n)
{
	unsigned long flags = local_irq_save();
	uint8_t *p = buf;
	uint32_t blk[16];

	if (!keyed)
		seed();
	while (n) {
		size_t k = n < 64 ? n : 64;

		chacha_block(blk, counter++);
		memcpy(p, blk, k);
		p += k;
		n -= k;
	}
	chacha_block(blk, counter++);		/* fast key erasure */
	memcpy(key, blk, sizeof(key));
	memset(blk, 0, sizeof(blk));
	local_irq_restore(flags);
}

static long sys_getrandom(long buf, long len, long flags)
{
	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) || len < 0)
		return -EINVAL;
	if (len > 33554431)
		len = 33554431;		/* Linux's cap per call */
	posix_random_bytes((void *)buf, len);
	return len;
}
SYSCALL(getrandom, "pux", sys_getrandom);
