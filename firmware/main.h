/* What the init code offers the payload that runs after boot. */
#ifndef FAULTLINE_FIRMWARE_MAIN_H
#define FAULTLINE_FIRMWARE_MAIN_H

#include "platform/riscv/sbi.h"

/*
 * firmware_payload - what runs once the firmware is up, with interrupts on: the tasks in the
 * normal image (firmware/payload.c), the in-QEMU test suite in the test image. Returns 0 for
 * success; the firmware then powers off.
 */
int firmware_payload(void);

/* firmware_sbi - what the SBI offers, as probed at boot. */
const struct sbi_info *firmware_sbi(void);

/* firmware_asid_bits - ASID width of this hart (0: no ASIDs). */
unsigned int firmware_asid_bits(void);

#endif
