/* Demo: a task's view of the machine through the Linux calls faultline offers. */
#include <stdio.h>

#include "fl.h"

int main(int argc, char **argv)
{
	char u[6][65]; /* struct utsname */

	fl_syscall(SYS_uname, (long)u, 0, 0, 0, 0, 0);
	printf("hello: I am %s, pid %ld, on %s %s (%s), %d argument%s\n", argv[0],
	       fl_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0), u[0], u[2], u[4], argc,
	       argc == 1 ? "" : "s");
	return 0;
}
