/* Demo: copy-on-write. After fork, parent and child share every page; the child's write
 * copies one page; once the child has exited, the parent's write reuses its frame. */
#include <stdio.h>

#include "fl.h"

static char page[4096] __attribute__((aligned(4096))) = "parent's data";

int main(void)
{
	struct fl_counters c0, c1;
	int status = 0;
	long pid;

	page[100] = 1; /* our own copy of the image's data page */
	pid = fl_fork();
	if (pid == 0) {
		page[0] = 'C';
		fl_counters(&c1);
		printf("cow: child wrote its copy: \"%s\" (%lu copy-on-write copy)\n", page,
		       c1.task.cow_copy);
		return 7;
	}
	fl_wait(pid, &status);
	printf("cow: parent still has \"%s\"; child exited with %d\n", page,
	       FL_WEXITSTATUS(status));
	fl_counters(&c0);
	page[1] = 'A';
	fl_counters(&c1);
	printf("cow: the child is gone, so the parent's write reused the frame (%lu reuse, "
	       "%lu copies)\n",
	       c1.task.cow_reuse - c0.task.cow_reuse, c1.task.cow_copy - c0.task.cow_copy);
	return 0;
}
