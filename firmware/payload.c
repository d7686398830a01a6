/* The normal image's payload: start every boot task, run them until none is left, then print
 * a summary of what the fault handler did and check that every frame came back. */
#include "firmware/images.h"
#include "firmware/main.h"
#include "firmware/printf.h"
#include "firmware/report.h"
#include "firmware/task.h"

int firmware_payload(void)
{
	struct report_mark mark;
	int started = 0;

	report_begin(&mark);
	for (int i = 0; i < images_count(); i++)
		if (image_get(i)->boot && task_spawn_image(i) > 0)
			started++;
	if (!started) {
		kprintf("faultline: no boot task to run\n");
		return 1;
	}
	kprintf("faultline: %d boot task%s started\n", started, started == 1 ? "" : "s");
	task_run_all();
	return report_end(&mark);
}
