/* ELF64 executables for RISC-V: full validation and the load plan (segments, entry, program
 * headers, heap start). Pure: reads only the bytes it is given, bounds-checked. */
#ifndef FAULTLINE_FIRMWARE_ELF_H
#define FAULTLINE_FIRMWARE_ELF_H

#include "platform/types.h"

#define ELF_MAX_SEGMENTS 16
#define ELF_PIE_BASE	 0x400000ul /* where a static-pie (ET_DYN) is loaded */

struct elf_segment {
	vaddr_t vaddr; /* after the load bias */
	uint64_t memsz;
	uint64_t offset; /* in the file */
	uint64_t filesz;
	unsigned int prot; /* PROT_READ | PROT_WRITE | PROT_EXEC */
};

struct elf_plan {
	vaddr_t entry;
	vaddr_t phdr; /* where the program headers are in memory (AT_PHDR), 0 if not loaded */
	uint16_t phnum, phentsize;
	vaddr_t bias; /* 0 for ET_EXEC */
	vaddr_t brk;  /* first page above every segment */
	int nseg;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/*
 * elf_plan - validate @size bytes at @data as a static ELF64 RISC-V executable (ET_EXEC, or
 * ET_DYN as static-pie) whose segments fit the user half, and fill @plan. Returns 0, or
 * -ENOEXEC with *why set to the reason in words.
 */
int elf_plan(const uint8_t *data, uint64_t size, struct elf_plan *plan,
	     const char **why) __must_check;

#endif
