/* SPDX-License-Identifier: MIT */
/*
 * Slab debugging (CONFIG_LIBMM_SLAB_DEBUG): poisoning, red zones and
 * allocation tags, checked on every allocation and free. The slot layout
 * is drawn in slab_debug.h.
 *
 * A damaged free object (poison or red zone overwritten, tag wrong) is
 * reported and never handed out again: it stays counted as in use. A bad
 * free (double free, metadata overwritten) is reported and refused. An
 * overrun that stayed inside the red zone is reported, the red zone
 * repaired, and the free goes ahead. Every report names the cache, the
 * object and the caller, so the allocator itself is never corrupted by
 * the misuse it detects.
 */
#include "slab_internal.h"

#define POISON_FREE	0x6b
#define POISON_END	0xa5
#define REDZONE_BYTE	0xcc
#define TAG_FREE	0x5ab1f4eef4eef4eeULL
#define TAG_ALLOC	0x5ab1a110ca7ed000ULL

struct slab_dbg_meta {
	void *fp;		/* must stay first: fp_offset points here */
	uint64_t tag;
	void *caller;		/* last allocated or freed by */
};

static struct slab_dbg_meta *dbg_meta(struct kmem_cache *c, void *obj)
{
	return (struct slab_dbg_meta *)((char *)obj + c->fp_offset);
}

size_t slab_debug_layout(struct kmem_cache *c)
{
	c->fp_offset = ALIGN_UP(c->object_size, 8u) + 8;
	return c->fp_offset + sizeof(struct slab_dbg_meta);
}

static void dbg_poison(struct kmem_cache *c, void *obj)
{
	unsigned char *p = obj;

	if (c->ctor)
		return;
	__builtin_memset(p, POISON_FREE, c->object_size - 1);
	p[c->object_size - 1] = POISON_END;
}

/* Offset of the first damaged poison byte, or -1. */
static long dbg_poison_bad(struct kmem_cache *c, const void *obj)
{
	const unsigned char *p = obj;
	unsigned int n = c->object_size;

	if (c->ctor)
		return -1;
	for (unsigned int i = 0; i + 1 < n; i++)
		if (p[i] != POISON_FREE)
			return i;
	return p[n - 1] == POISON_END ? -1 : (long)n - 1;
}

static void dbg_redzone_fill(struct kmem_cache *c, void *obj)
{
	__builtin_memset((char *)obj + c->object_size, REDZONE_BYTE,
			 c->fp_offset - c->object_size);
}

static bool dbg_redzone_ok(struct kmem_cache *c, const void *obj)
{
	const unsigned char *p = obj;

	for (unsigned int i = c->object_size; i < c->fp_offset; i++)
		if (p[i] != REDZONE_BYTE)
			return false;
	return true;
}

void slab_debug_init_obj(struct kmem_cache *c, void *obj)
{
	struct slab_dbg_meta *m = dbg_meta(c, obj);

	dbg_poison(c, obj);
	dbg_redzone_fill(c, obj);
	m->tag = TAG_FREE;
	m->caller = NULL;
}

bool slab_debug_alloc(struct kmem_cache *c, void *obj, void *caller)
{
	struct slab_dbg_meta *m = dbg_meta(c, obj);
	long bad;

	if (m->tag != TAG_FREE) {
		slab_report(c, obj, caller,
			    "free object's tag overwritten, object dropped");
		return false;
	}
	bad = dbg_poison_bad(c, obj);
	if (bad >= 0) {
		pr_err("slab %s: use after free: object %p byte %ld is 0x%x, freed by %p (caller %p); object dropped\n",
		       c->name, obj, bad, ((unsigned char *)obj)[bad],
		       m->caller, caller);
		slab_count_error(c);
		return false;
	}
	if (!dbg_redzone_ok(c, obj)) {
		slab_report(c, obj, caller,
			    "red zone of a free object overwritten, object dropped");
		return false;
	}
	m->tag = TAG_ALLOC;
	m->caller = caller;
	return true;
}

bool slab_debug_free(struct kmem_cache *c, void *obj, void *caller)
{
	struct slab_dbg_meta *m = dbg_meta(c, obj);

	if (m->tag == TAG_FREE) {
		pr_err("slab %s: double free: object %p, first freed by %p (caller %p); free refused\n",
		       c->name, obj, m->caller, caller);
		slab_count_error(c);
		return false;
	}
	if (m->tag != TAG_ALLOC) {
		slab_report(c, obj, caller,
			    "buffer overrun past the red zone (tag overwritten), free refused");
		return false;
	}
	if (!dbg_redzone_ok(c, obj)) {
		slab_report(c, obj, caller,
			    "buffer overrun: red zone after the object overwritten");
		dbg_redzone_fill(c, obj);
	}
	dbg_poison(c, obj);
	m->tag = TAG_FREE;
	m->caller = caller;
	return true;
}
