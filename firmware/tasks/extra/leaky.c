/* Demo for `make trace`: a request handler that keeps a copy of every request in a cache that
 * nothing ever empties (the leak: about 3,000 frames, all spent in cache_keep), and a parser
 * that borrows scratch pages and gives them back. Built with frame pointers, so the trace has
 * every caller. */
#include <stdio.h>

#include "fl.h"

#define PAGE	 4096
#define REQUESTS 3000
#define BATCHES	 6
#define SCRATCH	 100 /* pages a batch borrows */

static char *arena; /* where the cache keeps its copies: one page per request */
static unsigned long arena_used;

/* Keeps a page-sized copy of @req: the page is first written here, so here is where the
 * frame is spent. Nothing ever frees it. */
static __attribute__((noinline)) char *cache_keep(const char *req, unsigned long n)
{
	char *p = arena + arena_used;

	arena_used += PAGE;
	for (unsigned long i = 0; i < PAGE; i += 64)
		p[i] = req[i % n];
	return p;
}

static __attribute__((noinline)) void handle_request(int i)
{
	char req[64];

	snprintf(req, sizeof(req), "GET /item/%d", i);
	(void)cache_keep(req, sizeof(req));
}

/* Borrows @pages scratch pages for a batch and gives them back: spent, then freed. */
static __attribute__((noinline)) long parse_batch(unsigned long pages)
{
	volatile char *scratch = fl_mmap(0, pages * PAGE, FL_PROT_READ | FL_PROT_WRITE,
					 FL_MAP_PRIVATE | FL_MAP_ANONYMOUS);
	long sum = 0;

	if ((long)scratch < 0)
		return (long)scratch;
	for (unsigned long i = 0; i < pages; i++)
		scratch[i * PAGE] = (char)i;
	for (unsigned long i = 0; i < pages; i++)
		sum += scratch[i * PAGE];
	fl_munmap((void *)scratch, pages * PAGE);
	return sum;
}

int main(void)
{
	long sum = 0;

	arena = fl_mmap(0, (REQUESTS + 16) * (unsigned long)PAGE, FL_PROT_READ | FL_PROT_WRITE,
			FL_MAP_PRIVATE | FL_MAP_ANONYMOUS);
	if ((long)arena < 0) {
		printf("leaky: mmap failed: %ld\n", (long)arena);
		return 1;
	}
	for (int i = 0; i < REQUESTS; i++) {
		handle_request(i);
		if (i % (REQUESTS / BATCHES) == 0)
			sum += parse_batch(SCRATCH);
	}
	printf("leaky: served %d requests and kept every one (%lu KiB); %d batches parsed (%ld)\n",
	       REQUESTS, arena_used / 1024, BATCHES, sum);
	return 0;
}
