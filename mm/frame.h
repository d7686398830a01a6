/* Physical frames: one 8-byte descriptor per 4 KiB frame with a reference count, O(1)
 * allocation and release from a free list, and totals by use. Pure logic over the direct map;
 * safe with several harts (one lock, interrupts masked while held). */
#ifndef FAULTLINE_MM_FRAME_H
#define FAULTLINE_MM_FRAME_H

#include "platform/fdt.h"
#include "platform/types.h"

#define PMM_MAX_BANKS FDT_MAX_MEM
#define PMM_MAX_HOLES (FDT_MAX_RESV + 8)

/* What a frame in use holds; the auditor and the boot log count by it. */
enum frame_kind {
	FRAME_FREE = 0,
	FRAME_KERNEL,	 /* firmware data: descriptors, stacks, the zero page */
	FRAME_PAGETABLE, /* a page-table page */
	FRAME_ANON,	 /* user memory */
	FRAME_KINDS,
};

struct pmm_stats {
	uint64_t total;		       /* frames managed (RAM minus holes) */
	uint64_t free;		       /* frames on the free list */
	uint64_t by_kind[FRAME_KINDS]; /* frames in use, by kind (by_kind[FRAME_FREE] == free) */
	uint64_t meta_bytes;	       /* bytes of descriptors */
	uint64_t reserved; /* RAM frames withheld: image, devicetree, firmware, descriptors */
};

/*
 * pmm_init - take over the RAM banks @ram minus the @holes (image, DTB, reserved regions).
 * Places the descriptor array in the first free stretch of RAM large enough, which becomes a
 * hole too. Frames of a bank are page-aligned inwards; holes outwards. Called once, on the
 * boot hart, with the direct map of every bank in place.
 * Returns 0, -EINVAL for no usable RAM or too many banks/holes, -ENOMEM when the descriptors
 * fit nowhere.
 */
int pmm_init(const struct fdt_region *ram, int nram, const struct fdt_region *holes,
	     int nholes) __must_check;

/*
 * pmm_alloc - take one frame off the free list with a reference count of 1. Its contents are
 * whatever was there before: callers zero or fill it. O(1). Returns 0 and the frame's address
 * in @pa, or -ENOMEM.
 */
int pmm_alloc(enum frame_kind kind, paddr_t *pa) __must_check;

/* pmm_zero - fill the frame at @pa with zeros. */
void pmm_zero(paddr_t pa);

/* pmm_get - one more reference to the frame at @pa (a frame in use). */
void pmm_get(paddr_t pa);

/* pmm_try_get - one more reference if @pa is a frame the allocator handed out; false (and
 * nothing done) for the image's frames, holes and addresses outside RAM. */
bool pmm_try_get(paddr_t pa);

/* pmm_put - drop one reference; the last one frees the frame. Returns true if it was freed. */
bool pmm_put(paddr_t pa);

/* pmm_put_ref - pmm_put() for callers that do not know whether @pa is a frame anyone holds
 * (an image frame is not): true if a reference was dropped. */
bool pmm_put_ref(paddr_t pa);

/* pmm_refcount - references held on the frame at @pa; 0 for a free or unmanaged frame. */
uint32_t pmm_refcount(paddr_t pa);

/* pmm_kind - what the frame at @pa holds; FRAME_FREE for free or unmanaged frames. */
enum frame_kind pmm_kind(paddr_t pa);

/* pmm_managed - true if @pa lies in a frame the allocator owns (free or in use). */
bool pmm_managed(paddr_t pa);

/* pmm_shared_frames - user frames with more than one reference (walks every frame). */
uint64_t pmm_shared_frames(void);

/* pmm_stats - a consistent snapshot of the totals. */
void pmm_stats(struct pmm_stats *st);

/*
 * pmm_fail_after - fault injection: the (@n+1)-th allocation from now fails with -ENOMEM and
 * so do all after it, until pmm_fail_after(-1) turns injection off.
 */
void pmm_fail_after(long n);

/*
 * pmm_audit_ref - add @delta to the reference count of the in-use frame at @pa without ever
 * freeing it, for the auditor's count-down-and-restore with everything else stopped.
 * Returns the new count, or -EINVAL for a frame never allocated or a count going below 0.
 */
long pmm_audit_ref(paddr_t pa, int delta);

/*
 * pmm_for_each_used - call @fn(pa, kind, refcount, arg) for every frame in use, in address
 * order; for the invariant auditor. Stops early and returns fn's value when it is non-zero.
 * Called without the lock held by others changing frames (tests, quiesced boot).
 */
int pmm_for_each_used(int (*fn)(paddr_t pa, enum frame_kind kind, uint32_t ref, void *arg),
		      void *arg);

#endif
