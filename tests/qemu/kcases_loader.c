/* In-QEMU cases for the ELF loader: bad images are refused with a reason, cost nothing, and
 * leave the firmware running. */
#include "firmware/images.h"
#include "firmware/task.h"
#include "mm/frame.h"
#include "platform/errno.h"
#include "tests/qemu/ktest.h"

static void refused(const char *name)
{
	int index = image_find(name);
	struct pmm_stats before, after;
	int tasks = task_count();

	KT_EXPECT(index >= 0);
	if (index < 0)
		return;
	pmm_stats(&before);
	KT_EXPECT_EQ(task_spawn_image(index), -ENOEXEC);
	pmm_stats(&after);
	KT_EXPECT_EQ(after.free, before.free);
	KT_EXPECT_EQ(task_count(), tasks);
}

KTEST(loader_refuses_a_truncated_image)
{
	refused("truncated.elf");
}

KTEST(loader_refuses_an_image_for_another_machine)
{
	refused("x86.elf");
}

KTEST(a_refused_image_uses_up_no_pid)
{
	int hello = image_find("hello.elf"), first, second;

	KT_EXPECT(hello >= 0);
	if (hello < 0)
		return;
	first = task_spawn_image(hello);
	refused("truncated.elf");
	second = task_spawn_image(hello);
	KT_EXPECT(first > 0);
	KT_EXPECT_EQ(second, first + 1);
	task_run_all(); /* let both end */
	KT_EXPECT_EQ(task_count(), 0);
}

KTEST(images_are_found_by_name_with_or_without_the_elf_suffix)
{
	KT_EXPECT(image_find("hello.elf") >= 0);
	KT_EXPECT_EQ(image_find("hello"), image_find("hello.elf"));
	KT_EXPECT_EQ(image_find("/bin/hello"), image_find("hello.elf"));
	KT_EXPECT_EQ(image_find("nope"), -ENOENT);
}
