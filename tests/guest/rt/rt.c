// SPDX-License-Identifier: GPL-2.0
/*
 * The freestanding guest runtime: process start, strings, time,
 * signals, memory.
 */
#include "rt.h"

char **rt_environ;
static long base_sec;		/* rt_now_ms() counts from here */

int main(int argc, char **argv, char **envp);
void rt_start_c(long *sp) __attribute__((noreturn, used));

/* called by _start with the initial stack pointer */
void rt_start_c(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	struct timeval tv;

	rt_environ = envp;
	sys_gettimeofday(&tv, NULL);
	base_sec = tv.tv_sec;
	sys_exit(main(argc, argv, envp));
}

/*
 * gcc may emit calls to these even with -ffreestanding (structure
 * copies and initialisation), so they must exist under these names.
 */
void *memset(void *s, int c, size_t n)
{
	u8 *p = s;

	while (n--)
		*p++ = (u8)c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	u8 *dp = d;
	const u8 *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (u8)*a - (u8)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (u8)*a - (u8)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (; *s; s++)
		if (*s == (char)c)
			return (char *)s;
	return c ? NULL : (char *)s;
}

int rt_list_has(const char *list, const char *word, size_t n)
{
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && !strncmp(p, word, n))
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

const char *rt_getenv(const char *name)
{
	size_t n = strlen(name);
	char **e;

	for (e = rt_environ; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

long rt_atol(const char *s)
{
	long v = 0;
	int neg = 0;

	if (*s == '-')
		neg = 1, s++;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return neg ? -v : v;
}

static const struct {
	int err;
	const char *name;
} errnames[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
	{ EINTR, "EINTR" }, { EIO, "EIO" }, { EBADF, "EBADF" },
	{ ECHILD, "ECHILD" }, { EWOULDBLOCK, "EWOULDBLOCK" },
	{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { EINVAL, "EINVAL" },
	{ ENFILE, "ENFILE" }, { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" },
	{ ENOSPC, "ENOSPC" }, { ENOSYS, "ENOSYS" },
	{ ETIMEDOUT, "ETIMEDOUT" },
};

const char *rt_errname(long err)
{
	static char buf[4][16];
	static int slot;
	unsigned int i;
	char *b;

	if (err < 0)
		err = -err;
	if (err == 0)
		return "0";
	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	b = buf[slot++ % 4];
	rt_snprintf(b, sizeof(buf[0]), "E%ld", err);
	return b;
}

long rt_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	size_t done = 0;
	long r;

	while (done < n) {
		r = sys_write(fd, p + done, n - done);
		if (r == -EINTR)
			continue;
		if (r <= 0)
			return done ? (long)done : r;
		done += r;
	}
	return done;
}

/*
 * Set by init as PID 1 of a guest, whose fds 1 and 2 are the serial
 * console.  A line written there waits in the tty buffer until the UART
 * has sent it, but printk() writes to the UART at once, so a kernel
 * message that the writer's next system call causes could land inside
 * the line.  rt_write_out() therefore waits until the line is sent
 * (TCSBRK with a nonzero argument is tcdrain()).
 */
int rt_console_drain;

long rt_write_out(int fd, const void *buf, size_t n)
{
	long r = rt_write_all(fd, buf, n);

	if (rt_console_drain && (fd == 1 || fd == 2))
		while (sys_ioctl(fd, TCSBRK, 1) == -EINTR)
			;
	return r;
}

/* read up to n-1 bytes of a (small) file and NUL-terminate them */
long rt_read_file(const char *path, char *buf, size_t n)
{
	long fd, r, len = 0;

	fd = sys_open(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	while ((size_t)len < n - 1) {
		r = sys_read(fd, buf + len, n - 1 - len);
		if (r == -EINTR)
			continue;
		if (r <= 0)
			break;
		len += r;
	}
	buf[len] = 0;
	sys_close(fd);
	return len;
}

long rt_meminfo(const char *field)
{
	char buf[2048], *p;
	size_t n = strlen(field);

	if (rt_read_file("/proc/meminfo", buf, sizeof(buf)) <= 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, field, n) && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			return rt_atol(p);
		}
	return -1;
}

s64 rt_now_us(void)
{
	struct timeval tv;

	sys_gettimeofday(&tv, NULL);
	return (s64)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* milliseconds since the program started (a 32-bit long cannot hold
 * milliseconds since 1970) */

long rt_now_ms(void)
{
	struct timeval tv;

	sys_gettimeofday(&tv, NULL);
	return (tv.tv_sec - base_sec) * 1000 + tv.tv_usec / 1000;
}

struct timespec rt_ms_ts(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	return ts;
}

/* sleep at least ms milliseconds, whatever signals arrive */
void rt_sleep_ms(long ms)
{
	struct timespec ts = rt_ms_ts(ms), rem;

	while (sys_nanosleep(&ts, &rem) == -EINTR)
		ts = rem;
}

extern void rt_sigreturn_tramp(void);

static long set_action(int sig, void *handler, unsigned long flags)
{
	struct k_sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.handler = handler;
	sa.flags = flags | SA_RESTORER;
	sa.restorer = rt_sigreturn_tramp;
	return sys_rt_sigaction(sig, &sa, NULL);
}

/*
 * Always SA_SIGINFO: without it i386 builds the old sigframe, which
 * wants sigreturn (119) and a restorer that pops the signal number
 * first; with it, the rt frame and rt_sigreturn_tramp (x86_64 always
 * builds the rt frame).  A handler that takes only (int sig) does not
 * mind the two extra arguments.
 */
long rt_signal(int sig, void (*handler)(int))
{
	return set_action(sig, (void *)handler, SA_SIGINFO);
}

long rt_sigaction_info(int sig, void (*handler)(int, siginfo_t *, void *))
{
	return set_action(sig, (void *)handler, SA_SIGINFO);
}

long rt_sigmask(int how, int sig)
{
	sigset_t set = { { 0, 0 } };

	set.sig[(sig - 1) / 32] = 1u << ((sig - 1) % 32);
	return sys_rt_sigprocmask(how, &set, NULL);
}

void *rt_map(size_t len, int prot, int flags)
{
	void *p = sys_mmap(NULL, len, prot, flags, -1, 0);

	return IS_ERR_VALUE(p) ? NULL : p;
}

int *rt_private_page(void)
{
	int *p = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS);

	/*
	 * Touch it: an untouched anonymous page read by get_user_pages()
	 * is the shared ZERO_PAGE, and 2.5.38 would hash every such
	 * futex of every process to the same (page, offset) key.
	 */
	if (p)
		WRITE_ONCE(p[0], 0);
	return p;
}
