/* Error numbers: Linux's values, returned negated (-ENOMEM) by every function that can fail. */
#ifndef FAULTLINE_PLATFORM_ERRNO_H
#define FAULTLINE_PLATFORM_ERRNO_H

#define EPERM	   1
#define ENOENT	   2
#define ESRCH	   3
#define EINTR	   4
#define EIO	   5
#define ENXIO	   6
#define E2BIG	   7
#define ENOEXEC	   8
#define EBADF	   9
#define ECHILD	   10
#define EAGAIN	   11
#define ENOMEM	   12
#define EACCES	   13
#define EFAULT	   14
#define EBUSY	   16
#define EEXIST	   17
#define ENODEV	   19
#define ENOTDIR	   20
#define EINVAL	   22
#define EMFILE	   24
#define ENOTTY	   25
#define EFBIG	   27
#define ENOSPC	   28
#define ESPIPE	   29
#define ERANGE	   34
#define EDEADLK	   35
#define ENOSYS	   38
#define EOVERFLOW  75
#define EOPNOTSUPP 95
#define ETIMEDOUT  110

#endif
