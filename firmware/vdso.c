/* The vDSO's image, embedded at build time, and the clock page; both are frames of the
 * firmware image, mapped straight into every task and never copied. */
#include "firmware/vdso.h"

#include "firmware/kmem.h"
#include "vdso-syms.h" /* generated from the vDSO's symbol table */

/* The image, page-aligned and padded to whole pages, so that no task needs a copy of a
 * partial last page. */
__asm__(".pushsection .rodata.vdso, \"a\"\n"
	".balign 4096\n"
	".globl vdso_image_start\n"
	"vdso_image_start:\n"
	".incbin \"" VDSO_SO_PATH "\"\n"
	".balign 4096\n"
	".globl vdso_image_end\n"
	"vdso_image_end:\n"
	".popsection\n");

extern const char vdso_image_start[], vdso_image_end[];

/* The clock page: a whole page of its own, as it is mapped whole into every task. */
static union {
	struct vdso_data data;
	char page[PAGE_SIZE];
} clock_page __aligned(PAGE_SIZE);

struct vdso_data *vdso_data(void)
{
	return &clock_page.data;
}

uint64_t vdso_size(void)
{
	return (uint64_t)(vdso_image_end - vdso_image_start);
}

int vdso_map(struct vm *vm)
{
	int rc = vm_map_region(vm, VDSO_DATA_VA, PAGE_SIZE, PROT_READ, VMA_IMAGE_RO,
			       kmem_image_pa(&clock_page), PAGE_SIZE);

	if (rc)
		return rc;
	return vm_map_region(vm, VDSO_TEXT_VA, vdso_size(), PROT_READ | PROT_EXEC, VMA_IMAGE_RO,
			     kmem_image_pa(vdso_image_start), vdso_size());
}

vaddr_t vdso_sigreturn_address(void)
{
	return VDSO_TEXT_VA + VDSO_SYM_rt_sigreturn;
}
