/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86_64 part of syscall.h (included by it, not on its own): the system
 * call numbers of the x86_64 guest kernel, whose arch code is that of
 * Linux 2.5.42 (include/asm-x86_64/unistd.h of history commit
 * 1595982cc0; later kernels kept them), and the calls whose x86_64 form
 * differs from i386's.  start-x86_64.S has "syscall": %rax the number,
 * the arguments in %rdi %rsi %rdx %r10 %r8 %r9.
 *
 * That table has no exit_group (sys_exit ends one task: all the runtime
 * uses), no mmap2 or old_mmap, no ipc(2) or socketcall(2) multiplexers
 * (one call each), and no 16-bit uid calls.
 */
#ifndef RT_SYSCALL_ARCH_H
#define RT_SYSCALL_ARCH_H

#define __NR_read		0
#define __NR_write		1
#define __NR_open		2
#define __NR_close		3
#define __NR_poll		7
#define __NR_mmap		9
#define __NR_mprotect		10
#define __NR_munmap		11
#define __NR_brk		12
#define __NR_rt_sigaction	13
#define __NR_rt_sigprocmask	14
#define __NR_rt_sigreturn	15
#define __NR_ioctl		16
#define __NR_pipe		22
#define __NR_sched_yield	24
#define __NR_mremap		25
#define __NR_shmget		29
#define __NR_shmat		30
#define __NR_shmctl		31
#define __NR_dup2		33
#define __NR_pause		34
#define __NR_nanosleep		35
#define __NR_alarm		37
#define __NR_setitimer		38
#define __NR_getpid		39
#define __NR_clone		56
#define __NR_fork		57
#define __NR_execve		59
#define __NR_exit		60
#define __NR_wait4		61
#define __NR_kill		62
#define __NR_uname		63
#define __NR_shmdt		67
#define __NR_fcntl		72
#define __NR_mkdir		83
#define __NR_unlink		87
#define __NR_gettimeofday	96
#define __NR_times		100
#define __NR_setpgid		109
#define __NR_rt_sigpending	127
#define __NR_prctl		157
#define __NR_sync		162
#define __NR_mount		165
#define __NR_reboot		169
#define __NR_gettid		186
#define __NR_tkill		200
#define __NR_futex		202

/* calls of some tests only */
#define __NR_lseek		8
#define __NR_madvise		28
#define __NR_sendmsg		46
#define __NR_recvmsg		47
#define __NR_socketpair		53
#define __NR_ftruncate		77
#define __NR_chdir		80
#define __NR_readlink		89
#define __NR_getuid		102
#define __NR_setuid		105
#define __NR_mknod		133
#define __NR_sched_setscheduler	144
#define __NR_setrlimit		160
#define __NR_swapon		167
#define __NR_sched_setaffinity	203	/* 2.5.38 declares it int: see
					 * sys_futex() below */

/* an address of the kernel's (__START_KERNEL_map, its text; 2.5.42's
 * TASK_SIZE is 0x7fc0000000) */
#define KERNEL_ADDR	0xffffffff80000000UL
#define KERNEL_ADDR_STR	"0xffffffff80000000"

/* mmap: the offset in bytes (the i386 wrapper's is in pages) */
static inline void *sys_mmap(void *addr, size_t len, int prot, int flags,
			     int fd, unsigned long pgoff)
{
	return (void *)SC6(__NR_mmap, addr, len, prot, flags, fd,
			   pgoff * PAGE_SIZE);
}

/* SysV shm: a call each; shmat returns the address (wrap_sys_shmat) */
static inline long sys_shmget(int key, size_t size, int flags)
{ return SC3(__NR_shmget, key, size, flags); }
static inline long sys_shmat(int id, const void *addr, int flags,
			     unsigned long *raddr)
{
	long r = SC3(__NR_shmat, id, addr, flags);

	if (IS_ERR_VALUE(r))
		return r;
	*raddr = r;
	return 0;
}
static inline long sys_shmdt(const void *addr)
{ return SC1(__NR_shmdt, addr); }
static inline long sys_shmctl(int id, int cmd, void *buf)
{ return SC3(__NR_shmctl, id, cmd, buf); }

/*
 * sys_futex(uaddr, op, val, utime): utime is a relative timeout for
 * FUTEX_WAIT (NULL = forever); 2.5.38 ignores the 5th/6th arguments,
 * later kernels read them for other ops, so they are passed as 0.
 *
 * 2.5.38 declares sys_futex() int (kernel/futex.c; so does 2.5.42),
 * and the x86_64 entry code passes the callee's %rax on as it is: an
 * error comes back zero-extended, 0x00000000fffffff5 for -EAGAIN.  The
 * futex tests test the futex code, not that width, so the result is
 * taken as the int the kernel returned (sign-extended here, the one
 * place).  rt_syscall_width (tests/runtime.c) checks the raw %rax and
 * reports the difference as a TODO.  -DRT_FUTEX_SIGN_EXTEND=0 (in
 * CFLAGS) returns the raw %rax instead.
 */
#ifndef RT_FUTEX_SIGN_EXTEND
#define RT_FUTEX_SIGN_EXTEND	1
#endif
static inline long sys_futex(volatile int *uaddr, int op, int val,
			     const struct timespec *utime)
{
	long r = SC4(__NR_futex, uaddr, op, val, utime);

	return RT_FUTEX_SIGN_EXTEND ? (long)(int)r : r;
}

static inline u64 rt_rdtsc(void)
{
	u32 lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (u64)hi << 32 | lo;
}

/* x86_64's uids are 32-bit in the plain calls */
static inline long sys_setuid(int uid)
{ return SC1(__NR_setuid, uid); }
static inline long sys_getuid(void)
{ return SC0(__NR_getuid); }

#endif /* RT_SYSCALL_ARCH_H */
