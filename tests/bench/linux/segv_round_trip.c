/* Bench row s on Linux 6.1, measured as faultbench.c measures it on faultline: a write to a
 * read-only page whose SIGSEGV handler mprotects it writable and returns, with the mprotect
 * that makes it read-only again; per round trip. Static glibc; run as init by the anchor kit
 * under -icount shift=0, timed with rdtime * 100 (one instruction a nanosecond, a 10 MHz
 * timebase: Linux 6.1 does not let U-mode read instret). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <unistd.h>

static volatile unsigned char *page;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	mprotect((void *)page, 4096, PROT_READ | PROT_WRITE);
}

static uint64_t now(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t * 100;
}

int main(void)
{
	struct sigaction sa;
	const unsigned long n = 10000;
	uint64_t best = ~0ull;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	page[0] = 0;
	for (int r = 0; r < 5; r++) {
		uint64_t t = now();

		for (unsigned long i = 0; i < n; i++) {
			mprotect((void *)page, 4096, PROT_READ);
			page[0] = (unsigned char)i;
		}
		t = (now() - t) / n;
		if (t < best)
			best = t;
	}
	printf("bench: s 1 min %llu\n", (unsigned long long)best);
	fflush(stdout);
	reboot(RB_POWER_OFF);
	return 0;
}
