/* Boot arguments, read from the devicetree's /chosen/bootargs as early boot saved it. */
#include "firmware/bootargs.h"

#include "firmware/early.h"
#include "firmware/printf.h"

/* Every word faultline acts on; the boot log names any other. */
static const char *const known[] = {
	"ktest=panic",		   /* test image: panic on purpose, for the runner's checks */
	"ktest=tasks",		   /* test image: run the task images only */
	"unknown-syscalls=report", /* name each unknown system call, once per task */
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
		if (!ok)
			kprintf("faultline: unknown boot argument '%.*s' ignored\n", len, w);
	}
}
