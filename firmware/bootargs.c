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

/* Words that carry a value after the key. */
static const char *const known_keys[] = {
	"asid-bits=", /* use at most this many ASID bits (tests recycle ASIDs with few) */
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

/* Whether the word at @w starts with @key. */
static bool starts_with(const char *w, const char *key)
{
	while (*key && *w == *key) {
		w++;
		key++;
	}
	return !*key;
}

const char *bootargs_value(const char *key)
{
	const char *s = boot_facts()->fdt.bootargs;

	for (; *s; s++)
		if ((s == boot_facts()->fdt.bootargs || is_space(s[-1])) && starts_with(s, key)) {
			while (*key++)
				s++;
			return s;
		}
	return NULL;
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
		for (unsigned int i = 0; i < ARRAY_SIZE(known_keys); i++)
			ok |= starts_with(w, known_keys[i]);
		if (!ok)
			kprintf("faultline: unknown boot argument '%.*s' ignored\n", len, w);
	}
}
