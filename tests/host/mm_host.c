/* Host RAM and TLB-hook stubs for the host tests of mm/. */
#include "tests/host/mm_host.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mm/arch.h"

static struct host_flushes flushes;

struct fdt_region host_ram(uint64_t size, uint64_t align)
{
	/* over-allocate and align inside: mmap gives untouched, zeroed pages cheaply */
	uint64_t len = size + align;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	struct fdt_region r = { 0, 0 };

	if (p == MAP_FAILED)
		abort();
	r.base = align_up((uint64_t)(uintptr_t)p, align);
	r.size = size;
	return r;
}

void host_ram_free(struct fdt_region r)
{
	(void)r; /* the arena lives until the test program exits */
}

const struct host_flushes *host_flushes(void)
{
	return &flushes;
}

void host_flushes_reset(void)
{
	memset(&flushes, 0, sizeof(flushes));
}

void arch_flush_page(vaddr_t va, unsigned int asid)
{
	flushes.page++;
	flushes.last_va = va;
	flushes.last_asid = asid;
}

void arch_flush_asid(unsigned int asid)
{
	flushes.asid++;
	flushes.last_asid = asid;
}

void arch_flush_all(void)
{
	flushes.all++;
}
