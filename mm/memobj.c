/* Memory objects: a size and a radix tree of frames, 512 entries to a page as in Sv39, whose
 * height grows with the highest page ever used. Index pages are kernel frames; the frames
 * they name are user frames holding one reference of the object's. */
#include "mm/memobj.h"

#include "mm/frame.h"
#include "mm/slab.h"
#include "platform/errno.h"
#include "platform/riscv/memlayout.h"
#include "platform/riscv/pte.h"
#include "platform/riscv/spinlock.h"

#define SLOT_BITS 9
#define SLOTS	  (1u << SLOT_BITS)

struct memobj {
	spinlock_t lock;
	uint32_t refs;
	unsigned int levels; /* index levels, 1 or more: the root covers SLOTS^levels pages */
	paddr_t root;	     /* 0 until a page is first used */
	uint64_t size;	     /* bytes */
	uint64_t frames;     /* user frames held */
	struct memobj *next, *prev; /* every live object, for the auditor */
};

static struct slab_cache obj_cache;
static struct memobj *live;
static uint64_t live_count;
static spinlock_t live_lock = SPINLOCK_INIT;

void memobj_init(void)
{
	slab_cache_init(&obj_cache, "memobj", sizeof(struct memobj));
	live = NULL;
	live_count = 0;
}

static uint64_t pages_of(uint64_t bytes)
{
	return bytes / PAGE_SIZE + (bytes % PAGE_SIZE != 0);
}

/* Pages a tree of @levels index levels covers. */
static uint64_t capacity(unsigned int levels)
{
	return 1ull << (SLOT_BITS * levels);
}

static int alloc_node(paddr_t *pa)
{
	int rc = pmm_alloc(FRAME_KERNEL, pa);

	if (rc == 0)
		pmm_zero(*pa);
	return rc;
}

int memobj_create(struct memobj **out)
{
	struct memobj *o = slab_alloc(&obj_cache);
	unsigned long irq;

	if (!o)
		return -ENOMEM;
	o->lock = (spinlock_t)SPINLOCK_INIT;
	o->refs = 1;
	o->levels = 1;
	irq = spin_lock_irqsave(&live_lock);
	o->prev = NULL;
	o->next = live;
	if (live)
		live->prev = o;
	live = o;
	live_count++;
	spin_unlock_irqrestore(&live_lock, irq);
	*out = o;
	return 0;
}

void memobj_get(struct memobj *o)
{
	unsigned long irq = spin_lock_irqsave(&o->lock);

	o->refs++;
	spin_unlock_irqrestore(&o->lock, irq);
}

/*
 * Drops what the subtree at @node (@level index levels, covering pages from @base) holds at
 * pages >= @first. Returns true when nothing is left in it, for the caller to free the node.
 */
static bool trim(struct memobj *o, paddr_t node, unsigned int level, uint64_t base, uint64_t first)
{
	paddr_t *e = phys_to_virt(node);
	const uint64_t span = capacity(level - 1); /* pages per entry */
	bool empty = true;

	for (unsigned int i = 0; i < SLOTS; i++) {
		uint64_t start = base + i * span;

		if (!e[i])
			continue;
		if (start + span <= first) {
			empty = false;
		} else if (level == 1) {
			pmm_put(e[i]);
			o->frames--;
			e[i] = 0;
		} else if (trim(o, e[i], level - 1, start, first)) {
			pmm_put(e[i]);
			e[i] = 0;
		} else {
			empty = false;
		}
	}
	return empty;
}

/* Drops every page >= @first, and the whole tree when nothing is left. Lock held. */
static void trim_from(struct memobj *o, uint64_t first)
{
	if (o->root && trim(o, o->root, o->levels, 0, first)) {
		pmm_put(o->root);
		o->root = 0;
		o->levels = 1;
	}
}

void memobj_put(struct memobj *o)
{
	unsigned long irq = spin_lock_irqsave(&o->lock);
	bool last = --o->refs == 0;

	spin_unlock_irqrestore(&o->lock, irq);
	if (!last)
		return;
	irq = spin_lock_irqsave(&live_lock);
	if (o->prev)
		o->prev->next = o->next;
	else
		live = o->next;
	if (o->next)
		o->next->prev = o->prev;
	live_count--;
	spin_unlock_irqrestore(&live_lock, irq);
	trim_from(o, 0);
	slab_free(&obj_cache, o);
}

uint64_t memobj_size(struct memobj *o)
{
	return o->size;
}

uint64_t memobj_frames(struct memobj *o)
{
	return o->frames;
}

uint64_t memobj_live(void)
{
	return live_count;
}

/*
 * The leaf entry of page @index: NULL for a hole when not @alloc (or out of memory when
 * @alloc, *@rc says which). Index pages are made on the way down when @alloc. Lock held.
 */
static paddr_t *leaf_slot(struct memobj *o, uint64_t index, bool alloc, int *rc)
{
	paddr_t *ep = &o->root;

	*rc = 0;
	if (index >= capacity(o->levels)) {
		if (!alloc)
			return NULL;
		/* a taller tree: the old root becomes the first entry of a new one */
		while (index >= capacity(o->levels)) {
			if (o->root) {
				paddr_t top;

				*rc = alloc_node(&top);
				if (*rc)
					return NULL;
				*(paddr_t *)phys_to_virt(top) = o->root;
				o->root = top;
			}
			o->levels++;
		}
	}
	for (unsigned int level = o->levels; level >= 1; level--) {
		if (!*ep) {
			if (!alloc)
				return NULL;
			*rc = alloc_node(ep);
			if (*rc)
				return NULL;
		}
		ep = (paddr_t *)phys_to_virt(*ep) +
		     ((index >> (SLOT_BITS * (level - 1))) & (SLOTS - 1));
	}
	return ep;
}

int memobj_page(struct memobj *o, uint64_t index, bool alloc, paddr_t *pa)
{
	unsigned long irq = spin_lock_irqsave(&o->lock);
	paddr_t *slot;
	int rc = 0;

	*pa = 0;
	if (index >= pages_of(o->size)) {
		rc = -ENXIO;
		goto out;
	}
	slot = leaf_slot(o, index, alloc, &rc);
	if (!slot)
		goto out;
	if (!*slot) {
		if (!alloc)
			goto out;
		rc = pmm_alloc(FRAME_ANON, slot);
		if (rc) {
			*slot = 0;
			goto out;
		}
		pmm_zero(*slot);
		o->frames++;
	}
	pmm_get(*slot);
	*pa = *slot;
out:
	spin_unlock_irqrestore(&o->lock, irq);
	return rc;
}

int memobj_resize(struct memobj *o, uint64_t bytes)
{
	unsigned long irq;
	int rc;

	if (bytes > MEMOBJ_MAX_BYTES)
		return -EFBIG;
	irq = spin_lock_irqsave(&o->lock);
	if (bytes < o->size) {
		paddr_t *slot;

		trim_from(o, pages_of(bytes));
		/* what lies past the new end in its last page must read as zeros if it grows */
		slot = bytes % PAGE_SIZE ? leaf_slot(o, bytes / PAGE_SIZE, false, &rc) : NULL;
		if (slot && *slot) {
			uint8_t *p = phys_to_virt(*slot);

			for (uint64_t i = bytes % PAGE_SIZE; i < PAGE_SIZE; i++)
				p[i] = 0;
		}
	}
	o->size = bytes;
	spin_unlock_irqrestore(&o->lock, irq);
	return 0;
}

static int each_frame(paddr_t node, unsigned int level, int (*fn)(paddr_t pa, void *arg), void *arg)
{
	const paddr_t *e = phys_to_virt(node);
	int rc = 0;

	for (unsigned int i = 0; i < SLOTS && rc == 0; i++) {
		if (!e[i])
			continue;
		rc = level == 1 ? fn(e[i], arg) : each_frame(e[i], level - 1, fn, arg);
	}
	return rc;
}

int memobj_for_each_frame(int (*fn)(paddr_t pa, void *arg), void *arg)
{
	int rc = 0;

	for (struct memobj *o = live; o && rc == 0; o = o->next)
		if (o->root)
			rc = each_frame(o->root, o->levels, fn, arg);
	return rc;
}
