/* Runs in a normal image (the one `make` builds), not the test image: faultline's own calls
 * that only tests may use must not exist here. */
#include "../tasks/t.h"

int main(void)
{
	CASE(fault_injection_call_is_unknown_in_a_normal_image)
	{
		struct fl_counters c;
		volatile char *p;

		/* in a test image this would make every later allocation fail */
		CHECK_EQ(fl_syscall(SYS_FL_FAIL_ALLOC, 0, 0, 0, 0, 0, 0), -ENOSYS);
		snap(&c);
		CHECK_EQ(c.unknown_syscalls, 1);
		p = fl_mmap(0, 4 * PAGE, RW, ANON);
		CHECK(p != (void *)-1l && (long)p > 0);
		for (int i = 0; i < 4; i++)
			p[i * PAGE] = (char)i; /* frames still come */
		CHECK_EQ(p[3 * PAGE], 3);
		CHECK_EQ(fl_munmap((void *)p, 4 * PAGE), 0);
	}

	CASE(counters_and_audit_calls_stay_in_a_normal_image)
	{
		struct fl_counters c;

		CHECK_EQ(fl_counters(&c), 0);
		CHECK(c.frames_total > 0);
		CHECK_EQ(fl_audit(), 0);
	}

	return t_finish();
}
