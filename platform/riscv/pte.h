/* Sv39 page-table entries: the bits of the privileged spec and small value predicates and
 * transformers (pte_* take and return values). Pure: used by mm/ on the host as well. */
#ifndef FAULTLINE_PLATFORM_RISCV_PTE_H
#define FAULTLINE_PLATFORM_RISCV_PTE_H

#include "platform/types.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ul << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

#define SV39_LEVELS    3
#define SV39_VA_BITS   39
#define PTES_PER_TABLE 512
#define PT_INDEX_BITS  9
/* bytes one leaf maps at each level: 4 KiB, 2 MiB, 1 GiB */
#define LEVEL_SIZE(level) (1ul << (PAGE_SHIFT + PT_INDEX_BITS * (level)))
#define MEGAPAGE_SIZE	  LEVEL_SIZE(1)
#define GIGAPAGE_SIZE	  LEVEL_SIZE(2)

#define PTE_V	      (1ul << 0)
#define PTE_R	      (1ul << 1)
#define PTE_W	      (1ul << 2)
#define PTE_X	      (1ul << 3)
#define PTE_U	      (1ul << 4)
#define PTE_G	      (1ul << 5)
#define PTE_A	      (1ul << 6)
#define PTE_D	      (1ul << 7)
#define PTE_RSW_SHIFT 8 /* bits 8-9 are the software's own */
#define PTE_RSW0      (1ul << 8)
#define PTE_RSW1      (1ul << 9)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK  (((1ul << 44) - 1) << PTE_PPN_SHIFT)
/* Svpbmt memory types (bits 61-62; PMA is 0, 3 is reserved) and Svnapot (bit 63) */
#define PTE_PBMT_SHIFT 61
#define PTE_PBMT_MASK  (3ul << PTE_PBMT_SHIFT)
#define PTE_PBMT_PMA   (0ul << PTE_PBMT_SHIFT)
#define PTE_PBMT_NC    (1ul << PTE_PBMT_SHIFT)
#define PTE_PBMT_IO    (2ul << PTE_PBMT_SHIFT)
#define PTE_N	       (1ul << 63)
/* T-Head's own memory attributes (C906, C910 with MXSTATUS.MAEE set), bits 59-63: strongly
 * ordered, cacheable, bufferable, shareable, secure. All clear is strongly ordered and
 * uncached, so on those cores normal memory must say C, B and SH. */
#define PTE_THEAD_SO   (1ul << 63)
#define PTE_THEAD_C    (1ul << 62)
#define PTE_THEAD_B    (1ul << 61)
#define PTE_THEAD_SH   (1ul << 60)
#define PTE_THEAD_SEC  (1ul << 59)
#define PTE_THEAD_MASK (PTE_THEAD_SO | PTE_THEAD_C | PTE_THEAD_B | PTE_THEAD_SH | PTE_THEAD_SEC)
/* Bits 54-63: reserved for the standard's extensions, zero unless one is in use */
#define PTE_HIGH_MASK (~0ul << 54)

#define PTE_RWX (PTE_R | PTE_W | PTE_X)

/* The upper half of Sv39: addresses whose bits 63..38 are all ones. */
#define SV39_USER_TOP	 (1ul << (SV39_VA_BITS - 1)) /* first address above the user half */
#define SV39_KERNEL_BASE (~0ul << (SV39_VA_BITS - 1))

typedef uint64_t pte_t;

/*
 * The memory-type bits a leaf PTE carries, decided once at boot (platform/board.c) from the
 * devicetree and the SBI, and handed to mm/ and the kernel map as plain data. Non-leaf
 * entries never carry them.
 */
struct pte_attrs {
	uint64_t ram; /* normal memory: cacheable, coherent (RAM, task pages, the kernel) */
	uint64_t nc;  /* non-cacheable, idempotent memory */
	uint64_t io;  /* device registers: strongly ordered, uncached */
};

static inline bool pte_valid(pte_t pte)
{
	return pte & PTE_V;
}

/* A valid entry with any of R, W or X is a leaf; with none it points to the next table. */
static inline bool pte_leaf(pte_t pte)
{
	return (pte & PTE_V) && (pte & PTE_RWX);
}

static inline bool pte_table(pte_t pte)
{
	return (pte & PTE_V) && !(pte & PTE_RWX);
}

static inline paddr_t pte_paddr(pte_t pte)
{
	return ((pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT) << PAGE_SHIFT;
}

static inline pte_t pte_make(paddr_t pa, uint64_t bits)
{
	return ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | bits;
}

static inline uint64_t pte_bits(pte_t pte)
{
	return pte & ~PTE_PPN_MASK;
}

/* Entry pointing to a next-level table: A, D and U must be clear (QEMU 7.x faults otherwise). */
static inline pte_t pte_make_table(paddr_t pa)
{
	return pte_make(pa, PTE_V);
}

static inline unsigned int pt_index(vaddr_t va, int level)
{
	return (va >> (PAGE_SHIFT + PT_INDEX_BITS * level)) & (PTES_PER_TABLE - 1);
}

/* Sv39 requires bits 63..39 to equal bit 38. */
static inline bool va_canonical(vaddr_t va)
{
	uint64_t top = va >> (SV39_VA_BITS - 1);
	return top == 0 || top == (~0ul >> (SV39_VA_BITS - 1));
}

#endif
