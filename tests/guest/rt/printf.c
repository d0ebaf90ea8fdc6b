// SPDX-License-Identifier: GPL-2.0
/*
 * A small vsnprintf: %d %i %u %x %X %p %s %c %%, the 'l' length modifier
 * (on i386 long is 32 bits, so it changes nothing there; on x86_64 it
 * does), a field width and the '-' and '0' flags.  Enough for TAP lines
 * and diagnostics.
 */
#include "rt.h"

/* the argument of %d (SARG) or %u %x (UARG), l: there was an 'l' */
#ifdef __x86_64__
#define SARG(ap, l)	((l) ? va_arg(ap, long) : (long)va_arg(ap, int))
#define UARG(ap, l)	((l) ? va_arg(ap, unsigned long) : \
			 (unsigned long)va_arg(ap, unsigned int))
#else
#define SARG(ap, l)	((void)(l), va_arg(ap, long))
#define UARG(ap, l)	((void)(l), va_arg(ap, unsigned long))
#endif

struct out {
	char *buf;
	size_t size;
	size_t len;		/* would-be length, like snprintf */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_field(struct out *o, const char *s, size_t n, int width,
		      int left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	/* a zero-padded negative number: the sign goes before the zeros */
	if (!left && pad == '0' && n && *s == '-') {
		put(o, *s++);
		n--;
	}
	if (!left)
		while (fill--)
			put(o, pad);
	while (n--)
		put(o, *s++);
	if (left)
		while (fill-- > 0)
			put(o, ' ');
}

static size_t utoa(char *end, unsigned long v, unsigned int base, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	do {
		*--p = digits[v % base];
		v /= base;
	} while (v);
	return end - p;
}

int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	char num[24], *end = num + sizeof(num);

	for (; *fmt; fmt++) {
		int left = 0, width = 0, l = 0;
		char pad = ' ';
		unsigned long u;
		const char *s;
		size_t n;
		long d;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l')
			fmt++, l = 1;

		switch (*fmt) {
		case 'd':
		case 'i':
			d = SARG(ap, l);
			u = d < 0 ? -(unsigned long)d : (unsigned long)d;
			n = utoa(end, u, 10, 0);
			if (d < 0)
				end[-(int)++n] = '-';
			put_field(&o, end - n, n, width, left, pad);
			break;
		case 'u':
			n = utoa(end, UARG(ap, l), 10, 0);
			put_field(&o, end - n, n, width, left, pad);
			break;
		case 'x':
		case 'X':
			n = utoa(end, UARG(ap, l), 16, *fmt == 'X');
			put_field(&o, end - n, n, width, left, pad);
			break;
		case 'p':
			n = utoa(end, (unsigned long)va_arg(ap, void *), 16, 0);
			end[-(int)++n] = 'x';
			end[-(int)++n] = '0';
			put_field(&o, end - n, n, width, left, ' ');
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			put_field(&o, s, strlen(s), width, left, ' ');
			break;
		case 'c':
			num[0] = (char)va_arg(ap, int);
			put_field(&o, num, 1, width, left, ' ');
			break;
		case '%':
			put(&o, '%');
			break;
		case 0:
			fmt--;	/* trailing '%': stop at the NUL */
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return o.len;
}

int rt_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = rt_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

static int vdprintf(int fd, const char *fmt, va_list ap)
{
	char buf[512];
	int n = rt_vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	rt_write_out(fd, buf, n);
	return n;
}

int rt_dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vdprintf(fd, fmt, ap);
	va_end(ap);
	return r;
}

int rt_printf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vdprintf(1, fmt, ap);
	va_end(ap);
	return r;
}
