/* Init order after the jump to the upper half: traps, boards, frames, the kernel map, the
 * console, the SBI, the timer; then the boot log and the payload (tasks, or the test suite). */
#include "firmware/main.h"

#include "firmware/bootargs.h"
#include "firmware/clock.h"
#include "firmware/console.h"
#include "firmware/early.h"
#include "firmware/fpu.h"
#include "firmware/kmem.h"
#include "firmware/panic.h"
#include "firmware/printf.h"
#include "firmware/random.h"
#include "firmware/semihost.h"
#include "firmware/smp.h"
#include "firmware/syscall.h"
#include "firmware/task.h"
#include "firmware/timer.h"
#include "firmware/trace.h"
#include "firmware/trap.h"
#include "mm/frame.h"
#include "mm/vm.h"
#include "platform/board.h"
#include "platform/riscv/csr.h"
#include "platform/riscv/irq.h"
#include "platform/riscv/memlayout.h"
#include "platform/riscv/sbi.h"

#ifndef FAULTLINE_VERSION
#define FAULTLINE_VERSION "unknown"
#endif

static struct sbi_info sbi;
static bool have_fpu;
static unsigned int asid_bits;

void kmain(unsigned long hartid, paddr_t dtb_pa);

/*
 * Ends the session: an attached host (QEMU with semihosting) takes the exit status, else the
 * SBI powers off. Returns only when neither could stop the machine.
 */
static void shutdown(bool failure)
{
	(void)semihost_exit(failure ? 1 : 0);
	if (board_sbi_poweroff_works())
		sbi_shutdown(&sbi, failure);
}

/* Writes all ones to satp.ASID and reads back what sticks (the spec's way to find ASIDLEN). */
static unsigned int probe_asid_bits(void)
{
	unsigned long satp = csr_read(CSR_SATP);
	unsigned long probe = satp | (SATP_ASID_MASK << SATP_ASID_SHIFT);
	unsigned long got;
	unsigned int bits = 0;

	csr_write(CSR_SATP, probe);
	got = (csr_read(CSR_SATP) >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
	csr_write(CSR_SATP, satp);
	while (got & (1ul << bits))
		bits++;
	return bits;
}

static void print_size(uint64_t bytes)
{
	if (bytes >= (1ul << 30) && !(bytes & ((1ul << 30) - 1)))
		kprintf("%lu GiB", (unsigned long)(bytes >> 30));
	else if (bytes >= (1ul << 20) && !(bytes & ((1ul << 20) - 1)))
		kprintf("%lu MiB", (unsigned long)(bytes >> 20));
	else
		kprintf("%lu KiB", (unsigned long)(bytes >> 10));
}

static void print_region(const char *what, const struct fdt_region *r)
{
	kprintf("  %-10s 0x%09lx-0x%09lx (", what, (unsigned long)r->base,
		(unsigned long)(r->base + r->size));
	print_size(r->size);
	kprintf(")\n");
}

static void boot_log(const struct boot_facts *bf)
{
	const struct fdt_info *fi = &bf->fdt;
	struct fdt_region image = { bf->load_pa, bf->image_size };
	struct pmm_stats st;
	int usable = 0;

	kprintf("\nfaultline %s booting on hart %lu\n", FAULTLINE_VERSION, bf->hartid);
	kprintf("  model      %s (%s, board %s)\n", fi->model, fi->compatible, board_name());
	kprintf("  sbi        %s %lu.%lu, spec %lu.%lu:%s%s%s%s%s\n", sbi_impl_name(sbi.impl_id),
		sbi.impl_version >> 16, sbi.impl_version & 0xffff, (sbi.spec_version >> 24) & 0x7f,
		sbi.spec_version & 0xffffff, sbi.has_time ? " time" : "", sbi.has_ipi ? " ipi" : "",
		sbi.has_rfence ? " rfence" : "", sbi.has_hsm ? " hsm" : "",
		sbi.has_srst ? " srst" : "");
	print_region("image", &image);
	kprintf("  devicetree 0x%09lx (%u bytes)\n", (unsigned long)bf->dtb_pa, fi->totalsize);
	bootargs_log();
	for (int i = 0; i < fi->nmem; i++)
		print_region("memory", &fi->mem[i]);
	for (int i = 0; i < fi->nresv; i++)
		print_region("reserved", &fi->resv[i]);
	for (int i = 0; i < fi->nharts; i++) {
		const struct fdt_hart *h = &fi->harts[i];
		bool ok = board_hart_may_run(h);

		usable += ok;
		kprintf("  hart %-5u %s%s\n", h->hartid,
			ok ? "sv39" : "not used (no Sv39 MMU or disabled)",
			h->hartid == bf->hartid ? ", boot" : "");
	}
	kprintf("  harts      %d in the devicetree, %d usable\n", fi->nharts, usable);
	kprintf("  console    %s", console_name());
	if (fi->uart.path[0])
		kprintf(" (%s at 0x%lx)", fi->uart.path, (unsigned long)fi->uart.base);
	kprintf("\n  timer      %lu Hz timebase, %d Hz tick\n", (unsigned long)fi->timebase_hz,
		TIMER_HZ);
	clock_log();
	random_log();
	kprintf("  asid       %u bits\n", asid_bits);
	kprintf("  memtype    %s\n", board_memtype_name(board_memtype()));
	kprintf("  fpu        %s\n", have_fpu ? "f0-f31 and fcsr kept per task; no vector state"
					      : "none: FP instructions are illegal in tasks");
	pmm_stats(&st);
	kprintf(
	    "  frames     %lu free of %lu (%lu MiB), %lu bytes of descriptors (%lu per frame)\n",
	    (unsigned long)st.free, (unsigned long)st.total,
	    (unsigned long)(st.total >> (20 - PAGE_SHIFT)), (unsigned long)st.meta_bytes,
	    (unsigned long)(st.meta_bytes / (st.total + st.reserved)));
	kprintf("  kernel map %lu table pages\n", (unsigned long)kmem_table_pages());
}

/* The devicetree's flags for the hart we boot on (0 if it is not listed). */
static uint32_t boot_hart_flags(const struct fdt_info *fi, unsigned long hartid)
{
	for (int i = 0; i < fi->nharts; i++)
		if (fi->harts[i].hartid == hartid)
			return fi->harts[i].flags;
	return 0;
}

/* Frames the allocator must not hand out: the image, the devicetree, reserved regions. */
static int frame_init(const struct boot_facts *bf)
{
	struct fdt_region holes[PMM_MAX_HOLES];
	int n = 0;

	holes[n++] = (struct fdt_region){ bf->load_pa, bf->image_size };
	holes[n++] = (struct fdt_region){ bf->dtb_pa, bf->fdt.totalsize };
	for (int i = 0; i < bf->fdt.nresv && n < PMM_MAX_HOLES; i++)
		holes[n++] = bf->fdt.resv[i];
	return pmm_init(bf->fdt.mem, bf->fdt.nmem, holes, n);
}

void kmain(unsigned long hartid, paddr_t dtb_pa)
{
	const struct boot_facts *bf = boot_facts();
	const struct fdt_info *fi = &bf->fdt;
	int rc;

	(void)hartid;
	(void)dtb_pa;
	smp_init(fi, bf->hartid);
	sbi_probe(&sbi);
	panic_set_shutdown(shutdown);
	board_init(fi, bf->hartid, sbi_get_mvendorid());
	vm_set_pte_attrs(board_pte_attrs());

	rc = frame_init(bf);
	if (rc)
		panic("frame allocator: error %d (no usable RAM outside the image and reserved "
		      "regions)",
		      rc);
	rc = kmem_init(bf);
	if (rc)
		panic("kernel map: error %d", rc);
	if (fi->uart.kind != FDT_UART_NONE) {
		void *regs = kmem_ioremap(fi->uart.base, fi->uart.size ? fi->uart.size : PAGE_SIZE);

		if (!regs || console_init(&fi->uart, (uintptr_t)regs))
			kprintf("faultline: console %s not usable, staying on the SBI console\n",
				fi->uart.path);
	}
	asid_bits = probe_asid_bits();
	have_fpu = fpu_init();
	rc = vm_init(kmem_root());
	if (rc)
		panic("zero page: error %d", rc);
	task_init(asid_bits);
	syscall_init();
	clock_init(fi);
	random_init(fi, boot_hart_flags(fi, bf->hartid));
	/* U-mode may read the cycle, time and instret counters (benchmarks need them). */
	csr_write(CSR_SCOUNTEREN, SCOUNTEREN_CY | SCOUNTEREN_TM | SCOUNTEREN_IR);
	boot_log(bf);
	trace_init();

	rc = timer_init(&sbi, fi->timebase_hz);
	if (rc)
		kprintf("faultline: no timebase-frequency in the devicetree: no timer ticks\n");
	irq_enable();
	smp_start(&sbi);

	rc = firmware_payload();
	trace_finish();
	kprintf("faultline: shutting down (%s)\n", rc ? "failure" : "success");
	shutdown(rc != 0);
	/* QEMU 7.2's OpenSBI cannot power off sifive_u or spike without semihosting */
	kprintf("faultline: the SBI cannot power this machine off; halted\n");
	irq_disable();
	for (;;)
		__asm__ volatile("wfi");
}

const struct sbi_info *firmware_sbi(void)
{
	return &sbi;
}

unsigned int firmware_asid_bits(void)
{
	return asid_bits;
}
