/* ELF64 validation and load planning. Little-endian fields are read byte by byte: the file
 * may sit at any alignment and the host tests run it unchanged. */
#include "firmware/elf.h"

#include "mm/vm.h"
#include "platform/errno.h"

#define EI_NIDENT   16
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC	    2
#define ET_DYN	    3
#define EM_RISCV    243
#define PT_LOAD	    1
#define PT_INTERP   3
#define PT_PHDR	    6
#define PF_X	    1
#define PF_W	    2
#define PF_R	    4
#define EHDR_SIZE   64
#define PHDR_SIZE   56

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static int refuse(const char **why, const char *reason)
{
	*why = reason;
	return -ENOEXEC;
}

static bool overlaps(const struct elf_segment *a, const struct elf_segment *b)
{
	vaddr_t a0 = align_down(a->vaddr, PAGE_SIZE), a1 = align_up(a->vaddr + a->memsz, PAGE_SIZE);
	vaddr_t b0 = align_down(b->vaddr, PAGE_SIZE), b1 = align_up(b->vaddr + b->memsz, PAGE_SIZE);

	return a0 < b1 && b0 < a1;
}

static int plan_segment(const uint8_t *ph, uint64_t size, vaddr_t bias, struct elf_plan *plan,
			const char **why)
{
	uint32_t flags = (uint32_t)le(ph + 4, 4);
	uint64_t offset = le(ph + 8, 8), vaddr = le(ph + 16, 8);
	uint64_t filesz = le(ph + 32, 8), memsz = le(ph + 40, 8), align = le(ph + 48, 8);
	struct elf_segment *s;

	if (plan->nseg == ELF_MAX_SEGMENTS)
		return refuse(why, "too many loadable segments");
	if (filesz > memsz)
		return refuse(why, "segment file size exceeds its memory size");
	if (offset > size || filesz > size - offset)
		return refuse(why, "segment extends past the end of the file");
	if (align > 1 && (align & (align - 1)))
		return refuse(why, "segment alignment is not a power of two");
	if ((vaddr - offset) % PAGE_SIZE)
		return refuse(why, "segment address and file offset differ modulo the page size");
	if (memsz == 0)
		return 0;
	vaddr += bias;
	if (vaddr < USER_BASE || vaddr >= USER_MMAP_TOP || memsz > USER_MMAP_TOP - vaddr)
		return refuse(why, "segment outside the user address range");
	s = &plan->seg[plan->nseg];
	s->vaddr = vaddr;
	s->memsz = memsz;
	s->offset = offset;
	s->filesz = filesz;
	s->prot = ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
		  ((flags & PF_X) ? PROT_EXEC : 0);
	for (int i = 0; i < plan->nseg; i++)
		if (overlaps(&plan->seg[i], s))
			return refuse(why, "loadable segments overlap");
	plan->nseg++;
	if (align_up(vaddr + memsz, PAGE_SIZE) > plan->brk)
		plan->brk = align_up(vaddr + memsz, PAGE_SIZE);
	return 0;
}

int elf_plan(const uint8_t *data, uint64_t size, struct elf_plan *plan, const char **why)
{
	uint64_t phoff, type;
	bool entry_ok = false;
	int rc;

	*plan = (struct elf_plan){ 0 };
	if (size < EHDR_SIZE)
		return refuse(why, "file too small for an ELF header");
	if (data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F')
		return refuse(why, "not an ELF file (bad magic)");
	if (data[4] != ELFCLASS64)
		return refuse(why, "not a 64-bit ELF file");
	if (data[5] != ELFDATA2LSB)
		return refuse(why, "not a little-endian ELF file");
	if (data[6] != EV_CURRENT || le(data + 20, 4) != EV_CURRENT)
		return refuse(why, "unknown ELF version");
	if (le(data + 18, 2) != EM_RISCV)
		return refuse(why, "not a RISC-V executable");
	type = le(data + 16, 2);
	if (type != ET_EXEC && type != ET_DYN)
		return refuse(why, "not an executable (ET_EXEC or static-pie ET_DYN)");
	plan->bias = type == ET_DYN ? ELF_PIE_BASE : 0;
	plan->entry = le(data + 24, 8) + plan->bias;
	phoff = le(data + 32, 8);
	plan->phentsize = (uint16_t)le(data + 54, 2);
	plan->phnum = (uint16_t)le(data + 56, 2);
	if (plan->phentsize != PHDR_SIZE)
		return refuse(why, "unexpected program header size");
	if (plan->phnum == 0 || phoff > size || (uint64_t)plan->phnum * PHDR_SIZE > size - phoff)
		return refuse(why, "program headers outside the file");

	for (unsigned int i = 0; i < plan->phnum; i++) {
		const uint8_t *ph = data + phoff + (uint64_t)i * PHDR_SIZE;
		uint32_t ptype = (uint32_t)le(ph, 4);

		if (ptype == PT_INTERP)
			return refuse(why, "dynamically linked (has an interpreter)");
		if (ptype == PT_PHDR)
			plan->phdr = le(ph + 16, 8) + plan->bias;
		if (ptype != PT_LOAD)
			continue;
		rc = plan_segment(ph, size, plan->bias, plan, why);
		if (rc)
			return rc;
	}
	if (plan->nseg == 0)
		return refuse(why, "no loadable segment");
	for (int i = 0; i < plan->nseg; i++) {
		const struct elf_segment *s = &plan->seg[i];

		if ((s->prot & PROT_EXEC) && plan->entry >= s->vaddr &&
		    plan->entry < s->vaddr + s->memsz)
			entry_ok = true;
		/* without PT_PHDR, the headers are in memory if a segment maps their file bytes */
		if (!plan->phdr && phoff >= s->offset &&
		    phoff + (uint64_t)plan->phnum * PHDR_SIZE <= s->offset + s->filesz)
			plan->phdr = s->vaddr + (phoff - s->offset);
	}
	if (!entry_ok)
		return refuse(why, "entry point is not in an executable segment");
	return 0;
}
