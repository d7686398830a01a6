/* The summary printed when every task has ended. */
#include "firmware/report.h"

#include "firmware/early.h"
#include "firmware/printf.h"
#include "firmware/syscall.h"
#include "firmware/task.h"
#include "mm/frame.h"
#include "mm/vm.h"

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
		"             %lu A/D fix-ups, %lu spurious; %lu killed a task\n",
		vm_faults_resolved(&c), c.zero_map, c.anon_alloc, c.zero_to_private, c.cow_copy,
		c.cow_reuse, c.image_map, c.image_copy, c.stack_grow, c.ad_fixup, c.spurious,
		c.killed);
	kprintf("  syscalls   %lu with unknown numbers\n", syscall_unknown_total());
	kprintf("  boot       %lu instructions from the firmware's entry to the first task "
		"(%lu from reset; exact under QEMU -icount only)\n",
		task_first_instret() - boot_facts()->entry_instret, task_first_instret());
	kprintf("  frames     %lu free now, %lu before the first task%s\n", st.free, m->free_frames,
		st.free == m->free_frames ? " (all returned)" : " (FRAMES LOST)");
	return st.free == m->free_frames ? 0 : 1;
}
