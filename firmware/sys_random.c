/* getrandom(2): bytes from the kernel's generator, which is seeded before the first task, so
 * that no call ever blocks and every flag reads the same generator, as on Linux 6.1 once its
 * generator is ready. */
#include "firmware/random.h"
#include "firmware/syscall_impl.h"
#include "firmware/uaccess.h"
#include "mm/vm.h"
#include "platform/errno.h"

#define GRND_NONBLOCK 0x1
#define GRND_RANDOM   0x2
#define GRND_INSECURE 0x4
/* Linux's MAX_RW_COUNT: no read or write moves more in one call */
#define MAX_RW_COUNT (0x7fffffffu & ~(PAGE_SIZE - 1))

/*
 * A page at a time, as the user buffer's pages may not all be there: a fault part-way returns
 * the bytes copied before the faulting page, -EFAULT only when there were none (Linux's
 * count is exact to the byte, and a fault can only come at a page boundary).
 */
static long sys_getrandom(struct trap_frame *tf)
{
	uintptr_t buf = tf->a0;
	uint64_t len = tf->a1, done = 0;
	unsigned int flags = (unsigned int)tf->a2;
	uint8_t chunk[256];

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (!user_range_ok(buf, len))
		return -EFAULT;
	while (done < len) {
		uint64_t to_page = PAGE_SIZE - (buf + done) % PAGE_SIZE;
		uint64_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);

		if (n > to_page)
			n = to_page;
		random_bytes(chunk, n);
		if (copy_to_user(buf + done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

SYSCALL(getrandom, sys_getrandom);
