/* Memory as static glibc uses it: free() and malloc_trim give memory back (munmap,
 * MADV_DONTNEED), realloc of a big block moves its pages with mremap instead of copying,
 * mlockall and the resource limits. Memory is measured with sysinfo's freeram: the program
 * runs alone. */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "check.h"

#define MiB (1ul << 20)

static unsigned long freeram(void)
{
	struct sysinfo si;

	sysinfo(&si);
	return si.freeram * si.mem_unit;
}

/* Writes a byte in every page, through a volatile pointer so that no store is left out. */
static void touch(char *p, unsigned long len, char v)
{
	for (unsigned long i = 0; i < len; i += 4096)
		((volatile char *)p)[i] = v;
}

int main(void)
{
	CASE(free_of_a_big_block_gives_its_memory_back)
	{
		unsigned long before = freeram(), used, after;
		char *volatile big = malloc(64 * MiB);

		CHECK(big != NULL);
		touch(big, 64 * MiB, 1);
		used = freeram();
		free(big);
		after = freeram();
		/* (Linux keeps a few freed pages on per-hart lists, outside freeram) */
		CHECK(before - used >= 60 * MiB);
		CHECK(after - used >= 60 * MiB);
	}

	CASE(malloc_trim_gives_the_free_middle_of_the_heap_back)
	{
		char *volatile blocks[64];
		unsigned long held, trimmed;

		for (int i = 0; i < 64; i++) {
			blocks[i] = malloc(100000);
			touch(blocks[i], 100000, 2);
		}
		held = freeram();
		/* the last block keeps the heap's top: only MADV_DONTNEED can return the rest */
		for (int i = 0; i < 63; i++)
			free(blocks[i]);
		CHECK_EQ(malloc_trim(0), 1);
		trimmed = freeram();
		CHECK(trimmed > held + 5 * MiB);
		free(blocks[63]);
	}

	CASE(realloc_of_a_big_block_moves_its_pages_without_copying)
	{
		char *p = malloc(8 * MiB), *q;
		unsigned long before, after;

		touch(p, 8 * MiB, 3);
		p[8 * MiB - 1] = 4;
		before = freeram();
		q = realloc(p, 32 * MiB);
		after = freeram();
		CHECK(q != NULL);
		CHECK_EQ(q[0], 3);
		CHECK_EQ(q[8 * MiB - 1], 4);
		/* a copy would have written 8 MiB of new pages */
		CHECK(before - after < MiB);
		free(q);
	}

	CASE(madvise_dontneed_makes_a_private_page_read_zero)
	{
		char *p =
		    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		p[10] = 7;
		CHECK_EQ(madvise(p, 4096, MADV_DONTNEED), 0);
		CHECK_EQ(p[10], 0);
		CHECK_EQ(madvise(p + 1, 4096, MADV_DONTNEED), -1);
		CHECK_EQ(errno, EINVAL);
		munmap(p, 4096);
	}

	CASE(mlockall_populates_new_mappings_until_munlockall)
	{
		unsigned char vec[256];
		char *p;

		CHECK_EQ(mlockall(MCL_CURRENT | MCL_FUTURE), 0);
		p = mmap(NULL, MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK_EQ(mincore(p, MiB, vec), 0);
		CHECK_EQ(vec[0], 1);
		CHECK_EQ(vec[255], 1);
		CHECK_EQ(munlockall(), 0);
		munmap(p, MiB);
		p = mmap(NULL, MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK_EQ(mincore(p, MiB, vec), 0);
		CHECK_EQ(vec[0], 0);
		munmap(p, MiB);
	}

	CASE(prlimit_and_getrlimit_report_and_set_linuxs_limits)
	{
		struct rlimit r, as = { 64 * MiB, RLIM_INFINITY };

		CHECK_EQ(prlimit(0, RLIMIT_STACK, NULL, &r), 0);
		CHECK_EQ(r.rlim_cur, 8 * MiB);
		CHECK_EQ(r.rlim_max, RLIM_INFINITY);
		CHECK_EQ(getrlimit(RLIMIT_NOFILE, &r), 0);
		CHECK_EQ(r.rlim_cur, 1024);
		CHECK_EQ(r.rlim_max, 4096);
		CHECK_EQ(prlimit(getpid(), RLIMIT_AS, &as, &r), 0);
		CHECK_EQ(r.rlim_cur, RLIM_INFINITY);
		CHECK(mmap(NULL, 128 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
		      MAP_FAILED);
		CHECK_EQ(errno, ENOMEM);
		CHECK(malloc(100 * MiB) == NULL);
		as.rlim_cur = RLIM_INFINITY;
		CHECK_EQ(setrlimit(RLIMIT_AS, &as), 0);
	}

	return check_finish();
}
