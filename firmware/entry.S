/* Boot entry from OpenSBI: S-mode, MMU off, a0 = hart id, a1 = devicetree physical address,
 * running at whatever address the image was loaded. Sets up a stack and clean bss, lets
 * early_boot() (C, position-independent) build the boot tables, then jumps to the upper half. */
#include "firmware/smp.h"
#include "platform/riscv/csr.h"
#include "platform/riscv/sbi.h"

#define IMAGE_TEXT_OFFSET    0x200000	 /* 2 MiB above RAM start, past OpenSBI */
#define IMAGE_HEADER_VERSION 0x2	 /* 0.2 */

	.section .text.entry, "ax"
	.globl _start
_start:
	/* The Linux RISC-V Image header (Linux's Documentation/riscv/boot-image-header.rst), so
	 * that U-Boot's booti takes the flat image as boards boot Linux. Its first word jumps
	 * over it: loaded any other way the image still starts here. U-Boot checks magic2 and
	 * image_size, and moves the image to RAM start + text_offset, clear of OpenSBI. */
	.option push
	.option norvc
	j	image_code		/* code0 */
	nop				/* code1 */
	.option pop
	.quad	IMAGE_TEXT_OFFSET	/* text_offset */
	.quad	_end - _start		/* image_size: bss included */
	.quad	0			/* flags: little endian */
	.word	IMAGE_HEADER_VERSION	/* version */
	.word	0			/* res1 */
	.quad	0			/* res2 */
	.ascii	"RISCV\0\0\0"		/* magic (deprecated) */
	.ascii	"RSC\x05"		/* magic2: what U-Boot checks */
	.word	0			/* res3: no PE/COFF header */
image_code:
	csrr	s3, CSR_INSTRET		/* for the boot-cost figure: counted from here */
	csrr	s4, CSR_TIME
	csrw	CSR_SIE, zero
	csrw	CSR_SATP, zero

	/* One hart boots. Should a loader send a second one here (some start every hart at
	 * the entry; one was seen arriving under QEMU sifive_u while the first ran), it would
	 * clear bss under the first: it hands itself back to the SBI (HSM hart_stop), from
	 * where smp.c starts it the normal way. */
	lla	t0, boot_lottery
	li	t1, 1
	amoswap.w t1, t1, (t0)
	beqz	t1, 0f
	li	a7, SBI_EXT_HSM
	li	a6, SBI_HSM_HART_STOP
	ecall
1:	wfi				/* no HSM: nothing else to do but stay out of the way */
	j	1b
0:

	/* Page tables need a page-aligned image. A loader that put us elsewhere (one vendor
	 * OpenSBI uses 0x80200020) gets us copied to the next 2 MiB boundary past our end. */
	lla	t0, _start
	li	t2, 0xfff
	and	t1, t0, t2
	beqz	t1, 2f
	lla	t3, _edata
	lla	t4, _end
	li	t2, 0x1fffff
	add	t4, t4, t2
	not	t2, t2
	and	t4, t4, t2		/* t4 = destination */
	mv	t5, t4
1:	lbu	t6, 0(t0)
	sb	t6, 0(t5)
	addi	t0, t0, 1
	addi	t5, t5, 1
	bltu	t0, t3, 1b
	fence.i
	lla	t0, 2f
	lla	t1, _start
	sub	t0, t0, t1
	add	t0, t0, t4
	jr	t0

2:	lla	sp, _boot_stack_top
	lla	t0, _sbss
	lla	t1, _ebss
3:	sd	zero, 0(t0)
	addi	t0, t0, 8
	bltu	t0, t1, 3b

	mv	s0, a0
	mv	s1, a1
	lla	a2, _start
	mv	a3, s3
	mv	a4, s4
	call	early_boot		/* a0 = boot satp, a1 = virtual minus physical offset */
	sfence.vma
	csrw	CSR_SATP, a0
	sfence.vma

	/* The identity map keeps this code valid; move pc and sp to the upper half. */
	add	sp, sp, a1
	lla	t0, 4f
	add	t0, t0, a1
	jr	t0
4:	mv	a0, s0
	mv	a1, s1
	li	fp, 0
	call	kmain
5:	wfi
	j	5b

	.section .data
	.balign 4
boot_lottery:				/* in .data: bss is cleared only by the winner */
	.word	0

	.section .text.entry, "ax"
	/* A hart started by HSM hart_start (firmware/smp.c): MMU off, a0 = hart id, a1 = the
	 * physical address of its struct smp_boot. Everything is read from it while addresses
	 * are physical; then stvec points at the virtual secondary_virt, and turning the kernel
	 * map on makes the next fetch (a physical pc the map does not have) trap straight there. */
	.balign 4
	.globl secondary_entry
secondary_entry:
	csrw	CSR_SIE, zero
	csrw	CSR_SSCRATCH, zero
	ld	t0, SMP_BOOT_SATP(a1)
	ld	sp, SMP_BOOT_STACK(a1)
	ld	tp, SMP_BOOT_HART(a1)
	ld	t1, SMP_BOOT_ENTRY(a1)
	csrw	CSR_STVEC, t1
	sfence.vma
	csrw	CSR_SATP, t0
	sfence.vma
	j	secondary_virt		/* reached only if the map also holds this address */

	.balign 4
	.globl secondary_virt
secondary_virt:
	sfence.vma
	mv	a0, tp
	li	fp, 0
	call	smp_secondary
6:	wfi
	j	6b
