/* What the fault handler and the zapping code tell a tracer, and a description of an address
 * space page by page for pictures of it. mm/ only reports: recording, stacks and output are
 * the firmware's (firmware/trace.c); with no tracer set, each report point is one branch. */
#ifndef FAULTLINE_MM_VM_TRACE_H
#define FAULTLINE_MM_VM_TRACE_H

#include "mm/vm.h"

/* One event: a kind of resolved fault (as struct vm_counters counts them), a kill, a frame
 * given back. The order is the trace format's: the host tool knows these numbers. */
enum vm_event {
	VM_EV_ZERO_MAP,
	VM_EV_ANON_ALLOC,
	VM_EV_ZERO_TO_PRIVATE,
	VM_EV_COW_COPY,
	VM_EV_COW_REUSE,
	VM_EV_IMAGE_MAP,
	VM_EV_IMAGE_COPY,
	VM_EV_STACK_GROW,
	VM_EV_TABLE, /* page-table pages a fault made (@pages of them) */
	VM_EV_KILL,  /* a fault that could not be resolved */
	VM_EV_FIXUP, /* A/D fix-up or spurious: nothing spent */
	VM_EV_FREE,  /* @pages private frames dropped from [addr, ...): munmap, DONTNEED, exit */
	VM_EV_COUNT,
};

/*
 * A tracer: called for each event of address space @vm at user address @addr, @pages frames
 * (tables for VM_EV_TABLE, frames dropped for VM_EV_FREE, else 1). Fault events come after
 * vm_fault() has dropped the lock; VM_EV_FREE comes with the lock held, so the tracer must
 * not fault on @vm's memory then.
 */
typedef void (*vm_trace_fn)(struct vm *vm, enum vm_event ev, vaddr_t addr, uint64_t pages);

/* vm_trace_set - install @fn (NULL: none). Set before tasks run; never changed under them. */
void vm_trace_set(vm_trace_fn fn);

/* What backs a page, for pictures of an address space. */
enum vm_page_state {
	VM_PAGE_NONE,	 /* in a region, never touched */
	VM_PAGE_ZERO,	 /* the shared zero page */
	VM_PAGE_PRIVATE, /* a frame only this space maps */
	VM_PAGE_COW,	 /* a private frame shared copy-on-write (after fork) */
	VM_PAGE_IMAGE,	 /* the embedded image's own frame */
	VM_PAGE_SHARED,	 /* shared memory (MAP_SHARED, a memory object's frame) */
	VM_PAGE_TABLE,	 /* a level-0 page-table page, at the 2 MiB it maps */
};

/* Called for each region, then for each run of pages of one state (@npages from @start). */
struct vm_describe_ops {
	void (*region)(void *arg, const struct vma *v);
	void (*pages)(void *arg, vaddr_t start, uint64_t npages, enum vm_page_state state);
};

/* vm_describe - walk @vm's regions and mapped pages in address order, reporting runs of pages
 * by state (untouched pages are not reported) and each level-0 table page. Takes the lock;
 * the callbacks must not touch @vm. */
void vm_describe(struct vm *vm, const struct vm_describe_ops *ops, void *arg);

#endif
