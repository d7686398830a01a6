/* Trap tests of memfd: memfd_create and its checks, sizes, read/write/lseek and their
 * positioned forms, and mmap of it shared (one set of frames for every mapper, the
 * descriptor and a forked child) and private (copy-on-write of its frames), as on Linux. */
#include "t.h"

#define EOVERFLOW   75
#define ENXIO	    6
#define O_RDWR	    02
#define O_LARGEFILE 0100000
#define F_GETFD	    1
#define F_GETFL	    3
#define SIGBUS	    7

#define MFD_CLOEXEC	  1
#define MFD_ALLOW_SEALING 2
#define SEEK_SET	  0
#define SEEK_CUR	  1
#define SEEK_END	  2
#define SEEK_DATA	  3

static long sc(long nr, long a0, long a1, long a2, long a3)
{
	return fl_syscall(nr, a0, a1, a2, a3, 0, 0);
}

static long memfd(const char *name, long flags)
{
	return sc(SYS_memfd_create, (long)name, flags, 0, 0);
}

static char *map_fd(long len, int prot, int flags, long fd, long off)
{
	return (char *)fl_syscall(SYS_mmap, 0, len, prot, flags, fd, off);
}

static struct k_stat stat_of(long fd)
{
	struct k_stat st = { 0 };

	sc(SYS_fstat, fd, (long)&st, 0, 0);
	return st;
}

static char *beyond; /* a shared mapping whose second page lies past the memfd's end */

static void touch_beyond_the_end(void)
{
	beyond[PAGE] = 1;
}

int main(void)
{
	char buf[64];
	int status;

	CASE(memfd_create_gives_the_lowest_descriptor_a_read_write_regular_file)
	{
		long fd = memfd("a", 0), fc = memfd("b", MFD_CLOEXEC | MFD_ALLOW_SEALING);
		struct k_stat st = stat_of(fd);

		CHECK_EQ(fd, 3);
		CHECK_EQ(fc, 4);
		CHECK_EQ(sc(SYS_fcntl, fd, F_GETFD, 0, 0), 0);
		CHECK_EQ(sc(SYS_fcntl, fc, F_GETFD, 0, 0), 1);
		CHECK_EQ(sc(SYS_fcntl, fd, F_GETFL, 0, 0), O_RDWR | O_LARGEFILE);
		CHECK_EQ(st.mode, 0100777);
		CHECK_EQ(st.size, 0);
		CHECK_EQ(st.blocks, 0);
		CHECK_EQ(st.blksize, 4096);
		CHECK_EQ(sc(SYS_close, fd, 0, 0, 0), 0);
		CHECK_EQ(sc(SYS_close, fc, 0, 0, 0), 0);
	}

	CASE(memfd_create_checks_flags_and_name_as_linux)
	{
		char name[300];

		memset(name, 'n', sizeof(name));
		name[249] = '\0'; /* 249 characters: the longest allowed */
		CHECK_EQ(memfd(name, 0), 3);
		name[249] = 'n';
		name[250] = '\0';
		CHECK_EQ(memfd(name, 0), -EINVAL);
		CHECK_EQ(memfd("x", 0x100), -EINVAL);
		CHECK_EQ(memfd("x", 4), -EINVAL); /* MFD_HUGETLB: no huge pages here */
		CHECK_EQ(memfd((const char *)8, 0), -EFAULT);
		CHECK_EQ(sc(SYS_close, 3, 0, 0, 0), 0);
	}

	CASE(write_read_lseek_and_the_positioned_calls_move_bytes_and_the_offset)
	{
		long fd = memfd("rw", 0), d;

		CHECK_EQ(fl_write(fd, "hello", 5), 5);
		CHECK_EQ(stat_of(fd).size, 5);
		CHECK_EQ(stat_of(fd).blocks, 8);		/* one page, in 512-byte blocks */
		CHECK_EQ(sc(SYS_read, fd, (long)buf, 5, 0), 0); /* at the end */
		CHECK_EQ(sc(SYS_lseek, fd, 1, SEEK_SET, 0), 1);
		d = sc(SYS_dup, fd, 0, 0, 0);
		CHECK_EQ(sc(SYS_lseek, d, 0, SEEK_CUR, 0), 1); /* dup shares the offset */
		CHECK_EQ(sc(SYS_read, d, (long)buf, 64, 0), 4);
		CHECK(memcmp(buf, "ello", 4) == 0);
		CHECK_EQ(sc(SYS_lseek, fd, 0, SEEK_CUR, 0), 5);
		CHECK_EQ(sc(SYS_pwrite64, fd, (long)"Z", 1, 10000), 1);
		CHECK_EQ(stat_of(fd).size, 10001);
		CHECK_EQ(sc(SYS_lseek, fd, 0, SEEK_CUR, 0), 5); /* pwrite leaves it */
		buf[0] = 1;
		CHECK_EQ(sc(SYS_pread64, fd, (long)buf, 3, 9999), 2);
		CHECK_EQ(buf[0], 0); /* a hole reads as zeros */
		CHECK_EQ(buf[1], 'Z');
		CHECK_EQ(sc(SYS_lseek, fd, 0, SEEK_END, 0), 10001);
		CHECK_EQ(sc(SYS_lseek, fd, -20000, SEEK_END, 0), -EINVAL);
		CHECK_EQ(sc(SYS_lseek, fd, 0, 7, 0), -EINVAL);
		CHECK_EQ(sc(SYS_lseek, fd, 3, SEEK_DATA, 0), 3);
		CHECK_EQ(sc(SYS_lseek, fd, 20000, SEEK_DATA, 0), -ENXIO);
		CHECK_EQ(sc(SYS_lseek, fd, 50000, SEEK_SET, 0),
			 50000); /* past the end is allowed */
		CHECK_EQ(sc(SYS_read, fd, (long)buf, 4, 0), 0);
		CHECK_EQ(sc(SYS_pread64, fd, (long)buf, 4, -1), -EINVAL);
		CHECK_EQ(sc(SYS_read, fd, 8, 4, 0), 0); /* at the end: nothing to copy, as Linux */
		CHECK_EQ(sc(SYS_lseek, fd, 0, SEEK_SET, 0), 0);
		CHECK_EQ(sc(SYS_read, fd, 8, 4, 0), -EFAULT);
		CHECK_EQ(sc(SYS_read, fd, 0x4000000000l, 4, 0),
			 -EFAULT); /* outside the user half */
		CHECK_EQ(sc(SYS_pread64, fd, 8, 4, 0), -EFAULT);
		CHECK_EQ(sc(SYS_close, d, 0, 0, 0), 0);
		CHECK_EQ(sc(SYS_close, fd, 0, 0, 0), 0);
	}

	CASE(ftruncate_grows_with_zeros_and_shrinking_forgets_the_bytes)
	{
		long fd = memfd("t", 0);

		CHECK_EQ(sc(SYS_ftruncate, fd, 3 * PAGE, 0, 0), 0);
		CHECK_EQ(stat_of(fd).size, 3 * PAGE);
		CHECK_EQ(stat_of(fd).blocks, 0); /* growing allocates nothing */
		CHECK_EQ(sc(SYS_pwrite64, fd, (long)"abcdef", 6, 2 * PAGE), 6);
		CHECK_EQ(sc(SYS_ftruncate, fd, 2 * PAGE + 2, 0, 0), 0);
		CHECK_EQ(sc(SYS_ftruncate, fd, 3 * PAGE, 0, 0), 0);
		CHECK_EQ(sc(SYS_pread64, fd, (long)buf, 6, 2 * PAGE), 6);
		CHECK(memcmp(buf, "ab\0\0\0\0", 6) == 0);
		CHECK_EQ(sc(SYS_ftruncate, fd, 0, 0, 0), 0);
		CHECK_EQ(stat_of(fd).blocks, 0);
		CHECK_EQ(sc(SYS_ftruncate, fd, -1, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_ftruncate, 50, 0, 0, 0), -EBADF);
		CHECK_EQ(sc(SYS_ftruncate, fd, 1l << 40, 0, 0), 0); /* a size is not memory */
		CHECK_EQ(sc(SYS_close, fd, 0, 0, 0), 0);
	}

	CASE(shared_mappings_the_descriptor_and_a_child_all_see_one_memory)
	{
		long fd = memfd("shm", 0);
		char *a, *b;

		CHECK_EQ(sc(SYS_ftruncate, fd, 2 * PAGE, 0, 0), 0);
		a = map_fd(2 * PAGE, RW, FL_MAP_SHARED, fd, 0);
		b = map_fd(PAGE, RW, FL_MAP_SHARED, fd, PAGE); /* the second page alone */
		CHECK((long)a > 0 && (long)b > 0);
		a[PAGE + 5] = 'm';
		CHECK_EQ(b[5], 'm');
		CHECK_EQ(sc(SYS_pread64, fd, (long)buf, 1, PAGE + 5), 1);
		CHECK_EQ(buf[0], 'm');
		CHECK_EQ(sc(SYS_pwrite64, fd, (long)"w", 1, 7), 1);
		CHECK_EQ(a[7], 'w');
		/* the child writes through its inherited mapping: the parent sees it */
		status = -1;
		{
			long pid;

			fflush(stdout);
			pid = fl_fork();
			if (pid == 0) {
				a[100] = 'c';
				fl_exit(0);
			}
			CHECK_EQ(fl_wait(pid, &status), pid);
		}
		CHECK_EQ(status, 0);
		CHECK_EQ(a[100], 'c');
		CHECK_EQ(sc(SYS_close, fd, 0, 0, 0), 0);
		a[0] = 'k'; /* the mappings keep the memory after close */
		CHECK_EQ(a[0], 'k');
		CHECK_EQ(b[5], 'm');
		CHECK_EQ(fl_munmap(a, 2 * PAGE), 0);
		CHECK_EQ(fl_munmap(b, PAGE), 0);
	}

	CASE(private_mappings_copy_on_write_and_leave_the_memfd_as_it_was)
	{
		long fd = memfd("priv", 0);
		char *p;

		CHECK_EQ(sc(SYS_ftruncate, fd, 2 * PAGE, 0, 0), 0);
		CHECK_EQ(sc(SYS_pwrite64, fd, (long)"orig", 4, 0), 4);
		p = map_fd(2 * PAGE, RW, FL_MAP_PRIVATE, fd, 0);
		CHECK((long)p > 0);
		CHECK(memcmp(p, "orig", 4) == 0);
		p[0] = 'O';
		CHECK_EQ(sc(SYS_pread64, fd, (long)buf, 4, 0), 4);
		CHECK(memcmp(buf, "orig", 4) == 0);
		CHECK_EQ(p[0], 'O');
		/* a page read, not written, follows the file as on Linux */
		CHECK_EQ(p[PAGE], 0);
		CHECK_EQ(sc(SYS_pwrite64, fd, (long)"n", 1, PAGE), 1);
		CHECK_EQ(p[PAGE], 'n');
		CHECK_EQ(sc(SYS_close, fd, 0, 0, 0), 0);
		CHECK_EQ(fl_munmap(p, 2 * PAGE), 0);
	}

	CASE(a_touch_past_the_end_of_the_memfd_is_sigbus)
	{
		long fd = memfd("short", 0);

		CHECK_EQ(sc(SYS_ftruncate, fd, 100, 0, 0), 0);
		beyond = map_fd(2 * PAGE, RW, FL_MAP_SHARED, fd, 0);
		CHECK((long)beyond > 0);
		beyond[99] = 1; /* the partial last page is whole in memory */
		CHECK_EQ(beyond[200], 0);
		status =
		    in_child(touch_beyond_the_end, "a_touch_past_the_end_of_the_memfd_is_sigbus",
			     "store page fault .*beyond the end of the object");
		CHECK(FL_WIFSIGNALED(status));
		CHECK_EQ(FL_WTERMSIG(status), SIGBUS);
		CHECK_EQ(sc(SYS_close, fd, 0, 0, 0), 0);
		CHECK_EQ(fl_munmap(beyond, 2 * PAGE), 0);
	}

	CASE(mmap_of_descriptors_fails_as_linux)
	{
		long fd = memfd("err", 0);

		CHECK_EQ((long)map_fd(PAGE, RW, FL_MAP_SHARED, 1, 0), -ENODEV);
		CHECK_EQ((long)map_fd(PAGE, RW, FL_MAP_SHARED, 70, 0), -EBADF);
		CHECK_EQ((long)map_fd(0, RW, FL_MAP_SHARED, 70, 0), -EBADF);
		CHECK_EQ((long)map_fd(0, RW, FL_MAP_SHARED, fd, 0), -EINVAL);
		CHECK_EQ((long)map_fd(PAGE, RW, FL_MAP_SHARED, fd, 100), -EINVAL);
		CHECK_EQ((long)map_fd(PAGE, RW, FL_MAP_SHARED, fd, -PAGE), -EOVERFLOW);
		CHECK_EQ((long)map_fd(PAGE, RW, 0, fd, 0), -EINVAL);
		CHECK_EQ(sc(SYS_close, fd, 0, 0, 0), 0);
	}

	/* the object's own frames go with its last reference: the runner's "all returned" */
	CASE(closing_and_unmapping_gives_every_frame_back)
	{
		struct fl_counters before, after;
		long fd;
		char *a;

		snap(&before);
		fd = memfd("gone", 0);
		CHECK_EQ(sc(SYS_ftruncate, fd, 64 * PAGE, 0, 0), 0);
		a = map_fd(64 * PAGE, RW, FL_MAP_SHARED, fd, 0);
		for (int i = 0; i < 64; i++)
			a[i * PAGE] = 1;
		CHECK_EQ(sc(SYS_close, fd, 0, 0, 0), 0);
		CHECK_EQ(fl_munmap(a, 64 * PAGE), 0);
		snap(&after);
		CHECK_EQ(after.rss_pages, before.rss_pages); /* other tasks run: only ours count */
	}

	return t_finish();
}
