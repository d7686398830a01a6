/* Descriptor calls: close, dup, fcntl, ioctl, stat, lseek, ftruncate and memfd_create, as
 * Linux answers them. There is no file system: calls that name a path find nothing. */
#include "firmware/fdtable.h"
#include "firmware/syscall_impl.h"
#include "firmware/task.h"
#include "firmware/uaccess.h"
#include "platform/errno.h"

/* fcntl commands and descriptor flags (asm-generic/fcntl.h, linux/fcntl.h) */
#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC	1
/* what F_SETFL may change: Linux's SETFL_MASK */
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

#define AT_FDCWD	    (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_NO_AUTOMOUNT	    0x800
#define AT_EMPTY_PATH	    0x1000

#define SEEK_SET  0
#define SEEK_CUR  1
#define SEEK_END  2
#define SEEK_DATA 3
#define SEEK_HOLE 4

#define MFD_CLOEXEC	  0x1u
#define MFD_ALLOW_SEALING 0x2u
#define MFD_NAME_MAX	  249 /* NAME_MAX minus "memfd:" */

static struct fdtable *fds(void)
{
	return task_current()->fds;
}

static long sys_close(struct trap_frame *tf)
{
	return fd_close(fds(), (long)(int)tf->a0);
}

/* A new descriptor >= @min for the open file of @fd. */
static long dup_from(long fd, long min, bool cloexec)
{
	struct file *f = fd_get(fds(), fd);
	int rc;

	if (!f)
		return -EBADF;
	rc = fd_install(fds(), f, min, cloexec);
	if (rc < 0)
		file_put(f);
	return rc;
}

static long sys_dup(struct trap_frame *tf)
{
	return dup_from((int)tf->a0, 0, false);
}

static long sys_dup3(struct trap_frame *tf)
{
	int oldfd = (int)tf->a0, newfd = (int)tf->a1;
	unsigned int flags = (unsigned int)tf->a2;
	struct file *f;

	if (flags & ~(unsigned int)O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	if (newfd < 0 || newfd >= FD_MAX)
		return -EBADF;
	f = fd_get(fds(), oldfd);
	if (!f)
		return -EBADF;
	fd_replace(fds(), newfd, f, flags & O_CLOEXEC);
	return newfd;
}

static long sys_fcntl(struct trap_frame *tf)
{
	int fd = (int)tf->a0;
	unsigned int cmd = (unsigned int)tf->a1;
	struct file *f = fd_get(fds(), fd);
	long rc;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		/* the lowest free descriptor from arg, which must be below the limit */
		rc = (int)tf->a2 < 0 || (int)tf->a2 >= FD_MAX
			 ? -EINVAL
			 : dup_from(fd, (int)tf->a2, cmd == F_DUPFD_CLOEXEC);
		break;
	case F_GETFD:
		rc = fd_cloexec(fds(), fd) ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		fd_set_cloexec(fds(), fd, tf->a2 & FD_CLOEXEC);
		rc = 0;
		break;
	case F_GETFL:
		rc = f->flags;
		break;
	case F_SETFL:
		f->flags = (f->flags & ~SETFL_MASK) | ((unsigned int)tf->a2 & SETFL_MASK);
		rc = 0;
		break;
	default:
		rc = -EINVAL;
	}
	file_put(f);
	return rc;
}

static long sys_ioctl(struct trap_frame *tf)
{
	struct file *f = fd_get(fds(), (int)tf->a0);
	long rc;

	if (!f)
		return -EBADF;
	rc = f->ops->ioctl ? f->ops->ioctl(f, (unsigned int)tf->a1, tf->a2) : -ENOTTY;
	file_put(f);
	return rc;
}

static long stat_fd(long fd, uintptr_t buf)
{
	struct file *f = fd_get(fds(), fd);
	struct k_stat st;

	if (!f)
		return -EBADF;
	f->ops->stat(f, &st);
	file_put(f);
	return copy_to_user(buf, &st, sizeof(st));
}

static long sys_fstat(struct trap_frame *tf)
{
	return stat_fd((int)tf->a0, tf->a1);
}

/*
 * newfstatat: an empty path with AT_EMPTY_PATH is fstat of the descriptor (Linux 6.1 wants
 * "", not NULL: NULL is -EFAULT). Any other path names nothing here: -ENOENT, or -ENOTDIR
 * relative to a descriptor that is not a directory (none is), -EBADF to a closed one.
 */
static long sys_newfstatat(struct trap_frame *tf)
{
	int dirfd = (int)tf->a0;
	unsigned int flags = (unsigned int)tf->a3;
	struct file *f;
	char c;

	if (flags & ~(unsigned int)(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH))
		return -EINVAL;
	if (copy_from_user(&c, tf->a1, 1))
		return -EFAULT;
	if (c == '\0') {
		if (!(flags & AT_EMPTY_PATH))
			return -ENOENT;
		if (dirfd == AT_FDCWD)
			return -ENOENT; /* no working directory */
		return stat_fd(dirfd, tf->a2);
	}
	if (c == '/' || dirfd == AT_FDCWD)
		return -ENOENT;
	f = fd_get(fds(), dirfd);
	if (!f)
		return -EBADF;
	file_put(f);
	return -ENOTDIR;
}

static long sys_lseek(struct trap_frame *tf)
{
	struct file *f = fd_get(fds(), (int)tf->a0);
	int64_t off = (int64_t)tf->a1, base, size, to;
	long rc = 0;

	if (!f)
		return -EBADF;
	if (!f->ops->size) {
		rc = -ESPIPE;
		goto out;
	}
	size = (int64_t)f->ops->size(f);
	switch (tf->a2) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case SEEK_END:
		base = size;
		break;
	case SEEK_DATA: /* the whole file counts as data, as Linux's generic answer */
	case SEEK_HOLE:
		if (off < 0 || off >= size) {
			rc = -ENXIO;
			goto out;
		}
		base = 0;
		if (tf->a2 == SEEK_HOLE)
			off = size;
		break;
	default:
		rc = -EINVAL;
		goto out;
	}
	if (__builtin_add_overflow(base, off, &to) || to < 0) {
		rc = -EINVAL;
		goto out;
	}
	f->pos = (uint64_t)to;
	rc = to;
out:
	file_put(f);
	return rc;
}

static long sys_ftruncate(struct trap_frame *tf)
{
	struct file *f;
	long rc;

	if ((int64_t)tf->a1 < 0)
		return -EINVAL; /* Linux checks the length before the descriptor */
	f = fd_get(fds(), (int)tf->a0);
	if (!f)
		return -EBADF;
	if (!f->ops->truncate || (f->flags & O_ACCMODE) == O_RDONLY)
		rc = -EINVAL;
	else
		rc = f->ops->truncate(f, tf->a1);
	file_put(f);
	return rc;
}

static long sys_memfd_create(struct trap_frame *tf)
{
	unsigned int flags = (unsigned int)tf->a1;
	char name[MFD_NAME_MAX + 1];
	struct file *f;
	long rc;

	/* MFD_HUGETLB and its sizes: there are no huge pages to give */
	if (tf->a1 & ~(unsigned long)(MFD_CLOEXEC | MFD_ALLOW_SEALING))
		return -EINVAL;
	/* the name only labels the file on Linux (/proc/self/fd): checked as it checks it */
	rc = strncpy_from_user(name, tf->a0, sizeof(name));
	if (rc == -EFAULT)
		return -EFAULT;
	if (rc < 0)
		return -EINVAL;
	rc = memfd_file_open(&f);
	if (rc)
		return rc;
	rc = fd_install(fds(), f, 0, flags & MFD_CLOEXEC);
	if (rc < 0)
		file_put(f);
	return rc;
}

/* openat, readlinkat: no file system, so no path names anything. */
static long sys_no_such_path(struct trap_frame *tf)
{
	char c;

	if (copy_from_user(&c, tf->a1, 1))
		return -EFAULT;
	return -ENOENT;
}

SYSCALL(close, sys_close);
SYSCALL(dup, sys_dup);
SYSCALL(dup3, sys_dup3);
SYSCALL(fcntl, sys_fcntl);
SYSCALL(ioctl, sys_ioctl);
SYSCALL(fstat, sys_fstat);
SYSCALL(newfstatat, sys_newfstatat);
SYSCALL(lseek, sys_lseek);
SYSCALL(ftruncate, sys_ftruncate);
SYSCALL(memfd_create, sys_memfd_create);
SYSCALL(openat, sys_no_such_path);
SYSCALL(readlinkat, sys_no_such_path);
