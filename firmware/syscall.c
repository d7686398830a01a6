/* The system calls. Each checks its arguments and copies through uaccess; a bad pointer is
 * -EFAULT, a bad flag -EINVAL, never a panic. */
#include "firmware/syscall.h"

#include "firmware/console.h"
#include "firmware/exec.h"
#include "firmware/images.h"
#include "firmware/kmem.h"
#include "firmware/main.h"
#include "firmware/printf.h"
#include "firmware/task.h"
#include "firmware/timer.h"
#include "firmware/uaccess.h"
#include "firmware/uapi/syscalls.h"
#include "mm/frame.h"
#include "platform/errno.h"

#ifndef FAULTLINE_VERSION
#define FAULTLINE_VERSION "unknown"
#endif

#define SYS_MAX 261

#define CLOCK_REALTIME		   0
#define CLOCK_MONOTONIC		   1
#define RUSAGE_SELF		   0
#define RUSAGE_CHILDREN		   (-1)
#define LINUX_REBOOT_MAGIC1	   0xfee1deadu
#define LINUX_REBOOT_MAGIC2	   672274793u
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcu
#define WNOHANG			   1
#define WRITE_CHUNK		   256

typedef long (*syscall_fn)(struct trap_frame *tf);

static uint64_t unknown_total;
static syscall_fn test_calls; /* set by test images only */

void syscall_enable_test_calls(long (*fn)(struct trap_frame *tf))
{
	test_calls = fn;
}

uint64_t syscall_unknown_total(void)
{
	return unknown_total;
}

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

static long sys_exit(struct trap_frame *tf)
{
	task_exit((int)tf->a0);
}

struct k_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

static uint64_t now_ns(void)
{
	uint64_t t = timer_now(), hz = timer_timebase();

	return (t / hz) * 1000000000ull + (t % hz) * 1000000000ull / hz;
}

static long sys_nanosleep(struct trap_frame *tf)
{
	struct k_timespec req;

	if (copy_from_user(&req, tf->a0, sizeof(req)))
		return -EFAULT;
	if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= 1000000000)
		return -EINVAL;
	/* a sleep too long for the time CSR lasts until the end, as on Linux */
	task_sleep_until(timer_deadline(timer_now(), (uint64_t)req.tv_sec, (uint64_t)req.tv_nsec));
	/* rem is written only when a signal cuts the sleep short; there are none here */
	return 0;
}

static long sys_clock_gettime(struct trap_frame *tf)
{
	struct k_timespec ts;
	uint64_t ns = now_ns();

	if (tf->a0 != CLOCK_MONOTONIC && tf->a0 != CLOCK_REALTIME)
		return -EINVAL;
	ts.tv_sec = (int64_t)(ns / 1000000000ull);
	ts.tv_nsec = (int64_t)(ns % 1000000000ull);
	return copy_to_user(tf->a1, &ts, sizeof(ts));
}

static long sys_sched_yield(struct trap_frame *tf)
{
	(void)tf;
	task_yield();
	return 0;
}

static long sys_reboot(struct trap_frame *tf)
{
	if ((uint32_t)tf->a0 != LINUX_REBOOT_MAGIC1 || (uint32_t)tf->a1 != LINUX_REBOOT_MAGIC2)
		return -EINVAL;
	if ((uint32_t)tf->a2 != LINUX_REBOOT_CMD_POWER_OFF)
		return -EINVAL;
	task_request_poweroff();
}

static void put_field(char *field, const char *s)
{
	int i = 0;

	for (; s[i] && i < 64; i++)
		field[i] = s[i];
	for (; i < 65; i++)
		field[i] = '\0';
}

static long sys_uname(struct trap_frame *tf)
{
	char u[6][65];

	put_field(u[0], "faultline");
	put_field(u[1], "faultline");
	put_field(u[2], FAULTLINE_VERSION);
	put_field(u[3], "#1");
	put_field(u[4], "riscv64");
	put_field(u[5], "(none)");
	return copy_to_user(tf->a0, u, sizeof(u));
}

/* struct rusage of Linux on 64-bit: two timevals, then 14 longs */
struct k_rusage {
	int64_t utime[2], stime[2];
	int64_t maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd,
	    msgrcv, nsignals, nvcsw, nivcsw;
};

static long sys_getrusage(struct trap_frame *tf)
{
	struct task *t = task_current();
	struct k_rusage ru = { 0 };

	if ((long)tf->a0 == RUSAGE_SELF) {
		ru.minflt = (int64_t)vm_faults_resolved(&t->vm->counters);
		ru.nivcsw = (int64_t)t->preempted;
		ru.maxrss = (int64_t)(t->vm->max_rss * (PAGE_SIZE / 1024));
	} else if ((long)tf->a0 == RUSAGE_CHILDREN) {
		ru.minflt = (int64_t)t->child_minflt;
		ru.maxrss = (int64_t)t->child_maxrss_kib;
	} else {
		return -EINVAL;
	}
	return copy_to_user(tf->a1, &ru, sizeof(ru));
}

static long sys_getpid(struct trap_frame *tf)
{
	(void)tf;
	return task_current()->pid;
}

static long sys_getppid(struct trap_frame *tf)
{
	struct task *t = task_current();

	(void)tf;
	return t->parent ? t->parent->pid : 0;
}

/* struct sysinfo of Linux on 64-bit */
struct k_sysinfo {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	uint32_t pad3;
};

static long sys_sysinfo(struct trap_frame *tf)
{
	struct k_sysinfo si = { 0 };
	struct pmm_stats st;

	pmm_stats(&st);
	si.uptime = (int64_t)(now_ns() / 1000000000ull);
	si.totalram = st.total;
	si.freeram = st.free;
	si.procs = (uint16_t)task_count();
	si.mem_unit = PAGE_SIZE;
	return copy_to_user(tf->a0, &si, sizeof(si));
}

static long sys_brk(struct trap_frame *tf)
{
	return (long)vm_brk(task_current()->vm, tf->a0);
}

static long sys_munmap(struct trap_frame *tf)
{
	return vm_munmap(task_current()->vm, tf->a0, tf->a1);
}

static long sys_clone(struct trap_frame *tf)
{
	/* fork semantics only: SIGCHLD as the exit signal, no new stack, nothing shared */
	if (tf->a0 != SIGCHLD || tf->a1 != 0)
		return -EINVAL;
	return task_fork();
}

static long sys_execve(struct trap_frame *tf)
{
	static char args[EXEC_ARGS_MAX]
			[EXEC_ARG_LEN]; /* one exec at a time: kernel not preemptible */
	const char *argv[EXEC_ARGS_MAX];
	char path[EXEC_ARG_LEN];
	int argc = 0, index;
	long rc = strncpy_from_user(path, tf->a0, sizeof(path));

	if (rc < 0)
		return rc;
	index = image_find(path);
	if (index < 0)
		return index;
	for (uintptr_t p = tf->a1; p; argc++) {
		uint64_t uptr;

		if (copy_from_user(&uptr, p + (uintptr_t)argc * sizeof(uptr), sizeof(uptr)))
			return -EFAULT;
		if (!uptr)
			break;
		if (argc == EXEC_ARGS_MAX)
			return -E2BIG;
		rc = strncpy_from_user(args[argc], uptr, EXEC_ARG_LEN);
		if (rc < 0)
			return rc == -EFAULT ? -EFAULT : -E2BIG;
		argv[argc] = args[argc];
	}
	return task_exec(index, argv, argc);
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

static long sys_wait4(struct trap_frame *tf)
{
	uint64_t minflt = 0, maxrss = 0;
	int status = 0;
	long pid;

	if (tf->a2 & ~(unsigned long)WNOHANG)
		return -EINVAL;
	if ((long)tf->a0 < -1 || (long)tf->a0 == 0)
		return -EINVAL; /* process groups do not exist here */
	pid = task_wait((int)tf->a0, (int)tf->a2, &status, &minflt, &maxrss);
	if (pid <= 0)
		return pid;
	if (tf->a1 && copy_to_user(tf->a1, &status, sizeof(status)))
		return -EFAULT;
	if (tf->a3) {
		struct k_rusage ru = { 0 };

		ru.minflt = (int64_t)minflt;
		ru.maxrss = (int64_t)maxrss;
		if (copy_to_user(tf->a3, &ru, sizeof(ru)))
			return -EFAULT;
	}
	return pid;
}

static const syscall_fn table[SYS_MAX] = {
	[SYS_read] = sys_read,
	[SYS_write] = sys_write,
	[SYS_exit] = sys_exit,
	[SYS_exit_group] = sys_exit,
	[SYS_nanosleep] = sys_nanosleep,
	[SYS_clock_gettime] = sys_clock_gettime,
	[SYS_sched_yield] = sys_sched_yield,
	[SYS_reboot] = sys_reboot,
	[SYS_uname] = sys_uname,
	[SYS_getrusage] = sys_getrusage,
	[SYS_getpid] = sys_getpid,
	[SYS_getppid] = sys_getppid,
	[SYS_sysinfo] = sys_sysinfo,
	[SYS_brk] = sys_brk,
	[SYS_munmap] = sys_munmap,
	[SYS_clone] = sys_clone,
	[SYS_execve] = sys_execve,
	[SYS_mmap] = sys_mmap,
	[SYS_mprotect] = sys_mprotect,
	[SYS_wait4] = sys_wait4,
};

static long fl_counters(struct trap_frame *tf)
{
	struct fl_counters c = { 0 };
	struct vm_counters g;
	struct pmm_stats st;
	struct task *t = task_current();

	/* the user's copy is the kernel's kinds, in the same order, then their sum */
	_Static_assert(__builtin_offsetof(struct fl_fault_counts, resolved) == sizeof(g),
		       "counters layout");
	_Static_assert(__builtin_offsetof(struct vm_counters, killed) ==
			   __builtin_offsetof(struct fl_fault_counts, killed),
		       "counters layout");
	if (tf->a1 != sizeof(c))
		return -EINVAL;
	vm_global_counters(&g);
	__builtin_memcpy(&c.global, &g, sizeof(g));
	c.global.resolved = vm_faults_resolved(&g);
	__builtin_memcpy(&c.task, &t->vm->counters, sizeof(g));
	c.task.resolved = vm_faults_resolved(&t->vm->counters);
	pmm_stats(&st);
	c.frames_total = st.total;
	c.frames_free = st.free;
	c.frames_anon = st.by_kind[FRAME_ANON];
	c.frames_pagetable = st.by_kind[FRAME_PAGETABLE];
	c.frames_kernel = st.by_kind[FRAME_KERNEL];
	c.frames_shared = pmm_shared_frames();
	c.unknown_syscalls = t->unknown_syscalls;
	c.rss_pages = t->vm->rss;
	return copy_to_user(tf->a0, &c, sizeof(c));
}

static long fl_audit(struct trap_frame *tf)
{
	struct vm *vms[TASK_MAX];
	char why[160];
	int n = task_all_vms(vms, TASK_MAX);
	int rc = vm_audit(vms, n, kmem_table_pages(), why, sizeof(why));

	(void)tf;
	if (rc)
		kprintf("faultline: auditor: %s\n", why);
	return rc;
}

/* Numbers outside Linux's table: faultline's own calls, and the unknown. Out of line, so
 * that the dispatch of Linux calls needs no stack frame of its own. */
static __attribute__((noinline)) long other_call(struct trap_frame *tf)
{
	switch (tf->a7) {
	case SYS_FL_COUNTERS:
		return fl_counters(tf);
	case SYS_FL_AUDIT:
		return fl_audit(tf);
	case SYS_FL_FAIL_ALLOC:
		if (test_calls)
			return test_calls(tf);
		break; /* not in this image: unknown, like any other number */
	}
	task_current()->unknown_syscalls++;
	unknown_total++;
	return -ENOSYS;
}

/* Only tail calls from here: no frame record, so the hot dispatch costs no stores. */
__leaf_no_frame long syscall_dispatch(struct trap_frame *tf)
{
	unsigned long nr = tf->a7;

	if (nr < SYS_MAX && table[nr])
		return table[nr](tf);
	return other_call(tf);
}
