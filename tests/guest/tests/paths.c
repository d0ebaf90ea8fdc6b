// SPDX-License-Identifier: GPL-2.0
/*
 * Group "paths": kernel paths under a futex waiter or a FUTEX_FD that the
 * other groups never reach (issue 11, finding 8).
 *
 *   paths_exec_fd       a FUTEX_FD kept across execve(): the fd survives,
 *                       its registration went with the old mm, nobody
 *                       wakes it through the page any more, closing it
 *                       (explicitly in the new image, or at exit) leaves
 *                       nothing behind
 *   paths_clone_files   clone(CLONE_FILES) without CLONE_VM: an fd made
 *                       in the child's mm, closed by the parent while
 *                       that mm lives (remove_pin_page() of another mm)
 *                       and after it is gone
 *   paths_unix_fd       a FUTEX_FD passed over a unix socket: woken by
 *                       its maker after the pass, received after its
 *                       maker exited (in flight while the mm died),
 *                       closed by the receiver (CONFIG_UNIX: configs/
 *                       up-swap.config; SKIP elsewhere)
 *   paths_shared_ro     a MAP_SHARED mapping of a file opened read-only
 *                       (VM_MAYSHARE without VM_SHARED): woken from
 *                       another process that maps the file itself
 *   paths_truncate      truncate of a private file mapping under two
 *                       waiters (page cache page and COW copy): a wake
 *                       beyond EOF is EFAULT, and after the file grows
 *                       again the write that faults in a new page must
 *                       not lose them (do_no_page's early COW break)
 *   paths_swap          swap on /dev/ram1, made by the test itself, and
 *                       memory pressure until the waiters' pages are out:
 *                       a read swap-in, a write swap-in (do_swap_page,
 *                       then a COW of the page the futex pins), a private
 *                       file page that reclaim unmapped, written (the
 *                       early COW break in do_no_page), and mremap() of
 *                       a swap entry, then a write; each checks that its
 *                       page really was out (the first touch faults and
 *                       maps a page: minflt and rss of the process), and
 *                       fails otherwise.  Small guests only (up-swap)
 *   paths_pin_default   the FUTEX_FD pin bound at RLIM_INFINITY: exactly
 *                       num_physpages / 32 fds for uid 1000
 *   paths_hash_size     the page_change hash has the size its rule gives
 *                       for the low memory it was computed from
 *   paths_alloc_fail    injected allocation failures on the registration
 *                       paths (/proc/futex_fault, debug-fault-inject.patch)
 *                       and a real EMFILE: clean errors, nothing pinned,
 *                       registered or charged afterwards
 *
 * On vanilla 2.5.38, paths_exec_fd, paths_clone_files (the fd is woken
 * through a page its mm no longer maps, or from another mm),
 * paths_truncate, paths_swap (lost wakeups) and paths_pin_default (no
 * bound) FAIL: group paths_bug, run there with --expect-fail.
 * paths_unix_fd and paths_shared_ro pass there (group paths_vanilla).
 * paths_hash_size and paths_alloc_fail need the debug patches: they SKIP
 * without them.
 */
#include "tests.h"

#define RLIMIT_NOFILE	7
#define RLIMIT_MEMLOCK	8
#define RLIM_INFINITY	(~0UL)

#define MREMAP_FIXED	2
#define EAFNOSUPPORT	97
#define S_IFBLK		0060000
#ifdef __x86_64__
#define BLKBSZSET	0x40081271	/* _IOW(0x12, 113, size_t) */
#else
#define BLKBSZSET	0x40041271	/* _IOW(0x12, 113, size_t) */
#endif

#define AF_UNIX		1
#define SOCK_DGRAM	2
#define SOL_SOCKET	1
#define SCM_RIGHTS	1
#define SYS_SOCKETPAIR	8
#define SYS_SENDMSG	16
#define SYS_RECVMSG	17

#define LIMIT_UID	1000

struct rlimit {
	unsigned long rlim_cur, rlim_max;
};

static long set_rlimit(int res, unsigned long cur)
{
	struct rlimit r = { cur, cur };

	return SC2(__NR_setrlimit, res, &r);
}

static long futex_fd(volatile int *f)
{
	return sys_futex(f, FUTEX_FD, 0, NULL);
}

static int contains(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s; s++)
		if (!strncmp(s, w, n))
			return 1;
	return 0;
}

/* "name N" in a /proc file of lines; -1 if the file or line is absent */
static long proc_field(const char *path, const char *name)
{
	static char buf[1024];
	const char *p;
	size_t n = strlen(name);

	if (rt_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, name, n) && p[n] == ' ')
			return rt_atol(p + n + 1);
	return -1;
}

/*
 * The exact counts of the debug patches (patched kernels): page_change
 * registrations, futex page references, pinned futex_qs, FUTEX_FD
 * futex_qs.  All -1 without them (vanilla).
 */
struct counts {
	long regs, pages, q, fds;
};

static int get_counts(struct counts *c)
{
	c->regs = proc_field("/proc/page_change", "registrations");
	c->pages = proc_field("/proc/futex_debug", "futex_pages");
	c->q = proc_field("/proc/futex_debug", "futex_q");
	c->fds = proc_field("/proc/futex_debug", "futex_fds");
	return c->regs >= 0 && c->pages >= 0 && c->q >= 0 && c->fds >= 0;
}

/*
 * The counts must be these now (a task's exit has released its files
 * and mm once wait4() reaped it: no waiting needed).  Without the debug
 * patches, say so: the check is skipped, loudly.
 */
static void expect_counts(const char *when, long regs, long pages, long q,
			  long fds)
{
	static int said;
	struct counts c;

	if (!get_counts(&c)) {
		/* once per test (each test is a process of its own) */
		if (!said)
			tap_diag("no /proc/page_change or /proc/futex_debug "
				 "(vanilla 2.5.38): exact counts not checked");
		said = 1;
		return;
	}
	EXPECT(c.regs == regs && c.pages == pages && c.q == q &&
	       c.fds == fds, "%s: registrations %ld, futex_pages %ld, "
	       "futex_q %ld, futex_fds %ld; want %ld %ld %ld %ld", when,
	       c.regs, c.pages, c.q, c.fds, regs, pages, q, fds);
}

/* the comm of a task, from /proc/<pid>/stat, into buf; 0 if none */
static int proc_comm(int pid, char *comm, size_t n)
{
	char path[32], buf[512], *p, *e;

	rt_snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (rt_read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	p = strchr(buf, '(');
	e = NULL;
	for (char *q = buf; *q; q++)
		if (*q == ')')
			e = q;
	if (!p || !e || (size_t)(e - p) > n)
		return 0;
	memcpy(comm, p + 1, e - p - 1);
	comm[e - p - 1] = 0;
	return 1;
}

/*
 * Wait until task pid runs the image named comm and sleeps (seen twice,
 * as wait_sleeping() does).  0, or -ETIMEDOUT.
 */
static int wait_comm_sleeping(int pid, const char *comm, long ms)
{
	long t0 = rt_now_ms();
	char c[32];

	for (;;) {
		if (proc_comm(pid, c, sizeof(c)) && !strcmp(c, comm) &&
		    wait_sleeping(pid, 200) == 0 &&
		    proc_comm(pid, c, sizeof(c)) && !strcmp(c, comm))
			return 0;
		if (rt_now_ms() - t0 > ms)
			return -ETIMEDOUT;
		rt_sleep_ms(2);
	}
}

static void wait_byte(int fd)
{
	char c;

	while (sys_read(fd, &c, 1) == -EINTR)
		;
}

static void send_byte(int fd, char c)
{
	while (sys_write(fd, &c, 1) == -EINTR)
		;
}

/* ------------------------------------------------------------------ */

#ifdef __x86_64__
/*
 * paths_exec_fd.  The new image is 64 bytes of code in an ELF file the
 * test writes to /tmp (the initrd has no other binary to run); x86_64
 * system calls (2.5.42 asm-x86_64/unistd.h: close 3, poll 7, exit 60):
 *
 *	movl $3, %eax; movl $11, %edi; syscall		close(11)
 *	movl %eax, %ebx
 *	movabsq $0x10000000a, %rax; pushq %rax		{ 10, POLLIN }
 *	movl $7, %eax; movq %rsp, %rdi; movl $1, %esi; movq $-1, %rdx
 *	syscall						poll(&p, 1, -1)
 *	shll $4, %eax; andl $15, %ebx; orl %ebx, %eax
 *	movl %eax, %edi; movl $60, %eax; syscall	exit(poll << 4 |
 *							     close & 15)
 */
static const unsigned char exec_code[] = {
	0xb8, 0x03, 0x00, 0x00, 0x00, 0xbf, 0x0b, 0x00, 0x00, 0x00,
	0x0f, 0x05, 0x89, 0xc3, 0x48, 0xb8, 0x0a, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x50, 0xb8, 0x07, 0x00, 0x00, 0x00,
	0x48, 0x89, 0xe7, 0xbe, 0x01, 0x00, 0x00, 0x00, 0x48, 0xc7,
	0xc2, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x05, 0xc1, 0xe0, 0x04,
	0x83, 0xe3, 0x0f, 0x09, 0xd8, 0x89, 0xc7, 0xb8, 0x3c, 0x00,
	0x00, 0x00, 0x0f, 0x05,
};

#define EXEC_BASE	0x400000u
#define ELF_IDENT	"\177ELF\002\001\001"	/* ELFCLASS64, LSB, v1 */
#define ELF_MACHINE	62			/* EM_X86_64 */

struct elf_image {
	/* Elf64_Ehdr */
	unsigned char ident[16];
	unsigned short type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	unsigned short ehsize, phentsize, phnum, shentsize, shnum,
		       shstrndx;
	/* one Elf64_Phdr */
	u32 p_type, p_flags;
	u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
	unsigned char code[sizeof(exec_code)];
} __attribute__((packed));
#else
/*
 * paths_exec_fd.  The new image is 54 bytes of code in an ELF file the
 * test writes to /tmp (the initrd has no other binary to run):
 *
 *	movl $6, %eax; movl $11, %ebx; int $0x80	close(11)
 *	movl %eax, %esi
 *	pushl $1; pushl $10				{ 10, POLLIN }
 *	movl $168, %eax; movl %esp, %ebx; movl $1, %ecx; movl $-1, %edx
 *	int $0x80					poll(&p, 1, -1)
 *	shll $4, %eax; andl $15, %esi; orl %esi, %eax
 *	movl %eax, %ebx; movl $1, %eax; int $0x80	exit(poll << 4 |
 *							     close & 15)
 */
static const unsigned char exec_code[] = {
	0xb8, 0x06, 0x00, 0x00, 0x00, 0xbb, 0x0b, 0x00, 0x00, 0x00,
	0xcd, 0x80, 0x89, 0xc6, 0x6a, 0x01, 0x6a, 0x0a, 0xb8, 0xa8,
	0x00, 0x00, 0x00, 0x89, 0xe3, 0xb9, 0x01, 0x00, 0x00, 0x00,
	0xba, 0xff, 0xff, 0xff, 0xff, 0xcd, 0x80, 0xc1, 0xe0, 0x04,
	0x83, 0xe6, 0x0f, 0x09, 0xf0, 0x89, 0xc3, 0xb8, 0x01, 0x00,
	0x00, 0x00, 0xcd, 0x80,
};

#define EXEC_BASE	0x08048000u
#define ELF_IDENT	"\177ELF\001\001\001"	/* ELFCLASS32, LSB, v1 */
#define ELF_MACHINE	3			/* EM_386 */

struct elf_image {
	/* Elf32_Ehdr */
	unsigned char ident[16];
	unsigned short type, machine;
	u32 version, entry, phoff, shoff, flags;
	unsigned short ehsize, phentsize, phnum, shentsize, shnum,
		       shstrndx;
	/* one Elf32_Phdr */
	u32 p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags,
	    p_align;
	unsigned char code[sizeof(exec_code)];
} __attribute__((packed));
#endif

#define EXEC_PATH	"/tmp/paths-exec"
#define EXEC_COMM	"paths-exec"

static long write_exec_image(void)
{
	static struct elf_image e;
	long fd, r;

	memset(&e, 0, sizeof(e));
	memcpy(e.ident, ELF_IDENT, 7);
	e.type = 2;				/* ET_EXEC */
	e.machine = ELF_MACHINE;
	e.version = 1;
	e.entry = EXEC_BASE + __builtin_offsetof(struct elf_image, code);
	e.phoff = __builtin_offsetof(struct elf_image, p_type);
	/* the size of the header (52, 64), of a program header (32, 56) */
	e.ehsize = __builtin_offsetof(struct elf_image, p_type);
	e.phentsize = __builtin_offsetof(struct elf_image, code) -
		      __builtin_offsetof(struct elf_image, p_type);
	e.phnum = 1;
	e.p_type = 1;				/* PT_LOAD */
	e.p_vaddr = e.p_paddr = EXEC_BASE;
	e.p_filesz = e.p_memsz = sizeof(e);
	e.p_flags = 5;				/* R|X */
	e.p_align = PAGE_SIZE;
	memcpy(e.code, exec_code, sizeof(exec_code));

	fd = sys_open(EXEC_PATH, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0)
		return fd;
	r = rt_write_all(fd, &e, sizeof(e));
	sys_close(fd);
	return r < 0 ? r : 0;
}

/* fds on p[0] (as 10, polled) and p[8] (as 11, closed), then exec */
static int exec_child(void *arg)
{
	volatile int *p = arg;
	char *argv[] = { EXEC_PATH, NULL }, *envp[] = { NULL };
	long a, b;

	a = futex_fd(&p[0]);
	b = futex_fd(&p[8]);
	if (a < 0 || b < 0)
		return 100;
	if (sys_dup2(a, 10) != 10 || sys_dup2(b, 11) != 11)
		return 101;
	sys_close(a);
	sys_close(b);
	sys_execve(EXEC_PATH, argv, envp);
	return 102;
}

int paths_exec_fd(void)
{
	volatile int *p = rt_private_page();
	char path[40], link[64];
	long r, woken;
	int pid, st;

	REQUIRE(p, "mmap");
	r = futex_fd(p);
	SKIP_NO_FUTEX_FD(r);
	REQUIRE(r >= 0, "FUTEX_FD: %s", rt_errname(r));
	sys_close(r);
	r = write_exec_image();
	REQUIRE(r == 0, "writing %s: %s", EXEC_PATH, rt_errname(r));
	expect_counts("exec_fd: before", 0, 0, 0, 0);

	/* the child's fds are on the page it shares with us (not written) */
	pid = fork_run(exec_child, (void *)p);
	REQUIRE(pid > 0, "fork");
	r = wait_comm_sleeping(pid, EXEC_COMM, 10000);
	if (r) {
		sys_kill(pid, SIGKILL);
		st = wait_exit(pid);
		REQUIRE(0, "the child never slept in its new image (exit %d)",
			st);
	}
	rt_snprintf(path, sizeof(path), "/proc/%d/fd/10", pid);
	r = SC3(__NR_readlink, path, link, sizeof(link));
	EXPECT(r > 0, "%s after exec: %s: the FUTEX_FD did not survive "
	       "execve()", path, rt_errname(r));
	/* fd 11 closed by the new image, 10 held: its mm is gone */
	expect_counts("exec_fd: after exec, one fd open", 0, 1, 1, 1);

	/* our page, their futex: it is not ours to wake */
	woken = sys_futex(p, FUTEX_WAKE, INT_MAX, NULL);
	EXPECT(woken == 0, "FUTEX_WAKE in the parent returned %ld: it woke "
	       "the FUTEX_FD an exec'd child kept, through a page the "
	       "child's new mm does not map", woken);

	sys_kill(pid, SIGKILL);
	st = wait_exit(pid);
	/* exit(16): poll() saw the fd readable; 128 + 9: still polling */
	EXPECT(st == 128 + SIGKILL, "the exec'd child exited with %d, want "
	       "SIGKILL while it polled (16: its fd was woken; a low nibble: "
	       "close(11) failed)", st);
	expect_counts("exec_fd: after the exec'd child's exit", 0, 0, 0, 0);
	sys_unlink(EXEC_PATH);
	return tap_result();
}

/* ------------------------------------------------------------------ */

/*
 * paths_clone_files: the child shares our fd table, not our mm.  sh[0]
 * the fd made on the page it shares with us, sh[1] an fd made on a page
 * it wrote (its own copy), sh[2] ready.
 */
struct cf {
	volatile int *sh;
	volatile int *shared_page;	/* not written by the child */
	volatile int *own_page;		/* written by the child first */
	int go[2];
};

static int cf_child(void *arg)
{
	struct cf *c = arg;

	c->own_page[100] = 1;		/* a COW copy of its own */
	c->sh[0] = futex_fd(&c->shared_page[0]);
	c->sh[1] = futex_fd(&c->own_page[0]);
	WRITE_ONCE(c->sh[2], 1);
	wait_byte(c->go[0]);
	return 0;
}

int paths_clone_files(void)
{
	static struct rt_thread t;
	struct cf c;
	long r, fd_shared, fd_own;
	int st;

	c.sh = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS);
	c.shared_page = rt_private_page();
	c.own_page = rt_private_page();
	REQUIRE(c.sh && c.shared_page && c.own_page, "mmap");
	r = futex_fd(c.shared_page);
	SKIP_NO_FUTEX_FD(r);
	REQUIRE(r >= 0, "FUTEX_FD: %s", rt_errname(r));
	sys_close(r);
	REQUIRE(sys_pipe(c.go) == 0, "pipe");
	expect_counts("clone_files: before", 0, 0, 0, 0);

	r = thread_start_flags(&t, cf_child, &c, CLONE_FILES | SIGCHLD);
	REQUIRE(r > 0, "clone(CLONE_FILES): %s", rt_errname(r));
	{
		long t0 = rt_now_ms();

		while (!READ_ONCE(c.sh[2]) && rt_now_ms() - t0 < 10000)
			rt_sleep_ms(1);
	}
	REQUIRE(READ_ONCE(c.sh[2]), "the child did not make its fds");
	fd_shared = c.sh[0];
	fd_own = c.sh[1];
	REQUIRE(fd_shared >= 0 && fd_own >= 0, "FUTEX_FD in the child: %s, "
		"%s", rt_errname(fd_shared), rt_errname(fd_own));
	/* two fds of the child's mm, registered, in our table too */
	expect_counts("clone_files: the child's two fds", 2, 2, 2, 2);

	/* the child's futex, on a page we share: not ours to wake */
	r = sys_futex(c.shared_page, FUTEX_WAKE, INT_MAX, NULL);
	EXPECT(r == 0, "FUTEX_WAKE in the parent returned %ld: it woke a "
	       "FUTEX_FD of the CLONE_FILES child's mm", r);
	EXPECT(!fd_readable(fd_shared), "the child's fd is readable after the "
	       "parent's wake");

	/* we close an fd of the child's live mm (remove_pin_page there) */
	EXPECT_ERR(sys_close(fd_shared), 0, "close of the child's fd by the "
		   "parent");
	expect_counts("clone_files: after the parent closed one", 1, 1, 1, 1);

	/* the child exits: its mm goes, the fd (in our table) stays */
	send_byte(c.go[1], 'x');
	st = thread_join(&t);
	EXPECT_EQ(st, 0, "the child's exit");
	expect_counts("clone_files: the fd of a dead mm", 0, 1, 1, 1);
	EXPECT(!fd_readable(fd_own), "the fd of the dead mm is readable");
	r = sys_futex(c.own_page, FUTEX_WAKE, INT_MAX, NULL);
	EXPECT(r == 0, "FUTEX_WAKE of our copy returned %ld", r);
	EXPECT_ERR(sys_close(fd_own), 0, "close of the dead mm's fd");
	expect_counts("clone_files: after", 0, 0, 0, 0);
	return tap_result();
}

/* ------------------------------------------------------------------ */

/* paths_unix_fd */
struct iovec_ {
	void *base;
	size_t len;
};

struct msghdr_ {
	void *name;
	int namelen;
	struct iovec_ *iov;
	size_t iovlen;
	void *control;
	size_t controllen;
	unsigned int flags;
};

struct cmsg_fd {
	size_t len;
	int level, type;
	int fd;
};

#ifdef __x86_64__
/* x86_64 has no socketcall(2) multiplexer: a system call each */
static long socketcall(int call, long *args)
{
	switch (call) {
	case SYS_SOCKETPAIR:
		return SC4(__NR_socketpair, args[0], args[1], args[2], args[3]);
	case SYS_SENDMSG:
		return SC3(__NR_sendmsg, args[0], args[1], args[2]);
	case SYS_RECVMSG:
		return SC3(__NR_recvmsg, args[0], args[1], args[2]);
	}
	return -ENOSYS;
}
#else
static long socketcall(int call, long *args)
{
	return SC2(__NR_socketcall, call, args);
}
#endif

/* CMSG_LEN(sizeof(int)): not sizeof(struct cmsg_fd), which on x86_64
 * has 4 bytes of padding that would pass a second fd (0) */
#define CMSG_FD_LEN	(__builtin_offsetof(struct cmsg_fd, fd) + sizeof(int))

static long send_fd(int sock, int fd)
{
	char c = 'f';
	struct iovec_ iov = { &c, 1 };
	struct cmsg_fd cm = { CMSG_FD_LEN, SOL_SOCKET, SCM_RIGHTS, fd };
	struct msghdr_ m = { NULL, 0, &iov, 1, &cm, sizeof(cm), 0 };
	long args[3] = { sock, (long)&m, 0 };

	return socketcall(SYS_SENDMSG, args);
}

/* the fd received, or a negative errno */
static long recv_fd(int sock)
{
	char c;
	struct iovec_ iov = { &c, 1 };
	struct cmsg_fd cm = { 0, 0, 0, -1 };
	struct msghdr_ m = { NULL, 0, &iov, 1, &cm, sizeof(cm), 0 };
	long args[3] = { sock, (long)&m, 0 };
	long r;

	do
		r = socketcall(SYS_RECVMSG, args);
	while (r == -EINTR);
	if (r < 0)
		return r;
	if (cm.level != SOL_SOCKET || cm.type != SCM_RIGHTS || cm.fd < 0)
		return -EIO;
	return cm.fd;
}

struct ux {
	int sv[2];
	int go[2];
	volatile int *sh;	/* [0] result of the maker's wake */
};

/*
 * The maker: fd A on its own page, sent; on 'w' it wakes A's word; then
 * fd B, sent, and it exits with B in flight (the receiver takes it only
 * after we are gone).
 */
static int ux_maker(void *arg)
{
	struct ux *u = arg;
	volatile int *p = rt_private_page();
	long a, b;

	if (!p)
		return 100;
	a = futex_fd(&p[0]);
	if (a < 0 || send_fd(u->sv[0], a) < 0)
		return 101;
	sys_close(a);
	wait_byte(u->go[0]);
	u->sh[0] = sys_futex(&p[0], FUTEX_WAKE, INT_MAX, NULL);
	b = futex_fd(&p[8]);
	if (b < 0 || send_fd(u->sv[0], b) < 0)
		return 102;
	sys_close(b);
	return 0;
}

int paths_unix_fd(void)
{
	struct ux u;
	long args[4], r, a, b;
	int pid, st;

	u.sh = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS);
	REQUIRE(u.sh, "mmap");
	args[0] = AF_UNIX;
	args[1] = SOCK_DGRAM;
	args[2] = 0;
	args[3] = (long)u.sv;
	r = socketcall(SYS_SOCKETPAIR, args);
	if (r == -ENOSYS || r == -EAFNOSUPPORT)
		SKIP("socketpair(AF_UNIX): %s: this kernel has no unix "
		     "sockets (CONFIG_NET/CONFIG_UNIX: configs/up-swap.config "
		     "has them)", rt_errname(r));
	REQUIRE(r == 0, "socketpair: %s", rt_errname(r));
	r = futex_fd(u.sh);
	SKIP_NO_FUTEX_FD(r);
	REQUIRE(r >= 0, "FUTEX_FD: %s", rt_errname(r));
	sys_close(r);
	REQUIRE(sys_pipe(u.go) == 0, "pipe");
	u.sh[0] = -1000;
	expect_counts("unix_fd: before", 0, 0, 0, 0);

	pid = fork_run(ux_maker, &u);
	REQUIRE(pid > 0, "fork");
	a = recv_fd(u.sv[1]);
	REQUIRE(a >= 0, "receiving the first fd: %s", rt_errname(a));
	expect_counts("unix_fd: one fd passed, its maker alive", 1, 1, 1, 1);
	EXPECT(!fd_readable(a), "the passed fd is readable before any wake");
	send_byte(u.go[1], 'w');
	st = wait_exit(pid);
	EXPECT_EQ(st, 0, "the maker's exit");
	EXPECT_EQ(u.sh[0], 1, "the maker's FUTEX_WAKE of the fd it passed");
	EXPECT(fd_readable(a), "the passed fd is not readable after its "
	       "maker's wake");
	/* the second fd was in flight when its maker's mm died */
	expect_counts("unix_fd: one fd received, one in flight, the maker "
		      "gone", 0, 2, 2, 2);
	b = recv_fd(u.sv[1]);
	EXPECT(b >= 0, "receiving the fd sent before its maker exited: %s",
	       rt_errname(b));
	if (b >= 0) {
		EXPECT(!fd_readable(b), "the fd of the dead mm is readable");
		EXPECT_ERR(sys_close(b), 0, "close of the dead mm's fd");
	}
	EXPECT_ERR(sys_close(a), 0, "close of the woken fd");
	expect_counts("unix_fd: after", 0, 0, 0, 0);
	sys_close(u.sv[0]);
	sys_close(u.sv[1]);
	return tap_result();
}

/* ------------------------------------------------------------------ */

/*
 * paths_truncate: a file of two pages in /tmp, mapped privately.
 * Waiter 0 on page 0, which it only read (the page cache page); waiter 1
 * on page 1, written first (a COW copy).  ftruncate() to 0 zaps both
 * ptes (not an event: the registrations stay); a wake there is EFAULT
 * (SIGBUS beyond EOF); the file grows back; our write faults in a new
 * page (do_no_page: a private write fault copies at once) and must
 * re-key the waiter, whose wake must then find it.  Vanilla loses both.
 */
/* a name of its own: on the host, other runs may share /tmp */
static char trunc_path[48];

int paths_truncate(void)
{
	static struct waiter w[2];
	static char zero[2 * PAGE_SIZE];
	volatile int *m;
	long fd, r;
	int i;

	rt_snprintf(trunc_path, sizeof(trunc_path), "/tmp/paths-truncate.%ld",
		    sys_getpid());
	fd = sys_open(trunc_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	REQUIRE(fd >= 0, "open %s: %s", trunc_path, rt_errname(fd));
	REQUIRE(rt_write_all(fd, zero, sizeof(zero)) == sizeof(zero),
		"write");
	m = sys_mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE, fd, 0);
	REQUIRE(m != MAP_FAILED, "mmap");
	m[PAGE_SIZE / 4 + 100] = 0;	/* page 1: our own copy */
	expect_counts("truncate: before", 0, 0, 0, 0);
	for (i = 0; i < 2; i++)
		REQUIRE(waiter_start(&w[i], &m[i * PAGE_SIZE / 4], 0,
				     20000) == 0, "waiter %d", i);
	expect_counts("truncate: two waiters", 2, 2, 2, 0);

	REQUIRE(SC2(__NR_ftruncate, fd, 0) == 0, "ftruncate to 0");
	for (i = 0; i < 2; i++) {
		r = sys_futex(&m[i * PAGE_SIZE / 4], FUTEX_WAKE, 1, NULL);
		EXPECT_ERR(r, EFAULT, i ? "FUTEX_WAKE beyond EOF (COW page)" :
			   "FUTEX_WAKE beyond EOF (page cache page)");
	}
	expect_counts("truncate: truncated, waiters asleep", 2, 2, 2, 0);
	REQUIRE(SC2(__NR_ftruncate, fd, 2 * PAGE_SIZE) == 0,
		"ftruncate back to two pages");
	for (i = 0; i < 2; i++) {
		m[i * PAGE_SIZE / 4] = 1;
		r = sys_futex(&m[i * PAGE_SIZE / 4], FUTEX_WAKE, 1, NULL);
		EXPECT(r == 1, "FUTEX_WAKE after truncate, grow and write "
		       "(%s page) returned %ld: wakeup lost", i ? "COW" :
		       "page cache", r);
		if (r != 1) {
			/* it sleeps on the old page: do not wait 20 s */
			sys_kill(w[i].thr.tid, SIGKILL);
			thread_join(&w[i].thr);
			continue;
		}
		r = waiter_join(&w[i]);
		EXPECT(r == 0, "waiter %d: FUTEX_WAIT returned %s after its "
		       "wake", i, rt_errname(r));
	}
	sys_munmap((void *)m, 2 * PAGE_SIZE);
	sys_close(fd);
	sys_unlink(trunc_path);
	expect_counts("truncate: after", 0, 0, 0, 0);
	return tap_result();
}

/* ------------------------------------------------------------------ */

/*
 * paths_shared_ro: a MAP_SHARED mapping of a file opened read-only has
 * VM_SHARED cleared but shares its pages (VM_MAYSHARE): its futex is
 * keyed on the page alone, so another process that maps the file on its
 * own (another vma, another mm) wakes our waiter.  Passes on vanilla
 * too; debug-shared-by-mm.patch (keyed by VM_SHARED) must fail it.
 */
static char ro_path[48];		/* set before the fork */

static volatile int *map_ro(void)
{
	long fd = sys_open(ro_path, O_RDONLY, 0);
	void *m;

	if (fd < 0)
		return NULL;
	m = sys_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	sys_close(fd);
	return m == MAP_FAILED ? NULL : m;
}

static int ro_waker(void *arg)
{
	volatile int *m = map_ro();
	long r;

	(void)arg;
	if (!m)
		return 100;
	r = sys_futex(m, FUTEX_WAKE, 1, NULL);
	return r < 0 ? 101 : r;
}

int paths_shared_ro(void)
{
	static struct waiter w;
	static char zero[PAGE_SIZE];
	volatile int *m;
	long fd, r;
	int pid, st;

	rt_snprintf(ro_path, sizeof(ro_path), "/tmp/paths-shared-ro.%ld",
		    sys_getpid());
	fd = sys_open(ro_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	REQUIRE(fd >= 0, "open %s: %s", ro_path, rt_errname(fd));
	r = rt_write_all(fd, zero, sizeof(zero));
	sys_close(fd);
	REQUIRE(r == sizeof(zero), "write");
	m = map_ro();
	REQUIRE(m, "mmap of %s, read-only, MAP_SHARED", ro_path);
	REQUIRE(waiter_start(&w, m, 0, 20000) == 0, "waiter");
	pid = fork_run(ro_waker, NULL);
	REQUIRE(pid > 0, "fork");
	st = wait_exit(pid);
	EXPECT(st == 1, "FUTEX_WAKE from another process that maps the file "
	       "read-only, MAP_SHARED, on its own: woke %d, want 1 (100+: "
	       "setup failed)", st);
	if (st != 1) {
		sys_kill(w.thr.tid, SIGKILL);
		thread_join(&w.thr);
	} else {
		r = waiter_join(&w);
		EXPECT(r == 0, "the waiter's FUTEX_WAIT returned %s",
		       rt_errname(r));
	}
	sys_munmap((void *)m, PAGE_SIZE);
	sys_unlink(ro_path);
	expect_counts("shared_ro: after", 0, 0, 0, 0);
	return tap_result();
}

/* ------------------------------------------------------------------ */

/*
 * paths_swap.  The test makes a swap area on /dev/ram1 (a ramdisk: the
 * swapped pages stay in RAM, which is all the swap paths need), starts
 * a victim process with four sleeping waiters, each on a page of its
 * own, and then puts memory pressure on the guest, in rounds, until
 * canary pages of the victim (an anonymous and a private file page,
 * touched after the four) are out in two rounds in a row.  Then the
 * victim acts on each page and measures its own first touch (minflt and
 * rss, from /proc/self): a page that was still mapped fails the test
 * ("was not out"), it never passes by luck.
 *
 *   read    read swap-in (do_swap_page maps the swap cache page the
 *           waiter pins), then FUTEX_WAKE: passes on vanilla too
 *   write   the waker writes the word: do_swap_page maps the page
 *           read-only (the waiter's reference makes it look shared),
 *           and do_wp_page copies it: the waiter must follow
 *   file    a private file page that reclaim unmapped, then written:
 *           do_no_page copies it at once (its early COW break)
 *   mremap  mremap() of the swap entry to another address, then a
 *           write there: the registration must have moved with it
 */
#define SWAP_DEV	"/dev/ram1"
#define SWAP_PAGES	512		/* 2 MB of the 16 MB ramdisk */
#define SWAP_MAX_MEM_KB	(64 * 1024)	/* bigger guests: SKIP */
#define SWAP_CANARIES	16
#define SWAP_ROUNDS	8
#define SWAP_FILE	"/tmp/paths-swap"

enum { SW_READ, SW_WRITE, SW_FILE, SW_MREMAP, SW_N };
static const char *const sw_name[SW_N] = { "read", "write", "file",
					    "mremap" };

static long swap_on(void)
{
	static char buf[2048], hdr[PAGE_SIZE];
	int bs = PAGE_SIZE, i;
	long fd, r;

	if (rt_read_file("/proc/swaps", buf, sizeof(buf)) > 0 &&
	    contains(buf, SWAP_DEV))
		return 0;
	r = SC3(__NR_mknod, SWAP_DEV, S_IFBLK | 0600, (1 << 8) | 1);
	if (r && r != -EEXIST)
		return r;
	memset(hdr, 0, sizeof(hdr));
	*(u32 *)(hdr + 1024) = 1;			/* version */
	*(u32 *)(hdr + 1028) = SWAP_PAGES - 1;		/* last_page */
	memcpy(hdr + PAGE_SIZE - 10, "SWAPSPACE2", 10);
	fd = sys_open(SWAP_DEV, O_RDWR, 0);
	if (fd < 0)
		return fd;
	/*
	 * The ramdisk's data is its page cache, which swapon()'s
	 * set_blocksize(PAGE_SIZE) would throw away (header and all) if
	 * the block size changed then: set it first.
	 */
	r = sys_ioctl(fd, BLKBSZSET, (long)&bs);
	if (r == 0)
		r = rt_write_all(fd, hdr, sizeof(hdr));
	/*
	 * Write all of it now: the ramdisk allocates a page for each block
	 * it is first written, and must not have to when reclaim writes
	 * to swap with memory exhausted (it fails then, and the data of
	 * the swapped page is lost).
	 */
	memset(hdr, 0, sizeof(hdr));
	for (i = 1; r >= 0 && i < SWAP_PAGES; i++)
		r = rt_write_all(fd, hdr, sizeof(hdr));
	sys_close(fd);
	if (r < 0)
		return r;
	return SC2(__NR_swapon, SWAP_DEV, 0);
}

static long swap_used_kb(void)
{
	return rt_meminfo("SwapTotal") - rt_meminfo("SwapFree");
}

/* minflt + majflt of this task */
static long my_faults(void)
{
	static char buf[512];
	char *p = NULL;
	long v[12];
	int i;

	if (rt_read_file("/proc/self/stat", buf, sizeof(buf)) <= 0)
		return -1;
	for (char *q = buf; *q; q++)
		if (*q == ')')
			p = q;
	if (!p)
		return -1;
	/* fields 3.. after "pid (comm)": state ppid pgrp session tty
	 * tpgid flags minflt cminflt majflt */
	p += 2;
	for (i = 0; i < 10 && p; i++) {
		v[i] = rt_atol(p);
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return i == 10 ? v[7] + v[9] : -1;
}

/* resident pages of this process, /proc/self/statm */
static long my_rss(void)
{
	static char buf[128];
	char *p;

	if (rt_read_file("/proc/self/statm", buf, sizeof(buf)) <= 0)
		return -1;
	p = strchr(buf, ' ');
	return p ? rt_atol(p + 1) : -1;
}

static void touch_read(volatile int *p)
{
	(void)READ_ONCE(*p);
}

static void touch_write(volatile int *p)
{
	WRITE_ONCE(*p, 1);
}

struct delta {
	long faults, rss;
};

/*
 * The faults and rss change of touch(p) alone: touch a warm-up page the
 * same way (its code is then mapped), read the counters until two reads
 * in a row agree (everything they touch is mapped, reclaim has stopped),
 * touch, read them again.
 */
static int measured_touch(void (*touch)(volatile int *), volatile int *p,
			  volatile int *warm, struct delta *d)
{
	long f0, f1, r0, r1;
	int i;

	touch(warm);
	for (i = 0; i < 20; i++) {
		f0 = my_faults();
		r0 = my_rss();
		f1 = my_faults();
		r1 = my_rss();
		if (f0 >= 0 && r0 >= 0 && f0 == f1 && r0 == r1)
			break;
	}
	if (i == 20)
		return -1;
	touch(p);
	d->faults = my_faults() - f1;
	d->rss = my_rss() - r1;
	return 0;
}

struct sw {
	int cmd[2], ack[2];
	volatile long *sh;	/* canary probes: faults of the touch of
				 * [0] the anonymous, [1] the file one */
};

static int sw_act(volatile int **page, volatile int *target,
		  volatile int *warm, struct waiter *w)
{
	struct delta d = { 0, 0 };
	long r;
	int i;

	for (i = 0; i < SW_N; i++) {
		volatile int *p = page[i];

		if (i == SW_MREMAP) {
			p = (volatile int *)SC5(__NR_mremap, page[i],
						PAGE_SIZE, PAGE_SIZE,
						MREMAP_MAYMOVE | MREMAP_FIXED,
						target);
			if (!EXPECT(p == target, "mremap of the swapped-out "
				    "page: %s", rt_errname((long)p)))
				continue;
		}
		r = measured_touch(i == SW_READ ? touch_read : touch_write, p,
				   warm, &d);
		if (!EXPECT(r == 0, "%s: minflt/rss never settled", sw_name[i]))
			continue;
		/* a first touch that maps a page: +1 rss, 1 or 2 faults */
		EXPECT(d.rss == 1 && d.faults >= 1 &&
		       (i != SW_FILE || d.faults == 1), "%s: the first %s of "
		       "the page faulted %ld times and changed rss by %ld: "
		       "its pte was still there, the page was not out",
		       sw_name[i], i == SW_READ ? "read" : "write",
		       d.faults, d.rss);
		tap_diag("paths_swap: %s: first touch: %ld faults, rss change %ld",
			 sw_name[i], d.faults, d.rss);
		r = sys_futex(p, FUTEX_WAKE, 1, NULL);
		EXPECT(r == 1, "%s: FUTEX_WAKE after the swap-in returned %ld: "
		       "wakeup lost after swap-in", sw_name[i], r);
		if (r != 1) {
			sys_kill(w[i].thr.tid, SIGKILL);
			thread_join(&w[i].thr);
			continue;
		}
		r = waiter_join(&w[i]);
		EXPECT(r == 0, "%s: the waiter's FUTEX_WAIT returned %s",
		       sw_name[i], rt_errname(r));
	}
	return 0;
}

static int sw_victim(void *arg)
{
	struct sw *s = arg;
	static struct waiter w[SW_N];
	volatile int *page[SW_N], *canary, *warm, *target;
	char zero[16] = { 0 }, c;
	long fd;
	int i, k = 0;
	tap_failures = 0;	/* ours, not the parent's */

	sys_close(s->cmd[1]);
	sys_close(s->ack[0]);
	page[SW_READ] = rt_private_page();
	page[SW_WRITE] = rt_private_page();
	page[SW_MREMAP] = rt_private_page();
	fd = sys_open(SWAP_FILE, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 100;
	for (i = 0; i < (1 + SWAP_CANARIES) * PAGE_SIZE / (int)sizeof(zero);
	     i++)
		if (rt_write_all(fd, zero, sizeof(zero)) != sizeof(zero))
			return 101;
	/* page 0 for the waiter, the others file canaries */
	page[SW_FILE] = sys_mmap(NULL, (1 + SWAP_CANARIES) * PAGE_SIZE,
				 PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	sys_close(fd);
	target = rt_map(PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS);
	warm = rt_private_page();
	if (page[SW_FILE] == MAP_FAILED || !page[SW_READ] ||
	    !page[SW_WRITE] || !page[SW_MREMAP] || !target || !warm)
		return 102;
	/* the file page is mapped by the read, as the page cache page */
	for (i = 0; i < SW_N; i++)
		if (waiter_start(&w[i], page[i], 0, 450000) != 0)
			return 103;
	/* the canaries are younger than the waiters' pages */
	canary = rt_map(SWAP_CANARIES * PAGE_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS);
	if (!canary)
		return 104;
	for (i = 0; i < SWAP_CANARIES; i++) {
		canary[i * PAGE_SIZE / 4] = 1;
		touch_read(&page[SW_FILE][(i + 1) * PAGE_SIZE / 4]);
	}
	send_byte(s->ack[1], 'r');

	for (;;) {
		struct delta d;

		if (sys_read(s->cmd[0], &c, 1) != 1)
			continue;
		if (c == 'p') {
			/* an anonymous and a file canary: each kind of
			 * page goes out its own way */
			s->sh[0] = s->sh[1] = -1;
			if (k < SWAP_CANARIES &&
			    measured_touch(touch_read,
					   &canary[k * PAGE_SIZE / 4], warm,
					   &d) == 0)
				s->sh[0] = d.faults;
			if (k < SWAP_CANARIES &&
			    measured_touch(touch_read, &page[SW_FILE]
					   [(k + 1) * PAGE_SIZE / 4], warm,
					   &d) == 0)
				s->sh[1] = d.faults;
			k++;
		} else if (c == 'a') {
			sw_act(page, target, warm, w);
			break;
		}
		send_byte(s->ack[1], 'k');
	}
	sys_unlink(SWAP_FILE);
	return tap_failures;
}

/* touch memory until @target_kb more swap is in use */
static int sw_pressure(void *arg)
{
	long target_kb = *(long *)arg;
	long used0 = swap_used_kb(), limit = rt_meminfo("MemTotal") * 2;
	long total = 0;
	volatile char *m;
	int i;

	for (;;) {
		m = rt_map(64 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS);
		if (!m)
			return 1;
		for (i = 0; i < 64; i++)
			m[i * PAGE_SIZE] = 1;
		total += 64 * PAGE_SIZE / 1024;
		if (!(total % 1024))
			tap_info("pressure: %ld kB touched, MemFree %ld kB, "
				 "swap used %ld kB", total,
				 rt_meminfo("MemFree"), swap_used_kb());
		if (swap_used_kb() - used0 >= target_kb)
			return 0;
		if (total > limit)
			return 2;
	}
}

int paths_swap(void)
{
	struct sw s;
	long mem = rt_meminfo("MemTotal"), target = 256, r;
	int pid, wpid, round, out = 0, st;
	char c;

	if (tap_host)
		SKIP("not on the host: needs swapon as root on a 2.5 guest");
	if (mem > SWAP_MAX_MEM_KB)
		SKIP("MemTotal %ld kB: the pressure needs a small guest "
		     "(configs/up-swap.config, mem=32, runs this test)", mem);
	r = swap_on();
	REQUIRE(r == 0, "swap on %s: %s", SWAP_DEV, rt_errname(r));
	tap_diag("paths_swap: MemTotal %ld kB, SwapTotal %ld kB, SwapFree "
		 "%ld kB", mem, rt_meminfo("SwapTotal"),
		 rt_meminfo("SwapFree"));
	s.sh = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS);
	REQUIRE(s.sh, "mmap");
	REQUIRE(sys_pipe(s.cmd) == 0 && sys_pipe(s.ack) == 0, "pipe");
	expect_counts("swap: before", 0, 0, 0, 0);

	pid = fork_run(sw_victim, &s);
	REQUIRE(pid > 0, "fork");
	sys_close(s.cmd[0]);
	sys_close(s.ack[1]);
	if (sys_read(s.ack[0], &c, 1) != 1) {
		st = wait_exit(pid);
		REQUIRE(0, "the victim did not get ready (exit %d)", st);
	}
	expect_counts("swap: four waiters", SW_N, SW_N, SW_N, 0);

	/*
	 * Until both canaries are out in two rounds in a row: the second
	 * round is the margin for the waiters' pages, which are older but
	 * may have been on the active list longer.
	 */
	for (round = 0; round < SWAP_ROUNDS && out < 2; round++,
	     target *= 2) {
		/* never more than there is: the pressure would not stop */
		if (target > rt_meminfo("SwapFree") - 64)
			target = rt_meminfo("SwapFree") - 64;
		REQUIRE(wait_sleeping(pid, 10000) == 0, "victim awake");
		wpid = fork_run(sw_pressure, &target);
		REQUIRE(wpid > 0, "fork");
		st = wait_exit(wpid);
		send_byte(s.cmd[1], 'p');
		if (sys_read(s.ack[0], &c, 1) != 1) {
			st = wait_exit(pid);
			REQUIRE(0, "the victim died (exit %d)", st);
		}
		if (s.sh[0] >= 1 && s.sh[1] >= 1)
			out++;
		else
			out = 0;
		tap_diag("paths_swap: round %d: pressure until %ld kB more "
			 "swap in use (exit %d), SwapFree %ld kB: canaries: "
			 "anonymous %s, file %s", round, target, st,
			 rt_meminfo("SwapFree"),
			 s.sh[0] >= 1 ? "out" : "mapped",
			 s.sh[1] >= 1 ? "out" : "mapped");
	}
	REQUIRE(out == 2, "the victim's pages were not out in two rounds in "
		"a row after %d rounds of memory pressure", round);
	send_byte(s.cmd[1], 'a');
	st = wait_exit(pid);
	EXPECT_EQ(st, 0, "the victim's failures (above)");
	expect_counts("swap: after", 0, 0, 0, 0);
	return tap_result();
}

/* ------------------------------------------------------------------ */

/*
 * paths_pin_default: with RLIMIT_MEMLOCK infinite (the 2.5 default) the
 * bound is num_physpages / 32 fds per user: exactly that many for uid
 * 1000, then ENOMEM.  num_physpages from /proc/futex_fault (debug); it
 * must agree with MemTotal.  Without it (vanilla) the count must fall
 * in the window MemTotal allows.  RLIMIT_NOFILE is raised first.
 */
struct pin_result {
	long n, err;
};

static int pin_child(void *arg)
{
	volatile struct pin_result *res = arg;
	long max = res->n, fd;
	volatile int *p = rt_private_page();
	long r;

	res->n = 0;
	res->err = 0;
	if (!p)
		return 100;
	r = set_rlimit(RLIMIT_NOFILE, max + 64);
	if (r == 0)
		r = set_rlimit(RLIMIT_MEMLOCK, RLIM_INFINITY);
	if (r == 0)
		r = sys_setuid(LIMIT_UID);
	if (r) {
		res->err = r;
		return 101;
	}
	/* several fds on one word count several times: one page will do */
	while (res->n < max) {
		fd = futex_fd(&p[res->n % (PAGE_SIZE / 4)]);
		if (fd < 0) {
			res->err = fd;
			break;
		}
		res->n++;
	}
	return 0;
}

int paths_pin_default(void)
{
	volatile struct pin_result *res;
	long mem = rt_meminfo("MemTotal") / 4;	/* pages */
	long np = proc_field("/proc/futex_fault", "num_physpages");
	long lo = mem / 32, hi = (mem + mem / 8 + 4096) / 32, want = -1;
	long r;
	int pid, st;

	if (tap_host)
		SKIP("not on the host: FUTEX_FD");
	if (sys_getuid() != 0)
		SKIP("not root: cannot set up another uid");
	res = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS);
	REQUIRE(res, "mmap");
	r = futex_fd((volatile int *)res);
	REQUIRE(r >= 0, "FUTEX_FD: %s", rt_errname(r));
	sys_close(r);
	if (np >= 0) {
		EXPECT(np >= mem && np <= mem + mem / 8 + 4096,
		       "num_physpages %ld, MemTotal %ld pages: not the "
		       "memory of this guest", np, mem);
		want = np / 32;
	} else
		tap_diag("paths_pin_default: no /proc/futex_fault (vanilla): "
			 "the bound must be in [%ld, %ld]", lo, hi);
	res->n = (want > hi ? want : hi) + 64;	/* give up here: no bound */
	pid = fork_run(pin_child, (void *)res);
	REQUIRE(pid > 0, "fork");
	st = wait_exit(pid);
	REQUIRE(st == 0, "setrlimit/setuid: %s (exit %d)",
		rt_errname(res->err), st);
	tap_diag("paths_pin_default: uid %d, RLIMIT_MEMLOCK infinite: %ld "
		 "FUTEX_FDs, then %s; num_physpages %ld, MemTotal %ld pages",
		 LIMIT_UID, res->n, res->err ? rt_errname(res->err) :
		 "no failure", np, mem);
	if (want >= 0)
		EXPECT(res->n == want && res->err == -ENOMEM, "%ld FUTEX_FDs, "
		       "then %s; want num_physpages / 32 = %ld, then ENOMEM%s",
		       res->n, res->err ? rt_errname(res->err) : "no failure",
		       want, res->err ? "" : " (no bound)");
	else
		EXPECT(res->n >= lo && res->n <= hi && res->err == -ENOMEM,
		       "%ld FUTEX_FDs, then %s; want between %ld and %ld, "
		       "then ENOMEM%s", res->n, res->err ?
		       rt_errname(res->err) : "no failure", lo, hi,
		       res->err ? "" : " (no bound)");
	expect_counts("pin_default: after", 0, 0, 0, 0);
	return tap_result();
}

/* ------------------------------------------------------------------ */

/*
 * paths_hash_size: page-change-facility.patch sizes its hash at one
 * bucket per 4 pages of low memory (nr_free_buffer_pages() at boot),
 * from 256 to 16384 buckets.  /proc/page_change (debug) shows the size
 * and the low memory it was computed from; that must be the low memory
 * of this guest (LowTotal, give or take the kernel's own reservations),
 * not all of it.  Booted at 32 MB (up-swap), 128 MB (up, smp) and
 * 1536 MB (smp-highmem).
 */
int paths_hash_size(void)
{
	long b = proc_field("/proc/page_change", "buckets");
	long low = proc_field("/proc/page_change", "lowmem");
	long lowtotal = rt_meminfo("LowTotal") / 4;
	long mem = rt_meminfo("MemTotal") / 4;
	unsigned long bits;

	if (tap_host)
		SKIP("not on the host");
	if (b < 0)
		SKIP("no /proc/page_change (vanilla 2.5.38): the hash size "
		     "cannot be seen");
	REQUIRE(low > 0, "/proc/page_change has no lowmem line "
		"(debug-fault-inject.patch)");
	if (lowtotal < 0)
		lowtotal = mem;
	for (bits = 8; bits < 14 && (4UL << bits) < (unsigned long)low; bits++)
		;
	tap_diag("paths_hash_size: %ld buckets, lowmem %ld pages, LowTotal "
		 "%ld pages, MemTotal %ld pages", b, low, lowtotal, mem);
	EXPECT(b == 1L << bits, "page_change: %ld buckets for lowmem %ld "
	       "pages; one per 4 pages, 256..16384, is %ld", b, low,
	       1L << bits);
	EXPECT(low >= lowtotal - 2048 && low <= lowtotal + mem / 64 + 4096,
	       "page_change sized for %ld pages of low memory; LowTotal is "
	       "%ld pages (MemTotal %ld)", low, lowtotal, mem);
	return tap_result();
}

/* ------------------------------------------------------------------ */

/*
 * paths_alloc_fail: as uid 1000 with RLIMIT_MEMLOCK 4 pages, each
 * allocation of the registration paths fails once (injected through
 * /proc/futex_fault): the futex_q of FUTEX_FD (ENOMEM), its file, after
 * the page is pinned, registered and charged (ENFILE), and the fault of
 * a futex lookup (ENOMEM, for FUTEX_FD, FUTEX_WAIT and FUTEX_WAKE); and
 * a real EMFILE (RLIMIT_NOFILE), also after the charge.  Each returns
 * its error, "injected" counts it, nothing stays pinned or registered,
 * and the user still gets exactly 4 FUTEX_FDs: no charge leaked.
 * debug-fault-leak-charge.patch (in no series) must fail it.
 */
#define FAULT_PATH	"/proc/futex_fault"
#define ALLOC_PAGES	4

static long arm(const char *what)
{
	long fd = sys_open(FAULT_PATH, O_WRONLY, 0), r;

	if (fd < 0)
		return fd;
	r = sys_write(fd, what, strlen(what));
	sys_close(fd);
	return r < 0 ? r : 0;
}

static long injected(void)
{
	return proc_field(FAULT_PATH, "injected");
}

static void expect_injected(const char *what, long ret, long err, long *n)
{
	long now = injected();

	EXPECT(ret == -err && now == *n + 1, "%s: got %s, want %s, with "
	       "one failure injected (%ld, was %ld)", what,
	       ret < 0 ? rt_errname(ret) : "success", rt_errname(err), now,
	       *n);
	if (ret >= 0)
		sys_close(ret);
	*n = now;
}

static int alloc_child(void *arg)
{
	volatile int *p = rt_private_page();
	volatile int *z = rt_map(2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS);
	long fds[ALLOC_PAGES + 1], n, r, maxfd, last = 0;
	struct rlimit nofile;
	int i;
	tap_failures = 0;	/* ours, not the parent's */

	(void)arg;
	if (!p || !z)
		return 100;
	if (set_rlimit(RLIMIT_MEMLOCK, ALLOC_PAGES * PAGE_SIZE) ||
	    sys_setuid(LIMIT_UID))
		return 101;
	n = injected();

	EXPECT_ERR(arm("qalloc 1"), 0, "arming qalloc");
	expect_injected("FUTEX_FD, futex_q allocation failing", futex_fd(p),
			ENOMEM, &n);
	EXPECT_ERR(arm("filp 1"), 0, "arming filp");
	expect_injected("FUTEX_FD, file allocation failing", futex_fd(p),
			ENFILE, &n);
	/* z[0] and z[1024] are untouched: their lookups fault */
	EXPECT_ERR(arm("lookup 1"), 0, "arming lookup");
	expect_injected("FUTEX_FD, fault of its lookup failing", futex_fd(z),
			ENOMEM, &n);
	EXPECT_ERR(arm("lookup 1"), 0, "arming lookup");
	expect_injected("FUTEX_WAIT, fault of its lookup failing",
			futex_wait_ms(z, 0, 10), ENOMEM, &n);
	EXPECT_ERR(arm("lookup 1"), 0, "arming lookup");
	expect_injected("FUTEX_WAKE, fault of its lookup failing",
			sys_futex(&z[PAGE_SIZE / 4], FUTEX_WAKE, 1, NULL),
			ENOMEM, &n);
	/* and the same calls work once nothing is armed */
	EXPECT_ERR(futex_wait_ms(z, 0, 10), ETIMEDOUT, "FUTEX_WAIT after "
		   "the injected failures");
	EXPECT_EQ(sys_futex(&z[PAGE_SIZE / 4], FUTEX_WAKE, 1, NULL), 0,
		  "FUTEX_WAKE after the injected failures");

	/* a real EMFILE, after the charge: no fd free below the limit */
	for (maxfd = 0; maxfd < 64; maxfd++)
		if (sys_fcntl(maxfd, F_GETFD, 0) < 0)
			break;
	nofile.rlim_cur = maxfd;
	nofile.rlim_max = 1024;
	r = SC2(__NR_setrlimit, RLIMIT_NOFILE, &nofile);
	EXPECT_ERR(r, 0, "setrlimit(RLIMIT_NOFILE)");
	EXPECT_ERR(futex_fd(p), EMFILE, "FUTEX_FD with no fd free");
	nofile.rlim_cur = 1024;
	EXPECT_ERR(SC2(__NR_setrlimit, RLIMIT_NOFILE, &nofile), 0,
		   "setrlimit(RLIMIT_NOFILE) back");
	expect_counts("alloc_fail: after the failures", 0, 0, 0, 0);

	/* no charge left behind: exactly ALLOC_PAGES fds, then ENOMEM */
	for (i = 0; i < ALLOC_PAGES + 1; i++) {
		fds[i] = futex_fd(&p[i * 8]);
		if (fds[i] < 0) {
			last = fds[i];
			break;
		}
	}
	EXPECT(i == ALLOC_PAGES && last == -ENOMEM, "FUTEX_FDs after the "
	       "failures: %d, then %s; want %d, then ENOMEM (a failed "
	       "FUTEX_FD kept its charge?)", i, last ? rt_errname(last) :
	       "no failure", ALLOC_PAGES);
	while (--i >= 0)
		sys_close(fds[i]);
	return tap_failures;
}

int paths_alloc_fail(void)
{
	int pid;

	if (tap_host)
		SKIP("not on the host");
	if (injected() < 0)
		SKIP("no %s (debug-fault-inject.patch: patched test kernels "
		     "only)", FAULT_PATH);
	if (sys_getuid() != 0)
		SKIP("not root: cannot set up another uid");
	expect_counts("alloc_fail: before", 0, 0, 0, 0);
	pid = fork_run(alloc_child, NULL);
	REQUIRE(pid > 0, "fork");
	EXPECT_EQ(wait_exit(pid), 0, "the child's failures (above)");
	expect_counts("alloc_fail: after", 0, 0, 0, 0);
	return tap_result();
}
