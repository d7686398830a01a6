/* User copies through the probes' exception-table-guarded accesses, a word at a time where
 * both sides are 8-byte aligned (signal frames, structs), else byte by byte. The trap code
 * sends a fault on a user address at one of them to the task's vm_fault() first and retries
 * the access when it is resolved; otherwise the probe returns -EFAULT. */
#include "firmware/uaccess.h"

#include "firmware/probe.h"
#include "mm/vm.h"
#include "platform/errno.h"
#include "platform/riscv/csr.h"

#define ENAMETOOLONG 36

/* uaccess_copy.S: @words 8-byte words from @src to @dst; 0 or -EFAULT */
int uaccess_copy_words(void *dst, const void *src, size_t words);
/* uaccess_atomic.S: one aligned word, loaded whole or compared and swapped; 0 or -EFAULT */
int uaccess_load_u32(const uint32_t *uaddr, uint32_t *out);
int uaccess_cmpxchg_u32(uint32_t *uaddr, uint32_t old, uint32_t new, uint32_t *found);

bool user_range_ok(uintptr_t addr, size_t n)
{
	return addr < USER_TOP && n <= USER_TOP - addr;
}

int copy_from_user(void *dst, uintptr_t src, size_t n)
{
	uint8_t *d = dst;
	int rc = 0;

	size_t i = 0;

	if (!user_range_ok(src, n))
		return -EFAULT;
	csr_set(CSR_SSTATUS, SSTATUS_SUM);
	if (((src | (uintptr_t)d) & 7) == 0) {
		rc = uaccess_copy_words(d, (const void *)src, n / 8);
		i = n & ~(size_t)7;
	}
	for (; i < n && !rc; i++)
		rc = probe_read_u8((const uint8_t *)(src + i), &d[i]);
	csr_clear(CSR_SSTATUS, SSTATUS_SUM);
	return rc;
}

int copy_to_user(uintptr_t dst, const void *src, size_t n)
{
	const uint8_t *s = src;
	int rc = 0;

	size_t i = 0;

	if (!user_range_ok(dst, n))
		return -EFAULT;
	csr_set(CSR_SSTATUS, SSTATUS_SUM);
	if (((dst | (uintptr_t)s) & 7) == 0) {
		rc = uaccess_copy_words((void *)dst, s, n / 8);
		i = n & ~(size_t)7;
	}
	for (; i < n && !rc; i++)
		rc = probe_write_u8((uint8_t *)(dst + i), s[i]);
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

		if (src + i >= USER_TOP || probe_read_u8((const uint8_t *)(src + i), &c)) {
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

int get_user_u32(uintptr_t addr, uint32_t *out)
{
	int rc;

	if (!user_range_ok(addr, sizeof(*out)) || (addr & 3))
		return -EFAULT;
	csr_set(CSR_SSTATUS, SSTATUS_SUM);
	rc = uaccess_load_u32((const uint32_t *)addr, out);
	csr_clear(CSR_SSTATUS, SSTATUS_SUM);
	return rc;
}

int user_cmpxchg_u32(uintptr_t addr, uint32_t old, uint32_t new, uint32_t *found)
{
	int rc;

	if (!user_range_ok(addr, sizeof(old)) || (addr & 3))
		return -EFAULT;
	csr_set(CSR_SSTATUS, SSTATUS_SUM);
	rc = uaccess_cmpxchg_u32((uint32_t *)addr, old, new, found);
	csr_clear(CSR_SSTATUS, SSTATUS_SUM);
	return rc;
}
