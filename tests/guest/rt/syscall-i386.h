/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i386 part of syscall.h (included by it, not on its own): the system
 * call numbers of Linux 2.5.38 (include/asm-i386/unistd.h) and the calls
 * whose i386 form differs from x86_64's.  start-i386.S has "int $0x80".
 */
#ifndef RT_SYSCALL_ARCH_H
#define RT_SYSCALL_ARCH_H

#define __NR_exit		1
#define __NR_fork		2
#define __NR_read		3
#define __NR_write		4
#define __NR_open		5
#define __NR_close		6
#define __NR_unlink		10
#define __NR_execve		11
#define __NR_getpid		20
#define __NR_mount		21
#define __NR_alarm		27
#define __NR_pause		29
#define __NR_sync		36
#define __NR_kill		37
#define __NR_mkdir		39
#define __NR_pipe		42
#define __NR_times		43
#define __NR_brk		45
#define __NR_ioctl		54
#define __NR_fcntl		55
#define __NR_setpgid		57
#define __NR_dup2		63
#define __NR_gettimeofday	78
#define __NR_reboot		88
#define __NR_old_mmap		90
#define __NR_munmap		91
#define __NR_setitimer		104
#define __NR_wait4		114
#define __NR_ipc		117
#define __NR_clone		120
#define __NR_uname		122
#define __NR_mprotect		125
#define __NR_sched_yield	158
#define __NR_nanosleep		162
#define __NR_mremap		163
#define __NR_poll		168
#define __NR_prctl		172
#define __NR_rt_sigreturn	173
#define __NR_rt_sigaction	174
#define __NR_rt_sigprocmask	175
#define __NR_rt_sigpending	176
#define __NR_mmap2		192
#define __NR_gettid		224
#define __NR_tkill		238
#define __NR_futex		240
#define __NR_exit_group		252

/* calls of some tests only */
#define __NR_chdir		12
#define __NR_mknod		14
#define __NR_lseek		19
#define __NR_setrlimit		75
#define __NR_readlink		85
#define __NR_swapon		87
#define __NR_ftruncate		93
#define __NR_socketcall		102
#define __NR_sched_setscheduler	156
#define __NR_getuid32		199
#define __NR_setuid32		213
#define __NR_madvise		219
#define __NR_sched_setaffinity	241
#define __NR_alloc_hugepages	250
#define __NR_free_hugepages	251

/* an address of the kernel's (PAGE_OFFSET; TASK_SIZE is 0xc0000000) */
#define KERNEL_ADDR	0xc0000000UL
#define KERNEL_ADDR_STR	"0xc0000000"

/* ipc(2) multiplexer calls */
#define IPC_SHMAT	21
#define IPC_SHMDT	22
#define IPC_SHMGET	23
#define IPC_SHMCTL	24

/* mmap2: the offset in pages */
static inline void *sys_mmap(void *addr, size_t len, int prot, int flags,
			     int fd, unsigned long pgoff)
{ return (void *)SC6(__NR_mmap2, addr, len, prot, flags, fd, pgoff); }
/* old_mmap takes one pointer to all six arguments, offset in bytes */
struct mmap_arg_struct {
	unsigned long addr, len, prot, flags, fd, offset;
};
static inline void *sys_old_mmap(struct mmap_arg_struct *a)
{ return (void *)SC1(__NR_old_mmap, a); }

/* SysV shm through the ipc(2) multiplexer, as 2.5.38 i386 has it */
static inline long sys_shmget(int key, size_t size, int flags)
{ return SC5(__NR_ipc, IPC_SHMGET, key, size, flags, 0); }
static inline long sys_shmat(int id, const void *addr, int flags,
			     unsigned long *raddr)
{ return SC5(__NR_ipc, IPC_SHMAT, id, flags, raddr, addr); }
static inline long sys_shmdt(const void *addr)
{ return SC5(__NR_ipc, IPC_SHMDT, 0, 0, 0, addr); }
static inline long sys_shmctl(int id, int cmd, void *buf)
{ return SC5(__NR_ipc, IPC_SHMCTL, id, cmd, 0, buf); }

/*
 * sys_futex(uaddr, op, val, utime): utime is a relative timeout for
 * FUTEX_WAIT (NULL = forever); 2.5.38 ignores the 5th/6th arguments,
 * later kernels read them for other ops, so they are passed as 0.
 */
static inline long sys_futex(volatile int *uaddr, int op, int val,
			     const struct timespec *utime)
{ return SC4(__NR_futex, uaddr, op, val, utime); }

static inline u64 rt_rdtsc(void)
{
	u64 t;
	__asm__ __volatile__("rdtsc" : "=A"(t));
	return t;
}

/* the 32-bit uid calls (setuid, getuid are the 16-bit ones) */
static inline long sys_setuid(int uid)
{ return SC1(__NR_setuid32, uid); }
static inline long sys_getuid(void)
{ return SC0(__NR_getuid32); }

#endif /* RT_SYSCALL_ARCH_H */
