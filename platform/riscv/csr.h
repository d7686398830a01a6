/* RISC-V supervisor CSRs, their bits and the trap causes, with the privileged spec's names.
 * The constants are usable from assembly; the accessors only from firmware C. */
#ifndef FAULTLINE_PLATFORM_RISCV_CSR_H
#define FAULTLINE_PLATFORM_RISCV_CSR_H

#ifdef __ASSEMBLER__
#define _UL(x) x
#else
#define _UL(x) x##UL
#endif

/* sstatus */
#define SSTATUS_SIE	   _UL(0x2)
#define SSTATUS_SPIE	   _UL(0x20)
#define SSTATUS_SPP	   _UL(0x100)
#define SSTATUS_VS	   _UL(0x600) /* vector unit state: Off, Initial, Clean, Dirty */
#define SSTATUS_VS_OFF	   _UL(0x0)
#define SSTATUS_FS	   _UL(0x6000) /* floating-point unit state, the same four values */
#define SSTATUS_FS_OFF	   _UL(0x0)
#define SSTATUS_FS_INITIAL _UL(0x2000)
#define SSTATUS_FS_CLEAN   _UL(0x4000)
#define SSTATUS_FS_DIRTY   _UL(0x6000)
#define SSTATUS_SUM	   _UL(0x40000)
#define SSTATUS_MXR	   _UL(0x80000)

/* sie / sip */
#define SIE_SSIE _UL(0x2)
#define SIE_STIE _UL(0x20)
#define SIE_SEIE _UL(0x200)

/* satp (Sv39) */
#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE	_UL(0)
#define SATP_MODE_SV39	_UL(8)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK	_UL(0xffff)
#define SATP_PPN_MASK	_UL(0xfffffffffff)

/* scounteren: which counters U-mode may read */
#define SCOUNTEREN_CY _UL(0x1)
#define SCOUNTEREN_TM _UL(0x2)
#define SCOUNTEREN_IR _UL(0x4)

/* scause: the interrupt bit and the codes of the privileged spec (v1.12, table 4.2) */
#define CAUSE_INTERRUPT (_UL(1) << 63)
#define IRQ_S_SOFT	1
#define IRQ_S_TIMER	5
#define IRQ_S_EXT	9
#define IRQ_COUNTER_OVF 13

#define CAUSE_MISALIGNED_FETCH	  0
#define CAUSE_FETCH_ACCESS	  1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT	  3
#define CAUSE_MISALIGNED_LOAD	  4
#define CAUSE_LOAD_ACCESS	  5
#define CAUSE_MISALIGNED_STORE	  6
#define CAUSE_STORE_ACCESS	  7
#define CAUSE_USER_ECALL	  8
#define CAUSE_SUPERVISOR_ECALL	  9
#define CAUSE_MACHINE_ECALL	  11
#define CAUSE_FETCH_PAGE_FAULT	  12
#define CAUSE_LOAD_PAGE_FAULT	  13
#define CAUSE_STORE_PAGE_FAULT	  15
#define CAUSE_SOFTWARE_CHECK	  18
#define CAUSE_HARDWARE_ERROR	  19

#define CSR_SSTATUS    0x100
#define CSR_SIE	       0x104
#define CSR_STVEC      0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SSCRATCH   0x140
#define CSR_SEPC       0x141
#define CSR_SCAUSE     0x142
#define CSR_STVAL      0x143
#define CSR_SIP	       0x144
#define CSR_STIMECMP   0x14d
#define CSR_SATP       0x180
#define CSR_CYCLE      0xc00
#define CSR_TIME       0xc01
#define CSR_INSTRET    0xc02

#if !defined(__ASSEMBLER__) && !defined(HOST_TEST)
#define __csr_str(x)  #x
#define __csr_xstr(x) __csr_str(x)

#define csr_read(csr)                                                                              \
	({                                                                                         \
		unsigned long __v;                                                                 \
		__asm__ volatile("csrr %0, " __csr_xstr(csr) : "=r"(__v)::"memory");               \
		__v;                                                                               \
	})
#define csr_write(csr, val)                                                                        \
	({ __asm__ volatile("csrw " __csr_xstr(csr) ", %0" ::"rK"(val) : "memory"); })
#define csr_set(csr, val)                                                                          \
	({ __asm__ volatile("csrs " __csr_xstr(csr) ", %0" ::"rK"(val) : "memory"); })
#define csr_clear(csr, val)                                                                        \
	({ __asm__ volatile("csrc " __csr_xstr(csr) ", %0" ::"rK"(val) : "memory"); })
#define csr_read_clear(csr, val)                                                                   \
	({                                                                                         \
		unsigned long __v;                                                                 \
		__asm__ volatile("csrrc %0, " __csr_xstr(csr) ", %1"                               \
				 : "=r"(__v)                                                       \
				 : "rK"(val)                                                       \
				 : "memory");                                                      \
		__v;                                                                               \
	})
#define csr_swap(csr, val)                                                                         \
	({                                                                                         \
		unsigned long __v = (unsigned long)(val);                                          \
		__asm__ volatile("csrrw %0, " __csr_xstr(csr) ", %1"                               \
				 : "=r"(__v)                                                       \
				 : "rK"(__v)                                                       \
				 : "memory");                                                      \
		__v;                                                                               \
	})
#endif

#endif
