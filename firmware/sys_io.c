/* Console input and output for tasks: descriptors 0, 1 and 2 are the console. */
#include "firmware/console.h"
#include "firmware/syscall_impl.h"
#include "firmware/uaccess.h"
#include "mm/vm.h"
#include "platform/errno.h"

#define WRITE_CHUNK 256

static long sys_read(struct trap_frame *tf)
{
	if (tf->a0 != 0)
		return -EBADF;
	/* as Linux's access_ok(): the buffer must lie in the user half even when nothing is read */
	if (!user_range_ok(tf->a1, tf->a2))
		return -EFAULT;
	/* no input device for tasks yet: standard input is at its end */
	return 0;
}

static long sys_write(struct trap_frame *tf)
{
	uintptr_t buf = tf->a1;
	size_t len = tf->a2, done = 0;
	char chunk[WRITE_CHUNK];

	if (tf->a0 != 1 && tf->a0 != 2)
		return -EBADF;
	/* as Linux's access_ok(): the whole buffer must lie in the user half, before any byte
	 * is copied */
	if (!user_range_ok(buf, len))
		return -EFAULT;
	if (len > (1ul << 30))
		len = 1ul << 30;
	while (done < len) {
		size_t n = len - done < WRITE_CHUNK ? len - done : WRITE_CHUNK;
		unsigned long flags;

		if (copy_from_user(chunk, buf + done, n))
			return done ? (long)done : -EFAULT;
		flags = console_lock();
		for (size_t i = 0; i < n; i++)
			console_putc(chunk[i]);
		console_unlock(flags);
		done += n;
	}
	return (long)done;
}

SYSCALL(read, sys_read);
SYSCALL(write, sys_write);
