/* Each task has floating-point registers of its own: all of f0-f31 and fcsr, filled with a
 * pattern per task, must come back unchanged across timer preemption, sched_yield, page
 * faults and fork, with two and three tasks sharing the hart; fork hands the child the
 * parent's values; execve starts a program with all of them zero. The tasks are built
 * without F and D, so no compiled code touches these registers between fill and check. */
#include <stdbool.h>

#include "t.h"

#define NFP	   32
#define ROUNDS	   20
#define SYS_EXECVE 221

struct fp_regs {
	uint64_t f[NFP];
	uint64_t fcsr;
};

static void fp_load(const struct fp_regs *r)
{
	__asm__ volatile(".option push\n"
			 ".option arch, +d\n"
			 ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,"
			 "24,25,26,27,28,29,30,31\n"
			 "fld f\\n, 8*\\n(%0)\n"
			 ".endr\n"
			 "ld t0, 8*32(%0)\n"
			 "fscsr t0\n"
			 ".option pop\n" ::"r"(r)
			 : "t0", "memory");
}

static void fp_store(struct fp_regs *r)
{
	__asm__ volatile(".option push\n"
			 ".option arch, +d\n"
			 ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,"
			 "24,25,26,27,28,29,30,31\n"
			 "fsd f\\n, 8*\\n(%0)\n"
			 ".endr\n"
			 "frcsr t0\n"
			 "sd t0, 8*32(%0)\n"
			 ".option pop\n" ::"r"(r)
			 : "t0", "memory");
}

/* A pattern that differs in every register and for every seed; fcsr gets a valid rounding
 * mode (0-4) and flags from the seed. */
static void pattern(struct fp_regs *r, unsigned long seed)
{
	for (int i = 0; i < NFP; i++)
		r->f[i] = 0x3ff0000000000000ul ^ (seed << 40) ^ ((unsigned long)i << 8) ^ seed;
	r->fcsr = ((seed % 5) << 5) | (seed & 0x1f);
}

static void fill(unsigned long seed)
{
	struct fp_regs r;

	pattern(&r, seed);
	fp_load(&r);
}

/* How many of f0-f31 and fcsr differ from @seed's pattern (printed when @print). */
static int wrong(unsigned long seed, bool print)
{
	struct fp_regs want, got;
	int n = 0;

	fp_store(&got);
	pattern(&want, seed);
	for (int i = 0; i <= NFP; i++) {
		uint64_t g = i < NFP ? got.f[i] : got.fcsr, w = i < NFP ? want.f[i] : want.fcsr;

		if (g == w)
			continue;
		if (print && n < 4)
			printf("    %s%d is 0x%lx, expected 0x%lx\n", i < NFP ? "f" : "fcsr", i,
			       (unsigned long)g, (unsigned long)w);
		n++;
	}
	return n;
}

/* How many of f0-f31 and fcsr are not zero. */
static int nonzero(void)
{
	struct fp_regs got;
	int n = 0;

	fp_store(&got);
	for (int i = 0; i < NFP; i++)
		n += got.f[i] != 0;
	return n + (got.fcsr != 0);
}

static long preemptions(void)
{
	int64_t ru[18]; /* struct rusage: ru_nivcsw is the last of its 18 longs */

	fl_syscall(SYS_getrusage, 0, (long)ru, 0, 0, 0, 0);
	return (long)ru[17];
}

/* Keeps the hart busy until a timer tick has taken it away @ticks times. */
static void spin_until_preempted(int ticks)
{
	long start = preemptions();

	for (long i = 0; preemptions() - start < ticks && i < 1000000000l; i++)
		__asm__ volatile("" ::: "memory");
}

/* The three ways the hart can leave a task, each while the registers hold @seed's pattern.
 * Returns the number of rounds in which any register came back wrong. */
static int by_preemption(unsigned long seed)
{
	int bad = 0;

	for (int round = 0; round < ROUNDS; round++) {
		fill(seed + (unsigned long)round);
		spin_until_preempted(1);
		bad += wrong(seed + (unsigned long)round, bad == 0) != 0;
	}
	return bad;
}

static int by_yield(unsigned long seed)
{
	int bad = 0;

	for (int round = 0; round < ROUNDS; round++) {
		fill(seed + (unsigned long)round);
		for (int i = 0; i < 5; i++)
			fl_syscall(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
		bad += wrong(seed + (unsigned long)round, bad == 0) != 0;
	}
	return bad;
}

static int by_fault(unsigned long seed)
{
	volatile char *p = fl_mmap(0, ROUNDS * PAGE, RW, ANON);
	int bad = 0;

	for (int round = 0; round < ROUNDS; round++) {
		fill(seed + (unsigned long)round);
		p[round * PAGE] = 1; /* a write fault: a zeroed frame */
		(void)p[round * PAGE + 64];
		fl_syscall(SYS_sched_yield, 0, 0, 0, 0, 0, 0); /* and another task's turn */
		bad += wrong(seed + (unsigned long)round, bad == 0) != 0;
	}
	fl_munmap((void *)p, ROUNDS * PAGE);
	return bad;
}

static int all_ways(unsigned long seed)
{
	return by_yield(seed) + by_fault(seed) + by_preemption(seed);
}

/* Runs all_ways() in @children forked tasks besides this one, each with its own seed. */
static void side_by_side(int children)
{
	long pids[2];
	int status;

	for (int c = 0; c < children; c++) {
		pids[c] = fl_fork();
		if (pids[c] == 0)
			fl_exit(all_ways(0x100ul * (unsigned long)(c + 2)) ? 1 : 0);
		CHECK(pids[c] > 0);
	}
	CHECK_EQ(all_ways(0x100), 0);
	for (int c = 0; c < children; c++) {
		CHECK_EQ(fl_wait(pids[c], &status), pids[c]);
		CHECK_EQ(status, 0);
	}
}

/* Vector instructions: the vector unit is Off for tasks, so both trap as illegal. */
static void vector_config(void)
{
	__asm__ volatile(".word 0x0c0572d7"); /* vsetvli t0, a0, e8, m1, ta, ma */
}

static void vector_load(void)
{
	char buf[16];

	__asm__ volatile("mv a0, %0\n"
			 ".word 0x02050007" /* vle8.v v0, (a0) */
			 ::"r"(buf)
			 : "a0", "memory");
}

int main(int argc, char **argv)
{
	int status;

	/* the program execve started below: every FP register must be zero */
	if (argc > 1 && strcmp(argv[1], "exec-zero") == 0)
		return nonzero() == 0 ? 0 : 3;

	CASE(two_tasks_keep_their_own_fp_registers_across_yield_faults_and_preemption)
	side_by_side(1);

	CASE(three_tasks_keep_their_own_fp_registers_across_yield_faults_and_preemption)
	side_by_side(2);

	CASE(fork_gives_the_child_the_parents_fp_registers_and_each_keeps_its_own)
	{
		long pid;

		fill(0x77);
		pid = fl_fork();
		if (pid == 0) {
			int got = wrong(0x77, true);

			fill(0x78); /* the parent must not see this */
			fl_syscall(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
			fl_exit(got == 0 && wrong(0x78, true) == 0 ? 0 : 1);
		}
		CHECK(pid > 0);
		fl_syscall(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
		CHECK_EQ(fl_wait(pid, &status), pid);
		CHECK_EQ(status, 0);
		CHECK_EQ(wrong(0x77, true), 0);
	}

	CASE(execve_starts_a_program_with_all_fp_registers_and_fcsr_zero)
	{
		long pid;

		fill(0x99);
		pid = fl_fork();
		if (pid == 0) {
			static const char *const args[] = { "fpregs.elf", "exec-zero", 0 };

			fl_syscall(SYS_EXECVE, (long)"fpregs.elf", (long)args, 0, 0, 0, 0);
			fl_exit(4);
		}
		CHECK(pid > 0);
		CHECK_EQ(fl_wait(pid, &status), pid);
		CHECK_EQ(status, 0);
		CHECK_EQ(wrong(0x99, true), 0);
	}

	CASE(a_vector_instruction_kills_the_task_with_sigill_and_says_so)
	{
		status = in_child(vector_config,
				  "a_vector_instruction_kills_the_task_with_sigill_and_says_so",
				  "killed: illegal instruction at 0x([0-9a-f]+) \\(pc 0x\\1\\): "
				  "vector instruction \\(tasks get no vector unit\\)");
		CHECK(FL_WIFSIGNALED(status) && FL_WTERMSIG(status) == SIGILL);
		status = in_child(vector_load,
				  "a_vector_instruction_kills_the_task_with_sigill_and_says_so",
				  "killed: illegal instruction .*: vector instruction");
		CHECK(FL_WIFSIGNALED(status) && FL_WTERMSIG(status) == SIGILL);
	}

	return t_finish();
}
