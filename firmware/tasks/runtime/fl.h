/* The tasks' runtime: raw Linux system calls, faultline's own calls, and a few helpers for
 * test and demo tasks. Header-only wrappers: a task may use them with or without picolibc. */
#ifndef FAULTLINE_TASK_FL_H
#define FAULTLINE_TASK_FL_H

#include <stddef.h>
#include <stdint.h>

#include "firmware/uapi/faultline.h"
#include "firmware/uapi/syscalls.h"

#define FL_SIGCHLD	       17
#define FL_PROT_NONE	       0
#define FL_PROT_READ	       1
#define FL_PROT_WRITE	       2
#define FL_PROT_EXEC	       4
#define FL_MAP_SHARED	       0x01
#define FL_MAP_PRIVATE	       0x02
#define FL_MAP_FIXED	       0x10
#define FL_MAP_ANONYMOUS       0x20
#define FL_MAP_FIXED_NOREPLACE 0x100000

static inline long fl_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	register long r_a0 __asm__("a0") = a0;
	register long r_a1 __asm__("a1") = a1;
	register long r_a2 __asm__("a2") = a2;
	register long r_a3 __asm__("a3") = a3;
	register long r_a4 __asm__("a4") = a4;
	register long r_a5 __asm__("a5") = a5;
	register long r_a7 __asm__("a7") = nr;

	__asm__ volatile("ecall"
			 : "+r"(r_a0)
			 : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a5), "r"(r_a7)
			 : "memory");
	return r_a0;
}

static inline long fl_write(int fd, const void *buf, size_t n)
{
	return fl_syscall(SYS_write, fd, (long)buf, (long)n, 0, 0, 0);
}

static inline __attribute__((noreturn)) void fl_exit(int code)
{
	fl_syscall(SYS_exit, code, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}

static inline long fl_fork(void)
{
	return fl_syscall(SYS_clone, FL_SIGCHLD, 0, 0, 0, 0, 0);
}

static inline long fl_wait(long pid, int *status)
{
	return fl_syscall(SYS_wait4, pid, (long)status, 0, 0, 0, 0);
}

static inline void *fl_mmap(void *addr, size_t len, int prot, int flags)
{
	return (void *)fl_syscall(SYS_mmap, (long)addr, (long)len, prot, flags, -1, 0);
}

static inline long fl_munmap(void *addr, size_t len)
{
	return fl_syscall(SYS_munmap, (long)addr, (long)len, 0, 0, 0, 0);
}

static inline long fl_mprotect(void *addr, size_t len, int prot)
{
	return fl_syscall(SYS_mprotect, (long)addr, (long)len, prot, 0, 0, 0);
}

static inline long fl_counters(struct fl_counters *c)
{
	return fl_syscall(SYS_FL_COUNTERS, (long)c, sizeof(*c), 0, 0, 0, 0);
}

static inline long fl_audit(void)
{
	return fl_syscall(SYS_FL_AUDIT, 0, 0, 0, 0, 0, 0);
}

static inline uint64_t fl_rdinstret(void)
{
	uint64_t v;

	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

static inline uint64_t fl_rdtime(void)
{
	uint64_t v;

	__asm__ volatile("rdtime %0" : "=r"(v));
	return v;
}

/* fl_getauxval - the value of auxiliary-vector entry @type (AT_*), or 0 (in start.c). */
unsigned long fl_getauxval(unsigned long type);

/* Wait-status decoding, as <sys/wait.h> has it. */
#define FL_WIFEXITED(s)	  (((s)&0x7f) == 0)
#define FL_WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define FL_WIFSIGNALED(s) (((s)&0x7f) != 0 && ((s)&0x7f) != 0x7f)
#define FL_WTERMSIG(s)	  ((s)&0x7f)

#endif
