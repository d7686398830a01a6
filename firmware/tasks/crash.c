/* Demo: a task that reads through a NULL pointer is killed with a report; the others go on. */
#include <stdio.h>

int main(void)
{
	volatile int *volatile nothing = 0;

	printf("crash: about to read through a NULL pointer\n");
	return *nothing;
}
