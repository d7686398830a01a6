/* Physical frame allocator: descriptors with reference counts, a LIFO free list and, behind
 * it, untouched free ranges handed out in address order. A descriptor is written only when
 * the allocator first reaches its frame, so boot costs the same with 64 MiB or 8 GiB of RAM:
 * every descriptor below the high-water index is valid (frames handed out once, and the
 * holes between them, written as free), none above it is read. The descriptor array sits at
 * the top of RAM, so the allocator reaches its own hole last. */
#include "mm/frame.h"

#include "platform/errno.h"
#include "platform/riscv/memlayout.h"
#include "platform/riscv/pte.h"
#include "platform/riscv/spinlock.h"

#define NO_FRAME UINT32_MAX

/*
 * 8 bytes a frame. In use: ref >= 1 and kind says what it holds. On the free list: ref == 0
 * and next is the following free frame's index. Never allocated yet: not read at all.
 */
struct frame {
	uint32_t ref;
	uint32_t next_or_kind;
};

/* A bank of RAM: frames [first, first + count) of the descriptor array cover it. */
struct bank {
	paddr_t base;
	uint32_t first;
	uint32_t count;
};

/* Free frames never allocated yet: indices [cursor, end). */
struct range {
	uint32_t start;
	uint32_t cursor;
	uint32_t end;
};

/* What every allocation and reference touches, together: one base address for all of it. */
static struct {
	spinlock_t lock;
	uint32_t free_head; /* LIFO list of frames freed after use */
	uint32_t high;	    /* descriptors [0, high) are valid */
	struct frame *frames;
	paddr_t bank0_base; /* bank 0 is looked up without a loop: the common case */
	uint64_t bank0_bytes;
	uint64_t nfree_list;
	long fail_countdown;  /* fault injection: allocations left before failing; -1 = off */
	uint32_t next, limit; /* the current range's cursor and end (its cursor field lags) */
	int cur_range;	      /* ranges before this one are used up */
	int nranges;
	uint64_t in_use[FRAME_KINDS];
} pm = { .lock = SPINLOCK_INIT, .fail_countdown = -1 };

static struct bank banks[PMM_MAX_BANKS];
static int nbanks;
static struct range ranges[PMM_MAX_BANKS + PMM_MAX_HOLES + 1];
static uint64_t ntotal;
static uint64_t nreserved;
static uint64_t meta_bytes;

static bool overlaps(paddr_t a, uint64_t alen, paddr_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Highest page-aligned address inside [lo, hi) where @len bytes miss every hole, or 0. */
static paddr_t find_gap_top(paddr_t lo, paddr_t hi, uint64_t len, const struct fdt_region *holes,
			    int nholes)
{
	paddr_t at;
	bool moved = true;

	if (hi - lo < len)
		return 0;
	at = align_down(hi - len, PAGE_SIZE);
	while (moved && at >= lo) {
		moved = false;
		for (int i = 0; i < nholes; i++) {
			if (overlaps(at, len, holes[i].base, holes[i].size)) {
				if (holes[i].base < lo + len)
					return 0;
				at = align_down(holes[i].base - len, PAGE_SIZE);
				moved = true;
			}
		}
	}
	return at >= lo ? at : 0;
}

/* The descriptor index of @pa: bank 0 by subtraction (the common case), others by a scan. */
static inline int index_of(paddr_t pa, uint32_t *idx)
{
	uint64_t off = pa - pm.bank0_base;

	if (off < pm.bank0_bytes) {
		*idx = (uint32_t)(off >> PAGE_SHIFT); /* bank 0 starts at index 0 */
		return 0;
	}
	for (int i = 1; i < nbanks; i++) {
		if (pa >= banks[i].base && pa - banks[i].base < (uint64_t)banks[i].count
								    << PAGE_SHIFT) {
			*idx = banks[i].first + (uint32_t)((pa - banks[i].base) >> PAGE_SHIFT);
			return 0;
		}
	}
	return -EINVAL;
}

/* The descriptor of the frame at @pa if it has ever been written, else NULL. */
static inline struct frame *valid_frame(paddr_t pa)
{
	uint32_t idx;

	if (index_of(pa, &idx) || idx >= pm.high)
		return NULL;
	return &pm.frames[idx];
}

static paddr_t paddr_of(uint32_t idx)
{
	if (idx < pm.bank0_bytes >> PAGE_SHIFT) /* bank 0 starts at index 0 */
		return pm.bank0_base + ((paddr_t)idx << PAGE_SHIFT);
	for (int i = 1; i < nbanks; i++)
		if (idx - banks[i].first < banks[i].count)
			return banks[i].base + ((paddr_t)(idx - banks[i].first) << PAGE_SHIFT);
	return 0;
}

/* Returns the range holding @idx, or NULL for a frame in a hole. */
static const struct range *range_of(uint32_t idx)
{
	for (int i = 0; i < pm.nranges; i++)
		if (idx >= ranges[i].start && idx < ranges[i].end)
			return &ranges[i];
	return NULL;
}

static void add_range(const struct bank *b, paddr_t lo, paddr_t hi)
{
	struct range *r;

	if (hi <= lo || pm.nranges == (int)ARRAY_SIZE(ranges))
		return;
	r = &ranges[pm.nranges++];
	r->start = b->first + (uint32_t)((lo - b->base) >> PAGE_SHIFT);
	r->cursor = r->start;
	r->end = b->first + (uint32_t)((hi - b->base) >> PAGE_SHIFT);
	ntotal += r->end - r->start;
}

/* Adds [lo, hi) of bank @b, minus every hole (widened to whole pages), to the free ranges. */
static void add_ranges(const struct bank *b, paddr_t lo, paddr_t hi, const struct fdt_region *holes,
		       int nholes)
{
	while (lo < hi) {
		paddr_t first_hs = hi, first_he = hi;

		/* the lowest hole that reaches into [lo, hi) */
		for (int i = 0; i < nholes; i++) {
			paddr_t hs = align_down(holes[i].base, PAGE_SIZE);
			paddr_t he = align_up(holes[i].base + holes[i].size, PAGE_SIZE);

			if (he <= lo || hs >= hi || hs >= first_hs)
				continue;
			first_hs = hs;
			first_he = he;
		}
		if (first_hs > lo)
			add_range(b, lo, first_hs);
		lo = first_he;
	}
}

int pmm_init(const struct fdt_region *ram, int nram, const struct fdt_region *holes_in, int nholes)
{
	struct fdt_region holes[PMM_MAX_HOLES + 1];
	uint64_t nframes = 0, ram_frames = 0;
	paddr_t meta = 0;

	if (nram <= 0 || nram > PMM_MAX_BANKS || nholes < 0 || nholes > PMM_MAX_HOLES)
		return -EINVAL;
	nbanks = 0;
	for (int i = 0; i < nram; i++) {
		paddr_t lo = align_up(ram[i].base, PAGE_SIZE);
		paddr_t hi = align_down(ram[i].base + ram[i].size, PAGE_SIZE);

		if (hi <= lo)
			continue;
		banks[nbanks].base = lo;
		banks[nbanks].first = (uint32_t)nframes;
		banks[nbanks].count = (uint32_t)((hi - lo) >> PAGE_SHIFT);
		nframes += banks[nbanks].count;
		nbanks++;
	}
	if (nbanks == 0 || nframes >= NO_FRAME)
		return -EINVAL;

	for (int i = 0; i < nholes; i++)
		holes[i] = holes_in[i];
	meta_bytes = align_up(nframes * sizeof(struct frame), PAGE_SIZE);
	for (int i = nbanks - 1; i >= 0 && !meta; i--) {
		paddr_t end = banks[i].base + ((paddr_t)banks[i].count << PAGE_SHIFT);

		meta = find_gap_top(banks[i].base, end, meta_bytes, holes, nholes);
	}
	if (!meta)
		return -ENOMEM;
	holes[nholes].base = meta;
	holes[nholes].size = meta_bytes;
	nholes++;
	pm.frames = phys_to_virt(meta);

	pm.nranges = 0;
	pm.cur_range = 0;
	ntotal = 0;
	for (int i = 0; i < nbanks; i++) {
		paddr_t end = banks[i].base + ((paddr_t)banks[i].count << PAGE_SHIFT);

		add_ranges(&banks[i], banks[i].base, end, holes, nholes);
		ram_frames += banks[i].count;
	}
	nreserved = ram_frames - ntotal;
	/* an empty window: the first allocation goes through next_range(), which writes the
	 * descriptors of the hole below the first range */
	pm.next = pm.limit = pm.nranges ? ranges[0].cursor : 0;
	pm.high = 0;
	pm.bank0_base = banks[0].base;
	pm.bank0_bytes = (uint64_t)banks[0].count << PAGE_SHIFT;
	pm.free_head = NO_FRAME;
	pm.nfree_list = 0;
	for (int k = 0; k < FRAME_KINDS; k++)
		pm.in_use[k] = 0;
	pm.fail_countdown = -1;
	return ntotal ? 0 : -EINVAL;
}

/* The current range's cursor, written back from pm.next for those who read ranges[]. */
static void sync_cursor(void)
{
	if (pm.cur_range < pm.nranges)
		ranges[pm.cur_range].cursor = pm.next;
}

/* The first frame of the next range with any left, or NO_FRAME. Lock held. */
static uint32_t next_range(void)
{
	uint32_t idx;

	sync_cursor();
	while (pm.cur_range < pm.nranges && ranges[pm.cur_range].cursor == ranges[pm.cur_range].end)
		pm.cur_range++;
	if (pm.cur_range == pm.nranges)
		return NO_FRAME;
	idx = ranges[pm.cur_range].cursor;
	pm.next = idx + 1;
	pm.limit = ranges[pm.cur_range].end;
	/* the hole below a range's first frame: valid, free, never handed out */
	for (; pm.high < idx; pm.high++)
		pm.frames[pm.high] = (struct frame){ 0, FRAME_FREE };
	pm.high = idx + 1;
	return idx;
}

int pmm_alloc(enum frame_kind kind, paddr_t *pa)
{
	unsigned long flags = spin_lock_irqsave(&pm.lock);
	uint32_t idx;

	if (pm.fail_countdown >= 0 && pm.fail_countdown-- == 0) {
		pm.fail_countdown = 0; /* stays failing until turned off */
		idx = NO_FRAME;
	} else if (pm.free_head != NO_FRAME) {
		idx = pm.free_head;
		pm.free_head = pm.frames[idx].next_or_kind;
		pm.nfree_list--;
	} else if (pm.next < pm.limit) {
		idx = pm.next++; /* in address order: the high-water index follows */
		pm.high = pm.next;
	} else {
		idx = next_range();
	}
	if (idx != NO_FRAME) {
		pm.frames[idx].ref = 1;
		pm.frames[idx].next_or_kind = kind;
		pm.in_use[kind]++;
	}
	spin_unlock_irqrestore(&pm.lock, flags);
	if (idx == NO_FRAME)
		return -ENOMEM;
	*pa = paddr_of(idx);
	return 0;
}

/*
 * References are taken and dropped with atomics, outside the lock: fork takes one per page
 * and COW faults drop them, so this is on every fast path. Only the last put, which puts
 * the frame on the free list, takes the lock.
 */
void pmm_get(paddr_t pa)
{
	(void)pmm_try_get(pa);
}

__leaf_no_frame bool pmm_try_get(paddr_t pa)
{
	struct frame *f = valid_frame(pa);

	/* a holder's reference keeps the count above 0 while we add ours */
	if (!f || __atomic_load_n(&f->ref, __ATOMIC_RELAXED) == 0)
		return false;
	__atomic_fetch_add(&f->ref, 1, __ATOMIC_RELAXED);
	return true;
}

/* Drops one reference: -1 when nobody held one (a free frame, or one outside the allocator),
 * 0 when others still do, 1 when it was the last and the frame went back on the free list. */
static inline int put(struct frame *f)
{
	unsigned long flags;
	uint32_t ref;

	if (!f)
		return -1;
	/* a stray put on a free frame must not wrap its count */
	ref = __atomic_load_n(&f->ref, __ATOMIC_RELAXED);
	do {
		if (ref == 0)
			return -1;
	} while (!__atomic_compare_exchange_n(&f->ref, &ref, ref - 1, true, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	if (ref != 1)
		return 0;
	flags = spin_lock_irqsave(&pm.lock);
	pm.in_use[f->next_or_kind]--;
	f->next_or_kind = pm.free_head;
	pm.free_head = (uint32_t)(f - pm.frames);
	pm.nfree_list++;
	spin_unlock_irqrestore(&pm.lock, flags);
	return 1;
}

__leaf_no_frame bool pmm_put(paddr_t pa)
{
	return put(valid_frame(pa)) == 1;
}

__leaf_no_frame bool pmm_put_ref(paddr_t pa)
{
	return put(valid_frame(pa)) >= 0;
}

__leaf_no_frame uint32_t pmm_refcount(paddr_t pa)
{
	const struct frame *f = valid_frame(pa);

	return f ? __atomic_load_n(&f->ref, __ATOMIC_RELAXED) : 0;
}

enum frame_kind pmm_kind(paddr_t pa)
{
	const struct frame *f = valid_frame(pa);

	if (!f || f->ref == 0)
		return FRAME_FREE;
	return (enum frame_kind)f->next_or_kind;
}

bool pmm_managed(paddr_t pa)
{
	uint32_t idx;

	return index_of(pa, &idx) == 0 && range_of(idx) != NULL;
}

void pmm_stats(struct pmm_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&pm.lock);
	uint64_t untouched = 0;

	sync_cursor();
	for (int i = pm.cur_range; i < pm.nranges; i++)
		untouched += ranges[i].end - ranges[i].cursor;
	st->total = ntotal;
	st->free = pm.nfree_list + untouched;
	for (int k = 0; k < FRAME_KINDS; k++)
		st->by_kind[k] = pm.in_use[k];
	st->by_kind[FRAME_FREE] = st->free;
	st->meta_bytes = meta_bytes;
	st->reserved = nreserved;
	spin_unlock_irqrestore(&pm.lock, flags);
}

void pmm_fail_after(long n)
{
	unsigned long flags = spin_lock_irqsave(&pm.lock);

	pm.fail_countdown = n < 0 ? -1 : n;
	spin_unlock_irqrestore(&pm.lock, flags);
}

long pmm_audit_ref(paddr_t pa, int delta)
{
	uint32_t idx;
	long now;

	/* written descriptors of frames the allocator owns: not the holes' */
	if (index_of(pa, &idx) || idx >= pm.high || !range_of(idx))
		return -EINVAL;
	now = (long)pm.frames[idx].ref + delta;
	if (now < 0)
		return -EINVAL;
	pm.frames[idx].ref = (uint32_t)now;
	return now;
}

int pmm_for_each_used(int (*fn)(paddr_t pa, enum frame_kind kind, uint32_t ref, void *arg),
		      void *arg)
{
	unsigned long flags = spin_lock_irqsave(&pm.lock);

	sync_cursor();
	spin_unlock_irqrestore(&pm.lock, flags);
	for (int i = 0; i < pm.nranges; i++) {
		for (uint32_t idx = ranges[i].start; idx < ranges[i].cursor; idx++) {
			int rc;

			if (pm.frames[idx].ref == 0)
				continue;
			rc = fn(paddr_of(idx), (enum frame_kind)pm.frames[idx].next_or_kind,
				pm.frames[idx].ref, arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int count_shared(paddr_t pa, enum frame_kind kind, uint32_t ref, void *arg)
{
	(void)pa;
	if (kind == FRAME_ANON && ref > 1)
		(*(uint64_t *)arg)++;
	return 0;
}

uint64_t pmm_shared_frames(void)
{
	uint64_t n = 0;

	pmm_for_each_used(count_shared, &n);
	return n;
}

/* Zeroing is most of a fresh page's cost, so it is one straight run of 512 stores: no loop
 * overhead at all (a loop of 16 stores an iteration spent 64 more instructions a page). */
#define ZERO8(w, i)                                                                                \
	do {                                                                                       \
		(w)[(i) + 0] = 0;                                                                  \
		(w)[(i) + 1] = 0;                                                                  \
		(w)[(i) + 2] = 0;                                                                  \
		(w)[(i) + 3] = 0;                                                                  \
		(w)[(i) + 4] = 0;                                                                  \
		(w)[(i) + 5] = 0;                                                                  \
		(w)[(i) + 6] = 0;                                                                  \
		(w)[(i) + 7] = 0;                                                                  \
	} while (0)
#define ZERO64(w, i)                                                                               \
	do {                                                                                       \
		ZERO8(w, (i) + 0);                                                                 \
		ZERO8(w, (i) + 8);                                                                 \
		ZERO8(w, (i) + 16);                                                                \
		ZERO8(w, (i) + 24);                                                                \
		ZERO8(w, (i) + 32);                                                                \
		ZERO8(w, (i) + 40);                                                                \
		ZERO8(w, (i) + 48);                                                                \
		ZERO8(w, (i) + 56);                                                                \
	} while (0)

_Static_assert(PAGE_SIZE == 512 * sizeof(uint64_t), "pmm_zero writes 512 doublewords");

__leaf_no_frame void pmm_zero(paddr_t pa)
{
	volatile uint64_t *w = phys_to_virt(pa); /* volatile: stores, never a call to memset */

	ZERO64(w, 0);
	ZERO64(w, 64);
	ZERO64(w, 128);
	ZERO64(w, 192);
	ZERO64(w, 256);
	ZERO64(w, 320);
	ZERO64(w, 384);
	ZERO64(w, 448);
}
