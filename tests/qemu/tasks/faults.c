/* Trap tests of the fault paths, from U-mode: every rule of the decision table, with the
 * values read, frames spent (the task's resident pages), the counters and each task's fate. */
#include "t.h"

static volatile unsigned char *map(unsigned long len, int prot, int flags)
{
	return fl_mmap(0, len, prot, flags);
}

static void touch_null(void)
{
	volatile int *volatile p = 0;

	(void)*p;
}

static void *gap_addr;
static void touch_gap(void)
{
	*(volatile char *)gap_addr = 1;
}

static void touch_kernel(void)
{
	(void)*(volatile char *)0xffffffff80000000ul;
}

static volatile unsigned char *ro_page;
static void write_read_only(void)
{
	ro_page[0] = 1;
}

static void exec_data(void)
{
	volatile unsigned char *p = map(PAGE, RW, ANON);

	p[0] = 0x67; /* jalr x0, 0(ra) — would return, if it ever ran */
	p[1] = 0x80;
	p[2] = 0x00;
	p[3] = 0x00;
	((void (*)(void))(unsigned long)p)();
}

static void jump_into_data(void)
{
	extern char big_data[];

	((void (*)(void))(unsigned long)big_data)();
}

static void illegal_instruction(void)
{
	__asm__ volatile(".word 0"); /* all zeros is defined to be illegal */
}

static void write_text(void)
{
	*(volatile unsigned char *)(unsigned long)write_text = 0;
}

static unsigned long depth_reached;
static unsigned long recurse(unsigned long n)
{
	volatile char frame[1024];

	frame[0] = (char)n;
	depth_reached = n;
	if (n == 0)
		return frame[0];
	return recurse(n - 1) + frame[0];
}

static void overflow_stack(void)
{
	recurse(100000); /* ~100 MiB of frames: far past the 8 MiB limit */
}

static void eat_memory(void)
{
	/* A big machine would take minutes to fill: there, let the allocator run dry after
	 * 32768 more frames (the same -ENOMEM any allocation sees when memory is gone). */
	if (counters().frames_free > 65536)
		fl_syscall(SYS_FL_FAIL_ALLOC, 32768, 0, 0, 0, 0, 0);
	for (;;) {
		volatile unsigned char *p = map(64 * MiB, RW, ANON);

		if ((long)p < 0)
			fl_exit(3);
		for (unsigned long off = 0; off < 64 * MiB; off += PAGE)
			p[off] = 1;
	}
}

static void cow_then_crash(void)
{
	extern char big_data[];

	big_data[0] = 9; /* one private copy, the rest still shared */
	touch_null();
}

char big_data[64 * PAGE] = { 1 };

int main(void)
{
	struct fl_counters a, b;
	int status;

	CASE(reading_every_page_of_1g_maps_the_zero_page_and_spends_only_page_tables)
	{
		volatile unsigned char *p = map(1024 * MiB, RW, ANON);
		unsigned long sum = 0;

		snap(&a);
		for (unsigned long off = 0; off < 1024 * MiB; off += PAGE)
			sum += p[off];
		snap(&b);
		CHECK_EQ(sum, 0);
		CHECK_EQ(b.task.zero_map - a.task.zero_map, 1024 * MiB / PAGE);
		CHECK_EQ(b.rss_pages, a.rss_pages);
		/* free memory went down by the page tables alone: 512 level-0 tables (513 when
		 * the range straddles a 2 MiB boundary) and one or two level-1 tables */
		CHECK_EQ(a.frames_free - b.frames_free, b.frames_pagetable - a.frames_pagetable);
		CHECK(b.frames_pagetable - a.frames_pagetable <= 515);
		CHECK_EQ(fl_munmap((void *)p, 1024 * MiB), 0);
	}

	CASE(write_allocates_exactly_one_zeroed_frame_per_page)
	{
		volatile unsigned char *p = map(32 * PAGE, RW, ANON);
		int zero = 1;

		snap(&a);
		for (int i = 0; i < 32; i++) {
			p[i * PAGE + 1] = 5;
			zero &= p[i * PAGE] == 0 && p[i * PAGE + PAGE - 1] == 0;
		}
		snap(&b);
		CHECK(zero);
		CHECK_EQ(b.rss_pages - a.rss_pages, 32);
		CHECK_EQ(b.task.anon_alloc - a.task.anon_alloc, 32);
		CHECK_EQ(fl_munmap((void *)p, 32 * PAGE), 0);
	}

	CASE(read_then_write_turns_the_zero_page_into_a_private_frame)
	{
		volatile unsigned char *p = map(PAGE, RW, ANON);

		CHECK_EQ(p[10], 0);
		snap(&a);
		p[10] = 77;
		snap(&b);
		CHECK_EQ(p[10], 77);
		CHECK_EQ(b.task.zero_to_private - a.task.zero_to_private, 1);
		CHECK_EQ(b.rss_pages - a.rss_pages, 1);
		fl_munmap((void *)p, PAGE);
	}

	CASE(exec_on_a_non_executable_page_kills_with_permission_denied)
	{
		status = in_child(
		    exec_data, "exec_on_a_non_executable_page_kills_with_permission_denied",
		    "killed: instruction page fault at 0x[0-9a-f]+ \\(pc 0x[0-9a-f]+\\): "
		    "permission denied");
		CHECK(FL_WIFSIGNALED(status) && FL_WTERMSIG(status) == SIGSEGV);
	}

	CASE(write_to_a_read_only_mapping_kills_with_permission_denied)
	{
		ro_page = map(PAGE, FL_PROT_READ, ANON);
		status = in_child(
		    write_read_only, "write_to_a_read_only_mapping_kills_with_permission_denied",
		    "killed: store page fault at 0x[0-9a-f]+000 \\(pc 0x[0-9a-f]+\\): "
		    "permission denied");
		CHECK(FL_WIFSIGNALED(status) && FL_WTERMSIG(status) == SIGSEGV);
		CHECK_EQ(ro_page[0], 0);
		fl_munmap((void *)ro_page, PAGE);
	}

	CASE(jump_into_own_data_segment_kills_with_permission_denied)
	{
		status = in_child(
		    jump_into_data, "jump_into_own_data_segment_kills_with_permission_denied",
		    "killed: instruction page fault at 0x[0-9a-f]+ \\(pc 0x[0-9a-f]+\\): "
		    "permission denied");
		CHECK(FL_WIFSIGNALED(status) && FL_WTERMSIG(status) == SIGSEGV);
	}

	CASE(illegal_instruction_kills_with_sigill)
	{
		status = in_child(illegal_instruction, "illegal_instruction_kills_with_sigill",
				  "killed: illegal instruction at 0x([0-9a-f]+) \\(pc 0x\\1\\): "
				  "not a valid instruction");
		CHECK(FL_WIFSIGNALED(status) && FL_WTERMSIG(status) == SIGILL);
	}

	CASE(write_to_own_text_kills_with_permission_denied)
	{
		status = in_child(write_text, "write_to_own_text_kills_with_permission_denied",
				  "killed: store page fault at 0x[0-9a-f]+ \\(pc 0x[0-9a-f]+\\): "
				  "permission denied");
		CHECK(FL_WIFSIGNALED(status) && FL_WTERMSIG(status) == SIGSEGV);
	}

	CASE(null_pointer_read_kills_with_no_mapping)
	{
		status =
		    in_child(touch_null, "null_pointer_read_kills_with_no_mapping",
			     "killed: load page fault at 0x0 \\(pc 0x[0-9a-f]+\\): no mapping");
		CHECK(FL_WIFSIGNALED(status) && FL_WTERMSIG(status) == SIGSEGV);
	}

	CASE(write_into_an_unmapped_gap_kills_with_no_mapping)
	{
		volatile unsigned char *p = map(3 * PAGE, RW, ANON);

		fl_munmap((void *)(p + PAGE), PAGE);
		gap_addr = (void *)(p + PAGE + 8);
		status =
		    in_child(touch_gap, "write_into_an_unmapped_gap_kills_with_no_mapping",
			     "killed: store page fault at 0x[0-9a-f]+008 \\(pc 0x[0-9a-f]+\\): "
			     "no mapping");
		CHECK(FL_WIFSIGNALED(status) && FL_WTERMSIG(status) == SIGSEGV);
		fl_munmap((void *)p, 3 * PAGE);
	}

	CASE(kernel_address_from_user_mode_kills_with_no_mapping)
	{
		status =
		    in_child(touch_kernel, "kernel_address_from_user_mode_kills_with_no_mapping",
			     "killed: load page fault at 0xffffffff80000000 \\(pc 0x[0-9a-f]+\\): "
			     "no mapping");
		CHECK(FL_WIFSIGNALED(status) && FL_WTERMSIG(status) == SIGSEGV);
	}

	CASE(fork_then_child_write_copies_and_parent_keeps_its_data)
	{
		volatile unsigned char *p = map(PAGE, RW, ANON);
		long pid;

		p[0] = 1;
		pid = fl_fork();
		if (pid == 0) {
			struct fl_counters c0, c1;

			snap(&c0); /* the first call breaks copy-on-write on our stack */
			snap(&c0);
			p[0] = 2;
			snap(&c1);
			fl_exit(p[0] == 2 && c1.task.cow_copy - c0.task.cow_copy == 1 ? 0 : 1);
		}
		fl_wait(pid, &status);
		CHECK(FL_WIFEXITED(status) && FL_WEXITSTATUS(status) == 0);
		CHECK_EQ(p[0], 1);
		fl_munmap((void *)p, PAGE);
	}

	CASE(fork_then_parent_write_copies_and_child_keeps_its_data)
	{
		volatile unsigned char *p = map(PAGE, RW, ANON);
		volatile unsigned char *flag = map(PAGE, RW, FL_MAP_SHARED | FL_MAP_ANONYMOUS);
		long pid;

		p[0] = 1;
		pid = fl_fork();
		if (pid == 0) {
			while (!*flag) /* until the parent has written */
				fl_syscall(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
			fl_exit(p[0] == 1 ? 0 : 1);
		}
		snap(&a);
		p[0] = 3;
		snap(&b);
		*flag = 1;
		fl_wait(pid, &status);
		CHECK(FL_WIFEXITED(status) && FL_WEXITSTATUS(status) == 0);
		CHECK_EQ(b.task.cow_copy - a.task.cow_copy, 1);
		CHECK_EQ(p[0], 3);
		fl_munmap((void *)p, PAGE);
		fl_munmap((void *)flag, PAGE);
	}

	CASE(fork_chain_three_deep_shares_frames_and_keeps_each_copy)
	{
		volatile unsigned char *p = map(PAGE, RW, ANON);
		long pid;

		p[0] = 10;
		pid = fl_fork();
		if (pid == 0) {
			long pid2 = fl_fork();

			if (pid2 == 0) {
				long pid3 = fl_fork();

				if (pid3 == 0) {
					/* four address spaces map the frame: three sharers beside
					 * us */
					int ok = counters().frames_shared >= 1 && p[0] == 10;

					p[0] = 13;
					fl_exit(ok && p[0] == 13 ? 0 : 1);
				}
				fl_wait(pid3, &status);
				p[0] = 12;
				fl_exit(FL_WEXITSTATUS(status) == 0 && p[0] == 12 ? 0 : 1);
			}
			fl_wait(pid2, &status);
			fl_exit(FL_WEXITSTATUS(status) == 0 && p[0] == 10 ? 0 : 1);
		}
		fl_wait(pid, &status);
		CHECK(FL_WIFEXITED(status) && FL_WEXITSTATUS(status) == 0);
		CHECK_EQ(p[0], 10);
		fl_munmap((void *)p, PAGE);
	}

	CASE(cow_write_after_the_sharer_exits_reuses_without_copying)
	{
		volatile unsigned char *p = map(8 * PAGE, RW, ANON);
		long pid;

		for (int i = 0; i < 8; i++)
			p[i * PAGE] = (unsigned char)i;
		pid = fl_fork();
		if (pid == 0)
			fl_exit(0);
		fl_wait(pid, &status);
		snap(&a);
		for (int i = 0; i < 8; i++)
			p[i * PAGE] = (unsigned char)(i + 1);
		snap(&b);
		CHECK_EQ(b.task.cow_reuse - a.task.cow_reuse, 8);
		CHECK_EQ(b.task.cow_copy - a.task.cow_copy, 0);
		CHECK_EQ(b.rss_pages, a.rss_pages);
		fl_munmap((void *)p, 8 * PAGE);
	}

	CASE(cow_of_a_zero_page_mapping_gives_each_side_its_own_zeroed_frame)
	{
		volatile unsigned char *p = map(PAGE, RW, ANON);
		long pid;

		CHECK_EQ(p[0], 0);
		pid = fl_fork();
		if (pid == 0) {
			p[0] = 4;
			fl_exit(p[0] == 4 && p[1] == 0 ? 0 : 1);
		}
		fl_wait(pid, &status);
		CHECK_EQ(FL_WEXITSTATUS(status), 0);
		CHECK_EQ(p[0], 0);
		fl_munmap((void *)p, PAGE);
	}

	CASE(fork_after_mprotect_read_only_then_back_keeps_both_copies_apart)
	{
		volatile unsigned char *p = map(2 * PAGE, RW, ANON);
		long pid;

		p[0] = 1;
		CHECK_EQ(fl_mprotect((void *)p, 2 * PAGE, FL_PROT_READ), 0);
		pid = fl_fork();
		if (pid == 0) {
			int ok = fl_mprotect((void *)p, 2 * PAGE, RW) == 0;

			p[0] = 2;
			p[PAGE] = 2;
			fl_exit(ok && p[0] == 2 ? 0 : 1);
		}
		fl_wait(pid, &status);
		CHECK_EQ(FL_WEXITSTATUS(status), 0);
		CHECK_EQ(fl_mprotect((void *)p, 2 * PAGE, RW), 0);
		CHECK_EQ(p[0], 1);
		CHECK_EQ(p[PAGE], 0);
		p[PAGE] = 3;
		CHECK_EQ(p[PAGE], 3);
		fl_munmap((void *)p, 2 * PAGE);
	}

	CASE(mprotect_rw_r_rw_on_zero_page_and_private_pages_never_writes_the_zero_page)
	{
		volatile unsigned char *p = map(2 * PAGE, RW, ANON);
		volatile unsigned char *q = map(PAGE, RW, ANON);

		CHECK_EQ(p[0], 0); /* zero page */
		p[PAGE] = 6;	   /* private */
		CHECK_EQ(fl_mprotect((void *)p, 2 * PAGE, FL_PROT_READ), 0);
		CHECK_EQ(fl_mprotect((void *)p, 2 * PAGE, RW), 0);
		p[0] = 7;
		p[PAGE] = 8;
		CHECK_EQ(p[0], 7);
		CHECK_EQ(p[PAGE], 8);
		CHECK_EQ(q[0], 0); /* the zero page is still all zeros */
		fl_munmap((void *)p, 2 * PAGE);
		fl_munmap((void *)q, PAGE);
	}

	CASE(munmap_of_a_middle_slice_keeps_both_sides)
	{
		volatile unsigned char *p = map(6 * PAGE, RW, ANON);

		for (int i = 0; i < 6; i++)
			p[i * PAGE] = (unsigned char)(i + 1);
		CHECK_EQ(fl_munmap((void *)(p + 2 * PAGE), 2 * PAGE), 0);
		CHECK_EQ(p[PAGE], 2);
		CHECK_EQ(p[4 * PAGE], 5);
		gap_addr = (void *)(p + 3 * PAGE);
		status = in_child(
		    touch_gap, "munmap_of_a_middle_slice_keeps_both_sides",
		    "killed: store page fault at 0x[0-9a-f]+ \\(pc 0x[0-9a-f]+\\): no mapping");
		CHECK(FL_WIFSIGNALED(status));
		fl_munmap((void *)p, 6 * PAGE);
	}

	CASE(munmap_across_several_regions_unmaps_them_all)
	{
		volatile unsigned char *p = map(5 * PAGE, RW, ANON);

		CHECK_EQ(fl_mprotect((void *)(p + PAGE), PAGE, FL_PROT_READ), 0);
		CHECK_EQ(fl_mprotect((void *)(p + 3 * PAGE), PAGE, FL_PROT_NONE), 0);
		p[0] = 1;
		snap(&a);
		CHECK_EQ(fl_munmap((void *)p, 5 * PAGE), 0);
		snap(&b);
		CHECK_EQ(a.rss_pages - b.rss_pages, 1);
		CHECK_EQ((long)fl_mmap((void *)p, 5 * PAGE, RW, ANON | FL_MAP_FIXED_NOREPLACE),
			 (long)p); /* the whole range is free again */
		fl_munmap((void *)p, 5 * PAGE);
	}

	CASE(map_fixed_over_an_existing_mapping_replaces_it)
	{
		volatile unsigned char *p = map(3 * PAGE, RW, ANON);
		volatile unsigned char *q;

		p[PAGE] = 9;
		q = fl_mmap((void *)(p + PAGE), PAGE, RW, ANON | FL_MAP_FIXED);
		CHECK_EQ((long)q, (long)(p + PAGE));
		CHECK_EQ(p[PAGE], 0);
		CHECK_EQ((long)fl_mmap((void *)p, PAGE, RW, ANON | FL_MAP_FIXED_NOREPLACE),
			 -EEXIST);
		fl_munmap((void *)p, 3 * PAGE);
	}

	CASE(map_shared_anonymous_memory_is_shared_between_parent_and_child)
	{
		volatile unsigned char *p = map(2 * PAGE, RW, FL_MAP_SHARED | FL_MAP_ANONYMOUS);
		long pid = fl_fork();

		if (pid == 0) {
			p[PAGE + 1] = 42;
			fl_exit(0);
		}
		fl_wait(pid, &status);
		CHECK_EQ(p[PAGE + 1], 42);
		fl_munmap((void *)p, 2 * PAGE);
	}

	CASE(brk_grows_lazily_shrinks_and_touching_beyond_kills)
	{
		long base = fl_syscall(SYS_brk, 0, 0, 0, 0, 0, 0);
		long top;

		snap(&a);
		top = fl_syscall(SYS_brk, base + 16 * (long)PAGE, 0, 0, 0, 0, 0);
		snap(&b);
		CHECK_EQ(top, base + 16 * (long)PAGE);
		CHECK_EQ(b.rss_pages, a.rss_pages);
		((volatile char *)base)[15 * PAGE] = 1;
		CHECK_EQ(fl_syscall(SYS_brk, base + (long)PAGE, 0, 0, 0, 0, 0), base + (long)PAGE);
		gap_addr = (void *)(base + 8 * PAGE);
		status = in_child(
		    touch_gap, "brk_grows_lazily_shrinks_and_touching_beyond_kills",
		    "killed: store page fault at 0x[0-9a-f]+ \\(pc 0x[0-9a-f]+\\): no mapping");
		CHECK(FL_WIFSIGNALED(status));
		CHECK_EQ(fl_syscall(SYS_brk, base, 0, 0, 0, 0, 0), base);
	}

	CASE(stack_grows_by_deep_recursion)
	{
		snap(&a);
		CHECK_EQ(recurse(2000) & 0, 0); /* about 2 MiB of stack */
		snap(&b);
		CHECK(b.task.stack_grow - a.task.stack_grow >= 400);
	}

	CASE(stack_overflow_past_the_limit_kills_with_stack_overflow)
	{
		status = in_child(overflow_stack,
				  "stack_overflow_past_the_limit_kills_with_stack_overflow",
				  "killed: store page fault at 0x[0-9a-f]+ \\(pc 0x[0-9a-f]+\\): "
				  "stack overflow");
		CHECK(FL_WIFSIGNALED(status) && FL_WTERMSIG(status) == SIGSEGV);
	}

	CASE(write_syscall_from_an_untouched_buffer_reads_zeros_without_a_frame)
	{
		volatile unsigned char *p = map(PAGE, RW, ANON);
		long n;

		snap(&a);
		n = fl_write(1, (const void *)p, 4); /* four NUL bytes on the console */
		snap(&b);
		printf("\n");
		CHECK_EQ(n, 4);
		CHECK_EQ(b.task.zero_map - a.task.zero_map, 1);
		CHECK_EQ(b.rss_pages, a.rss_pages);
		fl_munmap((void *)p, PAGE);
	}

	CASE(syscall_writing_into_a_cow_page_breaks_the_cow_first)
	{
		volatile long *ts = (volatile long *)map(PAGE, RW, ANON);
		long pid;

		ts[0] = -1;
		ts[1] = -1;
		pid = fl_fork();
		if (pid == 0) {
			struct fl_counters c0, c1;
			long rc;

			snap(&c0);
			rc = fl_syscall(SYS_clock_gettime, 1, (long)ts, 0, 0, 0, 0);

			snap(&c1);
			fl_exit(rc == 0 && ts[1] >= 0 && c1.task.cow_copy - c0.task.cow_copy == 1
				    ? 0
				    : 1);
		}
		fl_wait(pid, &status);
		CHECK_EQ(FL_WEXITSTATUS(status), 0);
		CHECK_EQ(ts[0], -1);
		CHECK_EQ(ts[1], -1);
		fl_munmap((void *)ts, PAGE);
	}

	CASE(syscall_writing_into_a_read_only_page_fails_with_efault)
	{
		void *p = (void *)map(PAGE, FL_PROT_READ, ANON);

		CHECK_EQ(fl_syscall(SYS_clock_gettime, 1, (long)p, 0, 0, 0, 0), -EFAULT);
		CHECK_EQ(((volatile long *)p)[0], 0);
		fl_munmap(p, PAGE);
	}

	CASE(bad_user_pointers_give_efault_not_a_crash)
	{
		CHECK_EQ(fl_write(1, (void *)8, 4), -EFAULT);
		CHECK_EQ(fl_write(1, (void *)0xffffffc000000000ul, 4), -EFAULT);
		CHECK_EQ(fl_syscall(SYS_clock_gettime, 1, 0, 0, 0, 0, 0), -EFAULT);
		CHECK_EQ(fl_syscall(SYS_uname, 0x3ffffffff0l, 0, 0, 0, 0, 0), -EFAULT);
		CHECK_EQ(fl_syscall(SYS_sysinfo, -1, 0, 0, 0, 0, 0), -EFAULT);
		CHECK_EQ(fl_syscall(SYS_wait4, -1, 1, 0, 0, 0, 0), -ECHILD);
	}

	CASE(out_of_memory_kills_one_task_and_the_rest_carries_on)
	{
		snap(&a);
		status =
		    in_child(eat_memory, "out_of_memory_kills_one_task_and_the_rest_carries_on",
			     "killed: store page fault at 0x[0-9a-f]+ \\(pc 0x[0-9a-f]+\\): "
			     "out of memory");
		fl_syscall(SYS_FL_FAIL_ALLOC, -1, 0, 0, 0, 0, 0); /* in case the child armed it */
		snap(&b);
		CHECK(FL_WIFSIGNALED(status) && FL_WTERMSIG(status) == SIGKILL);
		CHECK_EQ(b.frames_free, a.frames_free);
	}

	CASE(task_killed_while_holding_cow_pages_frees_everything)
	{
		for (int i = 0; i < 64; i++)
			big_data[i * PAGE] = (char)i;
		snap(&a);
		status =
		    in_child(cow_then_crash, "task_killed_while_holding_cow_pages_frees_everything",
			     "killed: load page fault at 0x0 \\(pc 0x[0-9a-f]+\\): no mapping");
		snap(&b);
		CHECK(FL_WIFSIGNALED(status));
		CHECK_EQ(b.frames_free, a.frames_free);
		CHECK_EQ(b.frames_shared, 0);
		CHECK_EQ(big_data[0], 0);
	}

	CASE(sparse_touch_of_1g_spends_one_frame_per_written_page)
	{
		volatile unsigned char *p = map(1024 * MiB, RW, ANON);

		snap(&a);
		for (unsigned long off = 0; off < 1024 * MiB; off += 1024 * PAGE)
			p[off + 1] = 1;
		snap(&b);
		CHECK_EQ(b.rss_pages - a.rss_pages, 1024 * MiB / (1024 * PAGE));
		CHECK_EQ(fl_munmap((void *)p, 1024 * MiB), 0);
		CHECK_EQ(counters().rss_pages, a.rss_pages);
	}

	CASE(fork_with_two_thirds_of_memory_in_use_shares_instead_of_copying)
	{
		struct fl_counters c;
		unsigned long pages;

		snap(&c);
		pages = c.frames_free * 2 / 3;
		if (pages > 32768) /* 128 MiB is proof enough on big machines, and quick */
			pages = 32768;
		volatile unsigned char *p = map(pages * PAGE, RW, ANON);
		long pid;

		for (unsigned long i = 0; i < pages; i++)
			p[i * PAGE] = (unsigned char)i;
		pid = fl_fork(); /* would not fit if fork copied */
		CHECK(pid >= 0);
		if (pid == 0) {
			int ok = 1;

			for (unsigned long i = 0; i < pages; i += 97)
				ok &= p[i * PAGE] == (unsigned char)i;
			p[0] = 0xff; /* one copy */
			fl_exit(ok ? 0 : 1);
		}
		fl_wait(pid, &status);
		CHECK_EQ(FL_WEXITSTATUS(status), 0);
		CHECK_EQ(p[0], 0);
		fl_munmap((void *)p, pages * PAGE);
	}

	CASE(three_way_writes_after_fork_keep_three_versions)
	{
		/* p counts, shared; q is private: three versions of it must coexist */
		volatile unsigned int *p =
		    (volatile unsigned int *)map(PAGE, RW, FL_MAP_SHARED | FL_MAP_ANONYMOUS);
		volatile unsigned char *q = map(PAGE, RW, ANON);
		long pids[2];

		q[0] = 1;
		for (int k = 0; k < 2; k++) {
			pids[k] = fl_fork();
			if (pids[k] == 0) {
				q[0] = (unsigned char)(10 + k);
				__atomic_fetch_add(p, 1, __ATOMIC_SEQ_CST);
				while (*p < 3) /* until everybody has written */
					fl_syscall(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
				fl_exit(q[0] == 10 + k ? 0 : 1);
			}
		}
		while (*p < 2)
			fl_syscall(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
		q[0] = 2;
		__atomic_fetch_add(p, 1, __ATOMIC_SEQ_CST);
		for (int k = 0; k < 2; k++) {
			fl_wait(pids[k], &status);
			CHECK_EQ(FL_WEXITSTATUS(status), 0);
		}
		CHECK_EQ(q[0], 2);
		fl_munmap((void *)p, PAGE);
		fl_munmap((void *)q, PAGE);
	}

	CASE(fork_storm_of_forty_children_returns_every_frame)
	{
		volatile unsigned char *p = map(4 * PAGE, RW, ANON);
		int bad = 0;

		p[0] = 1;
		snap(&a);
		for (int i = 0; i < 40; i++) {
			long pid = fl_fork();

			if (pid == 0) {
				p[0] = (unsigned char)i;
				p[PAGE] = 1;
				fl_exit(0);
			}
			if (pid < 0)
				bad++;
			else if (fl_wait(pid, &status) != pid || FL_WEXITSTATUS(status) != 0)
				bad++;
		}
		snap(&b);
		CHECK_EQ(bad, 0);
		CHECK_EQ(b.frames_free, a.frames_free);
		CHECK_EQ(p[0], 1);
		fl_munmap((void *)p, 4 * PAGE);
	}

	return t_finish();
}
