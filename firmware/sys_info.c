/* What tasks may learn of the system: uname and sysinfo. */
#include "firmware/syscall_impl.h"
#include "firmware/task.h"
#include "firmware/timer.h"
#include "firmware/uaccess.h"
#include "mm/frame.h"
#include "platform/errno.h"

#ifndef FAULTLINE_VERSION
#define FAULTLINE_VERSION "unknown"
#endif

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
	si.uptime = (int64_t)(timer_now_ns() / 1000000000ull);
	si.totalram = st.total;
	si.freeram = st.free;
	si.procs = (uint16_t)task_count();
	si.mem_unit = PAGE_SIZE;
	return copy_to_user(tf->a0, &si, sizeof(si));
}

SYSCALL(uname, sys_uname);
SYSCALL(sysinfo, sys_sysinfo);
