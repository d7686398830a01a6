/* Tasks that end in every way the summary counts: the runner checks the normal image's
 * summary line for exactly these kills, by signal, and these unresolved faults. */
#include "../tasks/t.h"

#define SIGTRAP 5

static void read_null(void)
{
	(void)*(volatile int *)0;
}

static void illegal(void)
{
	__asm__ volatile(".word 0");
}

static void breakpoint(void)
{
	__asm__ volatile("ebreak");
}

int main(void)
{
	CASE(kills_by_segv_ill_and_trap_are_reported_to_the_parent)
	{
		CHECK_EQ(FL_WTERMSIG(in_child(read_null, "segv", "no mapping")), SIGSEGV);
		CHECK_EQ(FL_WTERMSIG(in_child(illegal, "ill", "not a valid instruction")), SIGILL);
		CHECK_EQ(FL_WTERMSIG(in_child(breakpoint, "trap", "breakpoint")), SIGTRAP);
	}

	CASE(a_bad_pointer_to_a_system_call_is_efault_and_kills_nothing)
	{
		/* in the user half but unmapped: a fault the handler cannot resolve */
		CHECK_EQ(fl_write(1, (void *)0x2000000000ul, 8), -EFAULT);
	}

	return t_finish();
}
