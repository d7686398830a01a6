/* The test image's payload: run every registered case, report each, then the totals. */
#include "tests/qemu/ktest.h"

#include <stdarg.h>

#include "firmware/bootargs.h"
#include "firmware/early.h"
#include "firmware/images.h"
#include "firmware/kmem.h"
#include "firmware/main.h"
#include "firmware/printf.h"
#include "firmware/syscall.h"
#include "firmware/task.h"
#include "firmware/trap.h"
#include "mm/frame.h"
#include "mm/vm.h"
#include "platform/errno.h"

extern const struct ktest_case __ktests_start[], __ktests_end[];

static int failures; /* of the running case */
static unsigned long faults_before;

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (failures++ == 0)
		kprintf("\n");
	kprintf("    %s:%d: ", file, line);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
}

void ktest_arm_fault(void)
{
	struct trap_fault f;

	trap_last_fault(&f);
	faults_before = f.count;
}

void ktest_expect_fault(const char *file, int line, const char *what, int rc, unsigned long cause,
			uintptr_t addr)
{
	struct trap_fault f;

	trap_last_fault(&f);
	if (rc != -EFAULT) {
		ktest_fail(file, line, "%s returned %d, expected a fault", what, rc);
		return;
	}
	if (f.count != faults_before + 1)
		ktest_fail(file, line, "%s: %lu faults recovered, expected 1", what,
			   f.count - faults_before);
	if (f.scause != cause)
		ktest_fail(file, line, "%s: cause %s, expected %s", what, trap_cause_name(f.scause),
			   trap_cause_name(cause));
	if (f.stval != addr)
		ktest_fail(file, line, "%s: stval 0x%lx, expected 0x%lx", what, f.stval,
			   (unsigned long)addr);
	faults_before = f.count;
}

static int passed, failed;

static void verdict(const char *prefix, const char *name)
{
	if (failures) {
		kprintf("FAIL - %s%s\n", prefix, name);
		failed++;
	} else {
		kprintf("ok - %s%s\n", prefix, name);
		passed++;
	}
}

/*
 * Runs one test image alone: it prints its own cases; here we check what only the kernel can
 * see afterwards: every frame back, and the invariants with no task left.
 */
static void run_image(int index)
{
	const struct task_image *img = image_get(index);
	struct pmm_stats before, after;
	char why[160];
	int pid;

	failures = 0;
	pmm_stats(&before);
	pid = task_spawn_image(index);
	if (pid < 0) {
		ktest_fail(__FILE__, __LINE__, "image %s did not start: %d", img->name, pid);
	} else {
		int status = -1;

		task_run_all();
		/* a program killed half-way prints no FAIL line for the cases it never ran;
		 * programs that print none at all (Linux's selftests) must exit 0 */
		if (!task_orphan_status(pid, &status) || (status & 0x7f) != 0)
			ktest_fail(__FILE__, __LINE__, "%s: killed (wait status 0x%x)", img->name,
				   status);
		else if (status != 0 && bootargs_has("ktest=exit0"))
			ktest_fail(__FILE__, __LINE__, "%s: exit status %d", img->name,
				   (status >> 8) & 0xff);
	}
	pmm_stats(&after);
	if (after.free != before.free)
		ktest_fail(__FILE__, __LINE__, "%s: %ld frames not returned", img->name,
			   (long)(before.free - after.free));
	if (vm_audit(NULL, 0, kmem_table_pages(), why, sizeof(why)))
		ktest_fail(__FILE__, __LINE__, "auditor after %s: %s", img->name, why);
	verdict("ends_unkilled_and_returns_every_frame_", img->name);
}

/* A kernel bug on purpose: the runner checks the panic report it produces. */
static __attribute__((noinline)) int panic_victim(volatile const int *p)
{
	return *p + 1;
}

/* SYS_FL_FAIL_ALLOC: tasks test their out-of-memory paths with it */
static long fail_alloc(struct trap_frame *tf)
{
	pmm_fail_after((long)tf->a0);
	return 0;
}

int firmware_payload(void)
{
	syscall_enable_test_calls(fail_alloc);
	if (bootargs_has("ktest=panic")) {
		int v;

		kprintf("ktest: reading an unmapped kernel address on purpose\n");
		v = panic_victim((const int *)0xffffffd000000008ul);
		kprintf("ktest: the read returned %d instead of a panic\n", v);
		return 1;
	}
	/* an image of programs only (the glibc one): the kernel cases ran in the test image */
	if (bootargs_has("ktest=tasks"))
		kprintf("ktest: tasks only\n");
	else
		kprintf("ktest: %d kernel cases\n", (int)(__ktests_end - __ktests_start));
	/* the kernel cases check what the tasks they start did at each step: one hart runs
	 * them; the test images after run on every hart */
	task_boot_hart_only(true);
	for (const struct ktest_case *c = __ktests_start;
	     c < __ktests_end && !bootargs_has("ktest=tasks"); c++) {
		failures = 0;
		ktest_arm_fault();
		c->fn();
		verdict("", c->name);
	}
	task_boot_hart_only(false);
	for (int i = 0; i < images_count(); i++)
		if (image_get(i)->boot)
			run_image(i);
	kprintf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
