/* The loader. */
#include "firmware/exec.h"

#include "firmware/elf.h"
#include "firmware/kmem.h"
#include "firmware/random.h"
#include "firmware/vdso.h"
#include "platform/errno.h"

/* aux vector keys (Linux include/uapi/linux/auxvec.h) */
#define AT_NULL	  0
#define AT_PHDR	  3
#define AT_PHENT  4
#define AT_PHNUM  5
#define AT_PAGESZ 6
#define AT_BASE	  7
#define AT_FLAGS  8
#define AT_ENTRY  9
#define AT_UID	  11
#define AT_EUID	  12
#define AT_GID	  13
#define AT_EGID	  14
#define AT_HWCAP  16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31

#define AT_SYSINFO_EHDR 33 /* the vDSO's ELF header */

#define AUXV_PAIRS 19

static uint64_t str_len(const char *s)
{
	uint64_t n = 0;

	while (s[n])
		n++;
	return n;
}

static int map_segments(struct vm *vm, const struct task_image *img, const struct elf_plan *p)
{
	for (int i = 0; i < p->nseg; i++) {
		const struct elf_segment *s = &p->seg[i];
		vaddr_t start = align_down(s->vaddr, PAGE_SIZE);
		uint64_t lead = s->vaddr - start; /* file bytes before the segment in its page */
		uint64_t len = align_up(s->vaddr + s->memsz, PAGE_SIZE) - start;
		enum vma_kind kind = (s->prot & PROT_WRITE) ? VMA_IMAGE_PRIVATE : VMA_IMAGE_RO;
		int rc;

		rc = vm_map_region(vm, start, len, s->prot, kind,
				   kmem_image_pa(img->data + (s->offset - lead)), s->filesz + lead);
		if (rc)
			return rc;
	}
	return 0;
}

/* Lays out the initial stack: strings at the top, then AT_RANDOM bytes, then (16-byte
 * aligned) argc, argv[], NULL, envp NULL, auxv pairs. */
static int build_stack(struct vm *vm, const struct task_image *img, const struct elf_plan *p,
		       const char *const *argv, int argc, vaddr_t *sp_out)
{
	vaddr_t sp = USER_STACK_TOP, str[EXEC_ARGS_MAX], random, execfn;
	uint64_t words[1 + EXEC_ARGS_MAX + 1 + 1 + 2 * AUXV_PAIRS];
	uint64_t rnd[2];
	int n = 0, rc;

	random_bytes(rnd, sizeof(rnd)); /* glibc's stack protector and pointer guard */
	for (int i = argc - 1; i >= 0; i--) {
		uint64_t len = str_len(argv[i]) + 1;

		sp -= len;
		rc = vm_copy_out(vm, sp, argv[i], len);
		if (rc)
			return rc;
		str[i] = sp;
	}
	execfn = argc ? str[0] : 0;
	sp = align_down(sp - sizeof(rnd), 16);
	random = sp;
	rc = vm_copy_out(vm, random, rnd, sizeof(rnd));
	if (rc)
		return rc;

	words[n++] = (uint64_t)argc;
	for (int i = 0; i < argc; i++)
		words[n++] = str[i];
	words[n++] = 0; /* end of argv */
	words[n++] = 0; /* envp: empty */
#define AUX(k, v)                                                                                  \
	do {                                                                                       \
		words[n++] = (k);                                                                  \
		words[n++] = (v);                                                                  \
	} while (0)
	AUX(AT_PHDR, p->phdr);
	AUX(AT_PHENT, p->phentsize);
	AUX(AT_PHNUM, p->phnum);
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_BASE, 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, p->entry);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_HWCAP, 0);
	AUX(AT_CLKTCK, 100);
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, random);
	AUX(AT_EXECFN, execfn);
	AUX(AT_SYSINFO_EHDR, VDSO_TEXT_VA);
	AUX(AT_NULL, 0);
#undef AUX
	sp = align_down(sp - (uint64_t)n * sizeof(uint64_t), 16);
	rc = vm_copy_out(vm, sp, words, (uint64_t)n * sizeof(uint64_t));
	(void)img;
	*sp_out = sp;
	return rc;
}

int exec_load(const struct task_image *img, const char *const *argv, int argc, struct vm **vm_out,
	      vaddr_t *entry, vaddr_t *sp, const char **why)
{
	struct elf_plan plan;
	uint64_t total = 0;
	struct vm *vm;
	int rc;

	if (argc > EXEC_ARGS_MAX)
		return -E2BIG;
	for (int i = 0; i < argc; i++)
		total += str_len(argv[i]) + 1;
	if (total > USER_STACK_INIT / 2)
		return -E2BIG;
	if (!is_aligned((uintptr_t)img->data, PAGE_SIZE)) {
		*why = "image not page-aligned in the firmware";
		return -ENOEXEC;
	}
	rc = elf_plan(img->data, img->size, &plan, why);
	if (rc)
		return rc;
	rc = vm_create(&vm);
	if (rc)
		return rc;
	rc = map_segments(vm, img, &plan);
	if (rc == 0)
		rc = vm_map_region(vm, USER_STACK_TOP - USER_STACK_INIT, USER_STACK_INIT,
				   PROT_READ | PROT_WRITE, VMA_STACK, 0, 0);
	if (rc == 0)
		rc = vdso_map(vm);
	vm_set_brk_base(vm, plan.brk);
	if (rc == 0)
		rc = build_stack(vm, img, &plan, argv, argc, sp);
	if (rc) {
		vm_destroy(vm);
		return rc;
	}
	*entry = plan.entry;
	*vm_out = vm;
	return 0;
}
