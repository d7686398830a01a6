/* Memory objects: reference-counted arrays of user frames with a size in bytes, the memory
 * behind a memfd. Frames come on first use (a hole reads as zeros), are shared by every
 * mapping and every descriptor of the object, and go when the size shrinks over them or the
 * last reference is dropped. Pure logic, also compiled on the host. */
#ifndef FAULTLINE_MM_MEMOBJ_H
#define FAULTLINE_MM_MEMOBJ_H

#include "platform/types.h"

struct memobj;

/* Pages an object can ever hold: 2^45, five levels of 512-entry index pages (2^57 bytes). */
#define MEMOBJ_MAX_LEVELS 5
#define MEMOBJ_MAX_BYTES  (1ull << 57)

/* memobj_init - empty object cache; called by vm_init(). */
void memobj_init(void);

/* memobj_create - a new object of size 0 holding one reference (the caller's). Returns 0 and
 * it in @out, or -ENOMEM. */
int memobj_create(struct memobj **out) __must_check;

/* memobj_get - one more reference (a descriptor, a region). */
void memobj_get(struct memobj *o);

/* memobj_put - drop one reference; the last frees every frame the object holds (frames that
 * PTEs still map stay alive through their own references) and its index pages. */
void memobj_put(struct memobj *o);

/* memobj_size - the size in bytes. */
uint64_t memobj_size(struct memobj *o);

/*
 * memobj_resize - set the size to @bytes. Growing adds holes (no frame); shrinking drops the
 * object's frames wholly past the end and zeroes the tail of a last partial page, so growing
 * again reads zeros there. Returns 0, or -EFBIG past MEMOBJ_MAX_BYTES.
 */
int memobj_resize(struct memobj *o, uint64_t bytes) __must_check;

/*
 * memobj_page - the frame of page @index with one reference for the caller (pmm_put() it, or
 * keep it for a PTE). With @alloc, a hole gets a zeroed frame first; without, a hole gives
 * 0 in *@pa. Returns 0, -ENXIO when @index lies past the size, or -ENOMEM.
 */
int memobj_page(struct memobj *o, uint64_t index, bool alloc, paddr_t *pa) __must_check;

/* memobj_frames - frames the object holds now (st_blocks counts them). */
uint64_t memobj_frames(struct memobj *o);

/*
 * memobj_for_each_frame - call @fn(pa, arg) for every frame every live object holds, for the
 * auditor (each such frame carries one reference of its object). Stops at the first non-zero
 * return and gives it back. Nothing else may change objects meanwhile.
 */
int memobj_for_each_frame(int (*fn)(paddr_t pa, void *arg), void *arg);

/* memobj_live - objects in existence (tests check that none leaks). */
uint64_t memobj_live(void);

#endif
