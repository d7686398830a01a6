/* Host stand-ins for what the firmware gives mm/: "physical" RAM (host memory, which the host
 * direct map reaches unchanged) and the TLB hooks, which here count the flushes asked for. */
#ifndef FAULTLINE_TESTS_HOST_MM_HOST_H
#define FAULTLINE_TESTS_HOST_MM_HOST_H

#include "platform/fdt.h"
#include "platform/types.h"

/* host_ram - @size bytes of zeroed RAM aligned to @align, kept until the program exits. */
struct fdt_region host_ram(uint64_t size, uint64_t align);

struct host_flushes {
	unsigned long page, asid, all;
	unsigned long shootdowns; /* other harts asked to flush, summed */
	vaddr_t last_va;
	unsigned int last_asid;
};

/* host_flushes - the flushes mm/ asked for since the last host_flushes_reset(). */
const struct host_flushes *host_flushes(void);
void host_flushes_reset(void);

#endif
