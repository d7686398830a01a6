/* A program as anyone would build it for Linux with no C library at all
 * (riscv64-unknown-elf-gcc -nostdlib -static, the toolchain's own linker script): only raw
 * ecalls. It must run unmodified and see what Linux would give it. */
static long sys(long nr, long a0, long a1, long a2)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r2 __asm__("a2") = a2;
	register long r3 __asm__("a3") = 0; /* wait4's rusage: none */
	register long r7 __asm__("a7") = nr;

	__asm__ volatile("ecall" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r3), "r"(r7) : "memory");
	return r0;
}

static long len(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	return n;
}

static void say(const char *s)
{
	sys(64, 1, (long)s, len(s));
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

void start_c(long *sp);

void start_c(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)&sp[1];
	long *auxv = &sp[argc + 2];
	int ok = argc == 1 && same(argv[0], "rawecall.elf") && argv[1] == 0;
	long pagesz = 0, pid;
	int status = -1;

	while (*auxv) { /* skip envp */
		auxv++;
	}
	for (auxv++; auxv[0]; auxv += 2)
		if (auxv[0] == 6) /* AT_PAGESZ */
			pagesz = auxv[1];
	ok = ok && pagesz == 4096;
	pid = sys(220, 17, 0, 0); /* clone(SIGCHLD): fork */
	if (pid == 0)
		sys(93, 7, 0, 0);
	if (!ok)
		say("    rawecall: argv or aux vector not as Linux lays them out\n");
	if (!(pid > 0 && sys(260, pid, (long)&status, 0) == pid && (status & 0xffff) == 7 << 8)) {
		say("    rawecall: fork or wait4 not as on Linux\n");
		ok = 0;
	}
	say(ok ? "ok - raw_static_elf_with_raw_ecalls_runs_unmodified\n"
	       : "FAIL - raw_static_elf_with_raw_ecalls_runs_unmodified\n");
	sys(93, 42, 0, 0);
}

__attribute__((naked, section(".text.start"))) void _start(void)
{
	__asm__ volatile("mv a0, sp\n"
			 "call start_c\n");
}
