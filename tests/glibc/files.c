/* Descriptors as static glibc uses them: stdout on the console is a terminal and so line
 * buffered (its lines keep their order with stderr's), dup/fcntl/close, and memfd_create
 * with ftruncate, shared and private mappings and a forked child's writes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio_ext.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "check.h"

int main(void)
{
	CASE(stdout_on_the_console_is_a_line_buffered_terminal)
	{
		struct stat st;
		struct termios t;

		CHECK_EQ(isatty(0), 1);
		CHECK_EQ(isatty(1), 1);
		CHECK_EQ(isatty(2), 1);
		CHECK_EQ(fstat(1, &st), 0);
		CHECK(S_ISCHR(st.st_mode));
		CHECK_EQ(tcgetattr(1, &t), 0);
		CHECK(t.c_lflag & ICANON);
		/* a line is written at its newline, before what stderr writes next */
		printf("files: a partial line");
		CHECK(__fpending(stdout) > 0);
		printf(" ends here\n");
		CHECK_EQ(__fpending(stdout), 0);
		CHECK(__flbf(stdout));
		fprintf(stderr, "files: stderr's line comes after it\n");
	}

	CASE(dup_fcntl_and_close_behave_as_on_linux)
	{
		int d = dup(1), e;

		CHECK(d >= 3);
		CHECK_EQ(write(d, "files: through a dup\n", 21), 21);
		e = fcntl(d, F_DUPFD_CLOEXEC, 10);
		CHECK(e >= 10);
		CHECK_EQ(fcntl(e, F_GETFD), FD_CLOEXEC);
		CHECK_EQ(fcntl(d, F_GETFD), 0);
		CHECK_EQ(fcntl(d, F_GETFL) & O_ACCMODE, O_RDWR);
		CHECK_EQ(dup2(d, d), d);
		CHECK_EQ(dup3(d, d, 0), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(close(e), 0);
		CHECK_EQ(close(d), 0);
		CHECK_EQ(close(d), -1);
		CHECK_EQ(errno, EBADF);
		CHECK_EQ(lseek(1, 0, SEEK_CUR), -1);
		CHECK_EQ(errno, ESPIPE);
		CHECK_EQ(open("/etc/passwd", O_RDONLY), -1);
		CHECK_EQ(errno, ENOENT);
	}

	CASE(memfd_shared_and_private_mappings_and_a_child_see_what_linux_shows)
	{
		const long page = sysconf(_SC_PAGESIZE);
		int fd = memfd_create("files", MFD_CLOEXEC);
		char *shared, *private, buf[8] = { 0 };
		struct stat st;
		int status = -1;
		pid_t pid;

		CHECK(fd >= 0);
		CHECK_EQ(ftruncate(fd, 2 * page), 0);
		CHECK_EQ(fstat(fd, &st), 0);
		CHECK(S_ISREG(st.st_mode));
		CHECK_EQ(st.st_size, 2 * page);
		shared = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		private = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
		CHECK(shared != MAP_FAILED && private != MAP_FAILED);
		strcpy(shared, "one");
		CHECK_EQ(pread(fd, buf, 4, 0), 4);
		CHECK(strcmp(buf, "one") == 0);
		CHECK(strcmp(private, "one") == 0);
		strcpy(private, "own"); /* copy on write: the memfd keeps "one" */
		CHECK(strcmp(shared, "one") == 0);
		pid = fork();
		if (pid == 0) {
			strcpy(shared + page, "child");
			_exit(0);
		}
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		CHECK_EQ(status, 0);
		CHECK(strcmp(shared + page, "child") == 0);
		CHECK_EQ(pread(fd, buf, 6, page), 6);
		CHECK(strcmp(buf, "child") == 0);
		CHECK(strcmp(private + page, "child") == 0); /* not yet written: the file's page */
		CHECK_EQ(close(fd), 0);
		CHECK(strcmp(shared, "one") == 0); /* the mapping outlives the descriptor */
		CHECK_EQ(munmap(shared, 2 * page), 0);
		CHECK_EQ(munmap(private, 2 * page), 0);
	}

	return check_finish();
}
