/* Semihosting calls (the Arm semihosting interface as the RISC-V semihosting spec carries
 * it): a0 = operation, a1 = parameter block; the host answers in a0. */
#include "firmware/semihost.h"

#include "firmware/extable.h"
#include "platform/errno.h"

#define SEMIHOST_SYS_OPEN		      0x01
#define SEMIHOST_SYS_CLOSE		      0x02
#define SEMIHOST_SYS_WRITE		      0x05
#define SEMIHOST_SYS_EXIT		      0x18
#define SEMIHOST_OPEN_WB		      5 /* fopen() mode "wb" in the spec's numbering */
#define SEMIHOST_ADP_STOPPED_APPLICATION_EXIT 0x20026

/*
 * The ebreak between "slli x0, x0, 0x1f" and "srai x0, x0, 7" is what marks a semihosting
 * request; the three must be uncompressed and on one page, hence the alignment. A host that
 * is not listening leaves a breakpoint trap, whose fixup returns -EFAULT in a0.
 */
static long call(unsigned long op, const void *params)
{
	register unsigned long a0 __asm__("a0") = op;
	register const void *a1 __asm__("a1") = params;

	__asm__ volatile(".option push\n"
			 ".option norvc\n"
			 ".balign 16\n"
			 "slli x0, x0, 0x1f\n"
			 "1: ebreak\n"
			 "srai x0, x0, 7\n"
			 ".option pop\n"
			 "2:\n" EXTABLE_ENTRY(1b, 2b)
			 : "+r"(a0)
			 : "r"(a1)
			 : "memory");
	return (long)a0;
}

int semihost_exit(int code)
{
	/* on RV64, SYS_EXIT takes a block of two words: the reason and the exit status */
	const unsigned long block[2] = { SEMIHOST_ADP_STOPPED_APPLICATION_EXIT,
					 (unsigned long)code };

	(void)call(SEMIHOST_SYS_EXIT, block);
	return -ENOSYS;
}

int semihost_open_write(const char *path)
{
	unsigned long len = 0;
	unsigned long block[3];
	long fd;

	while (path[len])
		len++;
	block[0] = (unsigned long)path;
	block[1] = SEMIHOST_OPEN_WB;
	block[2] = len;
	fd = call(SEMIHOST_SYS_OPEN, block);
	if (fd == -EFAULT)
		return -ENOSYS;
	return fd < 0 ? -EIO : (int)fd;
}

int semihost_write(int fd, const void *buf, size_t n)
{
	const unsigned long block[3] = { (unsigned long)fd, (unsigned long)buf, n };

	/* the host answers with the bytes it did not write */
	return call(SEMIHOST_SYS_WRITE, block) == 0 ? 0 : -EIO;
}

void semihost_close(int fd)
{
	const unsigned long block[1] = { (unsigned long)fd };

	(void)call(SEMIHOST_SYS_CLOSE, block);
}
