/* Boot arguments, read from the devicetree's /chosen/bootargs as early boot saved it: words
 * separated by spaces; a word is a switch ("unknown-syscalls=report") or a setting
 * ("tasks=hello,lazy", "argv.hello=one,two"). */
#include "firmware/bootargs.h"

#include "firmware/early.h"
#include "firmware/images.h"
#include "firmware/printf.h"
#include "platform/errno.h"

/* Every word faultline acts on (a trailing '=' or '.' takes any rest); the log names others. */
static const char *const known[] = {
	"ktest=panic",		   /* test image: panic on purpose, for the runner's checks */
	"ktest=tasks",		   /* test image: run the task images only */
	"ktest=exit0",		   /* test image: a task image must exit with status 0 */
	"unknown-syscalls=report", /* name each unknown system call, once per task */
	"tasks=",		   /* the boot tasks, in order: tasks=NAME[,NAME...] */
	"argv.",		   /* a boot task's arguments: argv.NAME=ARG[,ARG...] */
	"trace=faults",		   /* record every fault with its stack (firmware/trace.c) */
	"asid-bits=",		   /* use at most N ASID bits (tests recycle ASIDs with few) */
	"trace-file=",		   /* host file for the trace (semihosting) */
	"trace-ring=",		   /* trace records kept per hart */
	"trace-flush=",		   /* exit: write the trace out only when a task ends */
	"trace-map-at=",	   /* also picture each task's address space after its N-th fault */
	"shootdown=ipi",	   /* shootdowns by IPI and a local sfence.vma (the default) */
	"shootdown=rfence",	   /* shootdowns by SBI RFENCE */
};

#define ARGV_PREFIX_LEN 5 /* "argv." */

static size_t length(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Whether the word starting at @w (ending at a space or NUL) equals @word; or, when @word
 * ends in '=' or '.', starts with it. */
static bool word_is(const char *w, const char *word)
{
	char last = 0;

	while (*word && *w == *word) {
		last = *word;
		w++;
		word++;
	}
	if (*word)
		return false;
	return !*w || is_space(*w) || last == '=' || last == '.';
}

/* The next word at or after *@s: its start, and its length in *@len; NULL at the end. */
static const char *next_word(const char **s, int *len)
{
	const char *w;

	while (is_space(**s))
		(*s)++;
	if (!**s)
		return NULL;
	w = *s;
	while (**s && !is_space(**s))
		(*s)++;
	*len = (int)(*s - w);
	return w;
}

bool bootargs_has(const char *word)
{
	const char *s = boot_facts()->fdt.bootargs, *w;
	int len;

	while ((w = next_word(&s, &len)))
		if (word_is(w, word))
			return true;
	return false;
}

int bootargs_value(const char *key, char *out, size_t cap)
{
	const char *s = boot_facts()->fdt.bootargs, *w;
	size_t klen = length(key);
	int len;

	while ((w = next_word(&s, &len))) {
		size_t i, n;

		if ((size_t)len <= klen || w[klen] != '=')
			continue;
		for (i = 0; i < klen && w[i] == key[i]; i++)
			;
		if (i < klen)
			continue;
		n = (size_t)len - klen - 1;
		if (n >= cap)
			return -E2BIG;
		for (i = 0; i < n; i++)
			out[i] = w[klen + 1 + i];
		out[n] = '\0';
		return (int)n;
	}
	return -ENOENT;
}

int bootargs_task_argv(int index, char *out, size_t cap)
{
	const char *s = boot_facts()->fdt.bootargs, *w;
	int len;

	while ((w = next_word(&s, &len))) {
		char name[FDT_NAME_LEN];
		int i = ARGV_PREFIX_LEN, n = 0;

		if (!word_is(w, "argv."))
			continue;
		while (i < len && w[i] != '=' && n < (int)sizeof(name) - 1)
			name[n++] = w[i++];
		name[n] = '\0';
		if (i == len || w[i] != '=' || image_find(name) != index)
			continue;
		if ((size_t)(len - i) > cap)
			return -E2BIG;
		for (n = 0, i++; i < len; i++)
			out[n++] = w[i];
		out[n] = '\0';
		return n;
	}
	return -ENOENT;
}

int bootargs_split(char *list, const char **items, int max)
{
	int n = 0;

	if (!*list)
		return 0;
	for (;;) {
		if (n == max)
			return -E2BIG;
		items[n++] = list;
		while (*list && *list != ',')
			list++;
		if (!*list)
			return n;
		*list++ = '\0';
	}
}

void bootargs_log(void)
{
	const char *s = boot_facts()->fdt.bootargs, *w;
	int len;

	if (!*s)
		return;
	kprintf("  bootargs   %s\n", s);
	while ((w = next_word(&s, &len))) {
		bool ok = false;

		for (unsigned int i = 0; i < ARRAY_SIZE(known); i++)
			ok |= word_is(w, known[i]);
		if (!ok)
			kprintf("faultline: unknown boot argument '%.*s' ignored\n", len, w);
	}
}
