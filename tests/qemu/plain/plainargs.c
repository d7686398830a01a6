/* Runs in a normal image: prints the arguments it was started with, so that the runner can
 * check what the boot arguments (tasks=, argv.NAME=) handed to a boot task. */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("plainargs: argc %d:", argc);
	for (int i = 0; i < argc; i++)
		printf(" [%s]", argv[i]);
	printf("\n");
	return 0;
}
