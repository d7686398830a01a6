/* Trap tests of the memory calls beyond mmap: madvise, mremap, mlock and friends, msync,
 * mincore, MAP_POPULATE and the resource limits, with Linux 6.1's results and errno values. */
#include "t.h"

#define MADV_WILLNEED	    3
#define MADV_DONTNEED	    4
#define MADV_FREE	    8
#define MADV_POPULATE_WRITE 23
#define MREMAP_MAYMOVE	    1
#define MREMAP_FIXED	    2
#define MREMAP_DONTUNMAP    4
#define MCL_CURRENT	    1
#define MCL_FUTURE	    2
#define MCL_ONFAULT	    4
#define MS_ASYNC	    1
#define MS_SYNC		    4
#define MAP_GROWSDOWN	    0x0100
#define MAP_NORESERVE	    0x4000
#define MAP_POPULATE	    0x8000
#define MAP_STACK	    0x20000
#define RLIMIT_STACK	    3
#define RLIMIT_NOFILE	    7
#define RLIMIT_MEMLOCK	    8
#define RLIMIT_AS	    9
#define RLIM_INFINITY	    (~0ul)
#define EAGAIN		    11
#define EPERM		    1
#define ESRCH		    3

struct rlim {
	unsigned long cur, max;
};

static long sc(long nr, long a0, long a1, long a2, long a3, long a4)
{
	return fl_syscall(nr, a0, a1, a2, a3, a4, 0);
}

static void touch(volatile char *p, unsigned long pages, char base)
{
	for (unsigned long i = 0; i < pages; i++)
		p[i * PAGE] = (char)(base + i);
}

static struct rlim limit_of(int resource)
{
	struct rlim r = { 1, 1 };

	sc(SYS_prlimit64, 0, resource, 0, (long)&r, 0);
	return r;
}

static void child_checks_inherited_limits(void)
{
	struct rlim r = limit_of(RLIMIT_NOFILE);

	fl_exit(r.cur == 100 && r.max == 200 ? 0 : 1);
}

int main(void)
{
	struct fl_counters a, b;
	int status;

	CASE(madvise_dontneed_gives_the_frames_back_and_the_range_reads_zero)
	{
		volatile char *p = fl_mmap(0, 256 * PAGE, RW, ANON);

		touch(p, 256, 1);
		snap(&a);
		CHECK_EQ(sc(SYS_madvise, (long)p, 256 * PAGE, MADV_DONTNEED, 0, 0), 0);
		snap(&b);
		CHECK(b.frames_free >= a.frames_free + 256);
		CHECK_EQ(b.rss_pages, a.rss_pages - 256);
		CHECK_EQ(p[0], 0);
		CHECK_EQ(p[255 * PAGE], 0);
		p[3 * PAGE] = 9;
		CHECK_EQ(sc(SYS_madvise, (long)p, PAGE * 256, MADV_FREE, 0, 0), 0);
		CHECK_EQ(p[3 * PAGE], 0);
		fl_munmap((void *)p, 256 * PAGE);
	}

	CASE(madvise_errors_match_linux)
	{
		char *p = fl_mmap(0, 4 * PAGE, RW, ANON);

		CHECK_EQ(sc(SYS_madvise, (long)p + 1, PAGE, MADV_DONTNEED, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_madvise, (long)p, PAGE, 99, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_madvise, (long)p, -1, MADV_DONTNEED, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_madvise, (long)p, 0, MADV_DONTNEED, 0, 0), 0);
		CHECK_EQ(sc(SYS_madvise, (long)p, PAGE, MADV_WILLNEED, 0, 0), 0);
		fl_munmap(p + PAGE, PAGE);
		CHECK_EQ(sc(SYS_madvise, (long)p, 4 * PAGE, MADV_DONTNEED, 0, 0), -ENOMEM);
		CHECK_EQ(sc(SYS_madvise, (long)p, 4 * PAGE, MADV_POPULATE_WRITE, 0, 0), -ENOMEM);
		fl_munmap(p, 4 * PAGE);
	}

	CASE(mremap_moves_the_pages_without_copying_them)
	{
		volatile char *p = fl_mmap(0, 64 * PAGE, RW, ANON);
		void *above = fl_mmap((void *)(p + 64 * PAGE), PAGE, RW, ANON | FL_MAP_FIXED);
		volatile char *q;

		CHECK(above == (void *)(p + 64 * PAGE));
		touch(p, 64, 'a');
		snap(&a);
		CHECK_EQ(sc(SYS_mremap, (long)p, 64 * PAGE, 128 * PAGE, 0, 0), -ENOMEM);
		q = (volatile char *)sc(SYS_mremap, (long)p, 64 * PAGE, 128 * PAGE, MREMAP_MAYMOVE,
					0);
		snap(&b);
		CHECK(q != p && (long)q > 0);
		CHECK_EQ(b.rss_pages, a.rss_pages);
		CHECK_EQ(b.task.anon_alloc, a.task.anon_alloc);
		CHECK_EQ(b.frames_anon, a.frames_anon);
		for (int i = 0; i < 64; i++)
			CHECK_EQ(q[i * PAGE], (char)('a' + i));
		CHECK_EQ(q[100 * PAGE], 0);
		CHECK_EQ(sc(SYS_mremap, (long)q, 128 * PAGE, 8 * PAGE, 0, 0), (long)q);
		fl_munmap((void *)q, 8 * PAGE);
		fl_munmap(above, PAGE);
	}

	CASE(mremap_keeps_copy_on_write_sharing_with_a_child)
	{
		volatile char *p = fl_mmap(0, 8 * PAGE, RW, ANON);
		long pid;

		touch(p, 8, 'p');
		pid = fl_fork();
		if (pid == 0) {
			fl_syscall(SYS_nanosleep, (long)&(struct { long s, n; }){ 0, 20000000 }, 0,
				   0, 0, 0, 0);
			fl_exit(p[0] == 'p' && p[7 * PAGE] == 'p' + 7 ? 0 : 1);
		}
		snap(&a);
		volatile char *q =
		    (volatile char *)sc(SYS_mremap, (long)p, 8 * PAGE, 8 * PAGE,
					MREMAP_MAYMOVE | MREMAP_FIXED, 0x1800000000l);
		snap(&b);
		CHECK_EQ((long)q, 0x1800000000l);
		CHECK_EQ(b.frames_shared, a.frames_shared);
		q[0] = 'X'; /* a copy-on-write copy: the child keeps its 'p' */
		CHECK_EQ(q[0], 'X');
		fl_wait(pid, &status);
		CHECK(FL_WIFEXITED(status) && FL_WEXITSTATUS(status) == 0);
		fl_munmap((void *)q, 8 * PAGE);
	}

	CASE(mremap_dontunmap_leaves_the_old_range_mapped_and_empty)
	{
		volatile char *p = fl_mmap(0, 4 * PAGE, RW, ANON);
		volatile char *q;

		touch(p, 4, 'a');
		q = (volatile char *)sc(SYS_mremap, (long)p, 4 * PAGE, 4 * PAGE,
					MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
		CHECK((long)q > 0 && q != p);
		CHECK_EQ(q[2 * PAGE], 'c');
		CHECK_EQ(p[2 * PAGE], 0);
		fl_munmap((void *)p, 4 * PAGE);
		fl_munmap((void *)q, 4 * PAGE);
	}

	CASE(mremap_errors_match_linux)
	{
		char *p = fl_mmap(0, 4 * PAGE, RW, ANON);

		CHECK_EQ(sc(SYS_mremap, (long)p, PAGE, PAGE, 8, 0), -EINVAL);
		CHECK_EQ(sc(SYS_mremap, (long)p, PAGE, PAGE, MREMAP_FIXED, 0), -EINVAL);
		CHECK_EQ(
		    sc(SYS_mremap, (long)p, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0),
		    -EINVAL);
		CHECK_EQ(sc(SYS_mremap, (long)p + 1, PAGE, PAGE, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_mremap, (long)p, PAGE, 0, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_mremap, 0x3000000000l, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0), -EFAULT);
		CHECK_EQ(sc(SYS_mremap, (long)p, 8 * PAGE, 9 * PAGE, MREMAP_MAYMOVE, 0), -EFAULT);
		CHECK_EQ(sc(SYS_mremap, (long)p, 0, PAGE, MREMAP_MAYMOVE, 0), -EINVAL);
		fl_munmap(p, 4 * PAGE);
	}

	CASE(mlock_and_map_populate_fault_the_pages_in_now)
	{
		char *p = fl_mmap(0, 32 * PAGE, RW, ANON);
		char *q;

		snap(&a);
		CHECK_EQ(sc(SYS_mlock, (long)p + 100, 16 * PAGE, 0, 0, 0), 0);
		snap(&b);
		CHECK_EQ(b.rss_pages, a.rss_pages + 17);
		CHECK_EQ(sc(SYS_madvise, (long)p, PAGE, MADV_DONTNEED, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_munlock, (long)p, 32 * PAGE, 0, 0, 0), 0);
		CHECK_EQ(sc(SYS_madvise, (long)p, PAGE, MADV_DONTNEED, 0, 0), 0);
		CHECK_EQ(sc(SYS_mlock2, (long)p, PAGE, 2, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_mlock, 0x3000000000l, PAGE, 0, 0, 0), -ENOMEM);
		snap(&a);
		q = fl_mmap(0, 16 * PAGE, RW, ANON | MAP_POPULATE);
		snap(&b);
		CHECK_EQ(b.rss_pages, a.rss_pages + 16);
		fl_munmap(p, 32 * PAGE);
		fl_munmap(q, 16 * PAGE);
	}

	CASE(mlockall_future_populates_every_new_mapping_until_munlockall)
	{
		char *p, *q;

		CHECK_EQ(sc(SYS_mlockall, MCL_ONFAULT, 0, 0, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_mlockall, 0, 0, 0, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_mlockall, MCL_FUTURE, 0, 0, 0, 0), 0);
		snap(&a);
		p = fl_mmap(0, 8 * PAGE, RW, ANON);
		snap(&b);
		CHECK_EQ(b.rss_pages, a.rss_pages + 8);
		CHECK_EQ(sc(SYS_munlockall, 0, 0, 0, 0, 0), 0);
		q = fl_mmap(0, 8 * PAGE, RW, ANON);
		snap(&a);
		CHECK_EQ(a.rss_pages, b.rss_pages);
		fl_munmap(p, 8 * PAGE);
		fl_munmap(q, 8 * PAGE);
	}

	CASE(msync_and_mincore_answer_as_linux_for_anonymous_memory)
	{
		char *p = fl_mmap(0, 4 * PAGE, RW, ANON);
		unsigned char vec[4] = { 9, 9, 9, 9 };

		p[PAGE] = 1;
		CHECK_EQ(sc(SYS_mincore, (long)p, 4 * PAGE, (long)vec, 0, 0), 0);
		CHECK_EQ(vec[0], 0);
		CHECK_EQ(vec[1], 1);
		CHECK_EQ(sc(SYS_mincore, (long)p + 1, PAGE, (long)vec, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_mincore, (long)p, 8 * PAGE, (long)vec, 0, 0), -ENOMEM);
		CHECK_EQ(sc(SYS_mincore, (long)p, PAGE, 0x3ffffffff0l + 0x100, 0, 0), -EFAULT);
		CHECK_EQ(sc(SYS_msync, (long)p, 4 * PAGE, MS_SYNC, 0, 0), 0);
		CHECK_EQ(sc(SYS_msync, (long)p, 4 * PAGE, MS_SYNC | MS_ASYNC, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_msync, (long)p, 8 * PAGE, MS_ASYNC, 0, 0), -ENOMEM);
		fl_munmap(p, 4 * PAGE);
	}

	CASE(map_flags_stack_noreserve_growsdown_are_accepted)
	{
		char *p = fl_mmap(0, PAGE, RW, ANON | MAP_STACK | MAP_NORESERVE);
		char *g = fl_mmap(0, PAGE, RW, ANON | MAP_GROWSDOWN);

		CHECK((long)p > 0 && (long)g > 0);
		CHECK_EQ(
		    (long)fl_mmap(0, PAGE, RW, FL_MAP_SHARED | FL_MAP_ANONYMOUS | MAP_GROWSDOWN),
		    -EINVAL);
		CHECK_EQ((long)fl_mmap(p, PAGE, RW, ANON | FL_MAP_FIXED_NOREPLACE), -EEXIST);
		fl_munmap(p, PAGE);
		fl_munmap(g, PAGE);
	}

	CASE(resource_limits_have_linux_defaults_and_are_inherited_at_fork)
	{
		struct rlim r = limit_of(RLIMIT_STACK), set = { 100, 200 }, bad = { 10, 5 };

		CHECK_EQ(r.cur, 8ul << 20);
		CHECK_EQ(r.max, RLIM_INFINITY);
		r = limit_of(RLIMIT_MEMLOCK);
		CHECK_EQ(r.cur, 8ul << 20);
		CHECK_EQ(sc(SYS_getrlimit, RLIMIT_NOFILE, (long)&r, 0, 0, 0), 0);
		CHECK_EQ(r.cur, 1024);
		CHECK_EQ(r.max, 4096);
		CHECK_EQ(sc(SYS_getrlimit, 16, (long)&r, 0, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_setrlimit, RLIMIT_NOFILE, (long)&bad, 0, 0, 0), -EINVAL);
		bad = (struct rlim){ 10, 2000000 };
		CHECK_EQ(sc(SYS_setrlimit, RLIMIT_NOFILE, (long)&bad, 0, 0, 0), -EPERM);
		CHECK_EQ(sc(SYS_prlimit64, 9999, RLIMIT_NOFILE, 0, (long)&r, 0), -ESRCH);
		CHECK_EQ(sc(SYS_prlimit64, sc(SYS_getpid, 0, 0, 0, 0, 0), RLIMIT_NOFILE, (long)&set,
			    (long)&r, 0),
			 0);
		CHECK_EQ(r.cur, 1024);
		status = in_child(child_checks_inherited_limits, "", NULL);
		CHECK(FL_WIFEXITED(status) && FL_WEXITSTATUS(status) == 0);
	}

	CASE(rlimit_as_makes_mmap_and_brk_fail_with_enomem)
	{
		struct rlim small = { 256ul << 20, RLIM_INFINITY },
			    inf = { RLIM_INFINITY, RLIM_INFINITY };
		long brk0 = sc(SYS_brk, 0, 0, 0, 0, 0);

		CHECK_EQ(sc(SYS_setrlimit, RLIMIT_AS, (long)&small, 0, 0, 0), 0);
		CHECK_EQ((long)fl_mmap(0, 512ul << 20, RW, ANON), -ENOMEM);
		CHECK_EQ(sc(SYS_brk, brk0 + (512l << 20), 0, 0, 0, 0), brk0);
		CHECK_EQ(sc(SYS_setrlimit, RLIMIT_AS, (long)&inf, 0, 0, 0), 0);
		char *p = fl_mmap(0, 512ul << 20, RW, ANON);
		CHECK((long)p > 0);
		fl_munmap(p, 512ul << 20);
	}

	return t_finish();
}
