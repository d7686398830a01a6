/* Reading and writing descriptors: read, write, their vectors and their positioned forms,
 * with Linux's checks in Linux's order (the descriptor, its mode, then the memory). */
#include "firmware/fdtable.h"
#include "firmware/syscall_impl.h"
#include "firmware/task.h"
#include "firmware/uaccess.h"
#include "platform/errno.h"

#define RW_MAX	   (1ul << 30) /* Linux's MAX_RW_COUNT, near enough: one call moves no more */
#define UIO_MAXIOV 1024

struct k_iovec {
	uint64_t base;
	uint64_t len;
};

static bool may(const struct file *f, bool write)
{
	unsigned int mode = f->flags & O_ACCMODE;

	return write ? mode == O_WRONLY || mode == O_RDWR : mode == O_RDONLY || mode == O_RDWR;
}

/* One transfer at *@pos (NULL: the file's own position). The buffer was checked. */
static long transfer(struct file *f, bool write, uintptr_t buf, size_t len, uint64_t *pos)
{
	uint64_t stream_pos = 0;

	if (!pos)
		pos = f->ops->size ? &f->pos : &stream_pos;
	return write ? f->ops->write(f, buf, len, pos) : f->ops->read(f, buf, len, pos);
}

/* read/write/pread64/pwrite64 once the descriptor is found. */
static long rw(struct file *f, bool write, uintptr_t buf, size_t len, uint64_t *pos)
{
	if (!may(f, write))
		return -EBADF;
	/* as Linux's access_ok(): the whole buffer lies in the user half, before any byte */
	if (!user_range_ok(buf, len))
		return -EFAULT;
	if (len > RW_MAX)
		len = RW_MAX;
	return transfer(f, write, buf, len, pos);
}

static long sys_rw(struct trap_frame *tf, bool write)
{
	struct file *f = fd_get(task_current()->fds, (long)tf->a0);
	long rc;

	if (!f)
		return -EBADF;
	rc = rw(f, write, tf->a1, tf->a2, NULL);
	file_put(f);
	return rc;
}

static long sys_read(struct trap_frame *tf)
{
	return sys_rw(tf, false);
}

static long sys_write(struct trap_frame *tf)
{
	return sys_rw(tf, true);
}

static long sys_prw(struct trap_frame *tf, bool write)
{
	uint64_t pos = tf->a3;
	struct file *f;
	long rc;

	if ((int64_t)pos < 0)
		return -EINVAL; /* Linux checks the offset before the descriptor */
	f = fd_get(task_current()->fds, (long)tf->a0);
	if (!f)
		return -EBADF;
	rc = f->ops->size ? rw(f, write, tf->a1, tf->a2, &pos) : -ESPIPE;
	file_put(f);
	return rc;
}

static long sys_pread64(struct trap_frame *tf)
{
	return sys_prw(tf, false);
}

static long sys_pwrite64(struct trap_frame *tf)
{
	return sys_prw(tf, true);
}

static int get_iovec(uintptr_t vec, unsigned long i, struct k_iovec *iov)
{
	return copy_from_user(iov, vec + i * sizeof(*iov), sizeof(*iov));
}

/*
 * readv/writev: every segment is checked before anything moves, as Linux's import_iovec()
 * does (more than UIO_MAXIOV or a length above SSIZE_MAX: -EINVAL; the array or a buffer
 * outside the user half: -EFAULT); the total is capped at RW_MAX; a short transfer ends it.
 */
static long sys_rwv(struct trap_frame *tf, bool write)
{
	unsigned long n = tf->a2;
	uintptr_t vec = tf->a1;
	struct k_iovec iov;
	size_t total = 0;
	struct file *f;
	long rc = 0;

	f = fd_get(task_current()->fds, (long)tf->a0);
	if (!f)
		return -EBADF;
	if (!may(f, write)) {
		rc = -EBADF;
		goto out;
	}
	if (n > UIO_MAXIOV) {
		rc = -EINVAL;
		goto out;
	}
	for (unsigned long i = 0; i < n; i++) {
		if (get_iovec(vec, i, &iov)) {
			rc = -EFAULT;
			goto out;
		}
		if ((int64_t)iov.len < 0) {
			rc = -EINVAL;
			goto out;
		}
		if (!user_range_ok(iov.base, iov.len)) {
			rc = -EFAULT;
			goto out;
		}
	}
	for (unsigned long i = 0; i < n && total < RW_MAX; i++) {
		size_t len;
		long done;

		if (get_iovec(vec, i, &iov)) {
			rc = -EFAULT;
			break;
		}
		len = iov.len < RW_MAX - total ? iov.len : RW_MAX - total;
		if (!len)
			continue;
		done = transfer(f, write, iov.base, len, NULL);
		if (done < 0) {
			rc = done;
			break;
		}
		total += (size_t)done;
		if ((size_t)done < len)
			break;
	}
	if (total)
		rc = (long)total;
out:
	file_put(f);
	return rc;
}

static long sys_readv(struct trap_frame *tf)
{
	return sys_rwv(tf, false);
}

static long sys_writev(struct trap_frame *tf)
{
	return sys_rwv(tf, true);
}

SYSCALL(read, sys_read);
SYSCALL(write, sys_write);
SYSCALL(readv, sys_readv);
SYSCALL(writev, sys_writev);
SYSCALL(pread64, sys_pread64);
SYSCALL(pwrite64, sys_pwrite64);
