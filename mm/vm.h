/* User address spaces: regions, lazy anonymous memory, the shared zero page, copy-on-write,
 * and the page-fault handler that resolves all of it (see the decision table in the design
 * notes). Pure logic over page tables: the firmware supplies traps, the host tests a
 * software MMU. Every entry point takes the address space's lock. */
#ifndef FAULTLINE_MM_VM_H
#define FAULTLINE_MM_VM_H

#include "mm/pt.h"
#include "mm/vma.h"
#include "platform/riscv/pte.h"
#include "platform/riscv/spinlock.h"
#include "platform/types.h"

#define USER_BASE	 0x10000ul	     /* nothing is ever mapped below (NULL stays a fault) */
#define USER_TOP	 SV39_USER_TOP	     /* 0x4000000000: first address above the user half */
#define USER_STACK_TOP	 (USER_TOP - 0x1000) /* one unmapped page above the stack */
#define USER_STACK_INIT	 (128ul << 10)	     /* stack mapped at exec; the rest grows on faults */
#define USER_STACK_LIMIT (8ul << 20)	     /* default RLIMIT_STACK */
#define USER_STACK_GAP	 (1ul << 20)	     /* kept free below the stack limit */
#define USER_MMAP_TOP	 (USER_STACK_TOP - USER_STACK_LIMIT - USER_STACK_GAP)

/* Linux mmap/mprotect constants (asm-generic) */
#define PROT_NONE	    0x0
#define PROT_READ	    0x1
#define PROT_WRITE	    0x2
#define PROT_EXEC	    0x4
#define MAP_SHARED	    0x01
#define MAP_PRIVATE	    0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE	    0x0f
#define MAP_FIXED	    0x10
#define MAP_ANONYMOUS	    0x20
#define MAP_GROWSDOWN	    0x0100
#define MAP_DENYWRITE	    0x0800
#define MAP_EXECUTABLE	    0x1000
#define MAP_LOCKED	    0x2000
#define MAP_NORESERVE	    0x4000
#define MAP_POPULATE	    0x8000
#define MAP_NONBLOCK	    0x10000
#define MAP_STACK	    0x20000
#define MAP_HUGETLB	    0x40000
#define MAP_FIXED_NOREPLACE 0x100000

#define VM_NO_LIMIT (~(uint64_t)0) /* RLIM_INFINITY */

enum fault_access {
	FAULT_READ,
	FAULT_WRITE,
	FAULT_EXEC,
};

/* Why a fault could not be resolved: the task's report says it in words. */
enum fault_reason {
	FAULT_OK = 0,
	FAULT_NO_MAPPING,
	FAULT_PERMISSION,
	FAULT_OUT_OF_MEMORY,
	FAULT_STACK_OVERFLOW,
	FAULT_BEYOND_OBJECT, /* a memory object's region past the object's end: SIGBUS */
};

/* What the fault handler did, by kind: per address space and summed over all of them. */
struct vm_counters {
	uint64_t zero_map;	  /* read/exec of untouched memory: zero page mapped */
	uint64_t anon_alloc;	  /* write to untouched memory: zeroed frame */
	uint64_t zero_to_private; /* write to a zero-page mapping */
	uint64_t cow_copy;	  /* write to a shared frame: copied */
	uint64_t cow_reuse;	  /* write to a frame no one else maps any more: made writable */
	uint64_t image_map;  /* first touch of an image or memory-object page: its frame mapped */
	uint64_t image_copy; /* write (or partial page) of image or private object data: copied */
	uint64_t stack_grow; /* faults below the stack that grew it */
	uint64_t ad_fixup;   /* PTE allowed the access but lacked A (or D): bits set */
	uint64_t spurious;   /* PTE allowed the access with A/D set: a stale TLB entry */
	uint64_t killed;     /* faults that could not be resolved */
};

/* vm_faults_resolved - all resolved faults (a task's ru_minflt): each counts exactly one kind
 * (stack growth comes with one of them), so this is their sum, not a counter of its own. */
static inline uint64_t vm_faults_resolved(const struct vm_counters *c)
{
	return c->zero_map + c->anon_alloc + c->zero_to_private + c->cow_copy + c->cow_reuse +
	       c->image_map + c->image_copy + c->ad_fixup + c->spurious;
}

#define VM_NO_SPAN (~(vaddr_t)0)

struct vm {
	paddr_t root;	   /* Sv39 root; the kernel half is shared with the kernel map */
	unsigned int asid; /* set by the owner; used for flushes */
	uint64_t asid_gen; /* the generation of @asid (mm/asid.c); 0: none yet */
	/* harts that may cache its translations, by logical number: the owner sets a hart's bit
	 * before the hart first runs on it (then fences), and a shootdown reads it after
	 * changing the PTEs, so no hart that could have seen an old entry is missed */
	unsigned long harts;
	/* of those, the harts whose satp holds the space now (vm_enter_hart to vm_leave_hart):
	 * only they are interrupted by a shootdown. The others are marked @stale instead and
	 * flush the ASID before they next run on the space, since until then nothing can use
	 * or refill what they cached of it */
	unsigned long running;
	unsigned long stale;
	struct vma_tree vmas;
	spinlock_t lock;
	vaddr_t brk_start; /* heap: [brk_start, brk) */
	vaddr_t brk;
	vaddr_t stack_low;	/* the stack may grow down to here */
	vaddr_t stack_top;	/* the end of the stack region, 0 before there is one */
	unsigned int def_flags; /* mlockall(MCL_FUTURE): VMA_LOCKED... for every new region */
	uint64_t limit_as;	/* RLIMIT_AS, bytes (VM_NO_LIMIT: none) */
	uint64_t limit_data;	/* RLIMIT_DATA: private writable memory, the heap's included */
	uint64_t limit_memlock; /* RLIMIT_MEMLOCK: bytes in locked regions */
	uint64_t rss;		/* frames of private memory mapped (anonymous, copies) */
	uint64_t max_rss;
	struct vm_counters counters;
	uint32_t users; /* tasks that run in it (threads share one): vm_get, vm_put */
	struct vm *next_live, *prev_live; /* every live address space, for global counters */
	/* the level-0 table of the 2 MiB span the last fault walked to, which saves the walk of
	 * a run of faults; whatever frees a table (munmap, brk, MAP_FIXED) forgets it first */
	vaddr_t pt_span; /* va >> 21 of that span; VM_NO_SPAN before the first walk */
	pte_t *pt_level0;
};

/* vm_init - one-time set-up: the zero page and the object caches. @kernel_root is the kernel
 * map whose upper half every address space shares. Returns 0 or -ENOMEM. */
int vm_init(paddr_t kernel_root) __must_check;

/*
 * vm_set_pte_attrs - the memory-type bits of this machine (platform/board.c decides them):
 * every user leaf PTE made from now on carries @attrs->ram, all task memory being RAM.
 * Called at boot before the first address space, and by host tests before vm_init().
 */
void vm_set_pte_attrs(const struct pte_attrs *attrs);

/* vm_zero_page - physical address of the shared zero page. */
paddr_t vm_zero_page(void);

/* vm_create - an empty address space. Returns 0 and it in @out, or -ENOMEM. */
int vm_create(struct vm **out) __must_check;

/*
 * vm_enter_hart - the hart with logical-number mask @bit is about to switch its satp to @vm:
 * it may cache the space's translations from now on, and shootdowns include it. The first
 * time, it joins vm->harts under the lock, so that no operation that found no other hart is
 * under way. Returns true when the hart must flush the space's ASID once satp holds it,
 * before it touches the space: a shootdown while it was away left that to it.
 */
bool vm_enter_hart(struct vm *vm, unsigned long bit) __must_check;

/* vm_leave_hart - the hart of @bit switched its satp away from @vm: shootdowns from now on
 * mark it stale rather than interrupt it. */
void vm_leave_hart(struct vm *vm, unsigned long bit);

/* vm_destroy - unmap everything, drop every frame reference, free every table and @vm, and
 * flush its ASID. The caller has made sure no hart runs on it. */
void vm_destroy(struct vm *vm);

/* vm_get - one user more of @vm (a thread that shares it). vm_create gives the first. */
void vm_get(struct vm *vm);

/* vm_put - one user less; the last one destroys @vm (see vm_destroy). Returns whether it
 * did. The caller no longer runs on it. */
bool vm_put(struct vm *vm);

/*
 * vm_map_region - add a region [start, start + len) of @kind with @prot (PROT_*) that must not
 * overlap anything. For image kinds, @image_pa/@image_bytes say where its bytes are (see
 * struct vma). Nothing is allocated until a fault. Returns 0, -EINVAL, -EEXIST or -ENOMEM.
 */
int vm_map_region(struct vm *vm, vaddr_t start, uint64_t len, unsigned int prot, enum vma_kind kind,
		  paddr_t image_pa, uint64_t image_bytes) __must_check;

/* vm_mmap - mmap(2) for anonymous memory, with Linux's flags and errors. Returns 0 and the
 * address in @out, or -EINVAL, -ENOMEM, -EEXIST (MAP_FIXED_NOREPLACE), -EBADF (not anonymous). */
int vm_mmap(struct vm *vm, vaddr_t addr, uint64_t len, unsigned int prot, unsigned int flags,
	    vaddr_t *out) __must_check;

struct memobj;

/* vm_mmap_object - mmap(2) of memory object @obj from its page @pgoff, with vm_mmap()'s flags
 * and errors (MAP_ANONYMOUS ignored), plus -EOVERFLOW when the pages run past 2^64. Shared
 * mappings map the object's frames; private ones copy them on write. The region takes its
 * own reference to @obj. */
int vm_mmap_object(struct vm *vm, vaddr_t addr, uint64_t len, unsigned int prot, unsigned int flags,
		   struct memobj *obj, uint64_t pgoff, vaddr_t *out) __must_check;

/* vm_munmap - munmap(2): drop every mapping in the range, splitting regions, and free the
 * page-table pages left serving no region; on return, frames and tables are free. 0,
 * -EINVAL, or -ENOMEM when a region to split needs memory there is not. */
int vm_munmap(struct vm *vm, vaddr_t addr, uint64_t len) __must_check;

/* vm_mprotect - mprotect(2): the whole range must be mapped (-ENOMEM otherwise); PTEs lose
 * rights at once, gain them on the next fault. 0, -EINVAL, -ENOMEM or -EACCES. */
int vm_mprotect(struct vm *vm, vaddr_t addr, uint64_t len, unsigned int prot) __must_check;

/* vm_set_brk_base - where the heap starts (after the highest loaded segment). */
void vm_set_brk_base(struct vm *vm, vaddr_t base);

/* vm_brk - brk(2): move the break to @want if possible; returns the break in force. */
vaddr_t vm_brk(struct vm *vm, vaddr_t want);

/* vm_set_limits - the task's RLIMIT_AS, RLIMIT_DATA, RLIMIT_STACK and RLIMIT_MEMLOCK (bytes,
 * VM_NO_LIMIT for none), which mmap, brk, mremap, mlock and stack growth obey from now on;
 * the stack's reach stays within the USER_STACK_LIMIT the layout keeps free for it. */
void vm_set_limits(struct vm *vm, uint64_t as, uint64_t data, uint64_t stack, uint64_t memlock);

/* vm_fork - a copy of @parent sharing every private frame copy-on-write. Returns 0 and the
 * child in @out, or -ENOMEM (the parent is then unchanged in content). */
int vm_fork(struct vm *parent, struct vm **out) __must_check;

/*
 * vm_fault - resolve a fault at @addr for @access, by the decision table. Returns 0 when the
 * access can be retried, or a negative errno with *@reason saying why not (-EFAULT for no
 * mapping or permission, -ENOMEM for out of memory). Flushes what it changed.
 */
int vm_fault(struct vm *vm, vaddr_t addr, enum fault_access access,
	     enum fault_reason *reason) __must_check;

/* vm_fault_reason_text - "no mapping", "permission denied", ... */
const char *vm_fault_reason_text(enum fault_reason reason);

/* vm_global_counters - fault counters summed over every address space since boot. */
void vm_global_counters(struct vm_counters *out);

/* vm_translate - the physical address @addr maps to right now for @access (no fault taken):
 * 0 and *@pa, or -EFAULT. For the kernel's user-copy fast path and tests. */
int vm_translate(struct vm *vm, vaddr_t addr, enum fault_access access, paddr_t *pa) __must_check;

/* vm_shared_paddr - when @addr lies in shared memory (MAP_SHARED, anonymous or of an object:
 * frames that are never replaced), the physical address it maps to now; else, or when the
 * page is not mapped, 0. For futexes shared between processes. Takes the space's lock. */
paddr_t vm_shared_paddr(struct vm *vm, vaddr_t addr);

/*
 * vm_copy_out - write @n bytes from @src to @dst in @vm, faulting pages in as a task's
 * writes would (for building a new task's stack: @vm need not be the running space).
 * Returns 0, or -EFAULT / -ENOMEM as the fault handler decided.
 */
int vm_copy_out(struct vm *vm, vaddr_t dst, const void *src, uint64_t n) __must_check;

/*
 * vm_audit - check the invariants over @n address spaces that are all there are: every
 * user frame's reference count equals the PTEs that map it plus one if a memory object holds
 * it; the zero page is never writable and all zeros; no PTE maps a free frame; page-table
 * pages add up, and no user table (level 0 or 1) lies wholly outside the regions, as one
 * munmap forgot would. Must run with nothing else changing memory. Returns 0, or -EINVAL with a
 * sentence in @why.
 */
int vm_audit(struct vm *const *vms, int n, uint64_t kernel_table_pages, char *why,
	     size_t whylen) __must_check;

/* ---- advice, remapping, locking (vm_advise.c, vm_remap.c, vm_lock.c) ----------------- */

/* madvise(2) advice, as Linux numbers it */
#define MADV_NORMAL	     0
#define MADV_RANDOM	     1
#define MADV_SEQUENTIAL	     2
#define MADV_WILLNEED	     3
#define MADV_DONTNEED	     4
#define MADV_FREE	     8
#define MADV_REMOVE	     9
#define MADV_DONTFORK	     10
#define MADV_DOFORK	     11
#define MADV_DONTDUMP	     16
#define MADV_DODUMP	     17
#define MADV_WIPEONFORK	     18
#define MADV_KEEPONFORK	     19
#define MADV_COLD	     20
#define MADV_PAGEOUT	     21
#define MADV_POPULATE_READ   22
#define MADV_POPULATE_WRITE  23
#define MADV_DONTNEED_LOCKED 24

/*
 * vm_madvise - madvise(2). DONTNEED and FREE drop the private pages of the range at once
 * (they read as zeros, or the image's bytes, afterwards) and free the frames and the page
 * tables left empty; POPULATE_READ/WRITE fault the range in; the hints are accepted.
 * Unmapped parts are skipped and make the result -ENOMEM, as Linux's. 0, -EINVAL, -ENOMEM,
 * -EFAULT (populate: out of memory for a frame) or -EACCES.
 */
int vm_madvise(struct vm *vm, vaddr_t addr, uint64_t len, int advice) __must_check;

/*
 * vm_populate - fault [start, end) in as mlock and MAP_POPULATE do: a write fault for
 * private writable regions (so COW is broken), a read fault for the others; PROT_NONE and
 * lock-on-fault regions are left alone. With @ignore_errors, holes and failures skip to the
 * next region. 0, -ENOMEM (hole, or out of memory) or -EFAULT (a region that cannot be read).
 */
int vm_populate(struct vm *vm, vaddr_t start, vaddr_t end, bool ignore_errors) __must_check;

#define MREMAP_MAYMOVE	 1
#define MREMAP_FIXED	 2
#define MREMAP_DONTUNMAP 4

/*
 * vm_mremap - mremap(2): shrink, grow in place, or move, with Linux's flags and errors. A
 * move carries the page-table entries over, frames and reference counts untouched (a frame
 * shared copy-on-write stays shared). Returns 0 and the new address in @out, or -EINVAL,
 * -EFAULT (no region at @addr, or the range crosses its end), -ENOMEM, -EAGAIN.
 */
int vm_mremap(struct vm *vm, vaddr_t addr, uint64_t old_len, uint64_t new_len, unsigned int flags,
	      vaddr_t new_addr, vaddr_t *out) __must_check;

#define MLOCK_ONFAULT 1
#define MCL_CURRENT   1
#define MCL_FUTURE    2
#define MCL_ONFAULT   4

/*
 * vm_mlock - mlock2(2) when @lock (@flags: MLOCK_ONFAULT), munlock(2) when not: marks the
 * regions of the range, then populates it (mlock without ONFAULT). The range must be mapped
 * with no hole (-ENOMEM; what came before the hole is marked, as in Linux). Tasks are
 * privileged: RLIMIT_MEMLOCK does not apply. 0, -EINVAL, -ENOMEM, -EAGAIN (out of memory).
 */
int vm_mlock(struct vm *vm, vaddr_t addr, uint64_t len, bool lock, unsigned int flags) __must_check;

/* vm_mlockall - mlockall(2) with MCL_* @flags: marks every region with MCL_CURRENT (and
 * populates them, as far as memory goes), the future ones with MCL_FUTURE. 0 or -EINVAL. */
int vm_mlockall(struct vm *vm, unsigned int flags) __must_check;

/* vm_munlockall - munlockall(2): no region is locked, nor will be. */
void vm_munlockall(struct vm *vm);

#define MS_ASYNC      1
#define MS_INVALIDATE 2
#define MS_SYNC	      4

/* vm_msync - msync(2): anonymous memory has nothing to write back; checks as Linux does.
 * 0, -EINVAL, -ENOMEM (a hole), -EBUSY (MS_INVALIDATE of locked memory). */
int vm_msync(struct vm *vm, vaddr_t addr, uint64_t len, int flags) __must_check;

/*
 * vm_mincore - mincore(2) for at most @npages pages from @addr (page-aligned): vec[i] = 1
 * where a frame (or the zero page, or a shared frame) backs the page. Stops at the end of the
 * region holding @addr. Returns the pages filled (> 0), or -ENOMEM when @addr is unmapped.
 */
long vm_mincore(struct vm *vm, vaddr_t addr, uint64_t npages, uint8_t *vec) __must_check;

#endif
