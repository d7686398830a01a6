/* Calls into the SBI firmware (OpenSBI) below us: the base extension to probe, TIME, SRST,
 * HSM, and the legacy console as the console of last resort. */
#ifndef FAULTLINE_PLATFORM_RISCV_SBI_H
#define FAULTLINE_PLATFORM_RISCV_SBI_H

#define SBI_EXT_LEGACY_SET_TIMER       0x00
#define SBI_EXT_LEGACY_CONSOLE_PUTCHAR 0x01
#define SBI_EXT_LEGACY_CONSOLE_GETCHAR 0x02
#define SBI_EXT_LEGACY_SHUTDOWN	       0x08
#define SBI_EXT_BASE		       0x10
#define SBI_EXT_TIME		       0x54494d45
#define SBI_EXT_IPI		       0x735049
#define SBI_EXT_RFENCE		       0x52464e43
#define SBI_EXT_HSM		       0x48534d
#define SBI_EXT_SRST		       0x53525354

#define SBI_BASE_GET_SPEC_VERSION  0
#define SBI_BASE_GET_IMPL_ID	   1
#define SBI_BASE_GET_IMPL_VERSION  2
#define SBI_BASE_PROBE_EXT	   3
#define SBI_BASE_GET_MVENDORID	   4
#define SBI_HSM_HART_START	   0
#define SBI_HSM_HART_STOP	   1
#define SBI_HSM_HART_GET_STATUS	   2
#define SBI_IPI_SEND_IPI	   0
#define SBI_RFENCE_SFENCE_VMA	   1
#define SBI_RFENCE_SFENCE_VMA_ASID 2
#define SBI_SRST_RESET		   0
#define SBI_SRST_TYPE_SHUTDOWN	   0
#define SBI_SRST_REASON_NONE	   0
#define SBI_SRST_REASON_FAILURE	   1

#define SBI_SUCCESS	      0
#define SBI_ERR_NOT_SUPPORTED (-2)

/* HSM hart states */
#define SBI_HSM_STARTED 0
#define SBI_HSM_STOPPED 1

#ifndef __ASSEMBLER__
#include "platform/types.h"

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_call(unsigned long ext, unsigned long fid, unsigned long a0, unsigned long a1,
		       unsigned long a2);

/* sbi_call5 - sbi_call() for functions of five arguments (RFENCE). */
struct sbiret sbi_call5(unsigned long ext, unsigned long fid, unsigned long a0, unsigned long a1,
			unsigned long a2, unsigned long a3, unsigned long a4);

/* What the base extension said at sbi_probe(): extensions are used only when present. */
struct sbi_info {
	unsigned long spec_version; /* major << 24 | minor */
	unsigned long impl_id;
	unsigned long impl_version;
	bool has_time, has_ipi, has_rfence, has_hsm, has_srst;
};

/* sbi_probe - ask the base extension what is there; fills @info. Safe before the MMU is on. */
void sbi_probe(struct sbi_info *info);

/* sbi_impl_name - "OpenSBI", "BBL", ... for an implementation id; "unknown" otherwise. */
const char *sbi_impl_name(unsigned long impl_id);

/* sbi_get_mvendorid - the boot hart's mvendorid CSR as the SBI reads it (JEDEC bank and
 * code; 0 for none, and on an SBI without the base extension). Safe before the MMU is on. */
unsigned long sbi_get_mvendorid(void);

/* sbi_console_putchar - the legacy console (EID 0x01). Works before the MMU is on. */
void sbi_console_putchar(int ch);

/* sbi_set_timer - the next timer interrupt at absolute time @when (TIME, else legacy). */
void sbi_set_timer(const struct sbi_info *info, uint64_t when);

/* sbi_hart_status - HSM state of @hartid, or a negative SBI error. */
long sbi_hart_status(unsigned long hartid);

/* sbi_hart_start - start @hartid at physical @start_pa in S-mode with the MMU off, a0 = its
 * hart id and a1 = @opaque. 0 or a negative SBI error. */
long sbi_hart_start(unsigned long hartid, paddr_t start_pa, unsigned long opaque);

/* sbi_send_ipi - a supervisor software interrupt to the harts of @mask (bit i = hart id
 * @base + i). 0 or a negative SBI error. */
long sbi_send_ipi(unsigned long mask, unsigned long base);

/*
 * sbi_remote_sfence_vma_asid - the harts of @mask (from hart id @base) run sfence.vma for
 * [start, start + size) of @asid (size ~0: all of it); returns once they have. Without @asid
 * (sbi_remote_sfence_vma) every address space's entries go, global ones too.
 */
long sbi_remote_sfence_vma_asid(unsigned long mask, unsigned long base, vaddr_t start,
				unsigned long size, unsigned long asid);
long sbi_remote_sfence_vma(unsigned long mask, unsigned long base, vaddr_t start,
			   unsigned long size);

/* sbi_shutdown - power off (SRST where the SBI has it, else the legacy call). Returns only
 * if that failed. */
void sbi_shutdown(const struct sbi_info *info, bool failure);

#endif /* __ASSEMBLER__ */

#endif
