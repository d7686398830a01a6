/* Basic types shared by every module: addresses, sizes and compiler helpers.
 * Usable from the firmware (freestanding) and from host tests. */
#ifndef FAULTLINE_PLATFORM_TYPES_H
#define FAULTLINE_PLATFORM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t; /* a physical address */
typedef uint64_t vaddr_t; /* a virtual address (kernel or user) */

#define __must_check __attribute__((warn_unused_result))
#define __unused     __attribute__((unused))
#define __noreturn   __attribute__((noreturn))
#define __packed     __attribute__((packed))
/* For leaf functions on hot paths: no frame record. Backtraces lose nothing, as a leaf's
 * caller is found from ra (see firmware/panic.c). */
#define __leaf_no_frame __attribute__((optimize("omit-frame-pointer")))
#define __aligned(n)	__attribute__((aligned(n)))
#define __section(s)	__attribute__((section(s)))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline uint64_t align_down(uint64_t x, uint64_t a)
{
	return x & ~(a - 1);
}

static inline uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static inline bool is_aligned(uint64_t x, uint64_t a)
{
	return (x & (a - 1)) == 0;
}

#endif
