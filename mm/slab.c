/* Object caches: each frame starts with a header, then equal slots; free slots are chained
 * through their first word. Pages with free slots sit on a doubly linked partial list. */
#include "mm/slab.h"

#include "mm/frame.h"
#include "platform/riscv/memlayout.h"
#include "platform/riscv/pte.h"

struct slab_page {
	struct slab_page *next, *prev; /* on the cache's partial list */
	void *free;		       /* first free slot */
	uint32_t used;
	bool on_partial;
};

#define SLAB_HDR align_up(sizeof(struct slab_page), 16)

void slab_cache_init(struct slab_cache *c, const char *name, uint32_t size)
{
	c->name = name;
	c->size = (uint32_t)align_up(size < sizeof(void *) ? sizeof(void *) : size, 16);
	c->per_page = (uint32_t)((PAGE_SIZE - SLAB_HDR) / c->size);
	c->partial = NULL;
	c->in_use = 0;
	c->pages = 0;
	c->lock = (spinlock_t)SPINLOCK_INIT;
}

static void partial_add(struct slab_cache *c, struct slab_page *p)
{
	p->prev = NULL;
	p->next = c->partial;
	if (c->partial)
		c->partial->prev = p;
	c->partial = p;
	p->on_partial = true;
}

static void partial_del(struct slab_cache *c, struct slab_page *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		c->partial = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->on_partial = false;
}

static struct slab_page *grow(struct slab_cache *c)
{
	struct slab_page *p;
	paddr_t pa;
	char *slot;

	if (pmm_alloc(FRAME_KERNEL, &pa))
		return NULL;
	p = phys_to_virt(pa);
	p->used = 0;
	p->free = NULL;
	/* chain the slots so the lowest address is handed out first */
	slot = (char *)p + SLAB_HDR + (uint64_t)(c->per_page - 1) * c->size;
	for (uint32_t i = 0; i < c->per_page; i++, slot -= c->size) {
		*(void **)slot = p->free;
		p->free = slot;
	}
	c->pages++;
	partial_add(c, p);
	return p;
}

void *slab_alloc(struct slab_cache *c)
{
	unsigned long flags = spin_lock_irqsave(&c->lock);
	struct slab_page *p = c->partial ? c->partial : grow(c);
	uint64_t *obj = NULL;

	if (p) {
		obj = p->free;
		p->free = *(void **)obj;
		p->used++;
		c->in_use++;
		if (!p->free)
			partial_del(c, p);
	}
	spin_unlock_irqrestore(&c->lock, flags);
	if (obj)
		for (uint32_t i = 0; i < c->size / sizeof(uint64_t); i++)
			obj[i] = 0;
	return obj;
}

void slab_free(struct slab_cache *c, void *obj)
{
	struct slab_page *p = (struct slab_page *)align_down((uintptr_t)obj, PAGE_SIZE);
	unsigned long flags = spin_lock_irqsave(&c->lock);
	bool release = false;

	*(void **)obj = p->free;
	p->free = obj;
	p->used--;
	c->in_use--;
	if (p->used == 0) {
		if (p->on_partial)
			partial_del(c, p);
		c->pages--;
		release = true;
	} else if (!p->on_partial) {
		partial_add(c, p);
	}
	spin_unlock_irqrestore(&c->lock, flags);
	if (release)
		pmm_put(virt_to_phys(p));
}
