/* Kernel map construction and device windows. */
#include "firmware/kmem.h"

#include "mm/arch.h"
#include "mm/pt.h"
#include "platform/board.h"
#include "platform/errno.h"
#include "platform/riscv/memlayout.h"

extern char _start_image[], _stext[], _etext[], _srodata[], _erodata[], _sdata[];
extern char _boot_stack_guard[], _boot_stack_bottom[], _end[];

static paddr_t root;
static paddr_t load_pa;
static vaddr_t mmio_next = MMIO_VBASE;

paddr_t kmem_image_pa(const void *p)
{
	return load_pa + (paddr_t)((const char *)p - _start_image);
}

static int map_image(const char *start, const char *end, uint64_t bits)
{
	return pt_map(root, (vaddr_t)start, kmem_image_pa(start), (uint64_t)(end - start),
		      bits | PTE_G | PTE_A | PTE_D | board_pte_attrs()->ram, false);
}

/* Direct map of [lo, hi) with @bits, in the largest pages alignment allows. */
static int map_direct(paddr_t lo, paddr_t hi, uint64_t bits)
{
	if (hi <= lo)
		return 0;
	return pt_map(root, DIRECT_MAP_BASE + lo, lo, hi - lo,
		      bits | PTE_G | PTE_A | PTE_D | board_pte_attrs()->ram, true);
}

/*
 * Direct map of one bank: reserved regions (OpenSBI's own, PMP-protected) stay unmapped so
 * that not even a speculative access reaches them, and the image's text and rodata are
 * mapped read-only so that the direct map is no writable alias of them.
 */
static int map_bank(paddr_t lo, paddr_t hi, const struct fdt_info *fi, paddr_t ro_lo, paddr_t ro_hi)
{
	paddr_t cur = lo;

	while (cur < hi) {
		paddr_t next = hi;
		bool skip = false;
		int rc;

		for (int i = 0; i < fi->nresv; i++) {
			paddr_t rs = align_down(fi->resv[i].base, PAGE_SIZE);
			paddr_t re = align_up(fi->resv[i].base + fi->resv[i].size, PAGE_SIZE);

			if (rs <= cur && cur < re) {
				skip = true;
				next = re < hi ? re : hi;
				break;
			}
			if (rs > cur && rs < next)
				next = rs;
		}
		if (!skip) {
			if (ro_lo > cur && ro_lo < next)
				next = ro_lo;
			if (ro_hi > cur && ro_hi < next)
				next = ro_hi;
			rc = map_direct(cur, next,
					cur >= ro_lo && cur < ro_hi ? PTE_R : PTE_R | PTE_W);
			if (rc)
				return rc;
		}
		cur = next;
	}
	return 0;
}

int kmem_init(const struct boot_facts *bf)
{
	const uint64_t rw = PTE_R | PTE_W;
	paddr_t ro_lo, ro_hi;
	int rc;

	load_pa = bf->load_pa;
	rc = pt_create(&root);
	if (rc)
		return rc;

	/* W^X: only text is executable, only data, bss and the stack are writable. */
	rc = map_image(_stext, _etext, PTE_R | PTE_X);
	rc = rc ?: map_image(_srodata, _erodata, PTE_R);
	rc = rc ?: map_image(_sdata, _boot_stack_guard, rw);
	rc = rc ?: map_image(_boot_stack_bottom, _end, rw);
	if (rc)
		return rc;

	ro_lo = kmem_image_pa(_stext);
	ro_hi = kmem_image_pa(_erodata);
	for (int i = 0; i < bf->fdt.nmem && !rc; i++)
		rc = map_bank(align_down(bf->fdt.mem[i].base, PAGE_SIZE),
			      align_up(bf->fdt.mem[i].base + bf->fdt.mem[i].size, PAGE_SIZE),
			      &bf->fdt, ro_lo, ro_hi);
	if (rc)
		return rc;
	/* Address spaces copy the kernel's root entries once: the level-1 table of the device
	 * and stack window must exist before the first copy, so later mappings are shared. */
	{
		pte_t *slot;

		rc = pt_walk_alloc(root, KSTACK_VBASE, &slot);
		if (rc)
			return rc;
	}

	csr_write(CSR_SATP, (SATP_MODE_SV39 << SATP_MODE_SHIFT) | (root >> PAGE_SHIFT));
	arch_flush_all();
	return 0;
}

paddr_t kmem_root(void)
{
	return root;
}

uint64_t kmem_table_pages(void)
{
	return pt_count_tables(root);
}

void *kmem_ioremap(paddr_t pa, uint64_t size)
{
	paddr_t lo = align_down(pa, PAGE_SIZE);
	uint64_t len = align_up(pa + size, PAGE_SIZE) - lo;
	vaddr_t va = mmio_next;

	if (va + len > MMIO_VBASE + MMIO_VSIZE)
		return NULL;
	if (pt_map(root, va, lo, len, PTE_R | PTE_W | PTE_G | PTE_A | PTE_D | board_pte_attrs()->io,
		   false))
		return NULL;
	mmio_next = va + len;
	/* The new entries may have been cached as invalid (JH7110 does): flush each page. */
	for (uint64_t off = 0; off < len; off += PAGE_SIZE)
		arch_flush_page(va + off, 0);
	return (void *)(uintptr_t)(va + (pa - lo));
}
