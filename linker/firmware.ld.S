/* The firmware image: linked at KERNEL_VBASE in the upper half, loaded wherever the boot
 * loader puts it (the ELF's load addresses say LOAD_PA for QEMU's -kernel). Sections are
 * page-aligned so that text (R-X), rodata (R--) and data/bss (RW-) get separate mappings. */
#include "platform/riscv/memlayout.h"

OUTPUT_ARCH(riscv)
ENTRY(_start_pa)

PHDRS
{
	text PT_LOAD FLAGS(5);
	rodata PT_LOAD FLAGS(4);
	data PT_LOAD FLAGS(6);
}

SECTIONS
{
	. = KERNEL_VBASE;
	_start_image = .;
	.text : AT(LOAD_PA) {
		_stext = .;
		KEEP(*(.text.entry))
		*(.text .text.*)
		. = ALIGN(4096);
		_etext = .;
	} :text

	.rodata : AT(LOAD_PA + (ADDR(.rodata) - KERNEL_VBASE)) {
		_srodata = .;
		*(.rodata .rodata.* .srodata .srodata.*)
		. = ALIGN(8);
		__ex_table_start = .;
		KEEP(*(__ex_table))
		__ex_table_end = .;
		. = ALIGN(8);
		__syscalls_start = .; /* struct syscall_entry, one per call (firmware/syscall_impl.h) */
		KEEP(*(.syscalls))
		__syscalls_end = .;
		. = ALIGN(8);
		__ktests_start = .; /* in-QEMU test cases, present in the test image only */
		KEEP(*(.ktests))
		__ktests_end = .;
		. = ALIGN(8);
		/* last, so that the symbol table's size moves no text address */
		KEEP(*(.rodata.ksyms))
		. = ALIGN(4096);
		_erodata = .;
	} :rodata

	.data : AT(LOAD_PA + (ADDR(.data) - KERNEL_VBASE)) {
		_sdata = .;
		*(.data .data.* .sdata .sdata.*)
		. = ALIGN(4096);
		_edata = .;
	} :data

	.bss (NOLOAD) : {
		_sbss = .;
		*(.bss .bss.* .sbss .sbss.* COMMON)
		. = ALIGN(4096);
		/* boot stack with an unmapped guard page below it */
		_boot_stack_guard = .;
		. += 4096;
		_boot_stack_bottom = .;
		. += 16384;
		_boot_stack_top = .;
		_ebss = .;
	} :data

	_end = .;
	_start_pa = _start - KERNEL_VBASE + LOAD_PA;

	/DISCARD/ : { *(.eh_frame .eh_frame_hdr .comment .note.* .riscv.attributes) }
}

/* what the boot tables can map: tools/imagecheck.sh compares the image with it, naming the
 * largest tasks when it is too big */
_image_max = KERNEL_IMAGE_MAX;
