/* Memory calls: the break and anonymous mappings, handed to the address space (mm/vm.h). */
#include "firmware/syscall_impl.h"
#include "firmware/task.h"
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

static long sys_mmap(struct trap_frame *tf)
{
	vaddr_t out;
	long rc;

	if ((tf->a3 & MAP_ANONYMOUS) && (long)tf->a4 != -1 && tf->a4 != 0)
		return -EINVAL;
	if (tf->a5 & (PAGE_SIZE - 1))
		return -EINVAL;
	rc = vm_mmap(task_current()->vm, tf->a0, tf->a1, (unsigned int)tf->a2, (unsigned int)tf->a3,
		     &out);
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
