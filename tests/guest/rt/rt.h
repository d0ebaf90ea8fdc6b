/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The freestanding guest runtime: strings, formatted output, time,
 * signals, memory.  No libc; system calls in syscall.h.
 */
#ifndef RT_RT_H
#define RT_RT_H

#include "syscall.h"

typedef __builtin_va_list va_list;
#define va_start(ap, last)	__builtin_va_start(ap, last)
#define va_arg(ap, type)	__builtin_va_arg(ap, type)
#define va_end(ap)		__builtin_va_end(ap)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define barrier()	__asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x)	(*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define __printf(a, b)	__attribute__((format(printf, a, b)))

/* rt.c */
extern char **rt_environ;
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* does the comma-separated list contain word (its first n chars)? */
int rt_list_has(const char *list, const char *word, size_t n);
const char *rt_getenv(const char *name);
long rt_atol(const char *s);
/* "EFAULT" for -14 or 14; "0" for 0; "E123" if unknown */
const char *rt_errname(long err);

long rt_write_all(int fd, const void *buf, size_t n);
long rt_write_out(int fd, const void *buf, size_t n);
extern int rt_console_drain;
long rt_read_file(const char *path, char *buf, size_t n);
/* a field of /proc/meminfo ("MemFree", "HighFree", ...); -1 if absent */
long rt_meminfo(const char *field);

/* monotonic enough: gettimeofday, in milliseconds / microseconds */
long rt_now_ms(void);
s64 rt_now_us(void);
void rt_sleep_ms(long ms);
struct timespec rt_ms_ts(long ms);

/* install a handler (no SA_RESTART: blocked syscalls see -EINTR) */
long rt_signal(int sig, void (*handler)(int));
long rt_sigaction_info(int sig, void (*handler)(int, siginfo_t *, void *));
long rt_sigmask(int how, int sig);

void *rt_map(size_t len, int prot, int flags);	/* NULL on failure */
/* one private, anonymous, read-write page, already touched (not the
 * zero page): a futex on it is in a page of its own */
int *rt_private_page(void);

/* printf.c: %d %i %u %x %X %p %s %c %%, with l, width, '-' and '0' */
int rt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int rt_snprintf(char *buf, size_t n, const char *fmt, ...) __printf(3, 4);
/* one write(2) per call, so that lines of concurrent tasks do not mix */
int rt_printf(const char *fmt, ...) __printf(1, 2);
int rt_dprintf(int fd, const char *fmt, ...) __printf(2, 3);

#endif /* RT_RT_H */
