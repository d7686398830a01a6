/* Known fault sites for the trace tests (tests/run.py checks the folded stacks): each function
 * touches a known number of fresh pages, and the runner expects exactly these stacks with
 * exactly these counts. Built with frame pointers; leaf_d has no frame record of its own, so
 * its caller comes from ra; mid_f is built without and keeps garbage in s0, as a C library's
 * function may, so the walk must find outer_f past it. */
#include "fl.h"

#define PAGE 4096

static char *region; /* 16 pages, mapped by main */

/* five pages written: anonymous allocations, main;outer_a;touch_a */
static __attribute__((noinline)) void touch_a(void)
{
	for (int i = 0; i < 5; i++)
		((volatile char *)region)[i * PAGE] = 1;
}

static __attribute__((noinline)) void outer_a(void)
{
	touch_a();
	__asm__ volatile("" ::: "memory"); /* not a tail call: outer_a keeps its frame */
}

/* three pages read: zero-page maps, main;read_b */
static __attribute__((noinline)) long read_b(void)
{
	long sum = 0;

	for (int i = 8; i < 11; i++)
		sum += ((volatile char *)region)[i * PAGE];
	return sum;
}

/* two pages written by a function with no frame record: main;outer_d;leaf_d */
static __attribute__((noinline, optimize("omit-frame-pointer"))) void leaf_d(volatile char *p)
{
	p[0] = 2;
	p[PAGE] = 2;
}

static __attribute__((noinline)) void outer_d(void)
{
	leaf_d(region + 12 * PAGE);
	__asm__ volatile("" ::: "memory");
}

/* one page written under a caller whose s0 is no frame pointer: main;outer_f;mid_f;touch_f */
static __attribute__((noinline)) void touch_f(void)
{
	((volatile char *)region)[14 * PAGE] = 3;
}

static __attribute__((noinline, optimize("omit-frame-pointer"))) void mid_f(void)
{
	__asm__ volatile("li s0, 12345" ::: "s0"); /* saved by the prologue, beside ra */
	touch_f();
	__asm__ volatile("" ::: "memory");
}

static __attribute__((noinline)) void outer_f(void)
{
	mid_f();
	__asm__ volatile("" ::: "memory");
}

/* gives touch_a's five pages back: main;drop_e frees 5 */
static __attribute__((noinline)) void drop_e(void)
{
	fl_munmap(region, 5 * PAGE);
}

int main(void)
{
	region =
	    fl_mmap(0, 16 * PAGE, FL_PROT_READ | FL_PROT_WRITE, FL_MAP_PRIVATE | FL_MAP_ANONYMOUS);
	if ((long)region < 0)
		return 1;
	outer_a();
	if (read_b())
		return 2;
	outer_d();
	outer_f();
	fl_syscall(SYS_FL_TRACE_MAP, 0, 0, 0, 0, 0, 0); /* a picture now, with 11 pages in */
	drop_e();
	return 0;
}
