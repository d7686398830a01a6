/* Memory calls: the break, anonymous mappings and mappings of a descriptor's memory,
 * remapping, advice, locks and residency, handed to the address space (mm/vm.h). */
#include "firmware/fdtable.h"
#include "firmware/syscall_impl.h"
#include "firmware/task.h"
#include "firmware/uaccess.h"
#include "mm/vm.h"
#include "platform/errno.h"

static long sys_brk(struct trap_frame *tf)
{
	return (long)vm_brk(task_current()->vm, tf->a0);
}

static long sys_munmap(struct trap_frame *tf)
{
	return vm_munmap(task_current()->vm, tf->a0, tf->a1);
}

/*
 * mmap of a descriptor, with Linux's errors in its order: -EBADF for no open file, -EINVAL
 * for no length or no mapping type, -EOVERFLOW for an offset past the end of offsets,
 * -EACCES for a mode the file was not opened for, -ENODEV for a file without memory (the
 * console). A memfd maps its memory object.
 */
static long mmap_fd(struct trap_frame *tf, vaddr_t *out)
{
	unsigned int prot = (unsigned int)tf->a2, flags = (unsigned int)tf->a3;
	unsigned int type = flags & MAP_TYPE, mode;
	struct file *f = fd_get(task_current()->fds, (int)tf->a4);
	/* an arithmetic shift, as Linux's: a negative offset overflows below */
	uint64_t pgoff = (uint64_t)((int64_t)tf->a5 >> PAGE_SHIFT);
	long rc;

	if (!f)
		return -EBADF;
	mode = f->flags & O_ACCMODE;
	if (!tf->a1 || (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE))
		rc = -EINVAL;
	else if (pgoff + (align_up(tf->a1, PAGE_SIZE) >> PAGE_SHIFT) < pgoff)
		rc = -EOVERFLOW;
	else if (mode == O_WRONLY ||
		 (type != MAP_PRIVATE && (prot & PROT_WRITE) && mode == O_RDONLY))
		rc = -EACCES;
	else if (!f->ops->memobj)
		rc = -ENODEV;
	else
		rc = vm_mmap_object(task_current()->vm, tf->a0, tf->a1, prot, flags,
				    f->ops->memobj(f), pgoff, out);
	file_put(f);
	return rc;
}

static long sys_mmap(struct trap_frame *tf)
{
	vaddr_t out;
	long rc;

	if ((tf->a3 & MAP_ANONYMOUS) && (long)tf->a4 != -1 && tf->a4 != 0)
		return -EINVAL;
	if (tf->a5 & (PAGE_SIZE - 1))
		return -EINVAL;
	if (tf->a3 & MAP_ANONYMOUS)
		rc = vm_mmap(task_current()->vm, tf->a0, tf->a1, (unsigned int)tf->a2,
			     (unsigned int)tf->a3, &out);
	else
		rc = mmap_fd(tf, &out);
	return rc ? rc : (long)out;
}

static long sys_mprotect(struct trap_frame *tf)
{
	return vm_mprotect(task_current()->vm, tf->a0, tf->a1, (unsigned int)tf->a2);
}

SYSCALL(brk, sys_brk);
SYSCALL(munmap, sys_munmap);
SYSCALL(mmap, sys_mmap);
SYSCALL(mprotect, sys_mprotect);

static long sys_madvise(struct trap_frame *tf)
{
	return vm_madvise(task_current()->vm, tf->a0, tf->a1, (int)tf->a2);
}

static long sys_mremap(struct trap_frame *tf)
{
	vaddr_t out;
	long rc = vm_mremap(task_current()->vm, tf->a0, tf->a1, tf->a2, (unsigned int)tf->a3,
			    tf->a4, &out);

	return rc ? rc : (long)out;
}

static long sys_mlock(struct trap_frame *tf)
{
	return vm_mlock(task_current()->vm, tf->a0, tf->a1, true, 0);
}

static long sys_mlock2(struct trap_frame *tf)
{
	return vm_mlock(task_current()->vm, tf->a0, tf->a1, true, (unsigned int)tf->a2);
}

static long sys_munlock(struct trap_frame *tf)
{
	return vm_mlock(task_current()->vm, tf->a0, tf->a1, false, 0);
}

static long sys_mlockall(struct trap_frame *tf)
{
	return vm_mlockall(task_current()->vm, (unsigned int)tf->a0);
}

static long sys_munlockall(struct trap_frame *tf)
{
	(void)tf;
	vm_munlockall(task_current()->vm);
	return 0;
}

static long sys_msync(struct trap_frame *tf)
{
	return vm_msync(task_current()->vm, tf->a0, tf->a1, (int)tf->a2);
}

/* mincore's answer is gathered this many pages at a time and copied out */
#define MINCORE_CHUNK 256

static long sys_mincore(struct trap_frame *tf)
{
	vaddr_t addr = tf->a0;
	uintptr_t vec = tf->a2;
	uint64_t len = tf->a1, pages;

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (len > USER_TOP || addr > USER_TOP - len)
		return -ENOMEM; /* Linux's access_ok() of the range itself */
	pages = (len >> PAGE_SHIFT) + ((len & (PAGE_SIZE - 1)) != 0);
	if (!user_range_ok(vec, pages))
		return -EFAULT;
	while (pages) {
		uint8_t buf[MINCORE_CHUNK];
		long n = vm_mincore(task_current()->vm, addr,
				    pages < MINCORE_CHUNK ? pages : MINCORE_CHUNK, buf);

		if (n < 0)
			return n;
		if (copy_to_user(vec, buf, (size_t)n))
			return -EFAULT;
		pages -= (uint64_t)n;
		vec += (uintptr_t)n;
		addr += (vaddr_t)n << PAGE_SHIFT;
	}
	return 0;
}

SYSCALL(madvise, sys_madvise);
SYSCALL(mremap, sys_mremap);
SYSCALL(mlock, sys_mlock);
SYSCALL(mlock2, sys_mlock2);
SYSCALL(munlock, sys_munlock);
SYSCALL(mlockall, sys_mlockall);
SYSCALL(munlockall, sys_munlockall);
SYSCALL(msync, sys_msync);
SYSCALL(mincore, sys_mincore);
