/* Open files and each task's descriptor table. An open file (Linux's open file description)
 * has a kind's operations, access flags and a position; descriptors refer to it, and fork
 * and dup share it (reference-counted). A table is a process's: shared by its threads,
 * copied at fork, its close-on-exec descriptors closed at execve, all of it closed when its
 * last user ends. */
#ifndef FAULTLINE_FIRMWARE_FDTABLE_H
#define FAULTLINE_FIRMWARE_FDTABLE_H

#include "platform/types.h"

/* Descriptors a task may hold: 0 .. FD_MAX - 1; one more is -EMFILE. */
#define FD_MAX 128

/* Linux's open-file flags (asm-generic/fcntl.h), as F_GETFL reports them */
#define O_ACCMODE   00000003
#define O_RDONLY    00000000
#define O_WRONLY    00000001
#define O_RDWR	    00000002
#define O_APPEND    00002000
#define O_NONBLOCK  00004000
#define O_ASYNC	    00020000
#define O_DIRECT    00040000
#define O_LARGEFILE 00100000
#define O_NOATIME   01000000
#define O_CLOEXEC   02000000

/* Linux's struct stat on riscv64 (asm-generic/stat.h) */
struct k_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint32_t st_mode;
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	uint64_t st_rdev;
	uint64_t pad1;
	int64_t st_size;
	int32_t st_blksize;
	int32_t pad2;
	int64_t st_blocks;
	int64_t st_atime_sec;
	uint64_t st_atime_nsec;
	int64_t st_mtime_sec;
	uint64_t st_mtime_nsec;
	int64_t st_ctime_sec;
	uint64_t st_ctime_nsec;
	uint32_t unused4, unused5;
};

#define S_IFCHR 0020000
#define S_IFREG 0100000

struct file;
struct memobj;

/* What a kind of open file does; a NULL operation is Linux's answer for files without it. */
struct file_ops {
	/* bytes moved between the user buffer @buf and the file at *@pos (advanced), or a
	 * negative errno; -EFAULT only when nothing was moved */
	long (*read)(struct file *f, uintptr_t buf, size_t len, uint64_t *pos);
	long (*write)(struct file *f, uintptr_t buf, size_t len, uint64_t *pos);
	void (*stat)(struct file *f, struct k_stat *st);
	long (*ioctl)(struct file *f, unsigned int cmd, uintptr_t arg); /* NULL: -ENOTTY */
	uint64_t (*size)(struct file *f); /* NULL: a stream (lseek, pread, pwrite: -ESPIPE) */
	int (*truncate)(struct file *f, uint64_t len); /* NULL: -EINVAL */
	struct memobj *(*memobj)(struct file *f);      /* what mmap maps; NULL: -ENODEV */
	void (*release)(struct file *f);	       /* the last reference went */
};

struct file {
	const struct file_ops *ops;
	uint32_t refs;
	unsigned int flags; /* O_ACCMODE and the F_SETFL flags */
	uint64_t pos;	    /* seekable files: the offset read and write use */
	void *priv;	    /* the kind's own */
};

/* file_alloc - an open file of @ops with @flags and one reference. NULL when out of memory. */
struct file *file_alloc(const struct file_ops *ops, unsigned int flags, void *priv);

/* file_get / file_put - one reference more / less; the last put releases the file. */
void file_get(struct file *f);
void file_put(struct file *f);

/* console_file_open - a new open file of the console (read and write, a terminal). */
int console_file_open(struct file **out) __must_check;

/* memfd_file_open - a new memfd of size 0 (read and write, a regular file). */
int memfd_file_open(struct file **out) __must_check;

struct fdtable;

/* fdtable_console - a table whose descriptors 0, 1 and 2 are one new console open file, as
 * a boot task gets. Returns 0 and it in @out, or -ENOMEM. */
int fdtable_console(struct fdtable **out) __must_check;

/* fdtable_fork - a copy of @src: each descriptor refers to the same open file. 0 or -ENOMEM. */
int fdtable_fork(struct fdtable *src, struct fdtable **out) __must_check;

/* fdtable_exec - closes the close-on-exec descriptors, as execve does. */
void fdtable_exec(struct fdtable *t);

/* fdtable_share - @t with one user more: a thread made with CLONE_FILES shares it. */
struct fdtable *fdtable_share(struct fdtable *t);

/* fdtable_put - one user less; the last closes every descriptor and frees @t. */
void fdtable_put(struct fdtable *t);

/* fd_get - the open file of descriptor @fd with a reference for the caller, or NULL when @fd
 * is closed or out of range (the caller's -EBADF). */
struct file *fd_get(struct fdtable *t, long fd);

/* fd_install - the lowest free descriptor >= @min now refers to @f (the caller's reference
 * moves to it). Returns it, or -EMFILE (the reference stays the caller's). */
int fd_install(struct fdtable *t, struct file *f, long min, bool cloexec) __must_check;

/* fd_replace - descriptor @fd (in range) refers to @f from now on, closing what it was. */
void fd_replace(struct fdtable *t, int fd, struct file *f, bool cloexec);

/* fd_close - close(2): 0, or -EBADF. */
int fd_close(struct fdtable *t, long fd) __must_check;

/* fd_cloexec / fd_set_cloexec - descriptor @fd's FD_CLOEXEC (fd open: the caller checked). */
bool fd_cloexec(struct fdtable *t, int fd);
void fd_set_cloexec(struct fdtable *t, int fd, bool on);

#endif
