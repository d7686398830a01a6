/* The normal image's payload: start the boot tasks (every image marked for boot, or those the
 * boot arguments name, with their arguments), run them until none is left, then print a
 * summary of what the fault handler did and check that every frame came back. */
#include "firmware/bootargs.h"
#include "firmware/images.h"
#include "firmware/main.h"
#include "firmware/printf.h"
#include "firmware/report.h"
#include "firmware/task.h"
#include "platform/fdt.h"

#define BOOT_ARGV_MAX  32 /* argv[0] and the arguments of one boot task */
#define BOOT_TASKS_MAX 32

/* Starts image @index with argv[0] = its name, then the arguments an "argv.NAME=A,B" boot
 * argument gives it. Returns the pid or a negative errno. */
static int spawn(int index)
{
	static char list[FDT_BOOTARGS_LEN];
	const char *argv[BOOT_ARGV_MAX] = { image_get(index)->name };
	int n = bootargs_task_argv(index, list, sizeof(list));

	if (n < 0)
		return task_spawn_image(index);
	n = bootargs_split(list, argv + 1, BOOT_ARGV_MAX - 1);
	if (n < 0) {
		kprintf("faultline: argv.%s: more than %d arguments\n", argv[0], BOOT_ARGV_MAX - 1);
		return n;
	}
	return task_spawn_image_argv(index, argv, n + 1);
}

/* The tasks a "tasks=NAME,..." boot argument names, in its order. Returns how many started,
 * or -1 when there is no such argument. */
static int spawn_listed(void)
{
	static char list[FDT_BOOTARGS_LEN];
	const char *names[BOOT_TASKS_MAX];
	int n = bootargs_value("tasks", list, sizeof(list)), started = 0;

	if (n < 0)
		return -1;
	n = bootargs_split(list, names, BOOT_TASKS_MAX);
	if (n < 0) {
		kprintf("faultline: tasks=: more than %d names\n", BOOT_TASKS_MAX);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		int index = image_find(names[i]);

		if (index < 0)
			kprintf("faultline: tasks=: no task image called '%s'\n", names[i]);
		else if (spawn(index) > 0)
			started++;
	}
	return started;
}

int firmware_payload(void)
{
	struct report_mark mark;
	int started;

	report_begin(&mark);
	started = spawn_listed();
	if (started < 0) {
		started = 0;
		for (int i = 0; i < images_count(); i++)
			if (image_get(i)->boot && spawn(i) > 0)
				started++;
	}
	if (!started) {
		kprintf("faultline: no boot task to run\n");
		return 1;
	}
	kprintf("faultline: %d boot task%s started\n", started, started == 1 ? "" : "s");
	task_run_all();
	return report_end(&mark);
}
