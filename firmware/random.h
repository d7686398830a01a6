/* The kernel's random generator: ChaCha20 keyed from the boot loader's seed, the Zkr entropy
 * source and timer jitter, with the key replaced after every request (fast key erasure), so
 * that what was handed out cannot be recomputed from a later state. */
#ifndef FAULTLINE_FIRMWARE_RANDOM_H
#define FAULTLINE_FIRMWARE_RANDOM_H

#include "platform/fdt.h"
#include "platform/types.h"

/* random_init - seed the generator from what the devicetree and the boot hart (@hart_flags,
 * FDT_HART_*) offer. Called once at boot, before the first task. */
void random_init(const struct fdt_info *fi, uint32_t hart_flags);

/* random_log - the boot log's line: which sources seeded the generator. */
void random_log(void);

/* random_bytes - @n random bytes into @buf. Interrupts off (the kernel is not preemptible). */
void random_bytes(void *buf, size_t n);

#endif
