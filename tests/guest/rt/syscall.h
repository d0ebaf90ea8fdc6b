/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw Linux system calls for the freestanding guest runtime: what i386
 * and x86_64 share.  The system call numbers and what differs between
 * the two are in syscall-i386.h and syscall-x86_64.h, included below.
 *
 * Everything here follows the kernel convention: a call returns the raw
 * %eax / %rax value, i.e. a negative errno on failure.  There is no
 * errno.
 *
 * Constants and structure layouts are those of the guest kernels: Linux
 * 2.5.38 on i386 (include/asm-i386/unistd.h, signal.h, ...), and on
 * x86_64 the 2.5.38 core with the arch code of 2.5.42
 * (include/asm-x86_64/).  Structures are written with long and pointer
 * members where the kernel's are long (timespec, timeval, rlimit,
 * sigaction, ...), so that one definition has the layout of either.
 * The ABI is unchanged in later kernels, so the same binaries also run
 * on this host (the i386 one under IA32 emulation), which is how the
 * runtime is tested without a guest.
 */
#ifndef RT_SYSCALL_H
#define RT_SYSCALL_H

typedef __SIZE_TYPE__ size_t;
typedef long ssize_t;
typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long s64;

#define NULL ((void *)0)
#define INT_MAX 0x7fffffff

/* errno values (asm-generic/errno.h: i386 and x86_64 alike) */
#define EPERM		1
#define ENOENT		2
#define ESRCH		3
#define EINTR		4
#define EIO		5
#define EBADF		9
#define ECHILD		10
#define EAGAIN		11
#define EWOULDBLOCK	EAGAIN
#define ENOMEM		12
#define EACCES		13
#define EFAULT		14
#define EBUSY		16
#define EEXIST		17
#define EINVAL		22
#define ENFILE		23
#define EMFILE		24
#define ENOTTY		25
#define ENOSPC		28
#define ENOSYS		38
#define ETIMEDOUT	110

/* open(2) */
#define O_RDONLY	0
#define O_WRONLY	1
#define O_RDWR		2
#define O_CREAT		0100
#define O_NOCTTY	0400
#define O_TRUNC		01000

#define F_GETFD		1

/* mmap(2) */
#define PROT_NONE	0
#define PROT_READ	1
#define PROT_WRITE	2
#define PROT_EXEC	4
#define MAP_SHARED	0x01
#define MAP_PRIVATE	0x02
#define MAP_FIXED	0x10
#define MAP_ANONYMOUS	0x20
#define MAP_FAILED	((void *)-1)
#define MREMAP_MAYMOVE	1
#define PAGE_SIZE	4096

/* clone(2), 2.5.38 include/linux/sched.h */
#define CSIGNAL		0x000000ff
#define CLONE_VM	0x00000100
#define CLONE_FS	0x00000200
#define CLONE_FILES	0x00000400
#define CLONE_SIGHAND	0x00000800
#define CLONE_THREAD	0x00010000
/*
 * 2.5.38: CLONE_SETTID stores the child's pid at the address in %edx
 * (x86_64: %rdx) in the parent's context, before clone returns;
 * CLONE_CLEARTID makes mm_release() store 0 there and FUTEX_WAKE(1) it
 * when the child exits.  Later kernels renamed the bits
 * CLONE_PARENT_SETTID (%edx, %rdx) and CLONE_CHILD_CLEARTID (%edi,
 * %r10); rt_clone() passes the same address in both registers so the
 * bits mean the same thing on either kernel.
 */
#define CLONE_SETTID	0x00100000
#define CLONE_CLEARTID	0x00200000

/* wait4(2) */
#define WNOHANG		0x00000001
#define __WCLONE	0x80000000
#define __WALL		0x40000000
#define WIFEXITED(s)	(((s) & 0x7f) == 0)
#define WEXITSTATUS(s)	(((s) >> 8) & 0xff)
#define WIFSIGNALED(s)	(((s) & 0x7f) != 0 && ((s) & 0x7f) != 0x7f)
#define WTERMSIG(s)	((s) & 0x7f)

/* signals (include/asm-i386/signal.h; asm-x86_64/signal.h: the same) */
#define SIGHUP		1
#define SIGINT		2
#define SIGKILL		9
#define SIGUSR1		10
#define SIGSEGV		11
#define SIGUSR2		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGCHLD		17
#define SIGIO		29
#define _NSIG		64

#define SA_NOCLDSTOP	0x00000001
#define SA_SIGINFO	0x00000004
#define SA_RESTORER	0x04000000
#define SA_RESTART	0x10000000
#define SA_NODEFER	0x40000000
#define SA_RESETHAND	0x80000000
#define SIG_DFL		((void *)0)
#define SIG_IGN		((void *)1)
#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2

/* _NSIG / 32 words; on x86_64 the kernel's one 64-bit word (the same
 * bits, little-endian) */
typedef struct { u32 sig[2]; } sigset_t;

/*
 * The rt_sigaction() layout: handler, flags, restorer, mask (i386's
 * struct sigaction, x86_64's struct sigaction; x86_64 always delivers
 * the rt frame, and only to an SA_RESTORER restorer: rt.c sets it).
 */
struct k_sigaction {
	void *handler;
	unsigned long flags;
	void (*restorer)(void);
	sigset_t mask;
};

/*
 * 2.5.38 asm-generic/siginfo.h (i386 and x86_64 alike), only the members
 * the tests look at.  The union holds a pointer: on x86_64 it starts at
 * offset 16, as the kernel's does.  2.5.38's si_band is an int; later
 * kernels made it a long, so on a modern x86_64 kernel si_fd is at
 * offset 24, not 20 (only basic_fd_signal reads it, a FUTEX_FD test
 * that SKIPs there).
 */
typedef struct {
	int si_signo;
	int si_errno;
	int si_code;
	union {
		int pad[29];
		void *addr;				/* SIGSEGV, SIGBUS */
		struct { int pid; unsigned int uid; } kill;
		struct { int band; int fd; } poll;	/* SIGPOLL / F_SETSIG */
	} u;
} siginfo_t;

#define POLL_IN		1	/* si_code of a SIGIO-style signal */

/* poll(2) */
struct pollfd {
	int fd;
	short events;
	short revents;
};
#define POLLIN		0x0001
#define POLLPRI		0x0002
#define POLLOUT		0x0004
#define POLLERR		0x0008
#define POLLHUP		0x0010
#define POLLNVAL	0x0020
#define POLLRDNORM	0x0040

struct timespec { long tv_sec; long tv_nsec; };
struct timeval { long tv_sec; long tv_usec; };
struct itimerval { struct timeval it_interval, it_value; };
#define ITIMER_REAL	0

struct utsname {
	char sysname[65], nodename[65], release[65];
	char version[65], machine[65], domainname[65];
};

/* futex(2), 2.5.38 include/linux/futex.h */
#define FUTEX_WAIT	0
#define FUTEX_WAKE	1
#define FUTEX_FD	2

/* SysV IPC flags (the calls: syscall-<arch>.h) */
#define IPC_PRIVATE	0
#define IPC_CREAT	01000
#define IPC_RMID	0

/* reboot(2) */
#define LINUX_REBOOT_MAGIC1	0xfee1dead
#define LINUX_REBOOT_MAGIC2	672274793
#define LINUX_REBOOT_CMD_RESTART 0x01234567

#define TCSBRK		0x5409
#define PR_SET_CHILD_SUBREAPER	36	/* host mode only; not in 2.5.38 */

/*
 * rt_syscall() is in start-<arch>.S: i386 "int $0x80", x86_64 "syscall".
 * It is an ordinary function call for the compiler, and it keeps every
 * register the C ABI says it must, so it does not matter what 2.5-era
 * syscalls do to their argument registers (i386: saves and restores
 * %ebx, %esi, %edi and %ebp around the call; x86_64: the arguments are
 * in call-clobbered registers anyway, and so are %rcx and %r11, which
 * "syscall" overwrites).
 */
long rt_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

#define _SC(nr, a, b, c, d, e, f) \
	rt_syscall((nr), (long)(a), (long)(b), (long)(c), (long)(d), \
		   (long)(e), (long)(f))
#define SC0(nr)			_SC(nr, 0, 0, 0, 0, 0, 0)
#define SC1(nr, a)		_SC(nr, a, 0, 0, 0, 0, 0)
#define SC2(nr, a, b)		_SC(nr, a, b, 0, 0, 0, 0)
#define SC3(nr, a, b, c)	_SC(nr, a, b, c, 0, 0, 0)
#define SC4(nr, a, b, c, d)	_SC(nr, a, b, c, d, 0, 0)
#define SC5(nr, a, b, c, d, e)	_SC(nr, a, b, c, d, e, 0)
#define SC6(nr, a, b, c, d, e, f) _SC(nr, a, b, c, d, e, f)

/* a pointer result (mmap) is an error if it is in the last page */
#define IS_ERR_VALUE(x)	((unsigned long)(x) >= (unsigned long)-4095)

__attribute__((noreturn)) void sys_exit(int code);

#if defined(__x86_64__)
#include "syscall-x86_64.h"
#elif defined(__i386__)
#include "syscall-i386.h"
#else
#error "the guest runtime is for i386 and x86_64"
#endif

static inline long sys_read(int fd, void *buf, size_t n)
{ return SC3(__NR_read, fd, buf, n); }
static inline long sys_write(int fd, const void *buf, size_t n)
{ return SC3(__NR_write, fd, buf, n); }
static inline long sys_open(const char *path, int flags, int mode)
{ return SC3(__NR_open, path, flags, mode); }
static inline long sys_close(int fd)
{ return SC1(__NR_close, fd); }
static inline long sys_dup2(int oldfd, int newfd)
{ return SC2(__NR_dup2, oldfd, newfd); }
static inline long sys_fcntl(int fd, int cmd, long arg)
{ return SC3(__NR_fcntl, fd, cmd, arg); }
static inline long sys_ioctl(int fd, unsigned int cmd, long arg)
{ return SC3(__NR_ioctl, fd, cmd, arg); }
static inline long sys_pipe(int fds[2])
{ return SC1(__NR_pipe, fds); }
static inline long sys_unlink(const char *path)
{ return SC1(__NR_unlink, path); }
static inline long sys_mkdir(const char *path, int mode)
{ return SC2(__NR_mkdir, path, mode); }
static inline long sys_mount(const char *dev, const char *dir,
			     const char *type, unsigned long flags,
			     const void *data)
{ return SC5(__NR_mount, dev, dir, type, flags, data); }
static inline long sys_execve(const char *path, char *const argv[],
			      char *const envp[])
{ return SC3(__NR_execve, path, argv, envp); }
static inline long sys_sync(void)
{ return SC0(__NR_sync); }

/* fork() returns through rt_syscall's frame in both processes: fine,
 * the child has its own copy of the stack. */
static inline long sys_fork(void)
{ return SC0(__NR_fork); }
static inline long sys_wait4(int pid, int *status, int options, void *ru)
{ return SC4(__NR_wait4, pid, status, options, ru); }
static inline long sys_waitpid(int pid, int *status, int options)
{ return sys_wait4(pid, status, options, NULL); }
static inline long sys_getpid(void)
{ return SC0(__NR_getpid); }
static inline long sys_gettid(void)
{ return SC0(__NR_gettid); }
static inline long sys_setpgid(int pid, int pgid)
{ return SC2(__NR_setpgid, pid, pgid); }
static inline long sys_kill(int pid, int sig)
{ return SC2(__NR_kill, pid, sig); }
static inline long sys_tkill(int tid, int sig)
{ return SC2(__NR_tkill, tid, sig); }
static inline long sys_pause(void)
{ return SC0(__NR_pause); }
static inline long sys_sched_yield(void)
{ return SC0(__NR_sched_yield); }
static inline long sys_prctl(int opt, long a2, long a3, long a4, long a5)
{ return SC5(__NR_prctl, opt, a2, a3, a4, a5); }
static inline long sys_uname(struct utsname *u)
{ return SC1(__NR_uname, u); }
static inline long sys_reboot(unsigned int cmd)
{ return SC4(__NR_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, cmd, 0); }

static inline long sys_nanosleep(const struct timespec *req,
				 struct timespec *rem)
{ return SC2(__NR_nanosleep, req, rem); }
static inline long sys_gettimeofday(struct timeval *tv, void *tz)
{ return SC2(__NR_gettimeofday, tv, tz); }
static inline long sys_times(void *buf)
{ return SC1(__NR_times, buf); }
static inline long sys_alarm(unsigned int sec)
{ return SC1(__NR_alarm, sec); }
static inline long sys_setitimer(int which, const struct itimerval *v,
				 struct itimerval *old)
{ return SC3(__NR_setitimer, which, v, old); }

static inline long sys_rt_sigaction(int sig, const struct k_sigaction *act,
				    struct k_sigaction *old)
{ return SC4(__NR_rt_sigaction, sig, act, old, sizeof(sigset_t)); }
static inline long sys_rt_sigprocmask(int how, const sigset_t *set,
				      sigset_t *old)
{ return SC4(__NR_rt_sigprocmask, how, set, old, sizeof(sigset_t)); }
static inline long sys_rt_sigpending(sigset_t *set)
{ return SC2(__NR_rt_sigpending, set, sizeof(sigset_t)); }

/* sys_mmap(): syscall-<arch>.h */
static inline long sys_munmap(void *addr, size_t len)
{ return SC2(__NR_munmap, addr, len); }
static inline long sys_mprotect(void *addr, size_t len, int prot)
{ return SC3(__NR_mprotect, addr, len, prot); }
static inline void *sys_mremap(void *old, size_t oldlen, size_t newlen,
			       int flags)
{ return (void *)SC4(__NR_mremap, old, oldlen, newlen, flags); }
static inline long sys_brk(void *addr)
{ return SC1(__NR_brk, addr); }

static inline long sys_poll(struct pollfd *fds, unsigned int n, int ms)
{ return SC3(__NR_poll, fds, n, ms); }

#endif /* RT_SYSCALL_H */
