/* Panic reports: cause, registers, and a frame-pointer backtrace with symbol names. */
#include "firmware/panic.h"

#include <stdarg.h>

#include "firmware/console.h"
#include "firmware/kmem.h"
#include "firmware/ksyms.h"
#include "firmware/printf.h"
#include "firmware/trap.h"
#include "mm/pt.h"
#include "platform/riscv/csr.h"
#include "platform/riscv/irq.h"

#define BACKTRACE_MAX 32

static void (*shutdown_fn)(bool failure);

static const char *const reg_names[32] = {
	"pc", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
	"a1", "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
	"s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

void panic_set_shutdown(void (*fn)(bool failure))
{
	shutdown_fn = fn;
}

static void print_symbol(const char *prefix, uintptr_t pc)
{
	uintptr_t off = 0;
	const char *name = ksyms_lookup(pc, &off);

	if (name)
		kprintf("%s0x%016lx %s+0x%lx\n", prefix, (unsigned long)pc, name,
			(unsigned long)off);
	else
		kprintf("%s0x%016lx ?\n", prefix, (unsigned long)pc);
}

/* A frame record may be read only where the kernel map has memory. */
static bool readable(uintptr_t va)
{
	return kmem_root() && (va & 7) == 0 && va >= SV39_KERNEL_BASE &&
	       pt_walk(kmem_root(), va, NULL) != NULL;
}

/*
 * GCC's RISC-V frames: fp points above the saved ra (fp - 8) and caller's fp (fp - 16). A leaf
 * function saves no ra: its fp - 8 holds the caller's fp, and the return address is still in
 * the trapped ra (@leaf_ra, 0 when not walking from a trap).
 */
static void backtrace(uintptr_t fp, uintptr_t leaf_ra)
{
	kprintf("backtrace:\n");
	if (leaf_ra && readable(fp - 8)) {
		uintptr_t up = ((const uintptr_t *)fp)[-1];

		if (up > fp && up - fp < 0x10000 && !ksyms_lookup(up, &(uintptr_t){ 0 })) {
			print_symbol("  ", leaf_ra);
			fp = up;
		}
	}
	for (int i = 0; i < BACKTRACE_MAX && readable(fp - 16); i++) {
		uintptr_t ra = ((const uintptr_t *)fp)[-1];
		uintptr_t next = ((const uintptr_t *)fp)[-2];

		if (!ra)
			break;
		print_symbol("  ", ra);
		if (next <= fp)
			break;
		fp = next;
	}
}

static __noreturn void finish(void)
{
	kprintf("faultline: panic: halting\n");
	if (shutdown_fn)
		shutdown_fn(true);
	for (;;)
		__asm__ volatile("wfi");
}

void panic_trap(const struct trap_frame *tf, const char *why)
{
	const unsigned long *regs = (const unsigned long *)tf;

	irq_save();
	console_panic();
	kprintf("\nfaultline: panic: %s: %s (scause 0x%lx)\n", why, trap_cause_name(tf->scause),
		tf->scause);
	kprintf("sepc 0x%016lx stval 0x%016lx sstatus 0x%016lx\n", tf->sepc, tf->stval,
		tf->sstatus);
	print_symbol("pc at ", tf->sepc);
	for (int i = 1; i < 32; i++) {
		/* a trap from U-mode leaves s0-s11 in the registers, not the frame */
		bool in_frame = tf->full || !(i == 8 || i == 9 || (i >= 18 && i <= 27));

		if (in_frame)
			kprintf("%-4s 0x%016lx%s", reg_names[i], regs[i], i % 3 == 0 ? "\n" : "  ");
		else
			kprintf("%-4s %-18s%s", reg_names[i], "(not saved)",
				i % 3 == 0 ? "\n" : "  ");
	}
	kprintf("\n");
	print_symbol("ra at ", tf->ra);
	backtrace(tf->s0, tf->ra);
	finish();
}

void panic(const char *fmt, ...)
{
	va_list ap;

	irq_save();
	console_panic();
	kprintf("\nfaultline: panic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	backtrace((uintptr_t)__builtin_frame_address(0), 0);
	finish();
}
