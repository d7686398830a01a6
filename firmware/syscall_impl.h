/* What the system-call files share: the handler type and the way each area file registers
 * its calls (a table built at boot from the .syscalls section). A door for firmware/sys_*.c
 * and syscall.c only. */
#ifndef FAULTLINE_FIRMWARE_SYSCALL_IMPL_H
#define FAULTLINE_FIRMWARE_SYSCALL_IMPL_H

#include "firmware/trap_frame.h"
#include "firmware/uapi/syscalls.h"

typedef long (*syscall_fn)(struct trap_frame *tf);

struct syscall_entry {
	unsigned long nr;
	syscall_fn fn;
};

/* SYSCALL(name, fn) - @fn handles Linux's SYS_name. One line per call, beside its code. */
#define SYSCALL(name, fn)                                                                          \
	static const struct syscall_entry syscall_entry_##name                                     \
	    __attribute__((used, section(".syscalls"), aligned(8))) = { SYS_##name, fn }

/* Linux's struct timespec on 64-bit */
struct k_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

/* Linux's struct rusage on 64-bit: two timevals, then 14 longs */
struct k_rusage {
	int64_t utime[2], stime[2];
	int64_t maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd,
	    msgrcv, nsignals, nvcsw, nivcsw;
};

#endif
