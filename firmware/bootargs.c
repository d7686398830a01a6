/* Boot arguments, read from the devicetree's /chosen/bootargs as early boot saved it. */
#include "firmware/bootargs.h"

#include "firmware/early.h"
#include "firmware/printf.h"
#include "platform/errno.h"

/* Every word faultline acts on; the boot log names any other. */
static const char *const known[] = {
	"ktest=panic",		   /* test image: panic on purpose, for the runner's checks */
	"ktest=tasks",		   /* test image: run the task images only */
	"unknown-syscalls=report", /* name each unknown system call, once per task */
	"trace=faults",		   /* record every fault with its stack (firmware/trace.c) */
};

/* Words with a value after '=': the prefix up to and including '='. */
static const char *const known_prefix[] = {
	"trace-file=",	 /* host file for the trace (semihosting) */
	"trace-ring=",	 /* trace records kept per hart */
	"trace-flush=",	 /* exit: write the trace out only when a task ends */
	"trace-map-at=", /* also picture each task's address space after its N-th fault */
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Whether the word starting at @w (ending at a space or NUL) equals @word. */
static bool word_is(const char *w, const char *word)
{
	while (*word && *w == *word) {
		w++;
		word++;
	}
	return !*word && (!*w || is_space(*w));
}

/* Whether the word at @w starts with @prefix. */
static bool starts_with(const char *w, const char *prefix)
{
	while (*prefix && *w == *prefix) {
		w++;
		prefix++;
	}
	return !*prefix;
}

int bootargs_value(const char *prefix, char *out, size_t size)
{
	const char *s = boot_facts()->fdt.bootargs;
	size_t plen = 0;

	while (prefix[plen])
		plen++;
	for (; *s; s++) {
		size_t n = 0;

		if ((s != boot_facts()->fdt.bootargs && !is_space(s[-1])) ||
		    !starts_with(s, prefix))
			continue;
		s += plen;
		while (s[n] && !is_space(s[n]))
			n++;
		if (n + 1 > size)
			return -ERANGE;
		for (size_t i = 0; i < n; i++)
			out[i] = s[i];
		out[n] = 0;
		return (int)n;
	}
	return -ENOENT;
}

bool bootargs_has(const char *word)
{
	const char *s = boot_facts()->fdt.bootargs;

	for (; *s; s++)
		if ((s == boot_facts()->fdt.bootargs || is_space(s[-1])) && !is_space(*s) &&
		    word_is(s, word))
			return true;
	return false;
}

void bootargs_log(void)
{
	const char *s = boot_facts()->fdt.bootargs;

	if (!*s)
		return;
	kprintf("  bootargs   %s\n", s);
	while (*s) {
		const char *w;
		bool ok = false;
		int len;

		while (is_space(*s))
			s++;
		if (!*s)
			break;
		w = s;
		while (*s && !is_space(*s))
			s++;
		len = (int)(s - w);
		for (unsigned int i = 0; i < ARRAY_SIZE(known); i++)
			ok |= word_is(w, known[i]);
		for (unsigned int i = 0; i < ARRAY_SIZE(known_prefix); i++)
			ok |= starts_with(w, known_prefix[i]);
		if (!ok)
			kprintf("faultline: unknown boot argument '%.*s' ignored\n", len, w);
	}
}
