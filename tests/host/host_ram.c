/* Host memory standing in for RAM. Apart from mm_host.c because <sys/mman.h> and mm/vm.h
 * both define the Linux mmap constants. */
#include <stdlib.h>
#include <sys/mman.h>

#include "tests/host/mm_host.h"

struct fdt_region host_ram(uint64_t size, uint64_t align)
{
	/* over-allocate and align inside: mmap gives untouched, zeroed pages cheaply */
	uint64_t len = size + align;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct fdt_region r = { 0, 0 };

	if (p == MAP_FAILED)
		abort();
	r.base = align_up((uint64_t)(uintptr_t)p, align);
	r.size = size;
	return r;
}
