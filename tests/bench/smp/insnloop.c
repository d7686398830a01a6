/* A loop of known length between two insncount markers, so a test can check that the plugin
 * counts exactly: marker 1, then `li` and 1000 rounds of `addi; bnez` (2001 instructions),
 * then marker 2. The log's delta between them is those and marker 1 itself: 2002. */
#include <stdio.h>

int main(void)
{
	unsigned long n;

	__asm__ volatile("slti zero, zero, 1\n"
			 "li %0, 1000\n"
			 "1: addi %0, %0, -1\n"
			 "bnez %0, 1b\n"
			 "slti zero, zero, 2\n"
			 : "=r"(n));
	printf("insnloop: done\n");
	return 0;
}
