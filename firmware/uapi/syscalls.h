/* Linux riscv64 system call numbers (asm-generic unistd.h) that faultline implements; shared
 * by the firmware's dispatcher and the tasks' runtime. */
#ifndef FAULTLINE_UAPI_SYSCALLS_H
#define FAULTLINE_UAPI_SYSCALLS_H

#define SYS_read	  63
#define SYS_write	  64
#define SYS_exit	  93
#define SYS_exit_group	  94
#define SYS_nanosleep	  101
#define SYS_clock_gettime 113
#define SYS_sched_yield	  124
#define SYS_reboot	  142
#define SYS_uname	  160
#define SYS_getrusage	  165
#define SYS_getpid	  172
#define SYS_getppid	  173
#define SYS_sysinfo	  179
#define SYS_brk		  214
#define SYS_munmap	  215
#define SYS_clone	  220
#define SYS_execve	  221
#define SYS_mmap	  222
#define SYS_mprotect	  226
#define SYS_wait4	  260

#endif
