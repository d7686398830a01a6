/* User copies, byte by byte through exception-table-guarded accesses. The trap code sends a
 * fault at one of these instructions to the task's vm_fault() first and retries the access
 * when it is resolved; otherwise the fixup makes the access return -EFAULT. */
#include "firmware/uaccess.h"

#include "firmware/extable.h"
#include "mm/vm.h"
#include "platform/errno.h"
#include "platform/riscv/csr.h"

#define ENAMETOOLONG 36

static bool user_range(uintptr_t addr, size_t n)
{
	return addr < USER_TOP && n <= USER_TOP - addr;
}

static inline long get_user_u8(uintptr_t p, uint8_t *v)
{
	register long rc __asm__("a0") = 0;
	unsigned long x = 0;

	__asm__ volatile("1: lbu %1, 0(%2)\n"
			 "2:\n" EXTABLE_ENTRY(1b, 2b)
			 : "+r"(rc), "+&r"(x)
			 : "r"(p)
			 : "memory");
	*v = (uint8_t)x;
	return rc;
}

static inline long put_user_u8(uintptr_t p, uint8_t v)
{
	register long rc __asm__("a0") = 0;

	__asm__ volatile("1: sb %1, 0(%2)\n"
			 "2:\n" EXTABLE_ENTRY(1b, 2b)
			 : "+r"(rc)
			 : "r"(v), "r"(p)
			 : "memory");
	return rc;
}

int copy_from_user(void *dst, uintptr_t src, size_t n)
{
	uint8_t *d = dst;
	int rc = 0;

	if (!user_range(src, n))
		return -EFAULT;
	csr_set(CSR_SSTATUS, SSTATUS_SUM);
	for (size_t i = 0; i < n && !rc; i++)
		rc = get_user_u8(src + i, &d[i]) ? -EFAULT : 0;
	csr_clear(CSR_SSTATUS, SSTATUS_SUM);
	return rc;
}

int copy_to_user(uintptr_t dst, const void *src, size_t n)
{
	const uint8_t *s = src;
	int rc = 0;

	if (!user_range(dst, n))
		return -EFAULT;
	csr_set(CSR_SSTATUS, SSTATUS_SUM);
	for (size_t i = 0; i < n && !rc; i++)
		rc = put_user_u8(dst + i, s[i]) ? -EFAULT : 0;
	csr_clear(CSR_SSTATUS, SSTATUS_SUM);
	return rc;
}

long strncpy_from_user(char *dst, uintptr_t src, size_t max)
{
	long rc = -ENAMETOOLONG;

	if (!max || src >= USER_TOP)
		return -EFAULT;
	csr_set(CSR_SSTATUS, SSTATUS_SUM);
	for (size_t i = 0; i < max; i++) {
		uint8_t c;

		if (src + i >= USER_TOP || get_user_u8(src + i, &c)) {
			rc = -EFAULT;
			break;
		}
		dst[i] = (char)c;
		if (!c) {
			rc = (long)i;
			break;
		}
	}
	csr_clear(CSR_SSTATUS, SSTATUS_SUM);
	if (rc < 0)
		dst[0] = '\0';
	return rc;
}
