/* Trap tests of descriptors on the console: what fstat, the terminal ioctls, dup, fcntl,
 * close, the vector and positioned calls answer, and their errors, as Linux 6.1 gives them
 * for /dev/console. */
#include "t.h"

#define ENOTDIR	   20
#define EMFILE	   24
#define ENOTTY	   25
#define ESPIPE	   29
#define O_RDWR	   02
#define O_APPEND   02000
#define O_NONBLOCK 04000
#define O_CLOEXEC  02000000

#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_DUPFD_CLOEXEC 1030

#define AT_FDCWD      (-100)
#define AT_EMPTY_PATH 0x1000
#define TCGETS	      0x5401
#define TCSETS	      0x5402
#define TCSETSF	      0x5404
#define TIOCGWINSZ    0x5413
#define FD_MAX	      128

struct k_termios {
	unsigned int iflag, oflag, cflag, lflag;
	unsigned char line, cc[19];
};

struct k_iovec {
	const void *base;
	unsigned long len;
};

static long sc(long nr, long a0, long a1, long a2, long a3)
{
	return fl_syscall(nr, a0, a1, a2, a3, 0, 0);
}

static long fd_close(long fd)
{
	return sc(SYS_close, fd, 0, 0, 0);
}

static void child_checks_its_inherited_descriptor(void)
{
	/* descriptor 9 came from the parent's dup: same open file, so F_GETFL sees its flag */
	fl_exit(sc(SYS_fcntl, 9, F_GETFL, 0, 0) == (O_RDWR | O_APPEND) ? 0 : 1);
}

int main(int argc, char **argv)
{
	struct k_stat st;
	int status;

	/* the program execve started below: 5 kept, 6 (close-on-exec) closed */
	if (argc > 1 && strcmp(argv[1], "exec-cloexec") == 0)
		return sc(SYS_fcntl, 5, F_GETFD, 0, 0) == 0 &&
			       sc(SYS_fcntl, 6, F_GETFD, 0, 0) == -EBADF
			   ? 0
			   : 3;

	CASE(fstat_of_the_console_says_character_device_5_1_as_linux)
	{
		CHECK_EQ(sc(SYS_fstat, 1, (long)&st, 0, 0), 0);
		CHECK_EQ(st.mode, 020600);
		CHECK_EQ(st.rdev, 0x501);
		CHECK_EQ(st.blksize, 4096);
		CHECK_EQ(st.size, 0);
		CHECK_EQ(sc(SYS_fstat, 50, (long)&st, 0, 0), -EBADF);
		CHECK_EQ(sc(SYS_fstat, -1, (long)&st, 0, 0), -EBADF);
		CHECK_EQ(sc(SYS_fstat, 1, 8, 0, 0), -EFAULT);
	}

	CASE(newfstatat_with_an_empty_path_is_fstat_and_a_path_finds_nothing)
	{
		st.mode = 0;
		CHECK_EQ(sc(SYS_newfstatat, 2, (long)"", (long)&st, AT_EMPTY_PATH), 0);
		CHECK_EQ(st.mode, 020600);
		CHECK_EQ(sc(SYS_newfstatat, 2, (long)"", (long)&st, 0), -ENOENT);
		CHECK_EQ(sc(SYS_newfstatat, 2, 0, (long)&st, AT_EMPTY_PATH), -EFAULT);
		CHECK_EQ(sc(SYS_newfstatat, 2, (long)"", (long)&st, 0x80000000), -EINVAL);
		CHECK_EQ(sc(SYS_newfstatat, 40, (long)"", (long)&st, AT_EMPTY_PATH), -EBADF);
		CHECK_EQ(sc(SYS_newfstatat, AT_FDCWD, (long)"/etc/passwd", (long)&st, 0), -ENOENT);
		CHECK_EQ(sc(SYS_newfstatat, 1, (long)"x", (long)&st, 0), -ENOTDIR);
		CHECK_EQ(sc(SYS_newfstatat, 40, (long)"x", (long)&st, 0), -EBADF);
	}

	CASE(the_console_answers_tcgets_tcsets_and_tiocgwinsz_and_nothing_else)
	{
		struct k_termios t, saved;
		unsigned short ws[4] = { 9, 9, 9, 9 };

		CHECK_EQ(sc(SYS_ioctl, 0, TCGETS, (long)&saved, 0), 0);
		CHECK_EQ(saved.lflag & 2, 2); /* ICANON */
		CHECK_EQ(saved.oflag, 05);    /* OPOST | ONLCR */
		t = saved;
		t.lflag &= ~2u;
		CHECK_EQ(sc(SYS_ioctl, 1, TCSETS, (long)&t, 0), 0);
		CHECK_EQ(sc(SYS_ioctl, 2, TCGETS, (long)&t, 0), 0);
		CHECK_EQ(t.lflag & 2, 0); /* one terminal behind every descriptor */
		CHECK_EQ(sc(SYS_ioctl, 1, TCSETSF, (long)&saved, 0), 0);
		CHECK_EQ(sc(SYS_ioctl, 1, TCGETS, (long)&t, 0), 0);
		CHECK_EQ(t.lflag, saved.lflag);
		CHECK_EQ(sc(SYS_ioctl, 1, TIOCGWINSZ, (long)ws, 0), 0);
		CHECK_EQ(ws[0] + ws[1], 0); /* a serial line's size is unknown: 0 x 0, as Linux */
		CHECK_EQ(sc(SYS_ioctl, 1, TCGETS, 8, 0), -EFAULT);
		CHECK_EQ(sc(SYS_ioctl, 1, 0x5501, 0, 0), -ENOTTY);
		CHECK_EQ(sc(SYS_ioctl, 33, TCGETS, (long)&t, 0), -EBADF);
	}

	CASE(dup_dup3_and_fcntl_share_the_open_file_and_keep_cloexec_per_descriptor)
	{
		long d = sc(SYS_dup, 1, 0, 0, 0);

		CHECK_EQ(d, 3); /* the lowest free descriptor */
		CHECK_EQ(fl_write(d, "", 0), 0);
		CHECK_EQ(sc(SYS_fcntl, d, F_GETFD, 0, 0), 0);
		CHECK_EQ(sc(SYS_dup3, 1, 7, O_CLOEXEC, 0), 7);
		CHECK_EQ(sc(SYS_fcntl, 7, F_GETFD, 0, 0), 1);
		CHECK_EQ(sc(SYS_fcntl, 7, F_SETFD, 0, 0), 0);
		CHECK_EQ(sc(SYS_fcntl, 7, F_GETFD, 0, 0), 0);
		CHECK_EQ(sc(SYS_fcntl, 1, F_DUPFD, 5, 0), 5);
		CHECK_EQ(sc(SYS_fcntl, 1, F_DUPFD_CLOEXEC, 5, 0), 6);
		CHECK_EQ(sc(SYS_fcntl, 6, F_GETFD, 0, 0), 1);
		CHECK_EQ(sc(SYS_fcntl, 1, F_GETFL, 0, 0), O_RDWR);
		/* F_SETFL changes the open file, seen through every descriptor; not its mode */
		CHECK_EQ(sc(SYS_fcntl, 7, F_SETFL, O_APPEND | O_NONBLOCK, 0), 0);
		CHECK_EQ(sc(SYS_fcntl, 2, F_GETFL, 0, 0), O_RDWR | O_APPEND | O_NONBLOCK);
		CHECK_EQ(sc(SYS_fcntl, 2, F_SETFL, 0, 0), 0);
		CHECK_EQ(sc(SYS_fcntl, 1, F_GETFL, 0, 0), O_RDWR);
		CHECK_EQ(sc(SYS_dup3, 1, 3, 0, 0),
			 3); /* over an open descriptor: closes it first */
		for (long fd = 3; fd <= 7; fd++)
			CHECK_EQ(fd_close(fd), fd == 4 ? -EBADF : 0);
	}

	CASE(dup_fcntl_and_close_errors_are_those_of_linux)
	{
		CHECK_EQ(sc(SYS_dup, 60, 0, 0, 0), -EBADF);
		CHECK_EQ(sc(SYS_dup3, 1, 1, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_dup3, 1, 5, O_NONBLOCK, 0), -EINVAL);
		CHECK_EQ(sc(SYS_dup3, 1, FD_MAX, 0, 0), -EBADF);
		CHECK_EQ(sc(SYS_dup3, 1, -1, 0, 0), -EBADF);
		CHECK_EQ(sc(SYS_dup3, 60, 5, 0, 0), -EBADF);
		CHECK_EQ(sc(SYS_fcntl, 1, F_DUPFD, -1, 0), -EINVAL);
		CHECK_EQ(sc(SYS_fcntl, 1, F_DUPFD, FD_MAX, 0), -EINVAL);
		CHECK_EQ(sc(SYS_fcntl, 1, 12345, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_fcntl, 60, F_GETFL, 0, 0), -EBADF);
		CHECK_EQ(fd_close(60), -EBADF);
		CHECK_EQ(fd_close(-1), -EBADF);
		CHECK_EQ(fd_close(FD_MAX), -EBADF);
	}

	CASE(a_full_table_is_emfile_and_closing_gives_the_lowest_back)
	{
		long fd, last = -1;

		while ((fd = sc(SYS_dup, 1, 0, 0, 0)) >= 0)
			last = fd;
		CHECK_EQ(fd, -EMFILE);
		CHECK_EQ(last, FD_MAX - 1);
		CHECK_EQ(sc(SYS_fcntl, 1, F_DUPFD, 10, 0), -EMFILE);
		CHECK_EQ(fd_close(40), 0);
		CHECK_EQ(sc(SYS_dup, 2, 0, 0, 0), 40);
		for (fd = 3; fd < FD_MAX; fd++)
			CHECK_EQ(fd_close(fd), 0);
	}

	CASE(close_of_stdout_then_write_is_ebadf_and_dup_brings_it_back)
	{
		long saved = sc(SYS_dup, 1, 0, 0, 0);

		CHECK_EQ(fd_close(1), 0);
		CHECK_EQ(fl_write(1, "x", 1), -EBADF);
		CHECK_EQ(sc(SYS_fstat, 1, (long)&st, 0, 0), -EBADF);
		CHECK_EQ(sc(SYS_dup, saved, 0, 0, 0), 1); /* the lowest free: 1 again */
		CHECK_EQ(fd_close(saved), 0);
		CHECK_EQ(fl_write(1, "", 0), 0);
	}

	CASE(writev_and_readv_take_linux_iovecs_and_check_them_all_first)
	{
		static struct k_iovec iov[1025];
		struct k_iovec two[2] = { { "writev ", 7 }, { "ok\n", 3 } };
		char buf[4];
		struct k_iovec rd[1] = { { buf, sizeof(buf) } };

		CHECK_EQ(sc(SYS_writev, 1, (long)two, 2, 0), 10);
		CHECK_EQ(sc(SYS_writev, 1, (long)two, 0, 0), 0);
		CHECK_EQ(sc(SYS_writev, 1, (long)iov, 1025, 0), -EINVAL);
		CHECK_EQ(sc(SYS_writev, 1, (long)iov, -1, 0), -EINVAL);
		two[1].len = (unsigned long)-1;
		CHECK_EQ(sc(SYS_writev, 1, (long)two, 2, 0), -EINVAL); /* nothing written first */
		two[1].len = 3;
		two[1].base = (void *)0x4000000000l;
		CHECK_EQ(sc(SYS_writev, 1, (long)two, 2, 0), -EFAULT);
		CHECK_EQ(sc(SYS_writev, 1, 8, 1, 0), -EFAULT);
		CHECK_EQ(sc(SYS_writev, 44, (long)two, 2, 0), -EBADF);
		for (int i = 0; i < 1024; i++)
			iov[i] = (struct k_iovec){ "", 0 };
		CHECK_EQ(sc(SYS_writev, 1, (long)iov, 1024, 0), 0); /* 1024 is the limit, allowed */
		CHECK_EQ(sc(SYS_readv, 0, (long)rd, 1, 0), 0);	    /* the input is at its end */
		CHECK_EQ(sc(SYS_readv, 0, 8, 1, 0), -EFAULT);
	}

	CASE(lseek_pread_and_pwrite_on_the_console_are_espipe)
	{
		char c;

		CHECK_EQ(sc(SYS_lseek, 1, 0, 1, 0), -ESPIPE);
		CHECK_EQ(sc(SYS_pread64, 0, (long)&c, 1, 0), -ESPIPE);
		CHECK_EQ(sc(SYS_pwrite64, 1, (long)"x", 1, 0), -ESPIPE);
		CHECK_EQ(sc(SYS_pwrite64, 1, (long)"x", 1, -1), -EINVAL); /* checked first */
		CHECK_EQ(sc(SYS_pread64, 30, (long)&c, 1, 0), -EBADF);
		CHECK_EQ(sc(SYS_lseek, 30, 0, 0, 0), -EBADF);
		CHECK_EQ(sc(SYS_ftruncate, 1, 0, 0, 0), -EINVAL);
	}

	CASE(paths_name_nothing_openat_and_readlinkat_are_enoent)
	{
		char buf[8];

		CHECK_EQ(sc(SYS_openat, AT_FDCWD, (long)"/dev/console", 2, 0), -ENOENT);
		CHECK_EQ(sc(SYS_openat, AT_FDCWD, 8, 0, 0), -EFAULT);
		CHECK_EQ(sc(SYS_readlinkat, AT_FDCWD, (long)"/proc/self/exe", (long)buf, 8),
			 -ENOENT);
	}

	CASE(fork_shares_open_files_and_exec_keeps_all_but_cloexec)
	{
		CHECK_EQ(sc(SYS_dup3, 1, 9, 0, 0), 9);
		CHECK_EQ(sc(SYS_fcntl, 9, F_SETFL, O_APPEND, 0), 0);
		status = in_child(child_checks_its_inherited_descriptor, NULL, NULL);
		CHECK(FL_WIFEXITED(status));
		CHECK_EQ(FL_WEXITSTATUS(status), 0);
		CHECK_EQ(sc(SYS_fcntl, 9, F_SETFL, 0, 0), 0);
		CHECK_EQ(fd_close(9), 0);
	}

	CASE(execve_closes_cloexec_descriptors_and_keeps_the_others)
	{
		long pid;

		CHECK_EQ(sc(SYS_dup3, 1, 5, 0, 0), 5);
		CHECK_EQ(sc(SYS_dup3, 1, 6, O_CLOEXEC, 0), 6);
		fflush(stdout);
		pid = fl_fork();
		if (pid == 0) {
			static const char *const args[] = { "files.elf", "exec-cloexec", 0 };

			sc(SYS_execve, (long)"files.elf", (long)args, 0, 0);
			fl_exit(4);
		}
		CHECK(pid > 0);
		CHECK_EQ(fl_wait(pid, &status), pid);
		CHECK_EQ(status, 0);
		CHECK_EQ(sc(SYS_fcntl, 6, F_GETFD, 0, 0), 1); /* the parent's stay as they were */
		CHECK_EQ(fd_close(5), 0);
		CHECK_EQ(fd_close(6), 0);
	}

	return t_finish();
}
