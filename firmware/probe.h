/* Kernel probes: one access to an address that may fault, recovered through the exception
 * table. The user copies are built on them, and the in-QEMU tests use them to prove
 * protections; a fault's cause and stval are then in trap_last_fault(). */
#ifndef FAULTLINE_FIRMWARE_PROBE_H
#define FAULTLINE_FIRMWARE_PROBE_H

#include "platform/types.h"

/* Each returns 0 when the access went through, -EFAULT when it faulted. */
int probe_read_u8(const volatile void *addr, uint8_t *val) __must_check;
int probe_write_u8(volatile void *addr, uint8_t val) __must_check;
/* Calls @addr as a function taking and returning nothing. */
int probe_exec(const void *addr) __must_check;

#endif
