/* faultline's own system calls, shared by the firmware and the tasks' runtime. Linux never
 * uses numbers this high, so Linux programs cannot call them by accident. */
#ifndef FAULTLINE_UAPI_FAULTLINE_H
#define FAULTLINE_UAPI_FAULTLINE_H

#include <stdint.h>

#define SYS_FL_COUNTERS 0x1000 /* (struct fl_counters *out, size_t size) */
#define SYS_FL_AUDIT	0x1001 /* (): run the invariant auditor: 0, or -EINVAL (reason printed) */
/* (long n): the (n+1)-th frame allocation from now fails; -1 off. Test images only: -ENOSYS
 * in any other */
#define SYS_FL_FAIL_ALLOC 0x1002
/* (): with the boot argument trace=faults, picture the caller's address space in the trace
 * now; 0 either way */
#define SYS_FL_TRACE_MAP 0x1010

/* Page faults resolved, by kind; the same order as the kernel's struct vm_counters. */
struct fl_fault_counts {
	uint64_t zero_map;	  /* read of untouched memory: the zero page mapped */
	uint64_t anon_alloc;	  /* write to untouched memory: a zeroed frame */
	uint64_t zero_to_private; /* write to a zero-page mapping */
	uint64_t cow_copy;	  /* write to a shared frame: copied */
	uint64_t cow_reuse;	  /* write to a frame nobody else maps: made writable, no copy */
	uint64_t image_map;	  /* read or exec of an image page: the image's frame */
	uint64_t image_copy;	  /* write to image data: copied */
	uint64_t stack_grow;
	uint64_t ad_fixup;
	uint64_t spurious;
	uint64_t killed;   /* faults not resolved: the task was killed, or its call got -EFAULT */
	uint64_t resolved; /* all resolved faults */
};

struct fl_counters {
	struct fl_fault_counts global; /* every address space since boot */
	struct fl_fault_counts task;   /* the caller's address space */
	uint64_t frames_total, frames_free, frames_anon, frames_pagetable, frames_kernel;
	uint64_t frames_shared;	   /* user frames with more than one reference */
	uint64_t unknown_syscalls; /* the caller's calls with numbers nobody knows */
	uint64_t rss_pages;	   /* the caller's private frames */
	uint64_t shootdowns;	   /* other harts asked to flush a space's entries, since boot */
	uint64_t lock_contended;   /* kernel locks found taken by the hart that wanted them */
	uint64_t lock_spins;	   /* turns of the waits for them (all harts, since boot) */
};

#endif
