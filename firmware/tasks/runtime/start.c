/* From the kernel's initial stack to main(), and picolibc's few needs: a standard stream on
 * write(2), sbrk on brk(2), _exit on exit(2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fl.h"

int main(int argc, char **argv);
void __fl_start(long *sp);

#define OUT_BUF 256

static char out[OUT_BUF];
static size_t out_len;

static int flush_out(FILE *f)
{
	(void)f;
	if (out_len)
		fl_write(1, out, out_len);
	out_len = 0;
	return 0;
}

/* Line-buffered, so a task's lines reach the console whole. */
static int put_out(char c, FILE *f)
{
	out[out_len++] = c;
	if (c == '\n' || out_len == OUT_BUF)
		flush_out(f);
	return (unsigned char)c;
}

static int get_in(FILE *f)
{
	char c;

	(void)f;
	return fl_syscall(SYS_read, 0, (long)&c, 1, 0, 0, 0) == 1 ? (unsigned char)c : EOF;
}

static FILE stdio_stream = FDEV_SETUP_STREAM(put_out, get_in, flush_out, _FDEV_SETUP_RW);
FILE *const stdin = &stdio_stream;
FILE *const stdout = &stdio_stream;
FILE *const stderr = &stdio_stream;

void _exit(int code)
{
	flush_out(stdout);
	fl_exit(code);
}

void *sbrk(ptrdiff_t incr)
{
	static char *cur;
	char *old, *want;

	if (!cur)
		cur = (char *)fl_syscall(SYS_brk, 0, 0, 0, 0, 0, 0);
	old = cur;
	want = cur + incr;
	if ((char *)fl_syscall(SYS_brk, (long)want, 0, 0, 0, 0, 0) != want)
		return (void *)-1;
	cur = want;
	return old;
}

static const unsigned long *auxv;

unsigned long fl_getauxval(unsigned long type)
{
	for (const unsigned long *a = auxv; a && a[0]; a += 2)
		if (a[0] == type)
			return a[1];
	return 0;
}

void __fl_start(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)&sp[1];
	long *p = &sp[argc + 2]; /* past argv and its NULL: the environment */

	while (*p)
		p++;
	auxv = (const unsigned long *)(p + 1);
	exit(main(argc, argv));
}
