/* Fixed-size kernel objects (regions, tasks) carved from single frames. A frame whose objects
 * are all free goes back to the frame allocator at once, so after every task has exited the
 * free-frame count returns to its boot figure. */
#ifndef FAULTLINE_MM_SLAB_H
#define FAULTLINE_MM_SLAB_H

#include "platform/riscv/spinlock.h"
#include "platform/types.h"

struct slab_page;

struct slab_cache {
	const char *name;
	uint32_t size;		   /* object size, rounded up to 16 bytes */
	uint32_t per_page;	   /* objects in one frame, after the page header */
	struct slab_page *partial; /* pages with at least one free object */
	uint64_t in_use;	   /* objects handed out */
	uint64_t pages;		   /* frames held */
	spinlock_t lock;
};

/* slab_cache_init - an empty cache of @size-byte objects (at most ~2 KiB). */
void slab_cache_init(struct slab_cache *c, const char *name, uint32_t size);

/* slab_alloc - a zeroed object, or NULL when no frame is left. O(1). */
void *slab_alloc(struct slab_cache *c);

/* slab_free - give back an object of @c; its frame is freed when it was the last one. O(1). */
void slab_free(struct slab_cache *c, void *obj);

#endif
