/* Regions of a user address space (VMAs), kept in a balanced search tree keyed by start
 * address: lookup, insert and removal are O(log n), so a fault costs the same with one region
 * or ten thousand. Nodes are embedded in struct vma; this module allocates nothing. */
#ifndef FAULTLINE_MM_VMA_H
#define FAULTLINE_MM_VMA_H

#include "platform/types.h"

/* What backs a region. */
enum vma_kind {
	VMA_ANON,	   /* anonymous private memory: zero page, then private frames */
	VMA_IMAGE_RO,	   /* read-only part of an embedded ELF: maps the image's own frames */
	VMA_IMAGE_PRIVATE, /* writable part of an ELF: image frames copied on first write */
	VMA_STACK,	   /* anonymous, grows down on faults just below it */
	VMA_SHARED,	   /* MAP_SHARED|MAP_ANONYMOUS: frames shared with forked children */
	VMA_OBJ_SHARED,	   /* MAP_SHARED of a memory object: maps the object's own frames */
	VMA_OBJ_PRIVATE,   /* MAP_PRIVATE of a memory object: its frames, copied on write */
};

/* Region permissions (what the task may do), as PROT_* in Linux. */
#define VMA_READ  0x1
#define VMA_WRITE 0x2
#define VMA_EXEC  0x4

/* Region flags (struct vma.flags): what mlock and madvise asked of it. */
#define VMA_LOCKED	0x1 /* mlock: populated, and MADV_DONTNEED refuses it */
#define VMA_LOCKONFAULT 0x2 /* with VMA_LOCKED: pages are locked as they fault in */
#define VMA_DONTCOPY	0x4 /* MADV_DONTFORK: a forked child does not get the region */
#define VMA_WIPEONFORK	0x8 /* MADV_WIPEONFORK: a forked child gets it empty */
#define VMA_LOCK_FLAGS	(VMA_LOCKED | VMA_LOCKONFAULT)

struct vma_node {
	struct vma_node *left, *right, *parent;
	int height; /* AVL: height of the subtree rooted here (a leaf is 1) */
};

struct memobj;

struct vma {
	struct vma_node node; /* first: the tree works on nodes, containers are vmas */
	vaddr_t start;	      /* page-aligned, inclusive */
	vaddr_t end;	      /* page-aligned, exclusive */
	unsigned int prot;    /* VMA_READ | VMA_WRITE | VMA_EXEC */
	enum vma_kind kind;
	unsigned int flags; /* VMA_LOCKED, ...: regions merge only with equal flags */
	/* image-backed regions: where the region's first page comes from in the image */
	paddr_t image_pa;     /* physical address of the bytes for `start` (page-aligned) */
	uint64_t image_bytes; /* bytes available from image_pa; beyond them the region is zeros */
	void *shared;	      /* VMA_SHARED: the shared object; owned by the vm layer */
	/* object-backed regions: the object (one reference per region) and its page at start */
	struct memobj *obj;
	uint64_t obj_pgoff;
};

struct vma_tree {
	struct vma_node *root;
	unsigned long count;
	struct vma *last; /* the region last found or inserted: faults come in runs */
};

static inline void vma_tree_init(struct vma_tree *t)
{
	t->root = NULL;
	t->count = 0;
	t->last = NULL;
}

/*
 * vma_find - the region containing @addr, or NULL. O(log n), and O(1) when it is the region
 * the last lookup found; inline, as every fault asks. A region stays a valid answer while it
 * is in the tree, even if its bounds change: regions never overlap.
 */
static inline struct vma *vma_find(struct vma_tree *t, vaddr_t addr)
{
	const struct vma_node *n = t->root;
	struct vma *v = t->last;

	if (v && addr >= v->start && addr < v->end)
		return v;
	while (n) {
		v = (struct vma *)n; /* the node is a vma's first member */
		if (addr < v->start) {
			n = n->left;
		} else if (addr >= v->end) {
			n = n->right;
		} else {
			t->last = v;
			return v;
		}
	}
	return NULL;
}

/* vma_find_next - the region with the lowest start >= @addr... or containing @addr: the first
 * region whose end > @addr. NULL if none. O(log n). */
struct vma *vma_find_next(const struct vma_tree *t, vaddr_t addr);

/* vma_prev / vma_next - neighbours in address order, or NULL. O(log n) worst case. */
struct vma *vma_prev(const struct vma *v);
struct vma *vma_next(const struct vma *v);

/* vma_first - the lowest region, or NULL. */
struct vma *vma_first(const struct vma_tree *t);

/*
 * vma_insert - add @v ([start, end) must overlap no region already there). Returns 0, or
 * -EEXIST on overlap (the tree is unchanged), -EINVAL when start >= end.
 */
int vma_insert(struct vma_tree *t, struct vma *v) __must_check;

/* vma_remove - take @v (which is in @t) out of the tree. */
void vma_remove(struct vma_tree *t, struct vma *v);

/*
 * vma_check - verify the tree's invariants (BST order, no overlap, parent links, AVL
 * heights and balance, count). Returns 0 or -EINVAL. For tests and the auditor.
 */
int vma_check(const struct vma_tree *t);

#endif
