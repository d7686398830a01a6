/* SBI calls: the ecall convention (a7 = extension, a6 = function, a0/a1 = error/value). */
#include "platform/riscv/sbi.h"

struct sbiret sbi_call(unsigned long ext, unsigned long fid, unsigned long a0, unsigned long a1,
		       unsigned long a2)
{
	return sbi_call5(ext, fid, a0, a1, a2, 0, 0);
}

static bool probe(unsigned long ext)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, ext, 0, 0);

	return r.error == SBI_SUCCESS && r.value != 0;
}

void sbi_probe(struct sbi_info *info)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);

	/* SBI 0.1 has no base extension: only the legacy calls exist then. */
	if (r.error != SBI_SUCCESS) {
		*info = (struct sbi_info){ 0 };
		return;
	}
	info->spec_version = (unsigned long)r.value;
	info->impl_id = (unsigned long)sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0).value;
	info->impl_version =
	    (unsigned long)sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION, 0, 0, 0).value;
	info->has_time = probe(SBI_EXT_TIME);
	info->has_ipi = probe(SBI_EXT_IPI);
	info->has_rfence = probe(SBI_EXT_RFENCE);
	info->has_hsm = probe(SBI_EXT_HSM);
	info->has_srst = probe(SBI_EXT_SRST);
}

const char *sbi_impl_name(unsigned long impl_id)
{
	switch (impl_id) {
	case 0:
		return "BBL";
	case 1:
		return "OpenSBI";
	case 2:
		return "Xvisor";
	case 3:
		return "KVM";
	case 4:
		return "RustSBI";
	case 5:
		return "Diosix";
	default:
		return "unknown";
	}
}

unsigned long sbi_get_mvendorid(void)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_MVENDORID, 0, 0, 0);

	return r.error == SBI_SUCCESS ? (unsigned long)r.value : 0;
}

void sbi_console_putchar(int ch)
{
	sbi_call(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, 0, (unsigned long)ch, 0, 0);
}

void sbi_set_timer(const struct sbi_info *info, uint64_t when)
{
	if (info->has_time)
		sbi_call(SBI_EXT_TIME, 0, when, 0, 0);
	else
		sbi_call(SBI_EXT_LEGACY_SET_TIMER, 0, when, 0, 0);
}

struct sbiret sbi_call5(unsigned long ext, unsigned long fid, unsigned long a0, unsigned long a1,
			unsigned long a2, unsigned long a3, unsigned long a4)
{
	register unsigned long r_a0 __asm__("a0") = a0;
	register unsigned long r_a1 __asm__("a1") = a1;
	register unsigned long r_a2 __asm__("a2") = a2;
	register unsigned long r_a3 __asm__("a3") = a3;
	register unsigned long r_a4 __asm__("a4") = a4;
	register unsigned long r_a6 __asm__("a6") = fid;
	register unsigned long r_a7 __asm__("a7") = ext;
	struct sbiret ret;

	__asm__ volatile("ecall"
			 : "+r"(r_a0), "+r"(r_a1)
			 : "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a6), "r"(r_a7)
			 : "memory");
	ret.error = (long)r_a0;
	ret.value = (long)r_a1;
	return ret;
}

long sbi_hart_start(unsigned long hartid, paddr_t start_pa, unsigned long opaque)
{
	return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, start_pa, opaque).error;
}

long sbi_send_ipi(unsigned long mask, unsigned long base)
{
	return sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, mask, base, 0).error;
}

long sbi_remote_sfence_vma_asid(unsigned long mask, unsigned long base, vaddr_t start,
				unsigned long size, unsigned long asid)
{
	return sbi_call5(SBI_EXT_RFENCE, SBI_RFENCE_SFENCE_VMA_ASID, mask, base, start, size, asid)
	    .error;
}

long sbi_remote_sfence_vma(unsigned long mask, unsigned long base, vaddr_t start,
			   unsigned long size)
{
	return sbi_call5(SBI_EXT_RFENCE, SBI_RFENCE_SFENCE_VMA, mask, base, start, size, 0).error;
}

long sbi_hart_status(unsigned long hartid)
{
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, hartid, 0, 0);

	return r.error ? r.error : r.value;
}

void sbi_shutdown(const struct sbi_info *info, bool failure)
{
	/* where SRST exists and refuses (no power-off device: sifive_u), the legacy call goes
	 * to the same code in OpenSBI and never returns: do not try it */
	if (info->has_srst)
		sbi_call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_SHUTDOWN,
			 failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE, 0);
	else
		sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0);
}
