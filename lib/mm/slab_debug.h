/* SPDX-License-Identifier: MIT */
/*
 * lib/mm private header: do not include from outside lib/mm.
 *
 * Slab debugging hooks (CONFIG_LIBMM_SLAB_DEBUG, slab_debug.c). Without
 * the option they are empty inlines, so slab.c calls them unconditionally.
 *
 * Slot layout with debugging (without, a slot is the object, plus the
 * free pointer after it when the cache has a constructor):
 *
 *   0            object_size      rz_end = fp_offset
 *   | object      | red zone 0xcc  | free ptr | tag | last caller |
 *
 * A free object without a constructor is filled with 0x6b and ends with
 * 0xa5; the tag says whether the slot is allocated or free.
 */
#ifndef MM_SLAB_DEBUG_H
#define MM_SLAB_DEBUG_H

#include <stdbool.h>
#include <stddef.h>

struct kmem_cache;

#ifdef CONFIG_LIBMM_SLAB_DEBUG

static inline bool slab_debug_enabled(void)
{
	return true;
}

/* Set c->fp_offset; return the bytes a slot needs before alignment. */
size_t slab_debug_layout(struct kmem_cache *c);
/* A new slab's object: poison, red zone, tag free. */
void slab_debug_init_obj(struct kmem_cache *c, void *obj);
/* Checks on allocation; false: the object is damaged, keep it out. */
bool slab_debug_alloc(struct kmem_cache *c, void *obj, void *caller);
/* Checks on free; false: refuse the free (double free, bad metadata). */
bool slab_debug_free(struct kmem_cache *c, void *obj, void *caller);

#else

static inline bool slab_debug_enabled(void)
{
	return false;
}

static inline size_t slab_debug_layout(struct kmem_cache *c)
{
	(void)c;
	return 0;
}

static inline void slab_debug_init_obj(struct kmem_cache *c, void *obj)
{
	(void)c;
	(void)obj;
}

static inline bool slab_debug_alloc(struct kmem_cache *c, void *obj,
				    void *caller)
{
	(void)c;
	(void)obj;
	(void)caller;
	return true;
}

static inline bool slab_debug_free(struct kmem_cache *c, void *obj,
				   void *caller)
{
	(void)c;
	(void)obj;
	(void)caller;
	return true;
}

#endif

#endif
