/* The trap code keeps every register of a task: a page fault, a system call, timer
 * interrupts and fork must give back each of x1..x31 as it was (a0 aside, where a call
 * returns). Faults and most calls save only the registers C may clobber, so these cases
 * fill all 31 with distinct patterns around the trap and compare them afterwards. */
#include <stdbool.h>

#include "t.h"

#define NREGS	32
#define PATTERN 0x5a5a5a5a00000000ul

/*
 * Each routine sets every register xi (sp and the operation's own inputs aside) to
 * PATTERN + i, performs one operation, and stores xi into out[i]. Assembly, because no
 * C code may run between setting the registers and reading them back.
 */
void regs_fault(unsigned long *out, unsigned long addr);
void regs_getppid(unsigned long *out);
void regs_fork(unsigned long *out);
void regs_spin(unsigned long *out, unsigned long loops);

__asm__(
    ".macro regs_enter\n"
    "	addi sp, sp, -128\n"
    "	sd ra, 0(sp)\n"
    "	sd gp, 8(sp)\n"
    "	sd tp, 16(sp)\n"
    "	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11\n"
    "	sd s\\n, 24+8*\\n(sp)\n"
    "	.endr\n"
    "	sd a0, 120(sp)\n"
    "	mv t6, a1\n"
    "	.irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30\n"
    "	li x\\r, 0x5a5a5a5a00000000 + \\r\n"
    "	.endr\n"
    ".endm\n"
    /* t6 (x31) still holds the argument: each routine sets it or uses it */
    ".macro regs_leave\n"
    "	addi sp, sp, -16\n"
    "	sd t0, 0(sp)\n"
    "	ld t0, 136(sp)\n"
    "	.irp r, 1,2,3,4,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "	sd x\\r, 8*\\r(t0)\n"
    "	.endr\n"
    "	ld t1, 0(sp)\n"
    "	sd t1, 40(t0)\n"
    "	addi sp, sp, 16\n"
    "	ld ra, 0(sp)\n"
    "	ld gp, 8(sp)\n"
    "	ld tp, 16(sp)\n"
    "	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11\n"
    "	ld s\\n, 24+8*\\n(sp)\n"
    "	.endr\n"
    "	addi sp, sp, 128\n"
    "	ret\n"
    ".endm\n"
    ".text\n"
    ".globl regs_fault\n"
    "regs_fault:\n"
    "	regs_enter\n"
    "	sb zero, 0(t6)\n"
    "	regs_leave\n"
    ".globl regs_getppid\n"
    "regs_getppid:\n"
    "	regs_enter\n"
    "	li t6, 0x5a5a5a5a00000000 + 31\n"
    "	li a7, 173\n" /* SYS_getppid */
    "	ecall\n"
    "	regs_leave\n"
    ".globl regs_fork\n"
    "regs_fork:\n"
    "	regs_enter\n"
    "	li t6, 0x5a5a5a5a00000000 + 31\n"
    "	li a0, 17\n" /* SIGCHLD: a plain fork */
    "	li a1, 0\n"
    "	li a2, 0\n"
    "	li a3, 0\n"
    "	li a4, 0\n"
    "	li a5, 0\n"
    "	li a7, 220\n" /* SYS_clone */
    "	ecall\n"
    "	regs_leave\n"
    ".globl regs_spin\n"
    "regs_spin:\n"
    "	regs_enter\n"
    "1:	addi t6, t6, -1\n"
    "	bnez t6, 1b\n"
    "	regs_leave\n");

/* How many of x1..x31 (sp and those in @skip aside) differ from their pattern. */
static int wrong_regs(const unsigned long *out, unsigned long skip, bool print)
{
	int wrong = 0;

	for (int i = 1; i < NREGS; i++) {
		if (i == 2 || (skip >> i & 1) || out[i] == PATTERN + i)
			continue;
		if (print)
			printf("    x%d is 0x%lx, was 0x%lx\n", i, out[i], PATTERN + i);
		wrong++;
	}
	return wrong;
}

#define BIT(i) (1ul << (i))
/* a0-a5 and a7 (x10-x15, x17) carry clone's number and arguments */
#define CLONE_ARGS (BIT(10) | BIT(11) | BIT(12) | BIT(13) | BIT(14) | BIT(15) | BIT(17))

/* The spin is run in short pieces until timer ticks have preempted it inside a piece twice:
 * the test counts preemptions (getrusage's ru_nivcsw), it never reads a clock. */
#define SPIN_LOOPS	1000000ul
#define SPIN_TRIES	2000
#define PREEMPTED_SPINS 2

static long preemptions(void)
{
	int64_t ru[18]; /* struct rusage: two timevals, then 14 counters; ru_nivcsw last */

	fl_syscall(SYS_getrusage, 0, (long)ru, 0, 0, 0, 0); /* RUSAGE_SELF */
	return (long)ru[17];
}

/* Spins until PREEMPTED_SPINS pieces were preempted; returns how many were, and how many
 * pieces came back with a register changed. */
static int spin_through_ticks(unsigned long *out, int *wrong, bool print)
{
	int hit = 0;

	*wrong = 0;
	for (int i = 0; i < SPIN_TRIES && hit < PREEMPTED_SPINS; i++) {
		long before = preemptions();

		regs_spin(out, SPIN_LOOPS);
		if (preemptions() > before)
			hit++;
		if (wrong_regs(out, BIT(31), print) || out[31] != 0)
			(*wrong)++;
	}
	return hit;
}

int main(void)
{
	unsigned long out[NREGS];
	int status;

	CASE(a_page_fault_gives_back_every_register)
	{
		volatile char *p = fl_mmap(0, PAGE, RW, ANON);

		regs_fault(out, (unsigned long)p);
		CHECK_EQ(wrong_regs(out, BIT(31), true), 0);
		CHECK_EQ(out[31], (unsigned long)p);
		CHECK_EQ(p[0], 0);
		fl_munmap((void *)p, PAGE);
	}

	CASE(a_system_call_gives_back_every_register_but_a0)
	{
		regs_getppid(out);
		CHECK_EQ(wrong_regs(out, BIT(10) | BIT(17), true), 0);
		CHECK_EQ(out[10], 0); /* a boot task has no parent */
	}

	CASE(fork_gives_the_child_and_the_parent_every_register_but_a0)
	{
		long pid;

		regs_fork(out);
		pid = (long)out[10];
		if (pid == 0) /* the child: every register it started with is the parent's */
			fl_exit(wrong_regs(out, CLONE_ARGS, false) ? 1 : 0);
		CHECK(pid > 0);
		CHECK_EQ(wrong_regs(out, CLONE_ARGS, true), 0);
		CHECK_EQ(fl_wait(pid, &status), pid);
		CHECK_EQ(status, 0);
	}

	CASE(timer_interrupts_and_task_switches_give_back_every_register)
	{
		long pid = fl_fork();
		int wrong;

		if (pid == 0) { /* a second task to switch to */
			int hit = spin_through_ticks(out, &wrong, true);

			fl_exit(hit == PREEMPTED_SPINS && wrong == 0 ? 0 : 1);
		}
		CHECK_EQ(spin_through_ticks(out, &wrong, true), PREEMPTED_SPINS);
		CHECK_EQ(wrong, 0);
		CHECK_EQ(fl_wait(pid, &status), pid);
		CHECK_EQ(status, 0);
	}

	return t_finish();
}
