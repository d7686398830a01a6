/* The register frame the trap entry saves: layout shared by C and assembly. The offsets are
 * written once here and checked against the struct with _Static_assert in trap.c. */
#ifndef FAULTLINE_FIRMWARE_TRAP_FRAME_H
#define FAULTLINE_FIRMWARE_TRAP_FRAME_H

#define TF_REG(n)  ((n)*8) /* x1..x31 at TF_REG(1)..TF_REG(31); slot 0 holds sepc */
#define TF_SEPC	   0
#define TF_SSTATUS (32 * 8)
#define TF_SCAUSE  (33 * 8)
#define TF_STVAL   (34 * 8)
#define TF_FULL	   (35 * 8)
#define TF_SIZE	   (36 * 8) /* a multiple of 16, as the ABI wants for sp */

/* The start of struct hart (firmware/hart.h), which tp points to in the kernel. */
#define HART_SCRATCH 0	/* the trapped sp, parked while the frame is set up */
#define HART_KSTACK  8	/* top of the running task's kernel stack */
#define HART_WORK    16 /* nonzero: signal work before returning to U-mode */

#ifndef __ASSEMBLER__
#include "platform/types.h"

struct trap_frame {
	unsigned long sepc; /* x0 is always zero: its slot holds the trapped pc */
	unsigned long ra, sp, gp, tp;
	unsigned long t0, t1, t2;
	unsigned long s0, s1;
	unsigned long a0, a1, a2, a3, a4, a5, a6, a7;
	unsigned long s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
	unsigned long t3, t4, t5, t6;
	unsigned long sstatus;
	unsigned long scause;
	unsigned long stval;
	/* nonzero when every register is in the frame; a trap from U-mode saves only those C
	 * code may clobber, unless it is clone, whose child starts from the whole set */
	unsigned long full;
};
#endif

#endif
