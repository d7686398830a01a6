/* Finding a function in the vDSO the kernel maps into every task, as a C library does: the
 * ELF header at AT_SYSINFO_EHDR, its dynamic section, its symbol and string tables. For test
 * and bench tasks; header-only. */
#ifndef FAULTLINE_TASK_FL_VDSO_H
#define FAULTLINE_TASK_FL_VDSO_H

#include <stdint.h>
#include <string.h>

#include "fl.h"

#define FL_AT_SYSINFO_EHDR 33
#define FL_PT_LOAD	   1
#define FL_PT_DYNAMIC	   2
#define FL_DT_NULL	   0
#define FL_DT_HASH	   4
#define FL_DT_STRTAB	   5
#define FL_DT_SYMTAB	   6

/* Linux's struct timespec on 64-bit, as the vDSO's clock_gettime fills it */
struct fl_timespec {
	int64_t tv_sec, tv_nsec;
};

struct fl_ehdr {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct fl_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct fl_sym {
	uint32_t name;
	unsigned char info, other;
	uint16_t shndx;
	uint64_t value, size;
};

/* fl_vdso_sym - the address of vDSO symbol @name, or NULL without a vDSO or that symbol. */
static inline void *fl_vdso_sym(const char *name)
{
	uintptr_t base = fl_getauxval(FL_AT_SYSINFO_EHDR), bias = 0;
	const struct fl_ehdr *eh = (const struct fl_ehdr *)base;
	const uint64_t *dyn = NULL;
	const uint32_t *hash = NULL;
	const struct fl_sym *syms = NULL;
	const char *strs = NULL;

	if (!base || memcmp(eh->ident, "\177ELF", 4))
		return NULL;
	for (int i = 0; i < eh->phnum; i++) {
		const struct fl_phdr *ph =
		    (const struct fl_phdr *)(base + eh->phoff + (uint64_t)i * eh->phentsize);

		if (ph->type == FL_PT_LOAD && !bias)
			bias = base - ph->vaddr;
		if (ph->type == FL_PT_DYNAMIC)
			dyn = (const uint64_t *)(base + ph->offset);
	}
	for (; dyn && dyn[0] != FL_DT_NULL; dyn += 2) {
		if (dyn[0] == FL_DT_HASH)
			hash = (const uint32_t *)(bias + dyn[1]);
		else if (dyn[0] == FL_DT_SYMTAB)
			syms = (const struct fl_sym *)(bias + dyn[1]);
		else if (dyn[0] == FL_DT_STRTAB)
			strs = (const char *)(bias + dyn[1]);
	}
	if (!hash || !syms || !strs)
		return NULL;
	for (uint32_t i = 0; i < hash[1]; i++) /* hash[1]: the number of symbols */
		if (syms[i].shndx && !strcmp(strs + syms[i].name, name))
			return (void *)(bias + syms[i].value);
	return NULL;
}

#endif
