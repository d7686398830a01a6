/* The summary printed when every task has ended. */
#include "firmware/report.h"

#include "firmware/early.h"
#include "firmware/printf.h"
#include "firmware/syscall.h"
#include "firmware/task.h"
#include "firmware/timer.h"
#include "mm/frame.h"
#include "mm/vm.h"
#include "platform/riscv/csr.h"

#define EXACT_LOOPS 1000

/*
 * Whether instret counts instructions here. It does on hardware and under QEMU -icount;
 * plain QEMU returns host clock ticks instead. A loop of known length, run twice, must
 * count the same small figure both times.
 */
static bool instret_exact(void)
{
	uint64_t delta[2];

	for (int i = 0; i < 2; i++) {
		uint64_t n = EXACT_LOOPS, before, after;

		__asm__ volatile("csrr %0, instret\n"
				 "1: addi %1, %1, -1\n"
				 "bnez %1, 1b\n"
				 "csrr %2, instret"
				 : "=&r"(before), "+r"(n), "=r"(after));
		delta[i] = after - before;
	}
	return delta[0] == delta[1] && delta[0] >= 2 * EXACT_LOOPS &&
	       delta[0] <= 2 * EXACT_LOOPS + 4;
}

static void print_tasks(void)
{
	struct task_stats ts;
	uint64_t killed = 0;
	const char *sep = " (";

	task_stats(&ts);
	for (int s = 0; s < TASK_SIGNALS; s++)
		killed += ts.killed_by[s];
	kprintf("  tasks      %lu started: %lu exited, %lu killed", ts.started, ts.exited, killed);
	for (int s = 0; s < TASK_SIGNALS; s++) {
		if (!ts.killed_by[s])
			continue;
		kprintf("%s%lu by %s", sep, ts.killed_by[s], signal_name(s));
		sep = ", ";
	}
	kprintf("%s\n", killed ? ")" : "");
}

/* The boot cost: in instructions where they are counted exactly, else in time. */
static void print_boot_cost(void)
{
	const struct boot_facts *bf = boot_facts();
	uint64_t instret, time, hz = timer_timebase();

	if (!task_first_entry(&instret, &time))
		return;
	if (instret_exact()) {
		kprintf("  boot       %lu instructions from the firmware's entry to the first task "
			"(%lu from reset)\n",
			instret - bf->entry_instret, instret);
	} else if (hz) {
		uint64_t us = (time - bf->entry_time) * 1000000ull / hz;

		kprintf("  boot       %lu.%03lu ms from the firmware's entry to the first task\n",
			us / 1000, us % 1000);
	}
}

void report_begin(struct report_mark *m)
{
	struct pmm_stats st;

	pmm_stats(&st);
	m->free_frames = st.free;
}

int report_end(const struct report_mark *m)
{
	struct vm_counters c;
	struct pmm_stats st;

	vm_global_counters(&c);
	pmm_stats(&st);
	kprintf("faultline: all tasks ended\n");
	kprintf("  faults     %lu resolved: %lu zero-page maps, %lu anonymous allocations,\n"
		"             %lu zero-to-private, %lu copy-on-write copies, %lu reuses,\n"
		"             %lu image maps, %lu image copies, %lu stack growths,\n"
		"             %lu A/D fix-ups, %lu spurious; %lu unresolved\n",
		vm_faults_resolved(&c), c.zero_map, c.anon_alloc, c.zero_to_private, c.cow_copy,
		c.cow_reuse, c.image_map, c.image_copy, c.stack_grow, c.ad_fixup, c.spurious,
		c.killed);
	print_tasks();
	kprintf("  syscalls   %lu with unknown numbers\n", syscall_unknown_total());
	print_boot_cost();
	kprintf("  frames     %lu free now, %lu before the first task%s\n", st.free, m->free_frames,
		st.free == m->free_frames ? " (all returned)" : " (FRAMES LOST)");
	return st.free == m->free_frames ? 0 : 1;
}
